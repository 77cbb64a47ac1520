/**
 * .docx through mammoth: real .docx files built at test time (jszip, the
 * minimal WordprocessingML package) from the project's example documents
 * (always) and the real seeds (with DUBAN_SEEDS_DIR), read back with
 * extractText, parsed, and compared with the preview of the .txt.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { MAX_DOCX_UNPACKED_BYTES, MAX_DOCX_XML_BYTES } from './docx';
import { extractBytes, extractText } from './extract';
import { parsePolicyDocument } from './preview';
import type { DocxBlock, TextTable } from './testing/docx-fixture';
import { buildDocx, documentXml, importErrorOf, SEED_000_ANNEX, seedBlocks } from './testing/docx-fixture';
import { example, EXAMPLES } from './testing/examples';
import type { ExampleName } from './testing/examples';
import { describeWithSeeds, seed } from './testing/seeds';
import type { ImportPreview } from './types';

const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** The seed text as the .docx gives it back: bold runs without their marks, one newline at the end. */
const asExtracted = (text: string): string => `${text.replace(/<\/?b>|\*\*/g, '').replace(/\n?$/, '')}\n`;

/** The preview without line numbers (for seed 000, whose annex is 17 table rows in Word and 36 lines in the text). */
const withoutLines = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'line' || key === 'endLine' ? undefined : v));

const withoutSource = (p: ImportPreview): Omit<ImportPreview, 'source'> => {
  const { source: _source, ...rest } = p;
  return rest;
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'duban-docx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the .docx of a text and reads it back through extractText, as `duban import FILE.docx` does. */
async function textAsDocx(txt: string, name: string, tables: readonly TextTable[] = []): Promise<{ txt: string; docx: Awaited<ReturnType<typeof extractText>>; size: number }> {
  const bytes = await buildDocx(seedBlocks(txt, tables));
  const file = join(dir, `${name}.docx`);
  writeFileSync(file, bytes);
  return { txt, docx: await extractText(file), size: bytes.length };
}
const seedAsDocx = (prefix: string, tables: readonly TextTable[] = []) => textAsDocx(seed(prefix), prefix, tables);
const exampleAsDocx = (name: ExampleName) => textAsDocx(example(name), name);

describe('the example documents as .docx give the preview of their .txt', () => {
  it('example 01 (its annex table by unit a real Word table): the very text, the very preview', async () => {
    const { txt, docx, size } = await exampleAsDocx('workPlan');
    expect(docx).toEqual({ text: txt, format: 'docx', encoding: 'utf-8', bytes: size });
    expect(docx.text).toContain('\n单位\t诊断企业\t上云企业\t示范企业\n郑州航空港区\t90\t300\t6\n');
    expect(docx.text).toContain('\n郑政办〔2026〕8号\n');
    const fromDocx = parsePolicyDocument(docx.text);
    expect(fromDocx).toEqual(parsePolicyDocument(txt));
    expect(fromDocx.summary).toMatchObject({ items: 6, withLead: 5, withDeadline: 6, itemTargets: 3, targetRows: 18 });
    expect(fromDocx.tables).toEqual([expect.objectContaining({ kind: 'targets-by-unit', line: 93, endLine: 99, rows: 6 })]);
  });

  it('example 03 (the division table with its section rows): the very text, the same items, leads and table', async () => {
    const { txt, docx } = await exampleAsDocx('divisionTable');
    expect(docx.text).toBe(txt);
    expect(docx.text).toContain('\n序号\t专项工作\t牵头部门\t配合部门\n');
    expect(docx.text).toContain('\n1\t招引链主企业\t各产业集聚区\t市商务局、发展改革委\n');
    const fromDocx = parsePolicyDocument(docx.text);
    expect(fromDocx).toEqual(parsePolicyDocument(txt));
    expect(fromDocx.items.map((i) => i.leadUnits)).toEqual([[], ['市自然资源规划局'], ['市工信局'], ['市工信局', '市生态环境局'], [], ['市人社局'], ['市发展改革委']]);
    expect(fromDocx.tables).toEqual([expect.objectContaining({ kind: 'division', line: 50, endLine: 60, rows: 10 })]);
  });

  it('examples 02 (parentheses) and 04 (a bulletin) too', async () => {
    for (const name of ['parentheses', 'bulletin'] as const) {
      const { txt, docx } = await exampleAsDocx(name);
      expect(docx.text).toBe(txt);
      expect(parsePolicyDocument(docx.text)).toEqual(parsePolicyDocument(txt));
    }
    expect(Object.keys(EXAMPLES)).toHaveLength(4);
  });
});

describeWithSeeds('the seeds as .docx give the preview of their .txt', () => {
  it('seed 003 (tables: targets by year, a name list): the very text, the very preview', async () => {
    const { txt, docx, size } = await seedAsDocx('003');
    expect(docx).toEqual({ text: txt, format: 'docx', encoding: 'utf-8', bytes: size });
    const fromTxt = parsePolicyDocument(txt);
    const fromDocx = parsePolicyDocument(docx.text);
    expect(fromDocx).toEqual(fromTxt);
    expect(fromDocx.summary).toMatchObject({ items: 22, targetRows: 21 });
    expect(fromDocx.tables.map((t) => t.kind)).toEqual(['targets-by-year', 'unrecognised']);
    expect(docx.text).toContain('年新增市场主体\t16000\t17000\t18000\n');
  });

  it('seed 002 (headings, bold runs, the division table with merged section rows): the same items, leads and table', async () => {
    const { txt, docx } = await seedAsDocx('002');
    expect(docx.format).toBe('docx');
    expect(docx.text).toBe(asExtracted(txt));
    // the table rows come back tab-separated, a merged section row padded to the table's four columns
    expect(docx.text).toContain('\n序号\t专项工作\t牵头部门\t配合部门\n');
    expect(docx.text).toContain('\n一\t推动主导产业提质\t\t\n');
    expect(docx.text).toContain('\n1\t选优产业项目\t各产业集聚区\t市商务局、发展改革委、自然资源规划局、生态环境局\n');
    expect(docx.text).toContain('\n### 三、重点任务\n');
    const fromTxt = parsePolicyDocument(txt);
    const fromDocx = parsePolicyDocument(docx.text);
    expect(withoutSource(fromDocx)).toEqual(withoutSource(fromTxt));
    expect(fromDocx.items.map((i) => i.path)).toEqual(fromTxt.items.map((i) => i.path));
    expect(fromDocx.items.map((i) => i.leadUnits)).toEqual(fromTxt.items.map((i) => i.leadUnits));
    expect(fromDocx.summary).toMatchObject({ items: 17, withLead: 11 });
    expect(fromDocx.tables).toEqual([expect.objectContaining({ kind: 'division', line: 123, endLine: 146, rows: 22 })]);
  });

  it('seed 000 (its annex a real Word table): the same items, deadlines, targets; the annex read as a table', async () => {
    const { txt, docx } = await seedAsDocx('000', [SEED_000_ANNEX]);
    expect(docx.text).toContain('\n各开发区、区县 (市)\t新开工市级小微企业园\t集聚入园企业\t“专精特新”企业\t科技型企业\n郑州航空港区\t2\t200\t15\t50\n');
    expect(docx.text).toContain('\n郑政办 〔2021〕34号\n'); // exactly as written, 〔〕 and the space
    const fromTxt = parsePolicyDocument(txt);
    const fromDocx = parsePolicyDocument(docx.text);
    // the items come before the annex: line numbers included
    expect(fromDocx.items).toEqual(fromTxt.items);
    expect(fromDocx.items.map((i) => i.deadline)).toEqual(fromTxt.items.map((i) => i.deadline));
    expect(fromDocx.summary).toEqual(fromTxt.summary);
    expect(fromDocx.summary).toMatchObject({ items: 44, withLead: 42, withDeadline: 44, itemTargets: 8, targetRows: 64 });
    // the annex: 17 rows in Word, 36 lines in the PDF text, so what follows it moved up; the same otherwise
    expect(withoutLines(fromDocx.targets)).toEqual(withoutLines(fromTxt.targets));
    expect(withoutLines(fromDocx.tables)).toEqual(withoutLines(fromTxt.tables));
    expect(withoutLines(fromDocx.document)).toEqual(withoutLines(fromTxt.document));
    expect(withoutLines(fromDocx.unresolved)).toEqual(withoutLines(fromTxt.unresolved));
    expect(withoutLines(fromDocx.warnings)).toEqual(withoutLines(fromTxt.warnings));
    expect(fromDocx.tables).toEqual([expect.objectContaining({ kind: 'targets-by-unit', line: 713, endLine: 729, rows: 16 })]);
    expect(fromDocx.targets.filter((t) => t.unit === '郑州航空港区').map((t) => [t.metric, t.value])).toEqual([
      ['新开工市级小微企业园', 2],
      ['集聚入园企业', 200],
      ['“专精特新”企业', 15],
      ['科技型企业', 50],
    ]);
  });

  it('seeds 001 (an annex on its own) and 004 (a bulletin, markdown headings) too', async () => {
    for (const prefix of ['001', '004']) {
      const { txt, docx } = await seedAsDocx(prefix);
      expect(docx.text).toBe(asExtracted(txt));
      expect(withoutSource(parsePolicyDocument(docx.text))).toEqual(withoutSource(parsePolicyDocument(txt)));
    }
  });
});

describe('.docx structure → lines', () => {
  const read = async (blocks: DocxBlock[], replace: Record<string, string | null> = {}) =>
    extractBytes('test.docx', await buildDocx(blocks, replace));

  it('paragraphs are lines, empty ones too; headings get # marks; bold is plain text; Chinese text exact', async () => {
    const r = await read([
      { kind: 'p', text: '郑州市人民政府办公厅文件', heading: 1 },
      { kind: 'p', text: '' },
      { kind: 'p', text: '郑政办〔2021〕34号' },
      { kind: 'p', text: '（一）**加强组织领导**。牵头单位：市工信局、市人社局；' },
      { kind: 'p', text: '' },
      { kind: 'p', text: '', heading: 2 },
      { kind: 'p', text: '三、重点任务', heading: 3 },
      { kind: 'p', text: 'A & B <c> "d"\t全角：，。“”' },
    ]);
    expect(r.text).toBe(
      '# 郑州市人民政府办公厅文件\n\n郑政办〔2021〕34号\n（一）加强组织领导。牵头单位：市工信局、市人社局；\n\n\n### 三、重点任务\nA & B <c> "d"\t全角：，。“”\n',
    );
    expect(r.warnings).toBeUndefined();
  });

  it('a line break inside a paragraph starts a new line', async () => {
    const doc = documentXml([{ kind: 'p', text: '第一行BREAK第二行' }]).replace('BREAK', '</w:t><w:br/><w:t xml:space="preserve">');
    expect((await read([], { 'word/document.xml': doc })).text).toBe('第一行\n第二行\n');
  });

  it('a table row is one line of tab-separated cells: header rows, merged columns padded, merged rows repeated', async () => {
    const r = await read([
      { kind: 'p', text: '附件' },
      {
        kind: 'table',
        headerRows: 1,
        rows: [
          ['序号', '专项工作', '牵头部门', '配合部门'],
          ['一', { text: '推动主导产业提质', span: 3 }],
          ['1', '选优产业项目', { text: '市发展改革委', vMerge: 'restart' }, '市商务局、市财政局'],
          ['2', '做强优势产业', { text: '', vMerge: 'continue' }, '市科技局'],
          [{ text: '3', vMerge: 'restart' }, '培育新兴产业', '市工信局', { text: '市财政局', vMerge: 'restart' }],
          [{ text: '', vMerge: 'continue' }, '强化用地保障', '市自然资源规划局', { text: '', vMerge: 'continue' }],
        ],
      },
      { kind: 'p', text: '主办：市发展改革委' },
    ]);
    expect(r.text.split('\n')).toEqual([
      '附件',
      '序号\t专项工作\t牵头部门\t配合部门',
      '一\t推动主导产业提质\t\t',
      '1\t选优产业项目\t市发展改革委\t市商务局、市财政局',
      '2\t做强优势产业\t市发展改革委\t市科技局',
      '3\t培育新兴产业\t市工信局\t市财政局',
      '3\t强化用地保障\t市自然资源规划局\t市财政局',
      '主办：市发展改革委',
      '',
    ]);
  });

  it('inside a cell: paragraphs and line breaks joined by a space, tabs as spaces, a nested table as text', async () => {
    const nested = documentXml([{ kind: 'table', rows: [['内表甲', '内表乙']] }]).replace(/^[\s\S]*<w:body>|<w:sectPr\/>[\s\S]*$/g, '');
    const doc = documentXml([{ kind: 'table', rows: [['A', 'CELL', 'C']] }]).replace(
      '<w:p><w:r><w:t xml:space="preserve">CELL</w:t></w:r></w:p>',
      '<w:p><w:r><w:t>新开工市级</w:t></w:r></w:p><w:p><w:r><w:t>小微企业园</w:t><w:br/><w:t>x</w:t><w:tab/><w:t>y</w:t></w:r></w:p>' + nested + '<w:p/>',
    );
    expect((await read([], { 'word/document.xml': doc })).text).toBe('A\t新开工市级 小微企业园 x y 内表甲 内表乙\tC\n');
  });

  it('footnote markers are dropped and the footnotes are lines at the end; automatic list numbering gives a warning', async () => {
    const doc = documentXml([{ kind: 'p', text: '正文FOOT' }, { kind: 'p', text: 'LIST' }])
      .replace('FOOT</w:t></w:r>', '</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>')
      .replace(
        '<w:p><w:r><w:t xml:space="preserve">LIST',
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">加强组织领导',
      );
    const r = await read([], {
      'word/document.xml': doc,
      'word/_rels/document.xml.rels':
        `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${REL_NS}">` +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>' +
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>',
      'word/footnotes.xml': `<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="${W_NS}"><w:footnote w:id="1"><w:p><w:r><w:t>注：含在建项目。</w:t></w:r></w:p></w:footnote></w:footnotes>`,
      'word/numbering.xml':
        `<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="${W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/>` +
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>',
    });
    expect(r.text).toBe('正文\n加强组织领导\n注：含在建项目。\n');
    expect(r.warnings).toEqual([expect.stringMatching(/^test\.docx: 1 paragraph\(s\) are numbered automatically by Word/)]);
  });
});

describe('.docx bad input: a typed error naming the file', () => {
  const write = (name: string, content: string | Uint8Array): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it('a truncated zip, plain text, an old .doc: invalid-docx, and what to do', async () => {
    const truncated = await importErrorOf(extractText(write('truncated.docx', 'PK\u0003\u0004')));
    expect(truncated.code).toBe('invalid-docx');
    expect(truncated.message).toBe(`${join(dir, 'truncated.docx')}: not a .docx document: a damaged or incomplete zip archive (a .docx is a zip archive)`);

    const text = await importErrorOf(extractText(write('text.docx', '郑州市人民政府办公厅文件\n郑政办〔2021〕1号\n')));
    expect(text.code).toBe('invalid-docx');
    expect(text.message).toContain('text.docx: not a .docx document: not a zip archive');
    expect(text.message).toContain('name it .txt');

    const ole = await importErrorOf(extractText(write('old.docx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Array<number>(600).fill(0)]))));
    expect(ole.code).toBe('invalid-docx');
    expect(ole.message).toContain('old.docx: not a .docx document: it is an older Word 97-2003 (.doc)');
  });

  it('a zip that is not a Word document, or whose document is broken XML: invalid-docx with mammoth\'s reason', async () => {
    const zip = new JSZip();
    zip.file('xl/workbook.xml', '<workbook/>');
    const notWord = await importErrorOf(extractText(write('sheet.docx', await zip.generateAsync({ type: 'nodebuffer' }))));
    expect(notWord.code).toBe('invalid-docx');
    expect(notWord.message).toMatch(/^.*sheet\.docx: not a readable \.docx document \(Could not find main document part/);

    const broken = await importErrorOf(extractBytes('broken.docx', await buildDocx([], { 'word/document.xml': `<w:document xmlns:w="${W_NS}"><w:body><w:p>` })));
    expect(broken.code).toBe('invalid-docx');
    expect(broken.message).toMatch(/^broken\.docx: not a readable \.docx document \(/);
  });

  it('parts declared to unpack beyond a limit are refused before they are unpacked: the XML parts over 4 MB, all parts over 64 MB', async () => {
    /** The .docx with word/document.xml declared `size` bytes in the zip's table of contents (central directory). */
    const declaring = async (size: number): Promise<Buffer> => {
      const bytes = await buildDocx([{ kind: 'p', text: '郑州市人民政府办公厅文件' }]);
      const name = Buffer.from('word/document.xml');
      for (let at = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at - 1)) {
        if (bytes.subarray(at + 46, at + 46 + name.length).equals(name)) bytes.writeUInt32LE(size, at + 24);
      }
      return bytes;
    };
    const xml = await importErrorOf(extractBytes('big.docx', await declaring(MAX_DOCX_XML_BYTES + 1)));
    expect(xml.code).toBe('invalid-docx');
    expect(xml.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_XML_BYTES });
    expect(xml.message).toMatch(
      /^big\.docx: the XML parts its text is read from \(word\/document\.xml, \[Content_Types\]\.xml, _rels\/\.rels, …\) unpack to 4\.1 MB, more than the 4 MB a document is allowed; not read \(/,
    );
    const all = await importErrorOf(extractBytes('bigger.docx', await declaring(MAX_DOCX_UNPACKED_BYTES + 1)));
    expect(all.code).toBe('invalid-docx');
    expect(all.details).toMatchObject({ reason: 'too large', limit: MAX_DOCX_UNPACKED_BYTES });
    expect(all.message).toBe('bigger.docx: its parts unpack to 64.1 MB, more than the 64 MB a document is allowed; not read');
  });

  it('an empty file or a document without text: empty, as an empty text document', async () => {
    expect((await importErrorOf(extractText(write('zero.docx', '')))).code).toBe('empty');
    expect((await importErrorOf(extractText(write('zero.txt', '')))).code).toBe('empty');
    const blank = await importErrorOf(extractBytes('blank.docx', await buildDocx([{ kind: 'p', text: '' }, { kind: 'p', text: '   ' }, { kind: 'table', rows: [['', '']] }])));
    expect(blank.code).toBe('empty');
    expect(blank.message).toBe('blank.docx: the document has no text (a scanned document must be recognised (OCR) first)');
    expect((await importErrorOf(extractBytes('nobody.docx', await buildDocx([]))))).toMatchObject({ code: 'empty' });
  });

  it('the formats that are still not read keep their typed refusal', async () => {
    expect((await importErrorOf(extractText(write('a.doc', 'x')))).code).toBe('unsupported-format');
    expect((await importErrorOf(extractBytes('a.pdf', Buffer.from('%PDF-1.4')))).code).toBe('unsupported-format');
  });
});
