/** The preview as a readable table for a terminal (`duban import FILE --dry-run`). */
import type { ImportPreview, PreviewItem, WrittenUnits } from './types';

/** Terminal columns of a character: 2 for CJK and full-width forms, else 1 (ambiguous ones such as “” and … count 1, as most terminals show them). */
function charWidth(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6)
  ) {
    return 2;
  }
  return 1;
}

export const displayWidth = (s: string): number => [...s].reduce((n, ch) => n + charWidth(ch), 0);

/** Cuts to at most `width` columns, ending with … when cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

const padEnd = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - displayWidth(s)));

/** A role's units for the table: a group as written with its size, a long list by its count. */
function unitsCell(units: readonly string[], written: WrittenUnits | null): string {
  if (units.length === 0) return written === null ? '—' : `? ${written.text}`;
  const group = written?.groups.find((g) => g.count > 3);
  if (group !== undefined) {
    const others = units.length - group.count;
    return `${group.name} (${group.count})${others > 0 ? ` +${others}` : ''}`;
  }
  if (units.length > 3) return `${units.slice(0, 2).join('、')}… (${units.length})`;
  return units.join('、');
}

function deadlineCell(item: PreviewItem): string {
  if (item.deadline !== null) return item.deadline;
  if (item.deadlineKind === 'recurring') return `(${item.recurrence}) ${item.deadlineText}`;
  if (item.deadlineText !== null) return `(${item.deadlineKind}) ${item.deadlineText}`;
  return '—';
}

export function formatPreview(preview: ImportPreview): string {
  const d = preview.document;
  const out: string[] = [];
  out.push(`${d.title ?? '(no title)'}`);
  out.push(
    `文号 ${d.docNumber ?? '(none)'}  发文 ${d.issuer ?? '(unknown)'}  日期 ${d.date ?? '(none)'}` +
      `${d.sponsor ? `  主办 ${d.sponsor.name}` : ''}${d.supervisor ? `  督办 ${d.supervisor.name}` : ''}${d.draft ? '  (draft)' : ''}`,
  );
  out.push('');
  const headers = ['path', 'title', 'lead', 'responsible', 'deadline'];
  const rows = preview.items.map((i) => [
    i.path,
    truncate(i.title, 28),
    truncate(unitsCell(i.leadUnits, i.written.lead), 30),
    truncate(unitsCell(i.responsibleUnits, i.written.responsible), 32),
    truncate(deadlineCell(i), 24),
  ]);
  const widths = headers.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c]!))));
  const render = (cells: string[]): string => cells.map((cell, c) => padEnd(cell, widths[c]!)).join('  ').trimEnd();
  out.push(render(headers));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) out.push(render(r));
  const s = preview.summary;
  out.push('');
  out.push(
    `${s.items} items (${s.withLead} with a lead unit, ${s.withResponsible} with responsible units, ${s.withDeadline} with a deadline, ` +
      `${s.itemTargets} targets in the text), ${s.targetRows} target rows from tables, ${s.unresolved} unresolved names, ${s.warnings} warnings`,
  );
  if (preview.unresolved.length > 0) {
    out.push('');
    out.push('unresolved:');
    for (const u of preview.unresolved) {
      out.push(`  line ${u.line}${u.path ? ` ${u.path}` : ''} (${u.role}): ${u.name} — ${u.reason}`);
    }
  }
  if (preview.warnings.length > 0) {
    out.push('');
    out.push('warnings:');
    for (const w of preview.warnings) {
      out.push(`  ${w.line !== null ? `line ${w.line}` : 'document'}${w.path ? ` ${w.path}` : ''} [${w.code}] ${w.message}`);
    }
  }
  return `${out.join('\n')}\n`;
}
