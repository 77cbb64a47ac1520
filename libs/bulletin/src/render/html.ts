import type { BulletinDocument, Paragraph } from '../document';
import { renderRankingSvg } from './chart';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function paragraph(p: Paragraph): string {
  const lead = p.lead === undefined ? '' : `<span class="kai">${escape(p.lead)}</span>`;
  return `<p class="body">${lead}${escape(p.text)}</p>`;
}

/** The faces of GB/T 9704 first, then what a PC or a server usually has in their place. */
const FONTS = {
  title: "'方正小标宋简体', 'FZXiaoBiaoSong-B05S', '华文中宋', 'STZhongsong', 'Source Han Serif SC', 'Noto Serif CJK SC', 'SimSun', serif",
  body: "'仿宋_GB2312', '仿宋', 'FangSong', 'STFangsong', 'Source Han Serif SC', 'Noto Serif CJK SC', serif",
  hei: "'黑体', 'SimHei', 'Source Han Sans SC', 'Noto Sans CJK SC', sans-serif",
  kai: "'楷体_GB2312', '楷体', 'KaiTi', 'STKaiti', 'Source Han Serif SC', serif",
};

const STYLE = `
body { margin: 0; background: #f2f2f2; }
main { box-sizing: border-box; width: 210mm; margin: 12px auto; padding: 37mm 26mm 35mm 28mm; background: #fff; font-family: ${FONTS.body}; font-size: 16pt; line-height: 28.9pt; color: #000; }
h1 { font-family: ${FONTS.title}; font-size: 22pt; font-weight: normal; line-height: 1.5; text-align: center; margin: 0 0 28.9pt; }
h2 { font-family: ${FONTS.hei}; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h3 { font-family: ${FONTS.hei}; font-size: 16pt; font-weight: normal; margin: 0; }
p { margin: 0; }
.number { text-align: center; }
.body { text-indent: 2em; text-align: justify; }
.kai { font-family: ${FONTS.kai}; }
.signature { text-align: right; padding-right: 4em; }
.annex { margin-top: 28.9pt; border-top: 1px dashed #999; padding-top: 28.9pt; }
.annex h2 { text-indent: 0; }
.annex-title { font-family: ${FONTS.title}; font-size: 18pt; text-align: center; margin: 14pt 0; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 1.4; margin-bottom: 14pt; }
th, td { border: 1px solid #000; padding: 2pt 3pt; text-align: center; }
th { font-family: ${FONTS.hei}; font-weight: normal; }
td:first-child { text-align: left; white-space: nowrap; }
tr.red td { color: #c00000; }
tr.black td { font-weight: bold; }
.chart svg { display: block; max-width: 100%; height: auto; margin: 0 auto 14pt; }
.note { font-size: 12pt; line-height: 1.6; }
`;

/**
 * The bulletin as one self-contained HTML page (UTF-8, no external resource):
 * the text laid out after GB/T 9704 as far as a browser can, the annex tables,
 * and the ranking chart inline as SVG. Deterministic.
 */
export function renderHtml(doc: BulletinDocument): string {
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escape(doc.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<p class="number">${escape(doc.documentNumber)}</p>`,
    `<h1>${escape(doc.title)}</h1>`,
    `<p>${escape(doc.addressees)}</p>`,
    `<p class="body">${escape(doc.opening)}</p>`,
  ];
  for (const section of doc.sections) {
    out.push(`<h2>${escape(section.heading)}</h2>`);
    for (const p of section.paragraphs) out.push(paragraph(p));
  }
  out.push(
    `<p class="body">${escape(doc.attachmentNote)}</p>`,
    `<p class="signature">${escape(doc.signature.issuer)}</p>`,
    `<p class="signature">${escape(doc.signature.date)}</p>`,
    '<section class="annex">',
    `<h2>${escape(doc.annex.label)}</h2>`,
    `<p class="annex-title">${escape(doc.annex.title)}</p>`,
    `<figure class="chart">${renderRankingSvg(doc)}</figure>`,
  );
  for (const table of doc.annex.tables) {
    out.push(`<h3>${escape(table.caption)}</h3>`, '<table>');
    out.push(`<thead><tr>${table.columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead>`, '<tbody>');
    for (const row of table.rows) {
      const cls = row.mark === null ? '' : ` class="${row.mark}"`;
      out.push(`<tr${cls} data-unit="${escape(row.unitId)}">${row.cells.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`);
    }
    out.push('</tbody>', '</table>');
  }
  for (const note of doc.annex.notes) out.push(`<p class="note">${escape(note)}</p>`);
  out.push('</section>', '</main>', '</body>', '</html>');
  return `${out.join('\n')}\n`;
}
