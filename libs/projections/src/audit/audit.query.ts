import type Database from 'better-sqlite3';
import type { Role } from '@duban/eventstore';
import { MAX_GLOBAL_POSITION as MAX_POSITION } from '@duban/eventstore';
import type { AuditEntry, AuditExportResult, AuditFilter, AuditPage, AuditTimeAxis } from './audit-entry';
import { AUDIT_SCHEMA } from './audit.projection';
import { AUDIT_CSV_HEADER, auditCsvRow, auditJsonLine } from './audit-format';

export class InvalidAuditQueryError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'InvalidAuditQueryError';
  }
}

/** Receives the export chunk by chunk; return a promise to apply backpressure (the exporter waits for it). */
export type ExportWriter = (chunk: string) => void | Promise<void>;

export interface ExportOptions {
  /** Rows read per page (default 500). */
  pageSize?: number;
}

/** What an export takes: a filter without a page size (it pages by itself). */
export type AuditExportFilter = Omit<AuditFilter, 'limit'>;

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const COLUMNS = `e.position, e.event_id, e.stream, e.stream_version, e.type, e.item_key, e.units, e.actor_user, e.actor_unit,
  e.actor_role, e.command_id, e.correlation_id, e.causation_id, e.occurred_at, e.recorded_at, b.data, b.extra, b.hash`;

interface AuditRow {
  position: bigint;
  event_id: string;
  stream: string;
  stream_version: bigint;
  type: string;
  item_key: string | null;
  units: string;
  actor_user: string;
  actor_unit: string | null;
  actor_role: string;
  command_id: string;
  correlation_id: string;
  causation_id: string;
  occurred_at: string;
  recorded_at: string;
  data: string;
  extra: string | null;
  hash: string;
}

type Params = Record<string, string | bigint | number>;

/** A validated filter, with the item filter resolved. */
interface Plan {
  /** Conditions on `e` (audit_events) other than the driver's and the position bounds. */
  where: string[];
  params: Params;
  driver: 'correlation' | 'item' | 'actor' | 'unit' | 'type' | 'recorded' | 'scan';
  time: { axis: AuditTimeAxis; fromMs: number | null; toMs: number | null };
  after: bigint;
  until: bigint;
}

/**
 * Reads the audit trail (the `audit` projection).
 *
 * Paging is by keyset on the global position — `afterPosition` is the last
 * position of the previous page — never by OFFSET: every page is an index
 * seek plus the rows it returns, however deep into the trail it is.
 *
 * Which index drives a page is chosen here, not left to the planner, so the
 * rows always come in position order straight off an index (no sort of a
 * large range): the first of correlation id, item, actor, unit, type that the
 * filter names; the others and the time range are checked on the way. A
 * filter on recorded time alone reads the stretch of the log between two
 * seeks on the monotone `recorded_seq_ms` (plus the events recorded after a
 * clock step back); effective time (occurredAt) is not ordered along the log
 * (back-filled records), so a filter on it alone reads the log in order from
 * the cursor — linear across all pages, never quadratic.
 */
export class AuditQuery {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    // Usable before the runner prepared the file; the runner owns (and may reset) the tables.
    db.exec(AUDIT_SCHEMA);
  }

  list(filter: AuditFilter = {}): AuditPage {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidAuditQueryError('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    return this.page(this.plan(filter), limit);
  }

  /** One event by global position, or null. */
  get(position: bigint): AuditEntry | null {
    const row = this.statement(
      `SELECT ${COLUMNS} FROM audit_events e CROSS JOIN audit_event_bodies b ON b.position = e.position WHERE e.position = ?`,
    ).get(position) as AuditRow | undefined;
    return row ? toEntry(row) : null;
  }

  /** The last position the trail holds (0n when empty): what an export started now covers. */
  headPosition(): bigint {
    const row = this.statement('SELECT max(position) AS p FROM audit_events').get() as { p: bigint | null };
    return row.p ?? 0n;
  }

  /** Checks a filter without reading anything; throws InvalidAuditQueryError. */
  validate(filter: AuditExportFilter): void {
    this.plan(filter);
  }

  /**
   * Streams the matching events as CSV (RFC 4180): UTF-8 with a byte order
   * mark (Excel then reads the Chinese text as UTF-8 instead of the local GBK
   * code page), a header row of English field names, CRLF line ends, fields
   * quoted when they hold a comma, a quote or a line break (quotes doubled).
   * `units`, `data` and `extra_metadata` are JSON. A field that would start
   * with = + - @ (a formula, for a spreadsheet) is prefixed with ' — the
   * JSON Lines export is the exact one.
   */
  exportCsv(filter: AuditExportFilter, write: ExportWriter, options: ExportOptions = {}): Promise<AuditExportResult> {
    return this.export(filter, write, `\uFEFF${AUDIT_CSV_HEADER}`, auditCsvRow, options);
  }

  /** Streams the matching events as JSON Lines: one object per line (the list's shape, positions as strings), UTF-8 without BOM. */
  exportJsonLines(filter: AuditExportFilter, write: ExportWriter, options: ExportOptions = {}): Promise<AuditExportResult> {
    return this.export(filter, write, null, auditJsonLine, options);
  }

  /**
   * Pages through the trail, writing page by page and awaiting each write, so
   * memory holds one page whatever the size of the export. The export is
   * pinned to the trail's head when it starts (`untilPosition`): events
   * appended meanwhile are not half-included.
   */
  private async export(
    filter: AuditExportFilter,
    write: ExportWriter,
    head: string | null,
    line: (e: AuditEntry) => string,
    options: ExportOptions,
  ): Promise<AuditExportResult> {
    const pageSize = options.pageSize ?? 500;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
      throw new InvalidAuditQueryError('pageSize', 'must be a whole number from 1 to 10000');
    }
    const until = filter.untilPosition ?? this.headPosition();
    const plan = this.plan({ ...filter, untilPosition: until });
    if (head !== null) await write(head);
    let rows = 0;
    let lastPosition: bigint | null = null;
    for (;;) {
      const page = this.page(plan, pageSize);
      if (page.rows.length > 0) {
        await write(page.rows.map(line).join(''));
        rows += page.rows.length;
        lastPosition = page.rows[page.rows.length - 1].position;
      }
      if (!page.hasMore) break;
      plan.after = page.nextAfterPosition!;
      // a synchronous writer would otherwise keep the event loop to itself for the whole export
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { rows, untilPosition: until, lastPosition };
  }

  private plan(filter: AuditExportFilter): Plan {
    const where: string[] = [];
    const params: Params = {};
    const drivers: Plan['driver'][] = [];

    const axis = filter.axis ?? 'recorded';
    if (axis !== 'recorded' && axis !== 'effective') throw new InvalidAuditQueryError('axis', "must be 'recorded' or 'effective'");
    const fromMs = filter.from === undefined ? null : instant('from', filter.from);
    const toMs = filter.to === undefined ? null : instant('to', filter.to);
    if (fromMs !== null && toMs !== null && toMs < fromMs) throw new InvalidAuditQueryError('to', 'must not be before from');
    const after = position('afterPosition', filter.afterPosition ?? 0n);
    const until = position('untilPosition', filter.untilPosition ?? MAX_POSITION);

    if (filter.correlationId !== undefined) {
      where.push('e.correlation_id = @correlation');
      params.correlation = nonEmpty('correlationId', filter.correlationId);
      drivers.push('correlation');
    }
    if (filter.item !== undefined) {
      this.itemCondition(filter.item, where, params);
      drivers.push('item');
    }
    if (filter.actor !== undefined) {
      where.push('e.actor_user = @actor');
      params.actor = nonEmpty('actor', filter.actor);
      drivers.push('actor');
    }
    if (filter.unit !== undefined) {
      where.push('EXISTS (SELECT 1 FROM audit_units x WHERE x.unit = @unit AND x.position = e.position)');
      params.unit = nonEmpty('unit', filter.unit);
      drivers.push('unit');
    }
    if (filter.type !== undefined) {
      where.push('e.type = @type');
      params.type = nonEmpty('type', filter.type);
      drivers.push('type');
    }
    const column = axis === 'recorded' ? 'e.recorded_ms' : 'e.occurred_ms';
    if (fromMs !== null) {
      where.push(`${column} >= @from_ms`);
      params.from_ms = fromMs;
    }
    if (toMs !== null) {
      where.push(`${column} < @to_ms`);
      params.to_ms = toMs;
    }
    const timed = fromMs !== null || toMs !== null;
    const driver = drivers[0] ?? (timed && axis === 'recorded' ? 'recorded' : 'scan');
    return { where, params, driver, time: { axis, fromMs, toMs }, after, until };
  }

  /** The item filter: `issue:<id>`, `task:<id>` (the whole task) or `task:<id>:<unitId>` (one share). */
  private itemCondition(item: string, where: string[], params: Params): void {
    const m = /^(task|issue):(.+)$/.exec(item);
    if (!m) throw new InvalidAuditQueryError('item', 'must be task:<taskId>, task:<taskId>:<unitId> or issue:<issueId>');
    const [, kind, rest] = m;
    if (kind === 'issue' || !rest.includes(':') || this.hasRoot(item)) {
      where.push('e.item_root = @item_root');
      params.item_root = item;
      return;
    }
    const cut = rest.lastIndexOf(':');
    const root = `task:${rest.slice(0, cut)}`;
    const unit = rest.slice(cut + 1);
    if (cut === 0 || unit === '') throw new InvalidAuditQueryError('item', 'must be task:<taskId>, task:<taskId>:<unitId> or issue:<issueId>');
    where.push(
      'e.item_root = @item_root AND (e.item_key = @item_key OR ' +
        '(e.item_key = @item_root AND EXISTS (SELECT 1 FROM json_each(e.units) WHERE value = @share_unit)))',
    );
    params.item_root = root;
    params.item_key = item;
    params.share_unit = unit;
  }

  private hasRoot(root: string): boolean {
    return this.statement('SELECT 1 FROM audit_events INDEXED BY audit_events_item WHERE item_root = ? LIMIT 1').get(root) !== undefined;
  }

  /** One page (limit + 1 rows read, to know whether more follow). */
  private page(plan: Plan, limit: number): AuditPage {
    const rows = this.read(plan, limit + 1);
    const hasMore = rows.length > limit;
    const page = (hasMore ? rows.slice(0, limit) : rows).map(toEntry);
    return { rows: page, limit, hasMore, nextAfterPosition: hasMore ? page[page.length - 1].position : null };
  }

  private read(plan: Plan, n: number): AuditRow[] {
    const bounds = ['e.position > @after', 'e.position <= @until'];
    const params = { ...plan.params, after: plan.after, until: plan.until, n };
    const tail = 'ORDER BY e.position LIMIT @n';
    const select = (from: string, extra: string[]) =>
      this.statement(
        `SELECT ${COLUMNS} FROM ${from} CROSS JOIN audit_event_bodies b ON b.position = e.position ` +
          `WHERE ${[...extra, ...bounds, ...plan.where].join(' AND ')} ${tail}`,
      );
    switch (plan.driver) {
      case 'correlation':
        return select('audit_events e INDEXED BY audit_events_correlation', []).all(params) as AuditRow[];
      case 'item':
        return select('audit_events e INDEXED BY audit_events_item', []).all(params) as AuditRow[];
      case 'actor':
        return select('audit_events e INDEXED BY audit_events_actor', []).all(params) as AuditRow[];
      case 'type':
        return select('audit_events e INDEXED BY audit_events_type', []).all(params) as AuditRow[];
      case 'unit':
        // walk (unit, position) in order; the EXISTS in plan.where is then always true and cheap
        return this.statement(
          `SELECT ${COLUMNS} FROM audit_units u CROSS JOIN audit_events e ON e.position = u.position ` +
            'CROSS JOIN audit_event_bodies b ON b.position = e.position ' +
            `WHERE u.unit = @unit AND u.position > @after AND u.position <= @until AND ${plan.where.join(' AND ')} ORDER BY u.position LIMIT @n`,
        ).all(params) as AuditRow[];
      case 'scan':
        return select('audit_events e NOT INDEXED', []).all(params) as AuditRow[];
      case 'recorded':
        return this.readRecorded(plan, params, select);
    }
  }

  /**
   * Recorded time alone. Events before the first one whose running maximum
   * reaches `from` were all recorded before `from`; events after the last one
   * whose running maximum is below `to` were recorded at or after `to` unless
   * the clock stepped back (clock_back = 1, a partial index). So: the rowid
   * range between the two seeks, then the marked events beyond it.
   */
  private readRecorded(
    plan: Plan,
    params: Params,
    select: (from: string, extra: string[]) => Database.Statement,
  ): AuditRow[] {
    const n = Number(params.n);
    let lo = 0n;
    if (plan.time.fromMs !== null) {
      const first = this.statement(
        'SELECT position AS p FROM audit_events INDEXED BY audit_events_recorded_seq WHERE recorded_seq_ms >= ? ORDER BY recorded_seq_ms, position LIMIT 1',
      ).get(plan.time.fromMs) as { p: bigint } | undefined;
      if (!first) return [];
      lo = first.p;
    }
    let hi = MAX_POSITION;
    if (plan.time.toMs !== null) {
      const last = this.statement(
        'SELECT position AS p FROM audit_events INDEXED BY audit_events_recorded_seq WHERE recorded_seq_ms < ? ORDER BY recorded_seq_ms DESC, position DESC LIMIT 1',
      ).get(plan.time.toMs) as { p: bigint } | undefined;
      hi = last ? last.p : 0n;
    }
    const rows: AuditRow[] = [];
    if (hi >= lo && hi > plan.after) {
      rows.push(...(select('audit_events e NOT INDEXED', ['e.position >= @lo', 'e.position <= @hi']).all({ ...params, lo, hi }) as AuditRow[]));
    }
    if (plan.time.toMs !== null && rows.length < n) {
      rows.push(
        ...(select('audit_events e INDEXED BY audit_events_clock_back', ['e.clock_back = 1', 'e.position > @hi']).all({
          ...params,
          hi,
          n: n - rows.length,
        }) as AuditRow[]),
      );
    }
    return rows;
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

function toEntry(r: AuditRow): AuditEntry {
  return {
    position: r.position,
    eventId: r.event_id,
    stream: r.stream,
    streamVersion: r.stream_version,
    type: r.type,
    itemKey: r.item_key,
    units: JSON.parse(r.units) as string[],
    actor: { userId: r.actor_user, unitId: r.actor_unit, role: r.actor_role as Role },
    commandId: r.command_id,
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    data: JSON.parse(r.data) as unknown,
    extraMetadata: r.extra === null ? null : (JSON.parse(r.extra) as Record<string, unknown>),
    hash: r.hash,
  };
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An ISO 8601 instant with an offset, or a date (midnight Asia/Shanghai),
 * checked field by field (Date.parse accepts 2021-02-30).
 */
export function parseAuditInstant(value: string | Date): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  const date = DATE.exec(value);
  if (date) return validDate(+date[1], +date[2], +date[3]) ? Date.parse(`${value}T00:00:00+08:00`) : null;
  const m = INSTANT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, , oh, om] = m;
  if (!validDate(+y, +mo, +d) || +h > 23 || +mi > 59 || (s !== undefined && +s > 59)) return null;
  if (oh !== undefined && (+oh > 14 || +om > 59)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function instant(field: string, value: string | Date): number {
  const ms = parseAuditInstant(value);
  if (ms === null) {
    throw new InvalidAuditQueryError(field, 'must be an ISO 8601 instant with an offset (2021-05-01T08:00:00+08:00) or a date (2021-05-01, Asia/Shanghai)');
  }
  return ms;
}

function position(field: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_POSITION) {
    throw new InvalidAuditQueryError(field, 'must be a global position (a whole number ≥ 0)');
  }
  return value;
}

function nonEmpty(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidAuditQueryError(field, 'must not be empty');
  return value;
}
