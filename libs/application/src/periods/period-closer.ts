/**
 * Closing periods (结算): computes a close from the read models at the head of
 * the log, records it through the command bus (ClosePeriod / ReclosePeriod on
 * `period-<id>`), and answers what a period's state is — open, ended but not
 * closed, closed, or changed since its close (late facts) — with what-if
 * previews under another scoring rule that write nothing.
 */
import type Database from 'better-sqlite3';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { Actor } from '@duban/domain/decider';
import type { CloseRevision, PeriodCommand, PeriodRef, PeriodState, UnitChange } from '@duban/domain/period';
import { diffCloses, latestRevision, periodDecider, PeriodNotEnded } from '@duban/domain/period';
import type { EventStore, LogHead } from '@duban/eventstore';
import { GENESIS } from '@duban/eventstore';
import { ProjectionWaitTimeoutError } from '@duban/projections';
import type { FiguresQuery, ItemsQuery, ProjectionRunner } from '@duban/projections';
import type { Period, PeriodKind } from '@duban/projections/figures/period';
import { InvalidFiguresQueryError, PERIOD_KINDS, parsePeriodId, periodId, periodInfo, periodsOfYear } from '@duban/projections/figures/period';
import type { RuleRef } from '@duban/projections/figures/scoring';
import { scoringRule } from '@duban/projections/figures/scoring';
import { TARGETS_PROJECTION } from '@duban/projections/targets/targets.query';
import type { ComputedClose } from '@duban/projections/periods/close-content';
import { computeClose, periodRef } from '@duban/projections/periods/close-content';
import type { ListRule } from '@duban/projections/periods/list-rule';
import { DUBAN_LISTS_V1 } from '@duban/projections/periods/list-rule';
import type { CommandEnvelope, CommandResult } from '../command-executor';
import { fold } from '../command-executor';
import { periodStream } from './messages';

/** The clock that closes periods at start and on the 1st of each month (a system actor: no token carries it). */
export const PERIOD_CLOSER_ACTOR: Actor = Object.freeze({ userId: 'duban-period-closer', unitId: 'duban-system', role: 'system' });

/** The read models have not reached the head of the log: a close now would leave facts out (503; nothing written). */
export class ProjectionsBehind extends Error {
  constructor(readonly head: bigint, detail: string) {
    super(`the figures read models have not reached the head of the log (position ${head}): ${detail}`);
    this.name = 'ProjectionsBehind';
  }
}

/** The event log does not verify: no close is anchored to it. */
export class LogNotVerified extends Error {
  constructor(detail: string) {
    super(`the event log does not verify, no close is recorded: ${detail}`);
    this.name = 'LogNotVerified';
  }
}

export type PeriodStatus = 'open' | 'ended-unclosed' | 'closed' | 'changed-since-close';

export interface PeriodSummary {
  period: PeriodRef;
  status: PeriodStatus;
  revisions: { revision: number; closedAt: string; position: string; headHash: string; digest: string; rule: string; listRule: string }[];
}

export interface PeriodView extends PeriodSummary {
  /** The latest close revision (figures, ranks, lists, rule, position, hash); null before the first close. */
  close: CloseRevision | null;
  /** When late facts changed the figures since the close: where they stand now and what changed, per unit. */
  changedSinceClose: { position: string; digest: string; changes: UnitChange[] } | null;
  bulletins: PeriodState['bulletins'];
}

export interface PeriodCloserOptions {
  store: EventStore;
  /** Sends a period command through the command bus (ExecutePeriodCommand → the one CommandExecutor). */
  send(command: PeriodCommand, envelope: CommandEnvelope): Promise<CommandResult<PeriodState>>;
  figures: FiguresQuery;
  items: ItemsQuery;
  runner: ProjectionRunner;
  /** The read-model database (the first assignment is looked up there). */
  db: Database.Database;
  calendar: WorkingCalendar;
  listRule?: ListRule;
  /** How long a close waits for the read models to reach the head (default 2 s; 503 after). */
  waitMs?: number;
  now?: () => Date;
}

export interface CloseOutcome {
  periodId: string;
  /** The events written (empty: nothing changed since the latest revision). */
  events: string[];
  revision: number;
  position: bigint;
}

const KIND_ORDER: Record<PeriodKind, number> = { month: 0, quarter: 1, half: 2, year: 3 };

export class PeriodCloser {
  readonly listRule: ListRule;
  private readonly now: () => Date;
  /** The last head hash verified by this closer: the next verification walks only what follows it. */
  private verified: LogHead | null = null;

  constructor(private readonly o: PeriodCloserOptions) {
    this.listRule = o.listRule ?? DUBAN_LISTS_V1;
    this.now = o.now ?? (() => new Date());
  }

  /** `2021-05` → the period; throws InvalidFiguresQueryError naming a malformed or unknown id. */
  parse(id: string): Period {
    return parsePeriodId(id);
  }

  /** The period's stream folded. */
  async state(id: string): Promise<PeriodState> {
    const period = parsePeriodId(id);
    return fold(periodDecider, await this.o.store.readStream(periodStream(periodId(period))));
  }

  /**
   * Closes the period now (or re-closes it, for a supervisor, when its figures
   * changed since the latest revision). Waits (at most `waitMs`) for the read
   * models to reach the head of the log; ProjectionsBehind otherwise, nothing
   * written. Refusals of the decider (not ended, role, …) are thrown as they are.
   */
  async close(id: string, actor: Actor, envelope: Partial<CommandEnvelope> = {}): Promise<CloseOutcome> {
    const period = parsePeriodId(id);
    const pid = periodId(period);
    const at = this.now().toISOString();
    const state = await this.state(pid);
    const latest = latestRevision(state);
    const ref = periodRef(period);
    if (Date.parse(at) < Date.parse(ref.end)) {
      // refused by the decider too; said here before any waiting or hashing
      throw new PeriodNotEnded(latest === null ? 'ClosePeriod' : 'ReclosePeriod', pid, ref.end, at);
    }
    const position = await this.caughtUp();
    const computed = computeClose(this.o, {
      period,
      listRule: latest?.listRule ?? this.listRule,
      ...(latest ? { rule: latest.rule } : {}),
      atPosition: position,
    });
    const headHash = await this.headHashAt(position);
    const reclose = latest !== null && actor.role === 'supervisor';
    const command: PeriodCommand = {
      type: reclose ? 'ReclosePeriod' : 'ClosePeriod',
      at,
      actor,
      data: { period: computed.period, close: { ...computed.close, headHash } },
    };
    const commandId = envelope.commandId ?? `period-${pid}:revision-${(latest?.revision ?? 0) + 1}:${computed.close.digest}`;
    const result = await this.o.send(command, {
      commandId,
      correlationId: envelope.correlationId ?? commandId,
      causationId: envelope.causationId ?? commandId,
      actor,
      receivedAt: envelope.receivedAt ?? at,
    });
    return { periodId: pid, events: result.events, revision: latestRevision(result.state)?.revision ?? 0, position: result.position };
  }

  /**
   * Catch-up: closes, oldest first, every period that has ended by `now` since
   * the first assignment in the log and has no close yet (months, then the
   * quarter, half and year ending at the same instant). Already closed periods
   * are left as they are (a re-close is a supervisor's act). Returns what it closed.
   */
  async closeDuePeriods(now: Date = this.now()): Promise<CloseOutcome[]> {
    const first = this.firstAssignmentMs();
    if (first === null) return [];
    const due = duePeriods(first, now.getTime());
    const closed: CloseOutcome[] = [];
    for (const period of due) {
      const state = await this.state(periodId(period));
      if (state.revisions.length > 0) continue;
      closed.push(await this.close(periodId(period), PERIOD_CLOSER_ACTOR));
    }
    return closed;
  }

  /** The periods of one kind (or every kind) of a year, with their status and revisions. */
  async list(year: number, kind?: PeriodKind): Promise<PeriodSummary[]> {
    if (kind !== undefined && !PERIOD_KINDS.includes(kind)) throw new InvalidFiguresQueryError('kind', `must be one of ${PERIOD_KINDS.join(', ')}`);
    const periods = (kind ? [kind] : PERIOD_KINDS).flatMap((k) => periodsOfYear(k, year));
    const out: PeriodSummary[] = [];
    for (const period of periods) {
      const { close: _c, changedSinceClose: _ch, bulletins: _b, ...summary } = await this.view(periodId(period));
      out.push(summary);
    }
    return out;
  }

  /** A period's close (latest revision), its revisions, and whether late facts changed its figures since. */
  async view(id: string): Promise<PeriodView> {
    const period = parsePeriodId(id);
    const ref = periodRef(period);
    const state = await this.state(ref.id);
    const latest = latestRevision(state);
    let changedSinceClose: PeriodView['changedSinceClose'] = null;
    if (latest !== null) {
      const now = this.preview(period, latest.rule, latest.listRule);
      if (now.digest !== latest.digest) changedSinceClose = { position: now.position, digest: now.digest, changes: diffCloses(latest.units, now.units) };
    }
    const ended = Date.parse(ref.end) <= this.now().getTime();
    const status: PeriodStatus = latest === null ? (ended ? 'ended-unclosed' : 'open') : changedSinceClose ? 'changed-since-close' : 'closed';
    return {
      period: ref,
      status,
      revisions: state.revisions.map((r) => ({
        revision: r.revision,
        closedAt: r.closedAt,
        position: r.position,
        headHash: r.headHash,
        digest: r.digest,
        rule: r.rule.name,
        listRule: r.listRule.name,
      })),
      close: latest,
      changedSinceClose,
      bulletins: state.bulletins,
    };
  }

  /**
   * What-if: the period's figures, ranks and lists under another scoring rule
   * (e.g. duban-score-v1), at the position of its latest close (as far as the
   * read models have got when it has none). Writes nothing.
   */
  async whatIf(id: string, rule: RuleRef | string): Promise<ComputedClose & { period: PeriodRef }> {
    const period = parsePeriodId(id);
    scoringRule(rule); // an unknown rule is the caller's mistake, named
    const latest = latestRevision(await this.state(periodId(period)));
    const computed = computeClose(this.o, {
      period,
      rule,
      listRule: latest?.listRule ?? this.listRule,
      ...(latest ? { atPosition: BigInt(latest.position) } : {}),
    });
    return { period: computed.period, ...computed.close };
  }

  private preview(period: Period, rule: RuleRef, listRule: ListRule): ComputedClose {
    return computeClose(this.o, { period, rule, listRule }).close;
  }

  /** Waits until the read models the close reads have applied the log's last event; returns the figures' position. */
  private async caughtUp(): Promise<bigint> {
    const head = await this.o.store.headPosition();
    const projections = ['figures', 'items', ...(this.o.runner.names.includes(TARGETS_PROJECTION) ? [TARGETS_PROJECTION] : [])];
    try {
      await this.o.runner.waitFor(head, this.o.waitMs ?? 2000, projections);
    } catch (err) {
      if (err instanceof ProjectionWaitTimeoutError) throw new ProjectionsBehind(head, err.message);
      throw err;
    }
    return this.o.figures.position();
  }

  /** The log's running head hash at `position` (store.verify, resuming after the last head this closer verified). */
  private async headHashAt(position: bigint): Promise<string> {
    if (position === 0n) return GENESIS;
    const from = this.verified !== null && this.verified.position <= position ? this.verified : undefined;
    const report = await this.o.store.verify({ ...(from ? { from } : {}), anchorAt: position });
    if (!report.ok) throw new LogNotVerified(report.failure?.detail ?? 'verification failed');
    if (report.head) this.verified = report.head;
    const anchor = report.anchor;
    if (!anchor || anchor.position !== position) {
      throw new LogNotVerified(`the store gave no head hash at position ${position} (a ${this.o.store.kind} store without a global chain?)`);
    }
    return anchor.hash;
  }

  /** Epoch ms of the first assignment (交办) in the figures read model; null before any. */
  private firstAssignmentMs(): number | null {
    const row = this.o.db.prepare('SELECT MIN(assigned_ms) AS first FROM figures_items WHERE unit_id IS NOT NULL').safeIntegers(true).get() as
      | { first: bigint | null }
      | undefined;
    return row?.first == null ? null : Number(row.first);
  }
}

/** Every period that ends after `firstMs` and at or before `nowMs`: by end, months before quarters, halves and years. */
export function duePeriods(firstMs: number, nowMs: number): Period[] {
  const firstYear = Number(new Date(firstMs + 8 * 3600_000).toISOString().slice(0, 4));
  const lastYear = Number(new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 4));
  const out: { period: Period; endMs: number }[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    for (const kind of PERIOD_KINDS) {
      for (const period of periodsOfYear(kind, year)) {
        const endMs = Date.parse(periodInfo(period).end);
        if (endMs > firstMs && endMs <= nowMs) out.push({ period, endMs });
      }
    }
  }
  return out.sort((a, b) => a.endMs - b.endMs || KIND_ORDER[a.period.kind] - KIND_ORDER[b.period.kind]).map((p) => p.period);
}
