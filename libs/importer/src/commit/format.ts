/** The plan and the report as readable text for a terminal (`duban import FILE` without --dry-run). */
import { localDateOf } from '@duban/domain/calendar';
import type { NumericTarget } from '@duban/domain/task';
import { displayWidth, truncate } from '../format';
import type { FieldChange, ImportPlan, ImportReport, OutcomeCounts, PlanCounts, ReportEntry } from './types';

const padEnd = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - displayWidth(s)));

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, c) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c] ?? ''))));
  const render = (cells: string[]): string => cells.map((cell, c) => padEnd(cell, widths[c]!)).join('  ').trimEnd();
  return [render(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(render)];
}

const units = (list: readonly string[]): string => (list.length === 0 ? '—' : list.length > 2 ? `${list[0]}… (${list.length})` : list.join('、'));

/** Entries grouped by their text (a document-wide reason such as "no 文号" is said once, with the paths). */
function grouped<T>(entries: readonly T[], text: (e: T) => string, name: (e: T) => string): string[] {
  const groups = new Map<string, string[]>();
  for (const e of entries) groups.set(text(e), [...(groups.get(text(e)) ?? []), name(e)]);
  return [...groups].map(([t, names]) =>
    names.length === 1 ? `  ${names[0]}  ${t}` : `  ${t}\n    ${names.length} items: ${names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')} and ${names.length - 12} more`}`,
  );
}
const target = (t: NumericTarget | null): string => (t === null ? '—' : `${t.comparator} ${t.value}${t.unit}`);

function value(field: FieldChange['field'], v: FieldChange['before']): string {
  if (v === null) return '—';
  if (field === 'deadline' && typeof v === 'string') return localDateOf(v);
  if (Array.isArray(v)) return units(v as readonly string[]);
  if (typeof v === 'object') return target(v as NumericTarget);
  return typeof v === 'string' ? truncate(v, 40) : String(v);
}

/** One line per changed field: "deadline  2021-12-31 → 2021-11-30", "responsibleUnits  − 郑东新区  + 中牟县". */
export function formatChanges(changes: readonly FieldChange[], indent = '    '): string[] {
  const width = Math.max(0, ...changes.map((c) => c.field.length));
  return changes.map((c) => {
    const what =
      c.added !== undefined || c.removed !== undefined
        ? [...(c.removed ?? []).map((u) => `− ${u}`), ...(c.added ?? []).map((u) => `+ ${u}`)].join('  ')
        : `${value(c.field, c.before)} → ${value(c.field, c.after)}`;
    return `${indent}${c.field.padEnd(width)}  ${what}`;
  });
}

const planCounts = (c: PlanCounts, verb: string): string =>
  `${c.register} to ${verb}, ${c.unchanged} unchanged, ${c.amended} amended, ${c.notRegistrable} not registrable`;

export function formatPlan(plan: ImportPlan): string {
  const d = plan.document;
  const out: string[] = [];
  out.push(`plan: ${d.docNumber ?? '(no 文号)'} ${d.title ?? '(no title)'}${d.date ? ` (${d.date})` : ''}`);
  out.push(
    `  as ${plan.actor.userId} (${plan.actor.role}, ${plan.actor.unitId}), effective ${plan.effectiveAt} (${plan.effectiveAtSource}), ` +
      `督办 ${d.supervisingOffice} (${d.supervisingOfficeSource})` +
      (plan.defaultDeadline ? `, default deadline ${plan.defaultDeadline.given}${plan.defaultDeadline.instant ? ` = ${localDateOf(plan.defaultDeadline.instant)}` : ' (no year)'}` : ''),
  );
  out.push('');
  if (plan.tasks.length > 0) {
    const rows = plan.tasks.map((t) => [
      t.action,
      t.path,
      truncate(t.title, 24),
      truncate(units(t.command?.data.leadUnits ?? []), 22),
      truncate(units(t.command?.data.responsibleUnits ?? []), 26),
      t.command ? localDateOf(t.command.data.deadline) : '—',
      t.filled.length > 0 ? 'filled' : '',
    ]);
    out.push(...table(['action', 'path', 'title', 'lead', 'responsible', 'deadline', ''], rows));
    out.push('');
  }
  out.push(`tasks: ${planCounts(plan.summary.tasks, 'register')}`);
  out.push(`targets: ${planCounts(plan.summary.targets, 'set')}`);

  const filled = plan.tasks.filter((t) => t.filled.length > 0);
  if (filled.length > 0) {
    out.push('', 'filled by the commit rules:');
    for (const t of filled) out.push(`  ${t.path}  ${t.filled.join('; ')}`);
  }
  const blocked = plan.tasks.filter((t) => t.action === 'not-registrable');
  if (blocked.length > 0) {
    out.push('', 'not registrable:');
    out.push(...grouped(blocked, (t) => t.reasons.join('; '), (t) => t.path));
  }
  const amended = [...plan.tasks, ...plan.targets].filter((e) => e.action === 'amended');
  if (amended.length > 0) {
    const refused = amended.filter((e) => e.reasons.length > 0).length;
    const verdict = !plan.acceptAmendments
      ? 'not written: accept amendments to write them'
      : refused === 0
        ? 'written as amendments'
        : `written as amendments, except ${refused} the domain refuses`;
    out.push('', `amended (the ledger holds other content; ${verdict}):`);
    for (const e of amended) {
      out.push(
        e.kind === 'task'
          ? `  ${e.path} ${truncate(e.title, 30)} (task ${e.taskId})`
          : `  line ${e.line} ${e.unitName ?? e.unitId} ${e.year} ${e.metric} (target ${e.targetId})`,
      );
      out.push(...formatChanges(e.changes));
      for (const r of e.reasons) out.push(`    refused: ${r}`);
    }
  }
  const noted = plan.tasks.filter((t) => t.notes.length > 0 && t.action !== 'amended');
  if (noted.length > 0) {
    out.push('', 'notes:');
    for (const t of noted) for (const n of t.notes) out.push(`  ${t.path}  ${n}`);
  }
  if (plan.targets.length > 0) {
    out.push('', 'targets (annex rows):');
    const rows = plan.targets.map((r) => [
      r.action,
      String(r.line),
      r.unitId ?? `? ${r.unitName ?? ''}`,
      r.year === null ? '—' : String(r.year),
      truncate(r.metric, 20),
      `${r.value}${r.unitOfMeasure ?? ''}`,
      truncate([...r.reasons, ...r.notes].join('; '), 60),
    ]);
    out.push(...table(['action', 'line', 'unit', 'year', 'metric', 'value', 'notes'], rows).map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}

const outcome = (c: OutcomeCounts): string => `${c.written} written, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.failed} failed`;
const where = (e: ReportEntry): string =>
  `${e.docNumber ?? '(no 文号)'} ${e.kind === 'task' ? e.path : `line ${e.line} ${e.label}`}${e.units.length > 0 ? ` (${e.units.join('、')})` : ''}`;

export function formatReport(report: ImportReport): string {
  const out: string[] = [];
  const { tasks, targets, events } = report.counts;
  out.push(
    `import ${report.docNumber ?? '(no 文号)'}: tasks ${outcome(tasks)}; targets ${outcome(targets)}; ` +
      `${events} event${events === 1 ? '' : 's'} written${report.lastPosition ? ` (last position ${report.lastPosition})` : ''} in ${(report.elapsedMs / 1000).toFixed(2)} s`,
  );
  const replayed = report.written.filter((e) => e.replayed).length;
  if (replayed > 0) out.push(`  ${replayed} of the written entries were written by this same request before (replayed: nothing new)`);
  const amendments = report.written.filter((e) => e.changes !== undefined);
  if (amendments.length > 0) {
    out.push('amended:');
    for (const e of amendments) {
      out.push(`  ${where(e)}${e.replayed ? ' (replayed: written by this same request before)' : ''}`);
      out.push(...formatChanges(e.changes ?? []));
    }
  }
  if (report.skipped.length > 0) {
    out.push('skipped:');
    const amended = report.skipped.filter((e) => e.changes !== undefined);
    for (const e of amended) {
      out.push(`  ${where(e)}: ${e.reason}`);
      out.push(...formatChanges(e.changes ?? []));
    }
    const others = report.skipped.filter((e) => e.changes === undefined);
    out.push(...grouped(others, (e) => e.reason ?? '', (e) => (e.kind === 'task' ? (e.path ?? '?') : `line ${e.line} ${e.label}`)));
  }
  if (report.errors.length > 0) {
    out.push('failed (run the import again to complete them; what was written stays):');
    for (const e of report.errors) out.push(`  ${where(e)}: ${e.error?.name}: ${e.error?.message}`);
  }
  return `${out.join('\n')}\n`;
}
