/**
 * planImport: what committing a preview would do, item by item, decided before
 * anything is written. Pure: the preview, the ledger's current state of the
 * streams concerned and the options in, the plan out (see README "Committing").
 */
import { createHash } from 'node:crypto';
import { endOfLocalDay, localDateOf, toShanghaiIso } from '@duban/domain/calendar';
import type { Actor } from '@duban/domain/decider';
import { DeadlineBeforeEffectiveTime, DomainError, isIsoInstant } from '@duban/domain/decider';
import type { ReviseTarget, SetTarget, SetTargetState, TargetState } from '@duban/domain/target';
import { initialTargetState, isTargetSet, PARK_PROGRAMME_METRICS, targetDecider, targetIdFor } from '@duban/domain/target';
import type { AmendTask, NumericTarget, RegisterTask, RegisteredTask, TaskState } from '@duban/domain/task';
import { initialTaskState, isTaskRegistered, taskDecider } from '@duban/domain/task';
import { ImportError } from '../errors';
import type { ImportPreview, ItemTarget, PreviewItem, TargetRow } from '../types';
import type { FieldChange, ImportPlan, PlanAction, PlanCounts, PlannedAmendment, PlannedTarget, PlannedTask } from './types';
import { IMPORT_PLAN_FORMAT } from './types';

export interface PlanOptions {
  /** The supervisor the commands are recorded under (the CLI's --user, the api's caller). */
  readonly actor: Actor;
  /** The deadline of items that state none: 'year-end' (31 Dec of the document's year, 23:59:59 Asia/Shanghai) or 'YYYY-MM-DD'. */
  readonly defaultDeadline?: string;
  /** The commands' effective time: an ISO 8601 instant with offset, or 'document' (the document's date, 00:00 Asia/Shanghai). Default: now. */
  readonly effectiveAt?: string;
  /** The clock (default: the system's). */
  readonly now?: Date;
  /** 督办单位 when the document names none that resolves (default: the actor's unit). */
  readonly supervisingOffice?: string;
  /** The current state of each annex row's target stream, by target id (absent: not set). */
  readonly existingTargets?: ReadonlyMap<string, TargetState>;
  /**
   * Write amendments too: each 'amended' item as AmendTask (task.amended.v1), each 'amended' annex row as
   * ReviseTarget (target.revised.v1), unless the domain would refuse it. Without it they are shown, not written.
   */
  readonly acceptAmendments?: boolean;
  /** The file the document was read from, named in the amendments' reason ("re-import of <文号> (<file>)"). */
  readonly sourceName?: string;
}

/** How far in the future an effective time may lie (clock skew), as for the api. */
const FUTURE_TOLERANCE_MS = 60_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const NO_DEADLINE = 'no deadline: give --default-deadline';

/** The command id of an item's RegisterTask: the same for every import of the same item. */
export const taskCommandId = (docNumber: string, path: string): string => `import:${docNumber}:${path}`;
/** The command id of an annex row's SetTarget. */
export const targetCommandId = (docNumber: string, unitId: string, year: number, metric: string): string =>
  `import:${docNumber}:target:${unitId}/${year}/${metric}`;

/** sha256 of a JSON value, 16 hex digits: the content part of an amendment's command id. */
const contentHash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/**
 * The command id of an item's AmendTask: the n-th amendment of the item (n = its amendments so far + 1) to
 * this content. The same import run again sends the same id; an amendment to other content, or back to an
 * earlier content after another amendment, gets a new one (a content hash alone would make A → B → A → B
 * replay the first A → B and write nothing).
 */
export function taskAmendCommandId(docNumber: string, path: string, ordinal: number, content: RegisterTask['data']): string {
  const sorted = (units: readonly string[]) => [...units].sort();
  const hash = contentHash([
    content.title,
    content.text,
    content.sourceDocument.title ?? null,
    sorted(content.leadUnits),
    sorted(content.responsibleUnits),
    sorted(content.cooperatingUnits),
    new Date(Date.parse(content.deadline)).toISOString(),
    content.target ?? null,
  ]);
  return `${taskCommandId(docNumber, path)}:amend:${ordinal}:${hash}`;
}

/** The command id of an annex row's ReviseTarget (as taskAmendCommandId: ordinal and content). */
export function targetReviseCommandId(docNumber: string, unitId: string, year: number, metric: string, ordinal: number, value: number, unitOfMeasure: string): string {
  return `${targetCommandId(docNumber, unitId, year, metric)}:revise:${ordinal}:${contentHash([value, unitOfMeasure])}`;
}

/** The target stream id of an annex row, or null when its unit or year is unknown. */
export function targetIdOfRow(row: TargetRow): string | null {
  return row.unit === null || row.year === null ? null : targetIdFor(row.unit, row.year, row.metric);
}

const metricKey = (metric: string): string => metric.replace(/[\s“”"'‘’「」]/g, '');
/** 计量单位 of the metrics the domain knows (seed 000's annex prints none: its four columns are 个 and 家). */
const KNOWN_MEASURES: ReadonlyMap<string, string> = new Map(
  Object.values(PARK_PROGRAMME_METRICS).map((m) => [metricKey(m.metric), m.unitOfMeasure]),
);

/** A valid calendar date YYYY-MM-DD? */
function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The year `year-end` refers to: the document's date, else the 文号's year. */
export function documentYear(preview: ImportPreview): number | null {
  const { date, docNumber } = preview.document;
  if (date !== null) return Number(date.slice(0, 4));
  const y = docNumber?.match(/〔(\d{4})〕/)?.[1];
  return y === undefined ? null : Number(y);
}

/** Checks a --default-deadline value (throws ImportError 'bad-option'). */
export function checkDefaultDeadline(value: string): void {
  if (value !== 'year-end' && !isCalendarDate(value)) {
    throw new ImportError('bad-option', `default deadline "${value}" is neither year-end nor a date YYYY-MM-DD`, { defaultDeadline: value });
  }
}

function resolveEffectiveAt(preview: ImportPreview, given: string | undefined, now: Date): { at: string; source: ImportPlan['effectiveAtSource'] } {
  if (given === undefined) return { at: toShanghaiIso(now), source: 'now' };
  if (given === 'document') {
    const date = preview.document.date;
    if (date === null) {
      throw new ImportError('bad-option', 'effective time "document": the document states no date; give an ISO instant such as 2021-05-07T09:00:00+08:00', { effectiveAt: given });
    }
    return { at: `${date}T00:00:00+08:00`, source: 'document' };
  }
  if (!isIsoInstant(given)) {
    throw new ImportError('bad-option', `effective time "${given}" is not an ISO 8601 instant with an offset (e.g. 2021-05-07T09:00:00+08:00) nor "document"`, { effectiveAt: given });
  }
  if (Date.parse(given) > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new ImportError('bad-option', `effective time ${given} lies in the future`, { effectiveAt: given });
  }
  return { at: given, source: 'option' };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && new Set([...a, ...b]).size === a.length && new Set(a).size === a.length;

function unitChange(field: FieldChange['field'], before: readonly string[], after: readonly string[]): FieldChange | null {
  if (sameSet(before, after)) return null;
  return { field, before, after, added: after.filter((u) => !before.includes(u)), removed: before.filter((u) => !after.includes(u)) };
}

const sameTarget = (a: NumericTarget | null, b: NumericTarget | null): boolean =>
  a === null || b === null ? a === b : a.value === b.value && a.unit === b.unit && a.comparator === b.comparator;

/**
 * The registration fields that differ between the ledger's task and the document's command (units as sets,
 * deadlines as instants; the document title only when the document states one).
 */
export function diffTask(task: RegisteredTask, data: RegisterTask['data']): FieldChange[] {
  const changes: FieldChange[] = [];
  if (task.title !== data.title) changes.push({ field: 'title', before: task.title, after: data.title });
  if (task.text !== data.text) changes.push({ field: 'text', before: task.text, after: data.text });
  // a document whose title was not read leaves the ledger's title alone (null here means "not stated", not "none")
  const title = data.sourceDocument.title;
  if (title !== undefined && title !== (task.sourceDocument.title ?? null)) {
    changes.push({ field: 'documentTitle', before: task.sourceDocument.title ?? null, after: title });
  }
  for (const field of ['leadUnits', 'responsibleUnits', 'cooperatingUnits'] as const) {
    const c = unitChange(field, task[field], data[field]);
    if (c !== null) changes.push(c);
  }
  if (Date.parse(task.deadline) !== Date.parse(data.deadline)) changes.push({ field: 'deadline', before: task.deadline, after: data.deadline });
  const target = data.target ?? null;
  if (!sameTarget(task.target, target)) changes.push({ field: 'target', before: task.target, after: target });
  return changes;
}

/** A domain refusal of the command as a supervisor would send it, or null (the same checks the commit meets). */
function refusal(check: () => unknown): string | null {
  const refused = refusalOf(check);
  return refused === null ? null : refused.message;
}

function refusalOf(check: () => unknown): DomainError | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

/** The AmendTask that makes the ledger's task say what the document says: the changed fields only. */
function amendTaskCommand(changes: readonly FieldChange[], data: RegisterTask['data'], at: string, actor: Actor, reason: string, documentRef: string): AmendTask {
  const fields = new Set(changes.map((c) => c.field));
  return {
    type: 'AmendTask',
    at,
    actor,
    data: {
      taskId: data.taskId,
      ...(fields.has('title') ? { title: data.title } : {}),
      ...(fields.has('text') ? { text: data.text } : {}),
      ...(fields.has('documentTitle') && data.sourceDocument.title !== undefined ? { documentTitle: data.sourceDocument.title } : {}),
      ...(fields.has('leadUnits') ? { leadUnits: data.leadUnits } : {}),
      ...(fields.has('responsibleUnits') ? { responsibleUnits: data.responsibleUnits } : {}),
      ...(fields.has('cooperatingUnits') ? { cooperatingUnits: data.cooperatingUnits } : {}),
      ...(fields.has('deadline') ? { deadline: data.deadline } : {}),
      ...(fields.has('target') ? { target: data.target ?? null } : {}),
      reason,
      documentRef,
    },
  };
}

const AMENDED_NOT_ACCEPTED = 'amended in the document: nothing is written unless amendments are accepted (review the diff)';

const counts = (actions: readonly { action: PlanAction }[]): PlanCounts => ({
  register: actions.filter((a) => a.action === 'register').length,
  unchanged: actions.filter((a) => a.action === 'unchanged').length,
  amended: actions.filter((a) => a.action === 'amended').length,
  notRegistrable: actions.filter((a) => a.action === 'not-registrable').length,
});

const localDate = (instant: string): string => localDateOf(instant);
const describeTarget = (t: ItemTarget): string => t.text || `${t.comparator} ${t.value}${t.unit}`;

/**
 * For each item: register / unchanged / amended / not-registrable (with the
 * reasons), filling what RegisterTask needs by the rules of README
 * "Committing"; for each annex target row the same with SetTarget.
 * `existingTasks`: the current state of each item's task stream, by task id
 * (absent or status 'none': not registered).
 */
export function planImport(preview: ImportPreview, existingTasks: ReadonlyMap<string, TaskState>, options: PlanOptions): ImportPlan {
  const now = options.now ?? new Date();
  const { actor } = options;
  const doc = preview.document;
  const docNumber = doc.docNumber;
  const year = documentYear(preview);
  const { at, source: effectiveAtSource } = resolveEffectiveAt(preview, options.effectiveAt, now);

  let defaultDeadline: ImportPlan['defaultDeadline'] = null;
  if (options.defaultDeadline !== undefined) {
    checkDefaultDeadline(options.defaultDeadline);
    const day = options.defaultDeadline === 'year-end' ? (year === null ? null : `${year}-12-31`) : options.defaultDeadline;
    defaultDeadline = { given: options.defaultDeadline, instant: day === null ? null : toShanghaiIso(endOfLocalDay(day)) };
  }

  const supervising: Pick<ImportPlan['document'], 'supervisingOffice' | 'supervisingOfficeSource'> =
    doc.supervisor?.unitId != null
      ? { supervisingOffice: doc.supervisor.unitId, supervisingOfficeSource: 'document' }
      : options.supervisingOffice !== undefined
        ? { supervisingOffice: options.supervisingOffice, supervisingOfficeSource: 'option' }
        : { supervisingOffice: actor.unitId, supervisingOfficeSource: 'actor' };
  const sponsor = doc.sponsor?.unitId ?? null;
  // the domain's checks, as a supervisor meets them (the plan of an admin's preview shows what a supervisor's commit would do)
  const asSupervisor: Actor = { ...actor, role: 'supervisor' };
  const backdateHint = doc.date !== null ? ` (e.g. --effective-at document: ${doc.date})` : '';
  // why an accepted amendment is written: the document it comes from
  const amendReason = `re-import of ${docNumber ?? '(no 文号)'}${options.sourceName !== undefined ? ` (${options.sourceName})` : ''}`;

  const tasks = preview.items.map((item): PlannedTask => planTask(item));
  function planTask(item: PreviewItem): PlannedTask {
    const reasons: string[] = [];
    const filled: string[] = [];
    const notes: string[] = [];
    const unresolved = preview.unresolved.filter((u) => u.path === item.path);
    for (const u of unresolved) notes.push(`${u.role} "${u.name}" did not resolve (${u.reason}): not included`);

    if (docNumber === null || item.taskId === null) reasons.push('no 文号: the task id cannot be derived (give --doc-number)');

    // A role written for the item whose names all fail to resolve is not "not stated": the rules below do not replace it.
    const unresolvedAs = (role: 'lead' | 'responsible'): string =>
      `${role === 'lead' ? '牵头单位' : '责任单位'} written as "${item.written[role]?.text}" does not resolve` +
      `${unresolved.some((u) => u.role === role) ? ` (${unresolved.filter((u) => u.role === role).map((u) => `${u.name}: ${u.reason}`).join('; ')})` : ''}` +
      ': add the unit (or the group\'s members) to the registry and import again';
    let lead = [...item.leadUnits];
    if (lead.length === 0 && item.written.lead !== null) {
      reasons.push(unresolvedAs('lead'));
    } else if (lead.length === 0) {
      if (sponsor !== null) {
        lead = [sponsor];
        filled.push(`lead: the document's 主办 ${sponsor}`);
      } else {
        reasons.push(
          doc.sponsor !== null
            ? `no lead unit (牵头单位), and the document's 主办 "${doc.sponsor.name}" does not resolve`
            : 'no lead unit (牵头单位), and the document names no 主办 (sponsor)',
        );
      }
    }
    let responsible = [...item.responsibleUnits];
    if (responsible.length === 0 && item.written.responsible !== null) {
      reasons.push(unresolvedAs('responsible'));
    } else if (responsible.length === 0 && lead.length > 0) {
      responsible = [...lead];
      filled.push(`responsible: its lead unit${lead.length > 1 ? 's' : ''} ${lead.join('、')}`);
    } else if (responsible.length === 0 && reasons.length === 0) {
      reasons.push('no responsible unit (责任单位)');
    }

    let deadline = item.deadlineInstant;
    const written = item.deadlineText !== null ? `written "${item.deadlineText}" (${item.deadlineKind})` : 'none written';
    if (deadline === null) {
      if (defaultDeadline?.instant != null) {
        deadline = defaultDeadline.instant;
        filled.push(`deadline: ${defaultDeadline.given} ${localDate(deadline)} (${written})`);
      } else if (defaultDeadline !== null) {
        reasons.push(`no deadline, and the document has no year for --default-deadline year-end (no date, no 文号): give a date (${written})`);
      } else {
        reasons.push(NO_DEADLINE);
        notes.push(`deadline ${written}`);
      }
    }

    const carried = item.targets.find((t) => t.unit !== '') ?? null;
    const otherTargets = item.targets.filter((t) => t !== carried);
    if (otherTargets.length > 0) {
      notes.push(
        `${otherTargets.length} more target${otherTargets.length > 1 ? 's' : ''} in the text not carried (a task holds one${carried === null ? ', with a unit of measure' : ''}): ${otherTargets.map(describeTarget).join('，')}`,
      );
    }

    const title = item.title.trim() !== '' ? item.title : item.text.trim() !== '' ? item.text.slice(0, 40) : item.path;
    const base = { kind: 'task' as const, path: item.path, taskId: item.taskId, line: item.line, title, otherTargets, unresolved };
    const commandId = docNumber === null ? null : taskCommandId(docNumber, item.path);

    if (reasons.length > 0 || deadline === null || item.taskId === null || docNumber === null) {
      const existing = item.taskId === null ? undefined : existingTasks.get(item.taskId);
      if (existing !== undefined && isTaskRegistered(existing)) notes.push('a task is registered for this item already; nothing is written');
      return { ...base, action: 'not-registrable', reasons, filled, notes, commandId, command: null, changes: [], amendment: null };
    }

    const command: RegisterTask = {
      type: 'RegisterTask',
      at,
      actor,
      data: {
        taskId: item.taskId,
        sourceDocument: doc.title !== null ? { docNumber, title: doc.title } : { docNumber },
        itemPath: item.path,
        title,
        text: item.text,
        leadUnits: lead,
        responsibleUnits: responsible,
        cooperatingUnits: [...item.cooperatingUnits],
        deadline,
        ...(carried !== null ? { target: { value: carried.value, unit: carried.unit, comparator: carried.comparator } } : {}),
        supervisingOffice: supervising.supervisingOffice,
      },
    };

    const existing = existingTasks.get(item.taskId);
    if (existing !== undefined && isTaskRegistered(existing)) {
      const changes = diffTask(existing, command.data);
      if (changes.length === 0) return { ...base, action: 'unchanged', reasons, filled, notes, commandId, command, changes, amendment: null };
      const amend = amendTaskCommand(changes, command.data, at, actor, amendReason, docNumber);
      const amendment: PlannedAmendment<AmendTask> = {
        commandId: taskAmendCommandId(docNumber, item.path, existing.amendmentCount + 1, command.data),
        command: amend,
      };
      // the domain's checks, as the commit will meet them (a closed task, a unit whose share has work on it, a deadline already past)
      const refused = refusalOf(() => taskDecider.decide({ ...amend, actor: asSupervisor }, existing));
      if (refused !== null) {
        reasons.push(refused instanceof DeadlineBeforeEffectiveTime ? `${refused.message}: back-date with --effective-at${backdateHint}` : refused.message);
        notes.push('the amendment would be refused (see reasons): nothing is written');
      } else {
        notes.push(options.acceptAmendments ? 'amended in the document: the commit writes the amendment (AmendTask)' : AMENDED_NOT_ACCEPTED);
      }
      return { ...base, action: 'amended', reasons, filled, notes, commandId, command, changes, amendment };
    }

    if (Date.parse(deadline) < Date.parse(at)) {
      reasons.push(`deadline ${localDate(deadline)} is before the effective time ${at}: back-date with --effective-at${backdateHint}`);
    } else {
      const refused = refusal(() => taskDecider.decide({ ...command, actor: asSupervisor }, initialTaskState()));
      if (refused !== null) reasons.push(refused);
    }
    if (reasons.length > 0) return { ...base, action: 'not-registrable', reasons, filled, notes, commandId, command: null, changes: [], amendment: null };
    return { ...base, action: 'register', reasons, filled, notes, commandId, command, changes: [], amendment: null };
  }

  function reviseTarget(
    existing: SetTargetState,
    changes: readonly FieldChange[],
    unitId: string,
    year: number,
    metric: string,
    value: number,
    unitOfMeasure: string,
  ): PlannedAmendment<ReviseTarget> {
    const fields = new Set(changes.map((c) => c.field));
    return {
      commandId: targetReviseCommandId(docNumber!, unitId, year, metric, existing.revisionCount + 1, value, unitOfMeasure),
      command: {
        type: 'ReviseTarget',
        at,
        actor,
        data: {
          targetId: existing.targetId,
          ...(fields.has('value') ? { value } : {}),
          ...(fields.has('unitOfMeasure') ? { unitOfMeasure } : {}),
          reason: amendReason,
          documentRef: docNumber!,
        },
      },
    };
  }

  const seen = new Map<string, number>();
  const targets = preview.targets.map((row): PlannedTarget => {
    const reasons: string[] = [];
    const notes: string[] = [];
    if (docNumber === null) reasons.push('no 文号 (give --doc-number)');
    if (row.unit === null) reasons.push(`"${row.unitName ?? '?'}" is not a known unit (see unresolved)`);
    if (row.year === null) reasons.push('no year: the table title states none');
    let unitOfMeasure = row.measure;
    if (unitOfMeasure === null) {
      unitOfMeasure = KNOWN_MEASURES.get(metricKey(row.metric)) ?? null;
      if (unitOfMeasure !== null) notes.push(`measure ${unitOfMeasure}: the known metric's (the table states none)`);
      else reasons.push('no unit of measure: the table states no 单位：…, and the metric is not a known one');
    }
    const targetId = targetIdOfRow(row);
    if (targetId !== null) {
      const first = seen.get(targetId);
      if (first !== undefined) reasons.push(`the same cell (unit, year, metric) as the row at line ${first}`);
      else seen.set(targetId, row.line);
    }
    const annex = preview.tables[row.table]?.annex ?? null;
    const base = {
      kind: 'target' as const,
      line: row.line,
      table: row.table,
      unitId: row.unit,
      unitName: row.unitName,
      year: row.year,
      metric: row.metric,
      value: row.value,
      unitOfMeasure,
      targetId,
    };
    if (reasons.length > 0 || docNumber === null || row.unit === null || row.year === null || unitOfMeasure === null || targetId === null) {
      return { ...base, action: 'not-registrable', reasons, notes, commandId: null, command: null, changes: [], amendment: null };
    }
    const commandId = targetCommandId(docNumber, row.unit, row.year, row.metric);
    const command: SetTarget = {
      type: 'SetTarget',
      at,
      actor,
      data: {
        targetId,
        unitId: row.unit,
        year: row.year,
        metric: row.metric,
        value: row.value,
        unitOfMeasure,
        sourceDocument: {
          docNumber,
          ...(doc.title !== null ? { title: doc.title } : {}),
          ...(annex !== null ? { annex: `附件${annex}` } : {}),
        },
      },
    };
    const existing = options.existingTargets?.get(targetId);
    if (existing !== undefined && isTargetSet(existing)) {
      const changes: FieldChange[] = [];
      if (existing.value !== row.value) changes.push({ field: 'value', before: existing.value, after: row.value });
      if (existing.unitOfMeasure !== unitOfMeasure) changes.push({ field: 'unitOfMeasure', before: existing.unitOfMeasure, after: unitOfMeasure });
      if (changes.length === 0) return { ...base, action: 'unchanged', reasons, notes, commandId, command, changes, amendment: null };
      const amendment = reviseTarget(existing, changes, row.unit, row.year, row.metric, row.value, unitOfMeasure);
      const refused = refusal(() => targetDecider.decide({ ...amendment.command, actor: asSupervisor }, existing));
      if (refused !== null) {
        reasons.push(refused);
        notes.push('the revision would be refused (see reasons): nothing is written');
      } else {
        notes.push(options.acceptAmendments ? 'amended in the document: the commit writes the revision (ReviseTarget)' : AMENDED_NOT_ACCEPTED);
      }
      return { ...base, action: 'amended', reasons, notes, commandId, command, changes, amendment };
    }
    const refused = refusal(() => targetDecider.decide({ ...command, actor: asSupervisor }, initialTargetState()));
    if (refused !== null) return { ...base, action: 'not-registrable', reasons: [refused], notes, commandId, command: null, changes: [], amendment: null };
    return { ...base, action: 'register', reasons, notes, commandId, command, changes: [], amendment: null };
  });

  return {
    format: IMPORT_PLAN_FORMAT,
    document: { docNumber, title: doc.title, date: doc.date, year, sponsor, ...supervising },
    actor,
    effectiveAt: at,
    effectiveAtSource,
    defaultDeadline,
    acceptAmendments: options.acceptAmendments === true,
    tasks,
    targets,
    summary: { tasks: counts(tasks), targets: counts(targets) },
  };
}
