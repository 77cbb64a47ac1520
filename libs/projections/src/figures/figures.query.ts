import type Database from 'better-sqlite3';
import type { LoopStatus } from '@duban/domain/closure-loop';
import { toInstant } from '@duban/domain/calendar';
import type { UnitCategory } from '@duban/domain/units';
import { UNIT_CATEGORIES, UnitRegistry } from '@duban/domain/units';
import type { ItemKind } from '../items/item';
import { CHECKPOINT_TABLE } from '../runner/checkpoints';
import { TARGETS_PROJECTION, TargetsQuery } from '../targets/targets.query';
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
  MembershipFact,
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
import type { UnitTargets } from './target-completion';
import { expectedShare, unitTargetCompletion } from './target-completion';

/** Version of the figure definitions (docs/figures.md); recorded in every result. */
export const FIGURES_DEFINITIONS = 'duban-figures-v2';

const PROJECTION_NAME = 'figures';
const RATE_DECIMALS = 4;
/** Answers kept by default (one per period, position and build of the read models). */
const DEFAULT_CACHE_ENTRIES = 256;
/** Bring a cached answer forward when at most this many items moved since its position; recompute otherwise. */
const MAX_MOVED_ITEMS = 2000;

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
   * models have got (the lower of the figures' and the targets' checkpoints).
   * A position they have not reached yet is refused with
   * {@link FiguresNotReadyError} (wait for it with runner.waitFor first).
   */
  atPosition?: bigint;
  /** Scoring rule (`{ id, version }` or `duban-score-v2`); default the current rule. */
  rule?: RuleRef | string;
  /** Only this group's units (开发区 / 县市 / 市内区). */
  group?: UnitCategory;
}

export interface FiguresQueryOptions {
  /** Default: UnitRegistry.seeded(). */
  registry?: UnitRegistry;
  /** The clock for the default as-of. */
  now?: () => Date;
  /**
   * 目标完成率 per unit, overriding the targets read model (answers are then
   * not cached). Default: from the `targets` read model when that projection
   * is registered (it has a checkpoint), else none (null for every unit).
   */
  targetCompletion?: TargetCompletionHook;
  /** How many computed answers to keep (0: none). Default 256. */
  cacheEntries?: number;
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
  membership: string;
  removed: bigint;
  last_position: bigint;
  updated_at: string;
}

type CandidateRow = Pick<
  FiguresRow,
  'unit_id' | 'deadlines' | 'submissions' | 'closures' | 'reworks' | 'reopens' | 'extensions' | 'membership' | 'last_position'
>;

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
  startMs: number;
  endMs: number;
  /** Last instant (inclusive) whose facts count. */
  cutMs: number;
  position: bigint;
}

/** Where the two read models stand: one SELECT of the checkpoint table. */
interface Checkpoints {
  figures: bigint;
  /** null: the targets projection is not registered (no checkpoint). */
  targets: bigint | null;
  /** Changes when either read model is reset or rebuilt: cached answers of another build are never used. */
  build: string;
}

/**
 * The counts (and target completions) of every unit in one period at one log
 * position, valid for every as-of instant in [fromCut, untilCut): nothing
 * recorded at or before the position takes effect (no fact, no deadline
 * passing, no assignment, no target figure) in between. A pure function of
 * (period, position, as-of) over an append-only log, so it is never stale:
 * a new checkpoint means a new position, hence another entry.
 */
interface Snapshot {
  readonly periodKey: string;
  readonly build: string;
  readonly position: bigint;
  readonly fromCut: number;
  readonly untilCut: number;
  readonly counts: ReadonlyMap<string, Readonly<Counts>>;
  readonly targets: ReadonlyMap<string, UnitTargets>;
  /** Scored and ranked, per rule name. */
  readonly scored: Map<string, Scored>;
}

interface Ranking {
  order: string[];
  scoredUnits: number;
  listsDrawn: boolean;
}

interface Scored {
  /** Grouped units (registry order), then other units by id; ranked. Never handed out: callers get copies. */
  readonly units: readonly UnitFigures[];
  readonly rankings: ReadonlyMap<UnitCategory, Ranking>;
}

const CANDIDATE_COLUMNS = 'unit_id, deadlines, submissions, closures, reworks, extensions, reopens, membership, last_position';

const CANDIDATES = `
SELECT ${CANDIDATE_COLUMNS}
FROM figures_items
WHERE unit_id IS NOT NULL AND assigned_ms IS NOT NULL AND assigned_ms <= @cut
  AND (status <> 'closed' OR max_deadline_ms >= @start OR last_fact_ms >= @start OR last_position > @position)`;

/** Items an event moved after a position (index figures_items_position). */
const MOVED = `
SELECT ${CANDIDATE_COLUMNS}
FROM figures_items
WHERE last_position > @since AND unit_id IS NOT NULL
LIMIT @limit`;

/** The first assignment after the cut of an item the candidates left out (index figures_items_assigned). */
const NEXT_ASSIGNMENT = `SELECT MIN(assigned_ms) AS next FROM figures_items WHERE assigned_ms > ? AND unit_id IS NOT NULL`;

const CHECKPOINTS = `SELECT name, position, version, rebuilt_at FROM ${CHECKPOINT_TABLE} WHERE name IN ('${PROJECTION_NAME}', '${TARGETS_PROJECTION}')`;

/**
 * Unit figures and the leaderboard (红黑榜 basis) per period and group, from
 * the figures and targets read models. Every result records the period, the
 * as-of instant, the log position, the scoring rule and the figure
 * definitions it was computed under: the same request with `asOf` and
 * `atPosition` set to those values gives the same result later, whatever was
 * appended since.
 *
 * Fast: what one (period, position, as-of range) gives is kept (see
 * Snapshot), so a repeated request between two commits costs one SELECT of
 * the checkpoints and a map lookup; after a commit, the answer is brought
 * forward from the previous position by re-folding only the items moved since
 * (index on last_position) instead of every item of the period.
 */
export class FiguresQuery {
  private readonly registry: UnitRegistry;
  private readonly now: () => Date;
  private readonly hook: TargetCompletionHook | null;
  private readonly targetsQuery: TargetsQuery;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly cacheEntries: number;
  /** Snapshots by `${periodKey}|${build}|${position}`, least recently used first. */
  private readonly cache = new Map<string, Snapshot>();
  /** The snapshot at the highest position, by `${periodKey}|${build}`: the base to bring forward. */
  private readonly latest = new Map<string, Snapshot>();
  private checkpointTable = false;
  private readonly stats = { hits: 0, forwarded: 0, computed: 0 };
  /** The 16 responsible units, by group (开发区, 县市, 市内区), in registry order. */
  private readonly groupedUnits: readonly { unitId: string; group: UnitCategory }[];
  private readonly grouped: ReadonlySet<string>;

  constructor(
    private readonly db: Database.Database,
    options: FiguresQueryOptions = {},
  ) {
    // Usable before the runner prepared the file; the runner owns (and may reset) the tables.
    db.exec(FIGURES_SCHEMA);
    this.targetsQuery = new TargetsQuery(db);
    this.registry = options.registry ?? UnitRegistry.seeded();
    this.now = options.now ?? (() => new Date());
    this.hook = options.targetCompletion ?? null;
    this.cacheEntries = Math.max(0, options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
    this.groupedUnits = UNIT_CATEGORIES.flatMap((group) =>
      this.registry.units.filter((u) => u.group === group).map((u) => ({ unitId: u.id, group })),
    );
    this.grouped = new Set(this.groupedUnits.map((u) => u.unitId));
  }

  /** The figures of every responsible unit (and of any other unit with items or targets) for a period. */
  unitFigures(request: FiguresRequest): FiguresReport {
    const { provenance, scored } = this.compute(request);
    const units = request.group === undefined ? scored.units : scored.units.filter((u) => u.group === request.group);
    return { ...provenance, units: units.map((u) => ({ ...u })) };
  }

  /** The leaderboard: each group's units ranked under the rule, with red and black lists. */
  leaderboard(request: FiguresRequest): Leaderboard {
    const { provenance, scored } = this.compute(request);
    const byId = new Map(scored.units.map((u) => [u.unitId, u]));
    const groups: LeaderboardGroup[] = [];
    for (const group of UNIT_CATEGORIES) {
      if (request.group !== undefined && request.group !== group) continue;
      const ranking = scored.rankings.get(group)!;
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

  /**
   * The log position a request without `atPosition` is computed at: the
   * figures read model's checkpoint, or the targets read model's when that is
   * lower (0 before anything).
   */
  position(): bigint {
    return defaultPosition(this.checkpoints());
  }

  /** Forgets every cached answer (they are never stale: this only frees memory). */
  clearCache(): void {
    this.cache.clear();
    this.latest.clear();
  }

  /**
   * How requests were answered since this query was made: from a cached
   * snapshot (`hits`), brought forward from an earlier position (`forwarded`),
   * or folded from every candidate item (`computed`).
   */
  cacheStats(): { hits: number; forwarded: number; computed: number } {
    return { ...this.stats };
  }

  // ------------------------------------------------------------------ computing

  private compute(request: FiguresRequest): { provenance: FiguresProvenance; scored: Scored } {
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
    const periodKey = `${info.kind}:${info.year}:${info.index}`;

    // A hit costs one SELECT of the checkpoints. A miss reads the checkpoints, the rows and the targets in one read transaction.
    const at = (cps: Checkpoints) => ({ cps, position: positionFor(request, cps) });
    let snapshot = this.lookup(periodKey, at(this.checkpoints()), cutMs);
    if (!snapshot) {
      const read = this.db.transaction(() => {
        const now = at(this.checkpoints());
        return this.lookup(periodKey, now, cutMs) ?? this.snapshot(periodKey, info, now, { startMs, endMs, cutMs, position: now.position });
      });
      snapshot = read.deferred();
    }

    const asOf = shanghaiIso(cutMs);
    let scored = this.hook === null ? snapshot.scored.get(rule.name) : undefined;
    if (!scored) {
      scored = this.score(snapshot, rule, info, asOf);
      if (this.hook === null) snapshot.scored.set(rule.name, scored);
    }
    const provenance: FiguresProvenance = {
      period: info,
      asOf,
      position: snapshot.position,
      rule: { id: rule.id, version: rule.version, name: rule.name },
      definitions: FIGURES_DEFINITIONS,
    };
    return { provenance, scored };
  }

  /** The cached snapshot for this period, position and build whose as-of range holds the cut. */
  private lookup(periodKey: string, at: { cps: Checkpoints; position: bigint }, cutMs: number): Snapshot | null {
    if (this.cacheEntries === 0) return null;
    const key = `${periodKey}|${at.cps.build}|${at.position}`;
    const hit = this.cache.get(key);
    if (!hit || cutMs < hit.fromCut || cutMs >= hit.untilCut) return null;
    this.cache.delete(key); // most recently used last
    this.cache.set(key, hit);
    this.stats.hits += 1;
    return hit;
  }

  /**
   * Counts every unit's items and targets at the window. Brought forward from
   * the latest snapshot of the same period and build when few items moved
   * since its position; folded from every candidate item otherwise.
   */
  private snapshot(periodKey: string, info: PeriodInfo, at: { cps: Checkpoints; position: bigint }, w: Window): Snapshot {
    const { cps, position } = at;
    const latestKey = `${periodKey}|${cps.build}`;
    const base = this.cacheEntries === 0 ? undefined : this.latest.get(latestKey);
    let counts: Map<string, Counts> | null = null;
    let targets: ReadonlyMap<string, UnitTargets> | null = null;
    const scan = { next: Infinity };
    if (base && base.position < position && base.fromCut <= w.cutMs && w.cutMs < base.untilCut) {
      const moved = this.statement(MOVED).all({ since: base.position, limit: MAX_MOVED_ITEMS + 1 }) as CandidateRow[];
      if (moved.length <= MAX_MOVED_ITEMS) {
        counts = new Map([...base.counts].map(([unitId, c]) => [unitId, { ...c }]));
        scan.next = base.untilCut;
        const before: Window = { ...w, position: base.position };
        for (const row of moved) {
          accumulate(counts, row, before, -1, null);
          accumulate(counts, row, w, 1, scan);
        }
        this.stats.forwarded += 1;
        // no target event since the base: the same targets (their next change is in base.untilCut already)
        if (cps.targets !== null && this.hook === null && this.targetsQuery.lastEventPosition() <= base.position) targets = base.targets;
      }
    }
    if (counts === null) {
      this.stats.computed += 1;
      counts = new Map();
      const rows = this.statement(CANDIDATES).all({ cut: w.cutMs, start: w.startMs, position }) as CandidateRow[];
      for (const row of rows) accumulate(counts, row, w, 1, scan);
    }
    const nextAssignment = (this.statement(NEXT_ASSIGNMENT).get(w.cutMs) as { next: bigint | null }).next;
    if (nextAssignment !== null) scan.next = Math.min(scan.next, Number(nextAssignment));

    if (targets === null && cps.targets !== null && this.hook === null) {
      const year = this.targetsQuery.at(info.year, w.cutMs, position);
      scan.next = Math.min(scan.next, year.nextChangeMs);
      targets = unitTargetCompletion(year.targets, expectedShare(info));
    }

    const snapshot: Snapshot = {
      periodKey,
      build: cps.build,
      position,
      fromCut: w.cutMs,
      untilCut: scan.next,
      counts,
      targets: targets ?? new Map(),
      scored: new Map(),
    };
    if (this.cacheEntries > 0) {
      const key = `${periodKey}|${cps.build}|${position}`;
      this.cache.delete(key);
      this.cache.set(key, snapshot);
      while (this.cache.size > this.cacheEntries) this.cache.delete(this.cache.keys().next().value as string);
      const latest = this.latest.get(latestKey);
      if (!latest || latest.position <= position) this.latest.set(latestKey, snapshot);
      if (this.latest.size > this.cacheEntries) this.latest.delete(this.latest.keys().next().value as string);
    }
    return snapshot;
  }

  /** Every unit's figures under the rule, ranked within each group (a group's ranking does not depend on the `group` filter). */
  private score(snapshot: Snapshot, rule: ScoringRule, info: PeriodInfo, asOf: string): Scored {
    const { counts, targets } = snapshot;
    const others = [...new Set([...counts.keys(), ...targets.keys()])]
      .filter((unitId) => !this.grouped.has(unitId) && (hasItems(counts.get(unitId)) || targets.has(unitId)))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const targetsOf = (unitId: string): UnitTargets | null => {
      if (this.hook === null) return targets.get(unitId) ?? null;
      const completion = this.hook(unitId, info, asOf);
      return completion === null ? null : { targets: 1, completion };
    };
    const units: UnitFigures[] = [
      ...this.groupedUnits.map(({ unitId, group }) => figuresOf(unitId, group, counts.get(unitId), targetsOf(unitId), rule)),
      ...others.map((unitId) => figuresOf(unitId, null, counts.get(unitId), targetsOf(unitId), rule)),
    ];
    const rankings = new Map<UnitCategory, Ranking>();
    for (const group of UNIT_CATEGORIES) {
      const members = units.filter((u) => u.group === group);
      const ranking = rankGroup(rule, members, (u) => u.score);
      for (const r of ranking.ranked) Object.assign(r.entry, { rank: r.rank, red: r.red, black: r.black });
      rankings.set(group, { order: ranking.ranked.map((r) => r.entry.unitId), scoredUnits: ranking.scoredUnits, listsDrawn: ranking.listsDrawn });
    }
    return { units, rankings };
  }

  /** Both checkpoints in one SELECT. */
  private checkpoints(): Checkpoints {
    if (!this.checkpointTable) {
      this.checkpointTable = this.statement("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?").get(CHECKPOINT_TABLE) !== undefined;
      if (!this.checkpointTable) return { figures: 0n, targets: null, build: '-|-' };
    }
    const rows = this.statement(CHECKPOINTS).all() as { name: string; position: bigint; version: bigint; rebuilt_at: string }[];
    const figures = rows.find((r) => r.name === PROJECTION_NAME);
    const targets = rows.find((r) => r.name === TARGETS_PROJECTION);
    const build = (r: (typeof rows)[number] | undefined) => (r ? `${r.version}@${r.rebuilt_at}` : '-');
    return { figures: figures?.position ?? 0n, targets: targets ? targets.position : null, build: `${build(figures)}|${build(targets)}` };
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

function defaultPosition(cps: Checkpoints): bigint {
  return cps.targets === null || cps.targets >= cps.figures ? cps.figures : cps.targets;
}

function positionFor(request: FiguresRequest, cps: Checkpoints): bigint {
  const reached = defaultPosition(cps);
  if (request.atPosition === undefined) return reached;
  if (request.atPosition > reached) throw new FiguresNotReadyError(request.atPosition, reached);
  return request.atPosition;
}

function figuresOf(unitId: string, group: UnitCategory | null, c: Counts = emptyCounts(), targets: UnitTargets | null, rule: ScoringRule): UnitFigures {
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
    targetCompletion: targets === null ? null : roundHalfUp(targets.completion, RATE_DECIMALS),
    targets: targets === null ? 0 : targets.targets,
    score: score(rule, { ...c, assessed, overdue, targetCompletion: targets === null ? null : targets.completion }),
    rank: null,
    red: false,
    black: false,
  };
}

/**
 * Adds (sign 1) or takes away (sign −1) one item as it stood at the window's
 * cut (facts effective at or before cutMs, from events at or before the
 * position) to / from its unit's counts. With `scan`, lowers `scan.next` to
 * the earliest instant after the cut at which the item's part would change:
 * a fact recorded at or before the position taking effect, or its deadline
 * in force passing while it is open and due in the period.
 */
function accumulate(counts: Map<string, Counts>, row: CandidateRow, w: Window, sign: 1 | -1, scan: { next: number } | null): void {
  const everyPosition = row.last_position <= w.position; // nothing in the row lies beyond the position
  let after: bigint | null = null; // a share added back: only what follows counts
  const take = <T extends TimedFact>(json: string): T[] => {
    const out: T[] = [];
    if (json === '[]') return out;
    for (const f of JSON.parse(json) as T[]) {
      if (!everyPosition || after !== null) {
        const p = BigInt(f.position);
        if (p > w.position || (after !== null && p <= after)) continue;
      }
      if (f.atMs <= w.cutMs) out.push(f);
      else if (scan !== null && f.atMs < scan.next) scan.next = f.atMs;
    }
    return out;
  };
  const membership = take<MembershipFact>(row.membership);
  const member = membership[membership.length - 1];
  if (member !== undefined) {
    if (!member.member) return; // dropped by an amendment
    after = BigInt(member.position);
  }
  const deadlines = take<DeadlineFact>(row.deadlines);
  if (!deadlines.some((d) => d.cause === 'assigned')) return; // not assigned yet: no deadline, no figures
  const closures = take<ClosureFact>(row.closures);
  const reopens = take<ReopenFact>(row.reopens);
  const extensions = take<ExtensionFact>(row.extensions);
  const submissions = take<TimedFact>(row.submissions);
  const reworks = take<TimedFact>(row.reworks);

  const deadlineMs = deadlines[deadlines.length - 1].deadlineMs; // the deadline in force (log order)
  const lastClosure = closures[closures.length - 1];
  const lastReopen = reopens[reopens.length - 1];
  const closed = lastClosure !== undefined && (lastReopen === undefined || BigInt(lastClosure.position) > BigInt(lastReopen.position));
  const inPeriod = (list: readonly TimedFact[]) => {
    let n = 0;
    for (const f of list) if (f.atMs >= w.startMs) n++;
    return n;
  };

  const unitId = row.unit_id!;
  let c = counts.get(unitId);
  if (!c) counts.set(unitId, (c = emptyCounts()));

  if (deadlineMs >= w.startMs && deadlineMs < w.endMs) {
    c.due += sign;
    if (!closed && deadlineMs >= w.cutMs) {
      c.notYetDue += sign;
      if (scan !== null && deadlineMs + 1 < scan.next) scan.next = deadlineMs + 1; // then it is assessed (overdue)
    } else {
      if (closed) {
        c.closed += sign;
        if (lastClosure.onTime) c.closedOnTime += sign;
      }
      if (extensions.length > 0) c.withExtension += sign;
    }
  } else if (deadlineMs < w.startMs && !closed) {
    c.overdueCarried += sign;
  }
  c.closedInPeriod += sign * inPeriod(closures);
  c.submissions += sign * inPeriod(submissions);
  c.rejections += sign * inPeriod(reworks);
  c.reopens += sign * inPeriod(reopens);
}

function emptyCounts(): Counts {
  return { due: 0, notYetDue: 0, closed: 0, closedOnTime: 0, withExtension: 0, closedInPeriod: 0, submissions: 0, rejections: 0, reopens: 0, overdueCarried: 0 };
}

function hasItems(c: Counts | undefined): boolean {
  return c !== undefined && c.due + c.closedInPeriod + c.submissions + c.rejections + c.reopens + c.overdueCarried > 0;
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
    targetCompletion: u.targetCompletion,
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
    membership: JSON.parse(r.membership) as MembershipFact[],
    removed: r.removed === 1n,
    lastPosition: r.last_position,
    updatedAt: r.updated_at,
  };
}
