import { issueItemKey, taskItemKey } from '../items/item';

/**
 * Which item an event belongs to, and which units it concerns. One pure rule,
 * shared by the audit projection (which looks earlier events up in its table)
 * and by `duban history` (which folds one stream in memory), so both answer
 * the same.
 *
 * - `task.share.*` (data.taskId, data.unitId): the share, `task:<taskId>:<unitId>`;
 *   it concerns the share's unit.
 * - any other `task.*` (data.taskId): the task, `task:<taskId>`. `task.registered.v1`
 *   concerns every responsible unit (it opens one share each); an event that names
 *   a `unitId` (`task.reopened.v1`) concerns that unit; one that names none
 *   (`task.closed.v1`) concerns the units its registration named.
 * - `issue.*` (data.issueId): the issue, `issue:<issueId>`. It concerns the
 *   reporting unit (`issue.reported.v1`) and, once assigned, the responsible unit
 *   (`issue.assigned.v1`); every later issue event concerns the same units as
 *   the event before it in the stream.
 * - anything else: no item (null) and no unit.
 *
 * Total: malformed data never throws, it just yields fewer facts (the audit
 * trail must record every event, whatever it holds).
 */
export interface AuditItemRef {
  /** `task:<taskId>:<unitId>`, `task:<taskId>`, `issue:<issueId>` or null. */
  key: string | null;
  /** The whole item the key belongs to: `task:<taskId>` for a task and its shares, `issue:<issueId>`; null otherwise. */
  root: string | null;
  /** Units the event names itself. */
  units: string[];
  /**
   * Units to take over from an earlier event of the same root: 'first' (the
   * task's registration), 'previous' (the event before it), or none.
   */
  inherit: 'first' | 'previous' | null;
}

const NONE: AuditItemRef = { key: null, root: null, units: [], inherit: null };

export function auditItemRef(type: string, data: unknown): AuditItemRef {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (type.startsWith('task.')) {
    const taskId = str(d.taskId);
    if (taskId === null) return NONE;
    const root = taskRootKey(taskId);
    const unitId = str(d.unitId);
    if (type.startsWith('task.share.')) {
      return unitId === null ? { key: root, root, units: [], inherit: null } : { key: taskItemKey(taskId, unitId), root, units: [unitId], inherit: null };
    }
    if (type.startsWith('task.registered.')) return { key: root, root, units: strings(d.responsibleUnits), inherit: null };
    if (unitId !== null) return { key: root, root, units: [unitId], inherit: null };
    return { key: root, root, units: [], inherit: 'first' };
  }
  if (type.startsWith('issue.')) {
    const issueId = str(d.issueId);
    if (issueId === null) return NONE;
    const key = issueItemKey(issueId);
    if (type.startsWith('issue.reported.')) return { key, root: key, units: strings([d.reportingUnit]), inherit: null };
    return { key, root: key, units: strings([d.unitId]), inherit: 'previous' };
  }
  return NONE;
}

/** The item's units: those the event names, then the inherited ones, without duplicates. */
export function mergeUnits(own: readonly string[], inherited: readonly string[] | null): string[] {
  return [...new Set([...(inherited ?? []), ...own])];
}

/** `task:<taskId>`: a task as a whole (its task-level events and every share). */
export function taskRootKey(taskId: string): string {
  return `task:${taskId}`;
}

/**
 * Folds one stream's events in memory and answers, per event, its item key
 * and units: what the audit projection stores, for callers that read a stream
 * directly (`duban history`).
 */
export class AuditItemTracker {
  private readonly first = new Map<string, string[]>();
  private readonly previous = new Map<string, string[]>();

  next(type: string, data: unknown): { key: string | null; root: string | null; units: string[] } {
    const ref = auditItemRef(type, data);
    if (ref.root === null) return { key: ref.key, root: null, units: ref.units };
    const inherited = ref.inherit === 'first' ? (this.first.get(ref.root) ?? null) : ref.inherit === 'previous' ? (this.previous.get(ref.root) ?? null) : null;
    const units = mergeUnits(ref.units, inherited);
    if (!this.first.has(ref.root)) this.first.set(ref.root, units);
    this.previous.set(ref.root, units);
    return { key: ref.key, root: ref.root, units };
  }
}

/**
 * Whether an event with this key and these units belongs to the history of
 * `shareKey` (`task:<taskId>:<unitId>`): the share's own events, and the
 * task-level events that concern its unit (the registration that opened it,
 * the closing of the task, a reopening of the task through this share).
 */
export function belongsToShare(event: { key: string | null; units: readonly string[] }, taskId: string, unitId: string): boolean {
  return event.key === taskItemKey(taskId, unitId) || (event.key === taskRootKey(taskId) && event.units.includes(unitId));
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : [];
}
