import { issueItemKey, taskItemKey } from '../items/item';

/**
 * Which item an event belongs to, and which units it concerns. One pure rule,
 * shared by the audit projection (which looks earlier events up in its table)
 * and by `duban history` (which folds one stream in memory), so both answer
 * the same.
 *
 * - `task.share.*` (data.taskId, data.unitId): the share, `task:<taskId>:<unitId>`;
 *   it concerns the share's unit.
 * - any other `task.*` (data.taskId): the task, `task:<taskId>`.
 *   - `task.registered.v1` concerns every responsible unit (it opens one share each).
 *   - `task.amended.v1` concerns the task's units before AND after: every unit that
 *     has held a share so far (the registration's, and those earlier amendments
 *     added or removed), the units it adds and removes, and both sides of each unit
 *     list it changes (lead and cooperating units included). Its added and removed
 *     units are remembered as the task's `shares`.
 *   - an event that names a `unitId` (`task.reopened.v1`) concerns that unit;
 *   - one that names none (`task.closed.v1`) concerns every unit that has held a
 *     share of the task: the registration's, and every unit an amendment added or
 *     removed — so the closing an amendment causes (it dropped the only open
 *     shares) is in the history of the shares it dropped.
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
  /**
   * Also take over the root's shares so far: the `shares` of every earlier
   * event of the same root (see mergeUnits for the order).
   */
  inheritShares: boolean;
  /**
   * Units whose share of the task this event opens or drops, besides the
   * registration's (which come with 'first'): an amendment's added and removed
   * responsible units and both sides of its `responsibleUnits` change. Empty for
   * every other event; non-empty only when `key` is the root.
   */
  shares: string[];
}

const NONE: AuditItemRef = { key: null, root: null, units: [], inherit: null, inheritShares: false, shares: [] };

export function auditItemRef(type: string, data: unknown): AuditItemRef {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (type.startsWith('task.')) {
    const taskId = str(d.taskId);
    if (taskId === null) return NONE;
    const root = taskRootKey(taskId);
    const unitId = str(d.unitId);
    const plain = { key: root, root, inherit: null, inheritShares: false, shares: [] };
    if (type.startsWith('task.share.')) {
      return unitId === null ? { ...plain, units: [] } : { ...plain, key: taskItemKey(taskId, unitId), units: [unitId] };
    }
    if (type.startsWith('task.registered.')) return { ...plain, units: strings(d.responsibleUnits) };
    if (type.startsWith('task.amended.')) return amendment(root, d);
    if (unitId !== null) return { ...plain, units: [unitId] };
    return { ...plain, units: [], inherit: 'first', inheritShares: true };
  }
  if (type.startsWith('issue.')) {
    const issueId = str(d.issueId);
    if (issueId === null) return NONE;
    const key = issueItemKey(issueId);
    if (type.startsWith('issue.reported.')) return { key, root: key, units: strings([d.reportingUnit]), inherit: null, inheritShares: false, shares: [] };
    return { key, root: key, units: strings([d.unitId]), inherit: 'previous', inheritShares: false, shares: [] };
  }
  return NONE;
}

const UNIT_LISTS = new Set(['leadUnits', 'responsibleUnits', 'cooperatingUnits']);

/** `task.amended.v1`: the task's units so far (inherited), then what the amendment names: both sides of each unit list, added, removed. */
function amendment(root: string, d: Record<string, unknown>): AuditItemRef {
  const named: string[] = [];
  const shares: string[] = [];
  for (const c of Array.isArray(d.changes) ? (d.changes as unknown[]) : []) {
    if (typeof c !== 'object' || c === null) continue;
    const { field, from, to } = c as Record<string, unknown>;
    if (typeof field !== 'string' || !UNIT_LISTS.has(field)) continue;
    const both = [...strings(from), ...strings(to)];
    named.push(...both);
    if (field === 'responsibleUnits') shares.push(...both);
  }
  const added = strings(d.addedResponsibleUnits);
  const removed = strings(d.removedResponsibleUnits);
  return {
    key: root,
    root,
    units: mergeUnits([...named, ...added, ...removed], null),
    inherit: 'first',
    inheritShares: true,
    shares: mergeUnits([...added, ...removed, ...shares], null),
  };
}

/**
 * The item's units, without duplicates: the inherited ones ('first' or
 * 'previous'), then the root's shares (when the event takes them over), then
 * those the event names.
 */
export function mergeUnits(own: readonly string[], inherited: readonly string[] | null, shares: readonly string[] | null = null): string[] {
  return [...new Set([...(inherited ?? []), ...(shares ?? []), ...own])];
}

/**
 * The root's shares after these events (oldest first): the `shares` of each,
 * in order, without duplicates. What `inheritShares` takes over; the audit
 * projection reads it back from the task-level events of the root (only they
 * have shares).
 */
export function shareUnits(events: Iterable<{ type: string; data: unknown }>): string[] {
  let units: string[] = [];
  for (const e of events) {
    const { shares } = auditItemRef(e.type, e.data);
    if (shares.length > 0) units = mergeUnits(shares, units);
  }
  return units;
}

/**
 * Every unit that has held a share of the task whose stream these are: the
 * registration's responsible units, then those amendments added or removed
 * (a share dropped later keeps its history).
 */
export function unitsEverShared(events: Iterable<{ type: string; data: unknown }>): string[] {
  const all = [...events];
  const registered = all.find((e) => e.type.startsWith('task.registered.'));
  const initial = registered ? auditItemRef(registered.type, registered.data).units : [];
  return mergeUnits(shareUnits(all), initial);
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
  private readonly shares = new Map<string, string[]>();

  next(type: string, data: unknown): { key: string | null; root: string | null; units: string[] } {
    const ref = auditItemRef(type, data);
    if (ref.root === null) return { key: ref.key, root: null, units: ref.units };
    const inherited = ref.inherit === 'first' ? (this.first.get(ref.root) ?? null) : ref.inherit === 'previous' ? (this.previous.get(ref.root) ?? null) : null;
    const units = mergeUnits(ref.units, inherited, ref.inheritShares ? (this.shares.get(ref.root) ?? null) : null);
    if (!this.first.has(ref.root)) this.first.set(ref.root, units);
    this.previous.set(ref.root, units);
    if (ref.shares.length > 0) this.shares.set(ref.root, mergeUnits(ref.shares, this.shares.get(ref.root) ?? null));
    return { key: ref.key, root: ref.root, units };
  }
}

/**
 * Whether an event with this key and these units belongs to the history of
 * `shareKey` (`task:<taskId>:<unitId>`): the share's own events, and the
 * task-level events that concern its unit (the registration or amendment that
 * opened it, an amendment that dropped it or changed the task meanwhile, the
 * closing of the task, a reopening of the task through this share).
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
