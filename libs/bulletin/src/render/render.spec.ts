import JSZip from 'jszip';
import mammoth from 'mammoth';
import { draftBulletin, GBT9704, renderBulletin, renderDocx, renderHtml, renderMarkdown, renderRankingSvg } from '../index';
import { sampleBulletinInput } from '../testing/sample-input';

const input = sampleBulletinInput();
const doc = draftBulletin(input);

async function docxXml(buffer: Buffer, path: string): Promise<string> {
  const zip = await JSZip.loadAsync(buffer);
  const file = zip.file(path);
  if (!file) throw new Error(`${path} missing`);
  return file.async('string');
}

describe('renderDocx', () => {
  let docx: Buffer;
  beforeAll(async () => {
    docx = await renderDocx(doc, input.issuedAt);
  });

  it('opens in mammoth with the title, the four headings, the annex rows and the anchor line', async () => {
    const { value: raw } = await mammoth.extractRawText({ buffer: docx });
    const lines = raw.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toContain('郑州市人民政府办公厅关于2021年5月份重点工作督查情况的通报');
    const headings = ['一、总体情况', '二、通报表扬', '三、通报批评', '四、工作要求'].map((h) => lines.indexOf(h));
    expect(headings.every((i) => i > 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
    expect(lines).toContain('（二）中牟县。在县市组中排名第6，得分61.20分，按期办结率50%，办结率62.5%，逾期未办结3项，往期逾期未办结1项。逾期事项如下：');
    expect(lines.some((l) => l.startsWith('3. 本通报数据依据事件日志第48213条') && l.endsWith('@48213 核验。'))).toBe(true);

    const { value: html } = await mammoth.convertToHtml({ buffer: docx });
    expect(html.match(/<table>/g)).toHaveLength(3);
    expect(html).toContain('<tr><td><p>中牟县</p></td><td><p>61.20</p></td><td><p>6</p></td>');
    expect(html).toContain('<td><p>黑榜</p></td>');
  });

  it('is laid out on A4 with the GB/T 9704 margins in twips and 28.9 pt exact lines', async () => {
    const xml = await docxXml(docx, 'word/document.xml');
    const sections = [...xml.matchAll(/<w:sectPr>.*?<\/w:sectPr>/g)].map((m) => m[0]);
    expect(sections).toHaveLength(2);
    expect(sections[0]).toContain('<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"/>');
    expect(sections[1]).toContain('<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>');
    for (const s of sections) expect(s).toMatch(/<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
    expect(GBT9704.line).toBe(578);
    expect(xml).toContain('w:line="578" w:lineRule="exact"');
  });

  it('sets an East-Asian font on every run: 小标宋 22 pt title, 黑体 headings, 楷体 （一）, 仿宋 body', async () => {
    const xml = await docxXml(docx, 'word/document.xml');
    const runs = [...xml.matchAll(/<w:r>(.*?)<\/w:r>/g)].map((m) => m[1]!);
    expect(runs.length).toBeGreaterThan(200);
    for (const r of runs) expect(r).toMatch(/<w:rFonts [^>]*w:eastAsia="[^"]+"/);
    const runOf = (text: string) => runs.find((r) => r.includes(`>${text}</w:t>`))!;
    expect(runOf(doc.title)).toMatch(/w:eastAsia="方正小标宋简体".*<w:sz w:val="44"\/>/);
    expect(runOf('三、通报批评')).toMatch(/w:eastAsia="黑体".*<w:sz w:val="32"\/>/);
    expect(runOf('（二）中牟县。')).toContain('w:eastAsia="楷体_GB2312"');
    expect(runOf(doc.opening)).toContain('w:eastAsia="仿宋_GB2312"');
    for (const footer of ['word/footer1.xml', 'word/footer2.xml']) {
      const xmlOfFooter = await docxXml(docx, footer);
      expect(xmlOfFooter).toContain('>— </w:t>');
      expect(xmlOfFooter).toContain('PAGE');
      expect(xmlOfFooter).toContain('w:eastAsia="宋体"');
    }
    const fonts = await docxXml(docx, 'word/fontTable.xml');
    expect(fonts).toContain('<w:font w:name="方正小标宋简体"><w:altName w:val="华文中宋,宋体"/>');
  });

  it('draws the annex tables with borders', async () => {
    const xml = await docxXml(docx, 'word/document.xml');
    const borders = [...xml.matchAll(/<w:tblBorders>(.*?)<\/w:tblBorders>/g)].map((m) => m[1]!);
    expect(borders).toHaveLength(3);
    for (const b of borders) for (const side of ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']) expect(b).toMatch(new RegExp(`<w:${side} w:val="single"`));
  });

  it('gives the same bytes for the same input, whatever the clock says', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'hrtime', 'performance'], now: new Date('2035-03-04T05:06:07Z') });
    try {
      const later = await renderDocx(draftBulletin(sampleBulletinInput()), input.issuedAt);
      expect(later.equals(docx)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
    const core = await docxXml(docx, 'docProps/core.xml');
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2021-06-06T16:00:00Z</dcterms:created>');
  });
});

describe('renderHtml, renderMarkdown, renderRankingSvg', () => {
  it('the HTML is one UTF-8 page with the sections, the tables and the chart inline with CJK labels', () => {
    const html = renderHtml(doc);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">')).toBe(true);
    expect(html).not.toMatch(/(src|href)=/);
    for (const heading of ['一、总体情况', '二、通报表扬', '三、通报批评', '四、工作要求']) expect(html).toContain(`<h2>${heading}</h2>`);
    expect(html).toContain('<span class="kai">（二）中牟县。</span>');
    expect(html.match(/<table>/g)).toHaveLength(3);
    expect(html).toContain('<tr class="black" data-unit="中牟县"><td>中牟县</td><td>61.20</td><td>6</td>');
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg).toContain('>1. 郑东新区</text>');
    expect(svg).toContain('>6. 中牟县</text>');
    expect(svg).toContain("font-family:'Source Han Sans SC'");
  });

  it('the chart marks the red list red and the black list black, units by rank', () => {
    const svg = renderRankingSvg(doc);
    expect(svg.startsWith('<svg')).toBe(true);
    const labels = [...svg.matchAll(/>(\d+\. [^<]+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual([
      '1. 郑东新区', '2. 郑州高新区', '3. 郑州经开区', '4. 郑州航空港区',
      '1. 新郑市', '2. 巩义市', '2. 荥阳市', '4. 登封市', '5. 新密市', '6. 中牟县',
      '1. 金水区', '2. 二七区', '3. 中原区', '4. 管城回族区', '5. 上街区',
    ]);
    expect(svg.match(/fill="#c00000"/g)).toHaveLength(3);
    expect(svg.match(/fill="#262626"/g)).toHaveLength(3);
  });

  it('the Markdown keeps the full-width punctuation exactly', () => {
    const md = renderMarkdown(doc);
    expect(md).toContain('# 郑州市人民政府办公厅关于2021年5月份重点工作督查情况的通报\n\n郑政办文〔2021〕　号\n\n各开发区管委会，各区县（市）人民政府，市人民政府各部门：');
    expect(md).toContain('**（一）抓紧整改逾期事项。**郑州航空港区、中牟县、上街区要');
    expect(md).toContain('| 中牟县 | 61.20 | 6 | 8 | 50% | 62.5% | 28.57% | 0% | — | 3 | 1 | 0 | 黑榜 |');
    for (const mark of ['、', '，', '：', '；', '（', '）', '〔', '〕']) expect(md).toContain(mark);
    // No half-width punctuation between Chinese characters.
    expect(md).not.toMatch(/[\u4e00-\u9fff][,;:()][\u4e00-\u9fff]/);
  });

  it('renders md, html and svg byte-identically from the same input, twice', async () => {
    const [a, b] = [await renderBulletin(sampleBulletinInput()), await renderBulletin(sampleBulletinInput())];
    expect(b.markdown).toBe(a.markdown);
    expect(b.html).toBe(a.html);
    expect(b.svg).toBe(a.svg);
    expect(b.docx.equals(a.docx)).toBe(true);
    expect(b.contentHash).toBe(a.contentHash);
  });
});
