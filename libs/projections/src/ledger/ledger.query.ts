import type Database from 'better-sqlite3';
import type { LoopStatus } from '@duban/domain/closure-loop';
import type { WorkingCalendar } from '@duban/domain/calendar';
import { officialCalendar, toInstant } from '@duban/domain/calendar';
import type { IssueUrgency } from '@duban/domain/issue';
import type { TaskStatus } from '@duban/domain/task';
import type { UnitCategory } from '@duban/domain/units';
import { UNIT_CATEGORIES, UnitRegistry } from '@duban/domain/units';
import type { ItemKind, LoopItemColumns } from '../items/item';
import { loopItemFields } from '../items/item';
import { CHECKPOINT_TABLE } from '../runner/checkpoints';
import type { LadderRule } from '@duban/domain/ladder';
import { DEFAULT_LADDER_RULE } from '@duban/domain/ladder';
import { LedgerViewer } from './ledger-policy';
import { LEDGER_PROJECTION, LEDGER_SCHEMA } from './ledger.projection';
import type {
  AsOf,
  LedgerAxis,
  LedgerFilter,
  LedgerHeader,
  LedgerItem,
  LedgerQueryOptions,
  LedgerRow,
  LedgerScan,
  LedgerScanOptions,
  LedgerSnapshot,
  LedgerViewOptions,
} from './ledger-row';

export class InvalidLedgerQueryError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'InvalidLedgerQueryError';
  }
}

const STATUSES: readonly LoopStatus[] = ['registered', 'reported', 'assigned', 'acknowledged', 'in_progress', 'submitted', 'closed'];
/** Beyond any position: the live ledger. */
const END_OF_LOG = 9_223_372_036_854_775_807n;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
const DEFAULT_PAGE = 2_000;

interface Row extends LoopItemColumns<number> {
  seq: number;
  /** Positions as text (rows are read without BigInt for every integer; positions may exceed 2^53 on KurrentDB). */
  valid_from_position: string;
  valid_to_position: string | null;
  narrative: string | null;
  narrative_at: string | null;
  event_type: string;
  recorded_at: string;
}

/** A column an amendment may change, as in force at the version `v` (see NARRATIVE for `a`). */
function amended(column: 'doc_title' | 'title' | 'lead_units' | 'cooperating_units' | 'task_deadline'): string {
  return `CASE WHEN v.statics_from IS NULL THEN i.${column} ELSE a.${column} END AS ${column}`;
}

const COLUMNS = `
  i.id AS seq, i.key, i.kind, i.task_id, i.issue_id, i.doc_number, ${amended('doc_title')}, i.item_path, ${amended('title')}, i.category,
  i.urgency, i.reporting_unit, i.park_id, i.supervising_office, ${amended('lead_units')}, ${amended('cooperating_units')}, ${amended('task_deadline')},
  CAST(v.valid_from_position AS TEXT) AS valid_from_position, CAST(v.valid_to_position AS TEXT) AS valid_to_position, v.status, v.task_status, v.unit_id, v.deadline, v.percent,
  v.progress_reports, v.notes, v.rework_count, v.extension_count, v.reopen_count, v.pending_extension,
  v.requested_deadline, v.submitted_by_unit, v.submitted_at, v.closed_at, v.ladder, n.narrative, n.occurred_at AS narrative_at,
  v.event_type, v.recorded_at, v.occurred_at`;

/**
 * The version that carries a version's latest narrative (itself, for a report), and the amendment whose columns
 * are in force at the version (none: the columns as the item opened, in ledger_items).
 */
const NARRATIVE =
  'LEFT JOIN ledger_versions n ON n.item_id = v.item_id AND n.valid_from_position = v.narrative_from ' +
  'LEFT JOIN ledger_amendments a ON a.item_id = v.item_id AND a.position = v.statics_from';

/** `i.first_position <= @p` → `+i.first_position <= @p`: the condition without its index (SQLite's unary +). */
function unindexed(condition: string): string {
  return condition.replace(/^i\.(first_position|min_occurred_ms|unit_position) /, '+i.$1 ');
}

/** What a query resolved its `asOf` to (inside its read transaction). */
interface Resolved {
  axis: LedgerAxis;
  /** Reported position (see LedgerHeader.position). */
  position: bigint;
  /** The SQL's position bound: versions that began after it do not exist for this answer. */
  p: bigint;
  /** Effective axis: the effective instant (epoch ms). */
  t: number | null;
  instant: Date;
  effectiveAt: string | null;
  readModel: { position: bigint; recordedAt: string | null };
  incomplete: boolean;
}

interface Plan {
  /** Conditions on the item alone (ledger_items i): existence at the answer's point, static filters. */
  items: string[];
  /** Conditions on the version found (ledger_versions v). */
  versions: string[];
  params: Record<string, string | number | bigint>;
  /** The version of item i valid at the answer's point (a rowid, or NULL: none). */
  seek: string;
}

export interface LedgerQueryDeps {
  registry?: UnitRegistry;
  calendar?: WorkingCalendar;
  /** The ladder rule (DUBAN_LADDER_RULE): its thresholds colour the rows, its steps are the rows' nextStep. Default duban-ladder-v1. */
  rule?: LadderRule;
  /** The clock of the live ledger. */
  clock?: () => Date;
  /**
   * Memory-mapped reads for this connection (PRAGMA mmap_size, bytes): time
   * travel reads versions at random places of a large table, and mapping the
   * file saves a system call and a copy per page (about halves the cost of a
   * filtered ledger at 1M events). Default 1 GiB of address space (not of
   * memory: pages come from the OS cache); 0 leaves the connection as it is.
   * Only raised, never lowered.
   */
  mmapBytes?: number;
}

/**
 * The ledger (台账) with time travel, read from the ledger projection's
 * temporal tables. See README.md in this folder for the axes and the view.
 */
export class LedgerQuery {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly registry: UnitRegistry;
  private readonly calendar: WorkingCalendar;
  private readonly rule: LadderRule;
  private readonly clock: () => Date;
  private readonly groups = new Map<string, UnitCategory | null>();
  /** Parsed unit lists (JSON): the shares of a task repeat theirs. Each row gets its own copy. */
  private readonly unitLists = new Map<string, readonly string[]>();

  constructor(
    private readonly db: Database.Database,
    deps: LedgerQueryDeps = {},
  ) {
    // Usable before the runner prepared the file; the runner owns (and may reset) the tables.
    db.exec(LEDGER_SCHEMA);
    this.registry = deps.registry ?? UnitRegistry.seeded();
    this.calendar = deps.calendar ?? officialCalendar;
    this.rule = deps.rule ?? DEFAULT_LADDER_RULE;
    this.clock = deps.clock ?? (() => new Date());
    const mmap = deps.mmapBytes ?? 1024 ** 3;
    if (mmap > 0 && !db.memory && (db.pragma('mmap_size', { simple: true }) as number) < mmap) db.pragma(`mmap_size = ${Math.floor(mmap)}`);
  }

  /**
   * One page of the ledger as of a point of the log or an instant (default
   * 100 rows, soonest registered first: the ledger's 序号 order), and the
   * number of rows of the whole ledger:
   *
   * - `{ position }`: exact to the event — every item as the items model would
   *   show it after the events up to and including `position`; the view is
   *   computed at the recordedAt of the last ledger event at or before it.
   * - `{ recordedAt }`: what the system knew at that instant — the last
   *   position whose whole prefix of the log was recorded at or before it.
   * - `{ effectiveAt }`: what was in effect then — per item, the latest
   *   version whose producing event's occurredAt ≤ the instant (see README for
   *   the limit with back-filled events).
   *
   * `options.now` overrides the instant the view is computed at. Count and
   * page are read in one read transaction.
   */
  asOf(at: AsOf, options: LedgerQueryOptions = {}): LedgerSnapshot {
    const limit = options.limit ?? DEFAULT_LIMIT;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidLedgerQueryError('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidLedgerQueryError('offset', 'must be a whole number ≥ 0');
    const viewer = this.viewerFor(options);
    const read = this.db.transaction(() => {
      const resolved = this.resolve(at);
      const plan = this.plan(resolved, options);
      const total = this.count(plan);
      const rows = this.page(plan, { limit, offset });
      return { resolved, total, rows };
    });
    const { resolved, total, rows } = read.deferred();
    const header = this.header(resolved, total, options);
    const view = viewer(header.instant);
    return { ...header, limit, offset, rows: rows.map(view) };
  }

  /** One page of the live ledger: everything the read model holds, viewed now (or at `options.now`). */
  current(options: LedgerQueryOptions = {}): LedgerSnapshot {
    return this.asOf({ position: END_OF_LOG }, { ...options, now: options.now ?? this.clock() });
  }

  /**
   * Every row of the ledger (for exports), read in pages of `pageSize` rows,
   * each page in its own short read transaction so a writer on the same
   * connection is never blocked for long. All pages answer at the position
   * resolved when the scan starts, so they form one consistent ledger even if
   * the runner commits in between. `scan('live')` scans the live ledger (at
   * the read model's checkpoint when it starts), viewed now.
   */
  scan(at: AsOf | 'live', options: LedgerScanOptions = {}): LedgerScan {
    const pageSize = options.pageSize ?? DEFAULT_PAGE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_LIMIT) {
      throw new InvalidLedgerQueryError('pageSize', `must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    const live = at === 'live';
    const viewOptions = live ? { ...options, now: options.now ?? this.clock() } : options;
    const viewer = this.viewerFor(viewOptions);
    const first = this.db.transaction(() => {
      const resolved = this.resolve(live ? { position: END_OF_LOG } : at);
      // Pin the pages to the position the scan started at (effective axis: to the checkpoint then).
      const pinned = live ? { ...resolved, p: resolved.position } : resolved;
      const plan = this.plan(pinned, options);
      return { resolved: pinned, plan, total: this.count(plan) };
    });
    const { resolved, plan, total } = first.deferred();
    const header = this.header(resolved, total, viewOptions);
    const view = viewer(header.instant);
    const pages = this.db.transaction((after: number) => this.page(plan, { limit: pageSize, after }));
    function* rows(): Generator<LedgerRow> {
      let after = 0;
      for (;;) {
        const page = pages.deferred(after);
        for (const row of page) yield view(row);
        if (page.length < pageSize) return;
        after = page[page.length - 1].seq;
      }
    }
    return { header, rows: { [Symbol.iterator]: rows } };
  }

  /** Every version of one item, oldest first (its history as the ledger saw it). */
  history(key: string): LedgerItem[] {
    const rows = this.rowsStatement(
      `SELECT ${COLUMNS} FROM ledger_items i JOIN ledger_versions v ON v.item_id = i.id ${NARRATIVE} WHERE i.key = ? ORDER BY v.valid_from_position`,
    ).all(key) as Row[];
    return rows.map((r) => this.toItem(r));
  }

  /** Where the ledger projection stands: its checkpoint; null before a runner prepared it. */
  checkpoint(): { position: bigint; recordedAt: string | null } | null {
    const exists = this.statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(CHECKPOINT_TABLE);
    if (!exists) return null;
    const row = this.statement(`SELECT position, recorded_at FROM ${CHECKPOINT_TABLE} WHERE name = ?`).get(LEDGER_PROJECTION) as
      | { position: bigint; recorded_at: string | null }
      | undefined;
    return row ? { position: row.position, recordedAt: row.recorded_at } : null;
  }

  /** What `at` means in this read transaction: the position bound, the effective instant, the view's instant. */
  private resolve(at: AsOf): Resolved {
    const readModel = this.checkpoint();
    const lastKnown = () =>
      (this.statement('SELECT max(position) AS p FROM ledger_positions').get() as { p: bigint | null }).p ?? 0n;
    if ('position' in at) {
      if (typeof at.position !== 'bigint' || at.position < 0n) throw new InvalidLedgerQueryError('position', 'must be a global position ≥ 0');
      const recorded = this.statement('SELECT recorded_at FROM ledger_positions WHERE position <= ? ORDER BY position DESC LIMIT 1').get(
        at.position,
      ) as { recorded_at: string } | undefined;
      const live = at.position === END_OF_LOG;
      return {
        axis: 'position',
        position: live ? (readModel?.position ?? lastKnown()) : at.position,
        p: at.position,
        t: null,
        instant: recorded ? new Date(recorded.recorded_at) : this.clock(),
        effectiveAt: null,
        readModel: readModel ?? { position: lastKnown(), recordedAt: null },
        incomplete: !live && readModel !== null && at.position > readModel.position,
      };
    }
    if ('recordedAt' in at) {
      const instant = this.instant('recordedAt', at.recordedAt);
      const last = this.statement(
        'SELECT position FROM ledger_positions WHERE known_ms <= ? ORDER BY known_ms DESC, position DESC LIMIT 1',
      ).get(instant.getTime()) as { position: bigint } | undefined;
      const position = last?.position ?? 0n;
      return {
        axis: 'recorded',
        position,
        p: position,
        t: null,
        instant,
        effectiveAt: null,
        readModel: readModel ?? { position: lastKnown(), recordedAt: null },
        incomplete: false,
      };
    }
    if ('effectiveAt' in at) {
      const instant = this.instant('effectiveAt', at.effectiveAt);
      const position = readModel?.position ?? lastKnown();
      return {
        axis: 'effective',
        position,
        p: position,
        t: instant.getTime(),
        instant,
        effectiveAt: instant.toISOString(),
        readModel: readModel ?? { position, recordedAt: null },
        incomplete: false,
      };
    }
    throw new InvalidLedgerQueryError('asOf', 'must give a position, recordedAt or effectiveAt');
  }

  private plan(r: Resolved, f: LedgerFilter): Plan {
    // Existence: opened by @p and not removed by an amendment by then (on the effective axis: by @t, below).
    const items = ['i.first_position <= @p'];
    if (r.t === null) items.push('(i.removed_position IS NULL OR i.removed_position > @p)');
    const versions: string[] = [];
    const params: Record<string, string | number | bigint> = { p: r.p };
    let seek = 'SELECT s.rowid FROM ledger_versions s WHERE s.item_id = i.id AND s.valid_from_position <= @p';
    if (r.t !== null) {
      // An item none of whose versions took effect by @t did not exist then.
      items.push('i.min_occurred_ms <= @t', '(i.removed_ms IS NULL OR i.removed_ms > @t)');
      seek += ' AND s.occurred_ms <= @t';
      params.t = r.t;
    }
    seek = `(${seek} ORDER BY s.valid_from_position DESC LIMIT 1)`;
    // The unit an item was assigned to and the event that assigned it (ledger_items.unit_id / unit_position; the loop
    // assigns once, from registered/reported only): on a position, the unit filter is a condition on the item alone,
    // answered by index. On the effective axis the version found decides (its event order is not its effective order).
    const units = (names: string): void => {
      if (r.t === null) {
        items.push(`i.unit_id IN (${names})`, 'i.unit_position <= @p');
      } else {
        items.push(`i.unit_id IN (${names})`);
        versions.push(`v.unit_id IN (${names})`);
      }
    };
    if (f.unitId !== undefined) {
      units('@unit');
      params.unit = f.unitId;
    }
    if (f.group !== undefined) {
      if (!UNIT_CATEGORIES.includes(f.group)) throw new InvalidLedgerQueryError('group', `must be one of ${UNIT_CATEGORIES.join(', ')}`);
      const members = this.registry.units.filter((u) => u.group === f.group).map((u) => u.id);
      if (members.length === 0) items.push('0');
      else units(members.map((_, n) => `@group${n}`).join(', '));
      members.forEach((m, n) => (params[`group${n}`] = m));
    }
    if (f.involvesUnit !== undefined) {
      versions.push(
        '(v.unit_id = @involves OR EXISTS (SELECT 1 FROM json_each(' +
          unitsAtVersion('lead_units') +
          ') WHERE value = @involves) OR EXISTS (SELECT 1 FROM json_each(' +
          unitsAtVersion('cooperating_units') +
          ') WHERE value = @involves))',
      );
      params.involves = f.involvesUnit;
    }
    if (f.docNumber !== undefined) {
      items.push('i.doc_number = @doc');
      params.doc = f.docNumber;
    }
    if (f.status !== undefined) {
      const statuses: readonly LoopStatus[] = typeof f.status === 'string' ? [f.status] : f.status;
      if (statuses.length === 0 || statuses.some((s) => !STATUSES.includes(s))) {
        throw new InvalidLedgerQueryError('status', `must be some of ${STATUSES.join(', ')}`);
      }
      versions.push(`v.status IN (${statuses.map((_, n) => `@status${n}`).join(', ')})`);
      statuses.forEach((s, n) => (params[`status${n}`] = s));
    }
    if (f.kind !== undefined) {
      if (f.kind !== 'task' && f.kind !== 'issue') throw new InvalidLedgerQueryError('kind', "must be 'task' or 'issue'");
      items.push('i.kind = @kind');
      params.kind = f.kind;
    }
    return { items, versions, params, seek };
  }

  /**
   * Rows of the whole ledger. Without a condition on the versions every item
   * that existed has exactly one version valid then, so it is a count of items
   * (an index range, no seek); otherwise one seek per candidate item.
   */
  private count(plan: Plan): number {
    const sql =
      plan.versions.length === 0
        ? `SELECT count(*) AS n FROM ledger_items i WHERE ${plan.items.join(' AND ')}`
        : `SELECT count(*) AS n FROM ledger_items i JOIN ledger_versions v ON v.rowid = ${plan.seek}
           WHERE ${[...plan.items, ...plan.versions].join(' AND ')}`;
    return Number((this.statement(sql).get(plan.params) as { n: bigint }).n);
  }

  /**
   * A page in ledger order, by offset or after a seq (keyset). Without a
   * condition on the versions the page's items are chosen first (no seek for
   * the rows skipped by the offset), then one seek each. CROSS JOIN keeps that
   * order: with a bound LIMIT the planner would otherwise seek every item and
   * filter by the page afterwards; the existence bounds are kept off their
   * indexes (unary +) so the items are walked in ledger order, not sorted.
   * With a unit, group or document filter their indexes still narrow the walk.
   */
  private page(plan: Plan, at: { limit: number; offset?: number; after?: number }): Row[] {
    const items = [...plan.items, ...(at.after !== undefined ? ['i.id > @after'] : [])];
    const params = { ...plan.params, limit: at.limit, offset: at.offset ?? 0, ...(at.after !== undefined ? { after: at.after } : {}) };
    const sql =
      plan.versions.length === 0
        ? `SELECT ${COLUMNS} FROM (SELECT i.id FROM ledger_items i WHERE ${items.map(unindexed).join(' AND ')} ORDER BY i.id LIMIT @limit OFFSET @offset) page
           CROSS JOIN ledger_items i ON i.id = page.id CROSS JOIN ledger_versions v ON v.rowid = ${plan.seek} ${NARRATIVE} ORDER BY i.id`
        : `SELECT ${COLUMNS} FROM ledger_items i JOIN ledger_versions v ON v.rowid = ${plan.seek} ${NARRATIVE}
           WHERE ${[...items.map(unindexed), ...plan.versions].join(' AND ')} ORDER BY i.id LIMIT @limit OFFSET @offset`;
    return this.rowsStatement(sql).all(params) as Row[];
  }

  private header(r: Resolved, total: number, options: LedgerViewOptions): LedgerHeader {
    const now = options.now === undefined ? r.instant : this.instant('now', options.now);
    return {
      axis: r.axis,
      position: r.position,
      instant: now.toISOString(),
      effectiveAt: r.effectiveAt,
      readModel: r.readModel,
      incomplete: r.incomplete,
      total,
    };
  }

  /** Validates the options before any read; returns a function making rows at the header's instant. */
  private viewerFor(options: LedgerViewOptions): (instant: string) => (row: Row) => LedgerRow {
    if (options.now !== undefined) this.instant('now', options.now);
    return (instant) => {
      const viewer = new LedgerViewer(new Date(instant), this.rule, this.calendar);
      return (row) => {
        const item = this.toItem(row);
        return { item, view: viewer.view(item) };
      };
    };
  }

  private instant(field: string, value: string | Date): Date {
    // An instant, not a date: a bare YYYY-MM-DD is ambiguous for a ledger (its start or its end?).
    if (typeof value === 'string' && !/T/.test(value)) throw new InvalidLedgerQueryError(field, 'must be an ISO 8601 instant with a zone');
    try {
      return toInstant(value);
    } catch {
      throw new InvalidLedgerQueryError(field, 'must be an ISO 8601 instant with a zone');
    }
  }

  private groupOf(unitId: string | null): UnitCategory | null {
    if (unitId === null) return null;
    let group = this.groups.get(unitId);
    if (group === undefined) {
      group = this.registry.has(unitId) ? this.registry.groupOf(unitId) : null;
      this.groups.set(unitId, group);
    }
    return group;
  }

  private unitList(json: string): string[] {
    let list = this.unitLists.get(json);
    if (list === undefined) {
      list = JSON.parse(json) as string[];
      if (this.unitLists.size > 10_000) this.unitLists.clear();
      this.unitLists.set(json, list);
    }
    return [...list];
  }

  private toItem(r: Row): LedgerItem {
    return {
      ...loopItemFields(r, (json) => this.unitList(json)),
      lastEventType: r.event_type,
      validFromPosition: BigInt(r.valid_from_position),
      validToPosition: r.valid_to_position === null ? null : BigInt(r.valid_to_position),
      recordedAt: r.recorded_at,
      narrative: r.narrative,
      narrativeAt: r.narrative_at,
      group: this.groupOf(r.unit_id),
      seq: r.seq,
    };
  }

  /** Ledger rows: integers as numbers (counts, flags, ids), positions cast to text in the SQL. */
  private rowsStatement(sql: string): Database.Statement {
    let s = this.statements.get(`rows:${sql}`);
    if (!s) {
      s = this.db.prepare(sql).safeIntegers(false);
      this.statements.set(`rows:${sql}`, s);
    }
    return s;
  }

  /** Bookkeeping reads: integers as bigint (positions). */
  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql).safeIntegers(true);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** A unit list (JSON) of the item as in force at the version `v`: amended, or as opened. */
function unitsAtVersion(column: 'lead_units' | 'cooperating_units'): string {
  return `CASE WHEN v.statics_from IS NULL THEN i.${column} ELSE (SELECT x.${column} FROM ledger_amendments x WHERE x.item_id = v.item_id AND x.position = v.statics_from) END`;
}
