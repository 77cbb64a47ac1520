import type Database from 'better-sqlite3';
import type { LoopStatus } from '@duban/domain/closure-loop';
import { toInstant } from '@duban/domain/calendar';
import type { UnitCategory } from '@duban/domain/units';
import { UNIT_CATEGORIES, UnitRegistry } from '@duban/domain/units';
import type { ItemKind } from '../items/item';
import { CHECKPOINT_TABLE } from '../runner/checkpoints';
import type {
  ClosureFact,
  DeadlineFact,
  ExtensionFact,
  FiguresItem,
  FiguresProvenance,
  FiguresReport,
  Leaderboard,
  LeaderboardEntry,
  LeaderboardGroup,
  ReopenFact,
  TargetCompletionHook,
  TimedFact,
  UnitFigures,
} from './figures';
import { FIGURES_SCHEMA } from './figures.projection';
import type { Period, PeriodInfo } from './period';
import { InvalidFiguresQueryError, periodInfo, periodMs, shanghaiIso } from './period';
import type { RuleRef, ScoringRule } from './scoring';
import { rankGroup, ratio, roundHalfUp, score, scoringRule } from './scoring';

/** Version of the figure definitions (docs/figures.md); recorded in every result. */
export const FIGURES_DEFINITIONS = 'duban-figures-v1';

const PROJECTION_NAME = 'figures';
const RATE_DECIMALS = 4;

export interface FiguresRequest {
  period: Period;
  /**
   * The instant the figures are taken at (inclusive: facts effective at or
   * before it count). Default: now. Clipped to the period's last millisecond,
   * so a past period is always taken at its end. Must not lie before the
   * period's start. An ISO 8601 date-time with an offset, or a Date.
   */
  asOf?: string | Date;
  /**
   * Recompute from the log up to this global position (e.g. the one a bulletin
   * recorded): facts of later events are ignored. Default: as far as the read
   * model has got. A position the read model has not reached yet is refused
   * with {@link FiguresNotReadyError} (wait for it with runner.waitFor first).
   */
  atPosition?: bigint;
  /** Scoring rule (`{ id, version }` or `duban-score-v1`); default the current rule. */
  rule?: RuleRef | string;
  /** Only this group's units (开发区 / 县市 / 市内区). */
  group?: UnitCategory;
}

export interface FiguresQueryOptions {
  /** Default: UnitRegistry.seeded(). */
  registry?: UnitRegistry;
  /** The clock for the default as-of. */
  now?: () => Date;
  /** 目标完成率 per unit; default: always null (targets are not in the ledger yet). */
  targetCompletion?: TargetCompletionHook;
}

/** The read model has not reached the position asked for. */
export class FiguresNotReadyError extends Error {
  constructor(
    readonly position: bigint,
    readonly checkpoint: bigint,
  ) {
    super(`the figures read model is at position ${checkpoint}, not yet at ${position}`);
    this.name = 'FiguresNotReadyError';
  }
}

interface FiguresRow {
  key: string;
  kind: ItemKind;
  unit_id: string | null;
  status: LoopStatus;
  assigned_at: string | null;
  deadline: string | null;
  first_closed_at: string | null;
  first_closed_on_time: bigint | null;
  last_closed_at: string | null;
  last_closed_on_time: bigint | null;
  submission_count: bigint;
  rework_count: bigint;
  extension_count: bigint;
  reopen_count: bigint;
  deadlines: string;
  submissions: string;
  closures: string;
  reworks: string;
  extensions: string;
  reopens: string;
  last_position: bigint;
  updated_at: string;
}

type CandidateRow = Pick<FiguresRow, 'unit_id' | 'deadlines' | 'submissions' | 'closures' | 'reworks' | 'reopens' | 'extensions'>;

/** The counts one unit accumulates over its items. */
interface Counts {
  due: number;
  notYetDue: number;
  closed: number;
  closedOnTime: number;
  withExtension: number;
  closedInPeriod: number;
  submissions: number;
  rejections: number;
  reopens: number;
  overdueCarried: number;
}

interface Window {
  info: PeriodInfo;
  startMs: number;
  endMs: number;
  /** Last instant (inclusive) whose facts count. */
  cutMs: number;
  position: bigint;
}

const CANDIDATES = `
SELECT unit_id, deadlines, submissions, closures, reworks, extensions, reopens
FROM figures_items
WHERE unit_id IS NOT NULL AND assigned_ms IS NOT NULL AND assigned_ms <= @cut
  AND (status <> 'closed' OR max_deadline_ms >= @start OR last_fact_ms >= @start OR last_position > @position)
ORDER BY key`;

/**
 * Unit figures and the leaderboard (红黑榜 basis) per period and group, from
 * the figures read model. Every result records the period, the as-of instant,
 * the log position, the scoring rule and the figure definitions it was
 * computed under: the same request with `asOf` and `atPosition` set to those
 * values gives the same result later, whatever was appended since.
 */
export class FiguresQuery {
  private readonly registry: UnitRegistry;
  private readonly now: () => Date;
  private readonly targetCompletion: TargetCompletionHook;
  private readonly statements = new Map<string, Database.Statement>();
  /** The 16 responsible units, by group (开发区, 县市, 市内区), in registry order. */
  private readonly groupedUnits: readonly { unitId: string; group: UnitCategory }[];

  constructor(
    private readonly db: Database.Database,
    options: FiguresQueryOptions = {},
  ) {
    // Usable before the runner prepared the file; the runner owns (and may reset) the table.
    db.exec(FIGURES_SCHEMA);
    this.registry = options.registry ?? UnitRegistry.seeded();
    this.now = options.now ?? (() => new Date());
    this.targetCompletion = options.targetCompletion ?? (() => null);
    this.groupedUnits = UNIT_CATEGORIES.flatMap((group) =>
      this.registry.units.filter((u) => u.group === group).map((u) => ({ unitId: u.id, group })),
    );
  }

  /** The figures of every responsible unit (and of any other unit with items) for a period. */
  unitFigures(request: FiguresRequest): FiguresReport {
    const { provenance, units } = this.compute(request);
    return { ...provenance, units };
  }

  /** The leaderboard: each group's units ranked under the rule, with red and black lists. */
  leaderboard(request: FiguresRequest): Leaderboard {
    const { provenance, units, rankings } = this.compute(request);
    const groups: LeaderboardGroup[] = [];
    for (const group of UNIT_CATEGORIES) {
      if (request.group !== undefined && request.group !== group) continue;
      const ranking = rankings.get(group)!;
      const byId = new Map(units.map((u) => [u.unitId, u]));
      const entries = ranking.order.map((unitId) => toEntry(byId.get(unitId)!));
      groups.push({
        group,
        scoredUnits: ranking.scoredUnits,
        listsDrawn: ranking.listsDrawn,
        red: entries.filter((e) => e.red).map((e) => e.unitId),
        black: entries.filter((e) => e.black).map((e) => e.unitId),
        entries,
      });
    }
    return { ...provenance, groups };
  }

  /** One item's row, as the read model holds it now. */
  item(key: string): FiguresItem | null {
    const row = this.statement('SELECT * FROM figures_items WHERE key = ?').get(key) as FiguresRow | undefined;
    return row ? toItem(row) : null;
  }

  /** All rows (of one responsible unit), by key. */
  items(filter: { unitId?: string } = {}): FiguresItem[] {
    const rows = (
      filter.unitId === undefined
        ? this.statement('SELECT * FROM figures_items ORDER BY key').all()
        : this.statement('SELECT * FROM figures_items WHERE unit_id = ? ORDER BY key').all(filter.unitId)
    ) as FiguresRow[];
    return rows.map(toItem);
  }

  /** The log position the figures read model has reached (its checkpoint; 0 before anything). */
  position(): bigint {
    return this.checkpoint();
  }

  // ------------------------------------------------------------------ computing

  private compute(request: FiguresRequest) {
    const rule = scoringRule(request.rule);
    if (request.group !== undefined && !UNIT_CATEGORIES.includes(request.group)) {
      throw new InvalidFiguresQueryError('group', `must be one of ${UNIT_CATEGORIES.join(', ')}`);
    }
    const info = periodInfo(request.period);
    const { startMs, endMs } = periodMs(info);
    const asOfMs = request.asOf === undefined ? this.now().getTime() : instantMs(request.asOf);
    if (asOfMs < startMs) throw new InvalidFiguresQueryError('asOf', `lies before the period ${info.label} starts (${info.start})`);
    const cutMs = Math.min(endMs - 1, asOfMs);
    if (request.atPosition !== undefined && (typeof request.atPosition !== 'bigint' || request.atPosition < 0n)) {
      throw new InvalidFiguresQueryError('atPosition', 'must be a global position (a bigint ≥ 0)');
    }

    // One read transaction: the checkpoint and the rows are the same commit.
    const read = this.db.transaction(() => {
      const checkpoint = this.checkpoint();
      if (request.atPosition !== undefined && request.atPosition > checkpoint) {
        throw new FiguresNotReadyError(request.atPosition, checkpoint);
      }
      const position = request.atPosition ?? checkpoint;
      const rows = this.statement(CANDIDATES).all({ cut: cutMs, start: startMs, position }) as CandidateRow[];
      return { position, rows };
    });
    const { position, rows } = read.deferred();
    const window: Window = { info, startMs, endMs, cutMs, position };

    const counts = new Map<string, Counts>();
    for (const row of rows) accumulate(counts, row, window);

    const asOf = shanghaiIso(cutMs);
    const grouped = new Set(this.groupedUnits.map((u) => u.unitId));
    const others = [...counts.entries()]
      .filter(([unitId, c]) => !grouped.has(unitId) && hasItems(c))
      .map(([unitId]) => unitId)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const all: UnitFigures[] = [
      ...this.groupedUnits.map(({ unitId, group }) => this.figuresOf(unitId, group, counts.get(unitId), rule, info, asOf)),
      ...others.map((unitId) => this.figuresOf(unitId, null, counts.get(unitId), rule, info, asOf)),
    ];

    // rank within each group (a group's ranking does not depend on the `group` filter)
    const rankings = new Map<UnitCategory, { order: string[]; scoredUnits: number; listsDrawn: boolean }>();
    for (const group of UNIT_CATEGORIES) {
      const members = all.filter((u) => u.group === group);
      const ranking = rankGroup(rule, members, (u) => u.score);
      for (const r of ranking.ranked) Object.assign(r.entry, { rank: r.rank, red: r.red, black: r.black });
      rankings.set(group, { order: ranking.ranked.map((r) => r.entry.unitId), scoredUnits: ranking.scoredUnits, listsDrawn: ranking.listsDrawn });
    }

    const units = request.group === undefined ? all : all.filter((u) => u.group === request.group);
    const provenance: FiguresProvenance = {
      period: info,
      asOf,
      position,
      rule: { id: rule.id, version: rule.version, name: rule.name },
      definitions: FIGURES_DEFINITIONS,
    };
    return { provenance, units, rankings };
  }

  private figuresOf(
    unitId: string,
    group: UnitCategory | null,
    c: Counts = emptyCounts(),
    rule: ScoringRule,
    info: PeriodInfo,
    asOf: string,
  ): UnitFigures {
    const assessed = c.due - c.notYetDue;
    const overdue = assessed - c.closed;
    return {
      unitId,
      group,
      due: c.due,
      notYetDue: c.notYetDue,
      assessed,
      closed: c.closed,
      closedOnTime: c.closedOnTime,
      closedLate: c.closed - c.closedOnTime,
      overdue,
      withExtension: c.withExtension,
      closedInPeriod: c.closedInPeriod,
      submissions: c.submissions,
      rejections: c.rejections,
      reopens: c.reopens,
      overdueCarried: c.overdueCarried,
      onTimeRate: rate(c.closedOnTime, assessed),
      closureRate: rate(c.closed, assessed),
      reworkRate: rate(c.rejections, c.rejections + c.closedInPeriod),
      extensionRate: rate(c.withExtension, assessed),
      targetCompletion: this.targetCompletion(unitId, info, asOf),
      score: score(rule, { ...c, assessed, overdue }),
      rank: null,
      red: false,
      black: false,
    };
  }

  private checkpoint(): bigint {
    const table = this.statement("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?").get(CHECKPOINT_TABLE);
    if (!table) return 0n;
    const row = this.statement(`SELECT position FROM ${CHECKPOINT_TABLE} WHERE name = ?`).get(PROJECTION_NAME) as
      | { position: bigint }
      | undefined;
    return row?.position ?? 0n;
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

/**
 * Folds one item as it stood at the window's cut (facts effective at or
 * before cutMs, from events at or before the position) into its unit's counts.
 */
function accumulate(counts: Map<string, Counts>, row: CandidateRow, w: Window): void {
  const visible = <T extends TimedFact>(json: string): T[] =>
    (JSON.parse(json) as T[]).filter((f) => f.atMs <= w.cutMs && BigInt(f.position) <= w.position);
  const deadlines = visible<DeadlineFact>(row.deadlines);
  if (!deadlines.some((d) => d.cause === 'assigned')) return; // not assigned yet: no deadline, no figures
  const closures = visible<ClosureFact>(row.closures);
  const reopens = visible<ReopenFact>(row.reopens);
  const extensions = visible<ExtensionFact>(row.extensions);
  const submissions = visible<TimedFact>(row.submissions);
  const reworks = visible<TimedFact>(row.reworks);

  const deadlineMs = deadlines[deadlines.length - 1].deadlineMs; // the deadline in force (log order)
  const lastClosure = closures[closures.length - 1];
  const lastReopen = reopens[reopens.length - 1];
  const closed = lastClosure !== undefined && (lastReopen === undefined || BigInt(lastClosure.position) > BigInt(lastReopen.position));
  const inPeriod = (f: TimedFact) => f.atMs >= w.startMs;

  const unitId = row.unit_id!;
  let c = counts.get(unitId);
  if (!c) counts.set(unitId, (c = emptyCounts()));

  if (deadlineMs >= w.startMs && deadlineMs < w.endMs) {
    c.due++;
    if (!closed && deadlineMs >= w.cutMs) {
      c.notYetDue++;
    } else {
      if (closed) {
        c.closed++;
        if (lastClosure.onTime) c.closedOnTime++;
      }
      if (extensions.length > 0) c.withExtension++;
    }
  } else if (deadlineMs < w.startMs && !closed) {
    c.overdueCarried++;
  }
  c.closedInPeriod += closures.filter(inPeriod).length;
  c.submissions += submissions.filter(inPeriod).length;
  c.rejections += reworks.filter(inPeriod).length;
  c.reopens += reopens.filter(inPeriod).length;
}

function emptyCounts(): Counts {
  return { due: 0, notYetDue: 0, closed: 0, closedOnTime: 0, withExtension: 0, closedInPeriod: 0, submissions: 0, rejections: 0, reopens: 0, overdueCarried: 0 };
}

function hasItems(c: Counts): boolean {
  return c.due + c.closedInPeriod + c.submissions + c.rejections + c.reopens + c.overdueCarried > 0;
}

function rate(a: number, b: number): number | null {
  const r = ratio(a, b);
  return r === null ? null : roundHalfUp(r, RATE_DECIMALS);
}

function toEntry(u: UnitFigures): LeaderboardEntry {
  return {
    rank: u.rank,
    unitId: u.unitId,
    score: u.score,
    red: u.red,
    black: u.black,
    due: u.due,
    assessed: u.assessed,
    onTimeRate: u.onTimeRate,
    closureRate: u.closureRate,
    reworkRate: u.reworkRate,
    extensionRate: u.extensionRate,
    overdue: u.overdue,
    overdueCarried: u.overdueCarried,
    reopens: u.reopens,
  };
}

function instantMs(value: string | Date): number {
  if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw new InvalidFiguresQueryError('asOf', 'must be an ISO 8601 date-time with an offset (e.g. 2021-06-30T18:00:00+08:00)');
  }
  try {
    return toInstant(value).getTime();
  } catch {
    throw new InvalidFiguresQueryError('asOf', 'must be an ISO 8601 date-time with an offset (e.g. 2021-06-30T18:00:00+08:00)');
  }
}

function toItem(r: FiguresRow): FiguresItem {
  const flag = (v: bigint | null) => (v === null ? null : v === 1n);
  return {
    key: r.key,
    kind: r.kind,
    unitId: r.unit_id,
    status: r.status,
    assignedAt: r.assigned_at,
    deadline: r.deadline,
    firstClosedAt: r.first_closed_at,
    firstClosedOnTime: flag(r.first_closed_on_time),
    lastClosedAt: r.last_closed_at,
    lastClosedOnTime: flag(r.last_closed_on_time),
    submissionCount: Number(r.submission_count),
    reworkCount: Number(r.rework_count),
    extensionCount: Number(r.extension_count),
    reopenCount: Number(r.reopen_count),
    deadlines: JSON.parse(r.deadlines) as DeadlineFact[],
    submissions: JSON.parse(r.submissions) as TimedFact[],
    closures: JSON.parse(r.closures) as ClosureFact[],
    reworks: JSON.parse(r.reworks) as TimedFact[],
    extensions: JSON.parse(r.extensions) as ExtensionFact[],
    reopens: JSON.parse(r.reopens) as ReopenFact[],
    lastPosition: r.last_position,
    updatedAt: r.updated_at,
  };
}
