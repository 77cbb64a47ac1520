import type { BulletinDocument, Paragraph } from '../document';

/** A table cell: a pipe or a line break would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function paragraph(p: Paragraph): string {
  return p.lead === undefined ? p.text : `**${p.lead}**${p.text}`;
}

/**
 * The bulletin as Markdown (CommonMark with pipe tables): for review in a
 * browser or a merge request. Deterministic: the same document gives the same
 * bytes (LF line ends, one trailing newline).
 */
export function renderMarkdown(doc: BulletinDocument): string {
  const out: string[] = [`# ${doc.title}`, '', doc.documentNumber, '', doc.addressees, '', doc.opening, ''];
  for (const section of doc.sections) {
    out.push(`## ${section.heading}`, '');
    for (const p of section.paragraphs) out.push(paragraph(p), '');
  }
  out.push(doc.attachmentNote, '', doc.signature.issuer, '', doc.signature.date, '', '---', '', `## ${doc.annex.label}`, '', `### ${doc.annex.title}`, '');
  for (const table of doc.annex.tables) {
    out.push(`#### ${table.caption}`, '');
    out.push(`| ${table.columns.map(cell).join(' | ')} |`);
    out.push(`|${table.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const row of table.rows) out.push(`| ${row.cells.map(cell).join(' | ')} |`);
    out.push('');
  }
  for (const note of doc.annex.notes) out.push(note, '');
  return `${out.join('\n').trimEnd()}\n`;
}
