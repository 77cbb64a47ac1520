import type Database from 'better-sqlite3';
import type { LoopStatus } from '@duban/domain/closure-loop';
import type { IssueUrgency } from '@duban/domain/issue';
import type { TaskStatus } from '@duban/domain/task';
import type { InboxAction, InboxEntry, Item, ItemKind, LoopItemColumns, Page } from './item';
import { loopItemFields } from './item';
import { currentUrgeNotice, itemNextStep } from './item-ladder';
import type { WorkingCalendar } from '@duban/domain/calendar';
import { officialCalendar } from '@duban/domain/calendar';
import type { LadderRule } from '@duban/domain/ladder';
import { DEFAULT_LADDER_RULE } from '@duban/domain/ladder';
import { ITEMS_SCHEMA } from './items.projection';
import { CHECKPOINT_TABLE } from '../runner/checkpoints';

export class InvalidItemsQueryError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'InvalidItemsQueryError';
  }
}

export interface ItemsFilter {
  /** The responsible unit (the share's unit, the issue's assignee). */
  unitId?: string;
  /** Responsible, lead (牵头) or cooperating (配合) unit: what a unit may see. */
  involvesUnit?: string;
  status?: LoopStatus | readonly LoopStatus[];
  /** Items whose deadline lies before this instant and that are not closed. */
  overdueAt?: string | Date;
  /** 文号, exact. */
  docNumber?: string;
  taskId?: string;
  kind?: ItemKind;
  /** Default 50, at most 1000. */
  limit?: number;
  offset?: number;
}

export interface InboxOptions {
  kind?: ItemKind;
  limit?: number;
  offset?: number;
}

export type SupervisorAction = Extract<InboxAction, 'assign' | 'verify_completion' | 'decide_extension' | 'supervise' | 'criticise'>;

export interface SupervisorInboxOptions extends InboxOptions {
  /** Which kinds of work to include. Default: all five. */
  needs?: readonly SupervisorAction[];
}

// Frozen and shared: the same `needs` array goes into every entry that needs those actions.
const NO_ACTIONS: readonly InboxAction[] = Object.freeze([]);
const UNIT_ACTIONS: Partial<Record<LoopStatus, readonly InboxAction[]>> = {
  assigned: Object.freeze(['acknowledge'] as const),
  acknowledged: Object.freeze(['report_progress'] as const),
  in_progress: Object.freeze(['report_progress', 'submit_completion'] as const),
};

const SUPERVISOR_ACTIONS: readonly SupervisorAction[] = ['assign', 'verify_completion', 'decide_extension', 'supervise', 'criticise'];

/**
 * The statuses each supervisor action waits on (decide_extension: a pending request, whatever the status;
 * supervise / criticise: the ladder's step, see LADDER_NEEDS).
 */
const SUPERVISOR_STATUSES: Record<SupervisorAction, readonly LoopStatus[]> = {
  assign: ['registered', 'reported'],
  verify_completion: ['submitted'],
  decide_extension: [],
  supervise: [],
  criticise: [],
};

/**
 * The ladder's steps that put an item in the office's inbox, while the unit's clock runs (the item is
 * assigned and not submitted): 督办 (escalation) → supervise, 通报批评 (listing) → criticise. The step is the
 * highest taken for the current deadline (the `ladder_step` column): an extension or a reopening with a
 * new date takes the item out; a submission moves it to verify_completion.
 */
const LADDER_NEEDS: ReadonlyArray<readonly [SupervisorAction, string]> = [
  ['supervise', 'escalation'],
  ['criticise', 'listing'],
];
const CLOCK_RUNS_IN: readonly LoopStatus[] = ['assigned', 'acknowledged', 'in_progress'];

/**
 * The condition for a set of supervisor actions. For all of them it is exactly
 * the WHERE of the items_office_inbox index (same terms, same order), so the
 * office's inbox walks that index.
 */
function supervisorCondition(needs: readonly SupervisorAction[]): string {
  const statuses = SUPERVISOR_ACTIONS.filter((a) => needs.includes(a)).flatMap((a) => SUPERVISOR_STATUSES[a]);
  const terms: string[] = [];
  if (statuses.length > 0) terms.push(`status IN (${statuses.map((s) => `'${s}'`).join(', ')})`);
  if (needs.includes('decide_extension')) terms.push('pending_extension = 1');
  const steps = LADDER_NEEDS.filter(([action]) => needs.includes(action)).map(([, step]) => `'${step}'`);
  if (steps.length > 0) terms.push(`(ladder_step IN (${steps.join(', ')}) AND status IN (${CLOCK_RUNS_IN.map((s) => `'${s}'`).join(', ')}))`);
  return `(${terms.join(' OR ')})`;
}

/** Soonest deadline first (before assignment: a share's task deadline); items without one last. */
const BY_DUE = 'ORDER BY due_ms IS NULL, due_ms, key';

const MAX_LIMIT = 1000;
const PAGE_CACHE_SIZE = 500;

interface CachedPage {
  rows: ItemRow[];
  total: number;
  stamp: string;
}

interface ItemRow extends LoopItemColumns<bigint> {
  deadline_ms: bigint | null;
  last_event_type: string;
  last_position: bigint;
  stream_version: bigint;
  updated_at: string;
  ladder_step: string | null;
}

/**
 * Reads the items read model. Queries see what the runner has committed; after
 * a write, `runner.waitFor(position, timeoutMs)` first for read-your-writes.
 */
export class ItemsQuery {
  private readonly statements = new Map<string, Database.Statement>();
  /** Pages as read at a checkpoint of the items projection (see stamp()). */
  private readonly pages = new Map<string, CachedPage>();
  private checkpointStatement: Database.Statement | null | undefined;

  private readonly ladder: LadderContext;

  /** `deps.rule` / `deps.calendar`: the ladder rule (DUBAN_LADDER_RULE) and calendar of the items' nextStep. */
  constructor(
    private readonly db: Database.Database,
    deps: { rule?: LadderRule; calendar?: WorkingCalendar } = {},
  ) {
    this.ladder = { rule: deps.rule ?? DEFAULT_LADDER_RULE, calendar: deps.calendar ?? officialCalendar };
    // Usable before the runner prepared the file; the runner owns (and may reset) the table.
    db.exec(ITEMS_SCHEMA);
  }

  get(key: string): Item | null {
    const row = this.statement('SELECT * FROM items WHERE key = ?').get(key) as ItemRow | undefined;
    return row ? toItem(row, this.ladder) : null;
  }

  /** All shares of a task, in the order of their responsible units' keys. */
  task(taskId: string): Item[] {
    return (this.statement("SELECT * FROM items WHERE task_id = ? AND kind = 'task' ORDER BY key").all(taskId) as ItemRow[]).map((r) => toItem(r, this.ladder));
  }

  list(filter: ItemsFilter = {}): Page<Item> {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (filter.unitId !== undefined) {
      where.push('unit_id = @unit_id');
      params.unit_id = filter.unitId;
    }
    if (filter.involvesUnit !== undefined) {
      where.push(
        '(unit_id = @involves OR EXISTS (SELECT 1 FROM json_each(items.lead_units) WHERE value = @involves)' +
          ' OR EXISTS (SELECT 1 FROM json_each(items.cooperating_units) WHERE value = @involves))',
      );
      params.involves = filter.involvesUnit;
    }
    if (filter.status !== undefined) {
      const statuses: readonly LoopStatus[] = typeof filter.status === 'string' ? [filter.status] : filter.status;
      if (statuses.length === 0) throw new InvalidItemsQueryError('status', 'must name at least one status');
      where.push(`status IN (${statuses.map((_, i) => `@status${i}`).join(', ')})`);
      statuses.forEach((s, i) => (params[`status${i}`] = s));
    }
    if (filter.overdueAt !== undefined) {
      where.push("deadline_ms IS NOT NULL AND deadline_ms < @overdue_ms AND status <> 'closed'");
      params.overdue_ms = instant('overdueAt', filter.overdueAt);
    }
    if (filter.docNumber !== undefined) {
      where.push('doc_number = @doc_number');
      params.doc_number = filter.docNumber;
    }
    if (filter.taskId !== undefined) {
      where.push('task_id = @task_id');
      params.task_id = filter.taskId;
    }
    if (filter.kind !== undefined) {
      where.push('kind = @kind');
      params.kind = kind(filter.kind);
    }
    return this.page(where, params, filter, (r) => toItem(r, this.ladder));
  }

  /**
   * What awaits `unitId`'s action (it is the responsible unit): assigned items
   * to sign for (签收), acknowledged and in-progress items to report on or
   * submit (申请销号). Soonest deadline first; `at` decides `overdue`.
   */
  inbox(unitId: string, at: string | Date, options: InboxOptions = {}): Page<InboxEntry> {
    const atMs = instant('at', at);
    const where = ["unit_id = @unit_id AND status IN ('assigned', 'acknowledged', 'in_progress')"];
    const params: Record<string, string | number> = { unit_id: unitId };
    if (options.kind !== undefined) {
      where.push('kind = @kind');
      params.kind = kind(options.kind);
    }
    return this.page(where, params, options, (row) => entry(row, UNIT_ACTIONS[row.status] ?? NO_ACTIONS, atMs, this.ladder));
  }

  /**
   * What awaits the supervision office (督查室): registered shares and reported
   * issues to assign (交办), submitted completions to verify (销号/退回), and
   * pending extension requests (延期) to grant or refuse, open items the ladder escalated (督办: supervise)
   * or listed for criticism (通报批评: criticise). Soonest deadline first.
   */
  supervisorInbox(at: string | Date, options: SupervisorInboxOptions = {}): Page<InboxEntry> {
    const atMs = instant('at', at);
    const needs = options.needs ?? SUPERVISOR_ACTIONS;
    if (needs.length === 0 || needs.some((n) => !SUPERVISOR_ACTIONS.includes(n))) {
      throw new InvalidItemsQueryError('needs', `must be some of ${SUPERVISOR_ACTIONS.join(', ')}`);
    }
    const where = [supervisorCondition(needs)];
    const params: Record<string, string | number> = {};
    if (options.kind !== undefined) {
      where.push('kind = @kind');
      params.kind = kind(options.kind);
    }
    return this.page(where, params, options, (row) => {
      const actions: InboxAction[] = [];
      if (needs.includes('assign') && (row.status === 'registered' || row.status === 'reported')) actions.push('assign');
      if (needs.includes('verify_completion') && row.status === 'submitted') actions.push('verify_completion');
      if (needs.includes('decide_extension') && row.pending_extension === 1n) actions.push('decide_extension');
      if (CLOCK_RUNS_IN.includes(row.status)) {
        for (const [action, step] of LADDER_NEEDS) if (needs.includes(action) && row.ladder_step === step) actions.push(action);
      }
      return entry(row, sharedActions(actions), atMs, this.ladder);
    });
  }

  private page<T>(
    where: string[],
    params: Record<string, string | number>,
    paging: { limit?: number; offset?: number },
    map: (row: ItemRow) => T,
  ): Page<T> {
    const limit = paging.limit ?? 50;
    const offset = paging.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidItemsQueryError('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidItemsQueryError('offset', 'must be a whole number ≥ 0');
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const key = `${clause}|${limit}|${offset}|${JSON.stringify(params)}`;
    const cached = this.pages.get(key);
    if (cached !== undefined && cached.stamp === this.stamp()) return { rows: cached.rows.map(map), total: cached.total, limit, offset };
    const read = this.db.transaction(() => {
      const total = this.statement(`SELECT count(*) AS n FROM items ${clause}`).get(params) as { n: bigint };
      const rows = this.statement(`SELECT * FROM items ${clause} ${BY_DUE} LIMIT @limit OFFSET @offset`).all({
        ...params,
        limit,
        offset,
      }) as ItemRow[];
      return { total: Number(total.n), rows, stamp: this.stamp() };
    });
    // One read transaction: the count, the page and the checkpoint see the same commit.
    const page = read.deferred();
    if (page.stamp !== null) this.remember(key, page as CachedPage);
    return { rows: page.rows.map(map), total: page.total, limit, offset };
  }

  /**
   * The items projection's checkpoint as a string (position, version, when it was last rebuilt): every commit of
   * the projection moves it, so a page read at the same stamp is still exact. Null without a checkpoint (a table
   * not fed by the runner): no caching then.
   */
  private stamp(): string | null {
    if (this.checkpointStatement === undefined) {
      const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(CHECKPOINT_TABLE);
      this.checkpointStatement = exists
        ? this.db.prepare(`SELECT position, version, rebuilt_at FROM ${CHECKPOINT_TABLE} WHERE name = 'items'`).raw(true).safeIntegers(true)
        : null;
    }
    const row = this.checkpointStatement?.get() as [bigint, bigint, string] | undefined;
    return row === undefined ? null : `${row[0]}/${row[1]}/${row[2]}`;
  }

  /** Keeps the most recent pages (inboxes are asked again and again between commits); the oldest go first. */
  private remember(key: string, page: CachedPage): void {
    this.pages.delete(key);
    this.pages.set(key, page);
    if (this.pages.size > PAGE_CACHE_SIZE) this.pages.delete(this.pages.keys().next().value!);
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql).safeIntegers(true);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** One frozen array per combination of supervisor actions (a handful occur). */
const SHARED_ACTIONS = new Map<string, readonly InboxAction[]>();
function sharedActions(actions: InboxAction[]): readonly InboxAction[] {
  if (actions.length === 0) return NO_ACTIONS;
  const key = actions.join(',');
  let shared = SHARED_ACTIONS.get(key);
  if (shared === undefined) {
    shared = Object.freeze(actions);
    SHARED_ACTIONS.set(key, shared);
  }
  return shared;
}

function entry(row: ItemRow, needs: readonly InboxAction[], atMs: number, ladder: LadderContext): InboxEntry {
  const msToDeadline = row.deadline_ms === null ? null : Number(row.deadline_ms) - atMs;
  const item = toItem(row, ladder);
  const notice = currentUrgeNotice(item.ladder.taken, item.deadline);
  return { item, needs, overdue: msToDeadline !== null && msToDeadline < 0, msToDeadline, notice };
}

/** Rows of cached pages come back again and again: each is mapped once (the callers only read it). */
const mapped = new WeakMap<ItemRow, Item>();

interface LadderContext {
  rule: LadderRule;
  calendar: WorkingCalendar;
}

function toItem(r: ItemRow, ladder: LadderContext): Item {
  let item = mapped.get(r);
  if (item === undefined) {
    item = mapRow(r, ladder);
    mapped.set(r, item);
  }
  return item;
}

function mapRow(r: ItemRow, ladder: LadderContext): Item {
  const fields = loopItemFields(r, (json) => JSON.parse(json) as string[]);
  return {
    ...fields,
    nextStep: itemNextStep(fields, ladder.rule, ladder.calendar),
    lastEventType: r.last_event_type,
    lastPosition: r.last_position,
    streamVersion: r.stream_version,
    updatedAt: r.updated_at,
  };
}

function instant(field: string, value: string | Date): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms) || (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(value))) {
    throw new InvalidItemsQueryError(field, 'must be an ISO 8601 instant');
  }
  return ms;
}

function kind(value: string): ItemKind {
  if (value !== 'task' && value !== 'issue') throw new InvalidItemsQueryError('kind', "must be 'task' or 'issue'");
  return value;
}
