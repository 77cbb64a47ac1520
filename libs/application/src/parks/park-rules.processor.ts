import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '@duban/eventstore';
import type { Actor } from '@duban/domain/decider';
import { IllegalTransition } from '@duban/domain/decider';
import type { AddWorkingDays, IssueDeadlinePolicy } from '@duban/domain/issue';
import type { MonthlyReportData, ParkFinding, ParkRulePolicyOverrides, RegisteredPark } from '@duban/domain/park';
import { checkParkRules, findingsToIssueCommands, isParkRegistered, parkDecider } from '@duban/domain/park';
import type { RecordTargetProgress, TargetProgressSource } from '@duban/domain/target';
import { ProgressAlreadyRecorded, targetIdFor } from '@duban/domain/target';
import type { CommandEnvelope } from '../command-executor';
import { fold, StreamNotFound } from '../command-executor';
import { ExecuteIssueCommand } from '../nest/messages';
import { ExecuteTargetCommand } from './messages';
import type { ProcessorCheckpoint } from './processor-store';
import { CheckpointMovedError, ProcessorStore, ZERO_CHECKPOINT } from './processor-store';
import { parkStream } from './streams';
import type { ParkTargetMapping, ParkTargetTrigger } from './target-progress';
import { districtFigure, PARK_TARGET_MAPPINGS, progressNote } from './target-progress';

/**
 * The actor of the commands the rules produce: a system user of the
 * supervision office (市政府办公厅四处) acting as a supervisor — AssignIssue (交办)
 * is the supervision office's, and findingsToIssueCommands requires it.
 */
export const PARK_RULES_ACTOR: Actor = { userId: 'duban-rules', unitId: '市政府办公厅四处', role: 'supervisor' };

/** The checkpoint key of the park rules processor. */
export const PARK_RULES_PROCESSOR = 'park-rules';

/** What the processor needs of the CommandBus. */
export interface CommandSender {
  execute(command: ExecuteIssueCommand | ExecuteTargetCommand): Promise<unknown>;
}

export interface ProcessorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export interface ParkRulesProcessorOptions {
  readonly store: EventStore;
  readonly commands: CommandSender;
  /** The processors' database (openProcessorDatabase); the checkpoint and the park index live there. */
  readonly db: Database.Database;
  /** The working-day calendar, for the issues' default deadlines. */
  readonly addWorkingDays: AddWorkingDays;
  /** Checkpoint key; default 'park-rules'. */
  readonly name?: string;
  readonly actor?: Actor;
  readonly policy?: ParkRulePolicyOverrides;
  readonly deadlinePolicy?: Partial<IssueDeadlinePolicy>;
  /** Which park figures feed which targets; default PARK_TARGET_MAPPINGS. [] turns target progress off. */
  readonly targetMappings?: readonly ParkTargetMapping[];
  /** Backoff after a failed event: initial, doubling to max (default 500 ms → 30 s). */
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
  /** Events that need nothing between two checkpoint writes, at most (default 500); an idle log writes at once. */
  readonly checkpointEvery?: number;
  readonly logger?: ProcessorLogger;
  readonly clock?: () => Date;
}

export type ProcessorState = 'stopped' | 'running' | 'failed';

export interface ProcessorStatus {
  readonly name: string;
  readonly state: ProcessorState;
  /** The last event fully processed (its reactions done), as a string. */
  readonly position: string;
  /** The checkpoint as stored. */
  readonly storedPosition: string;
  readonly eventsSeen: number;
  readonly issuesReported: number;
  readonly progressRecorded: number;
  readonly failures: number;
  readonly lastError: string | null;
}

/** waitFor() ran out of time. */
export class ProcessorWaitTimeoutError extends Error {
  constructor(
    readonly processor: string,
    readonly position: bigint,
    readonly reached: bigint,
    readonly lastError: string | null,
  ) {
    super(`processor ${processor} has not reached position ${position} (at ${reached}${lastError ? `; last error: ${lastError}` : ''})`);
    this.name = 'ProcessorWaitTimeoutError';
  }
}

const SILENT: ProcessorLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

interface Waiter {
  readonly position: bigint;
  readonly resolve: () => void;
}

/**
 * The park rules process manager. Follows the global log from its stored
 * checkpoint (a catch-up subscription, never from the end) and reacts to park
 * events:
 *
 * - `park.registered.v1`: the registration rules (size, plot ratio,
 *   non-production land and floor) on the park as of that event;
 * - `park.monthly_report_submitted.v1` / `park.monthly_report_corrected.v1`:
 *   the 亩均税收 rule on that report; and the district's targets for the
 *   report's year (入园企业 / 专精特新 / 科技型, see target-progress.ts);
 * - `park.milestone_recorded.v1` for 开工: the district's 新开工 target.
 *
 * Each finding becomes ReportIssue + AssignIssue (交办 to the district) sent
 * through the CommandBus with command ids derived from the finding id, so a
 * re-run (after a crash, or from position zero) finds its own events and
 * writes nothing twice; an IllegalTransition on an issue already reported or
 * already assigned (by somebody else) counts as done. Target progress uses the
 * report / milestone as its source: ProgressAlreadyRecorded counts as done, a
 * target that was never set is skipped.
 *
 * The checkpoint moves only past events whose reactions all succeeded. A
 * failure stops the subscription; it resumes from the checkpoint after a
 * backoff (500 ms doubling to 30 s), so a poison event (e.g. a deadline in a
 * year the working calendar does not cover) holds the processor at that event
 * with `lastError` set until the cause is fixed.
 */
export class ParkRulesProcessor {
  readonly name: string;
  private readonly checkpoints: ProcessorStore;
  private readonly store: EventStore;
  private readonly actor: Actor;
  private readonly mappings: readonly ParkTargetMapping[];
  private readonly logger: ProcessorLogger;
  private readonly clock: () => Date;
  private readonly retry: { initial: number; max: number };
  private readonly checkpointEvery: number;

  private state: ProcessorState = 'stopped';
  /** The last event whose reactions are done (ahead of `stored` until the next write). */
  private done: ProcessorCheckpoint = ZERO_CHECKPOINT;
  private stored: ProcessorCheckpoint = ZERO_CHECKPOINT;
  private sinceWrite = 0;
  private wanted = false;
  private sub: Subscription | null = null;
  private loop: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleError: Error | null = null;
  private waiters = new Set<Waiter>();
  private failures = 0;
  private lastError: Error | null = null;
  private eventsSeen = 0;
  private issuesReported = 0;
  private progressRecorded = 0;

  constructor(private readonly options: ParkRulesProcessorOptions) {
    this.name = options.name ?? PARK_RULES_PROCESSOR;
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
    this.checkpoints = new ProcessorStore(options.db, this.name, this.clock);
    this.actor = options.actor ?? PARK_RULES_ACTOR;
    this.mappings = options.targetMappings ?? PARK_TARGET_MAPPINGS;
    this.logger = options.logger ?? SILENT;
    this.retry = { initial: options.retryDelayMs?.initial ?? 500, max: options.retryDelayMs?.max ?? 30_000 };
    this.checkpointEvery = options.checkpointEvery ?? 500;
    if (this.actor.role !== 'supervisor') throw new Error(`the park rules processor must act as a supervisor, not ${this.actor.role}`);
  }

  /** Subscribes from the stored checkpoint (resolves once subscribed, not caught up). */
  async start(): Promise<void> {
    if (this.wanted) return;
    this.wanted = true;
    await this.open();
  }

  /** Stops the subscription after the event in hand; what is done is checkpointed. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.clearTimers();
    if (this.sub) await this.sub.stop();
    if (this.loop) await this.loop;
    try {
      this.write();
    } catch (err) {
      this.logger.warn(`processor ${this.name}: final checkpoint not written: ${(err as Error).message}`);
    }
    this.state = 'stopped';
  }

  /** Resolves once every event up to `position` has been processed (reactions done). */
  waitFor(position: bigint, timeoutMs: number): Promise<void> {
    if (this.done.position >= position) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new ProcessorWaitTimeoutError(this.name, position, this.done.position, this.lastError?.message ?? null));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      state: this.state,
      position: this.done.position.toString(),
      storedPosition: this.stored.position.toString(),
      eventsSeen: this.eventsSeen,
      issuesReported: this.issuesReported,
      progressRecorded: this.progressRecorded,
      failures: this.failures,
      lastError: this.lastError?.message ?? null,
    };
  }

  // ---------------------------------------------------------------- the loop

  private async open(): Promise<void> {
    let sub: Subscription;
    try {
      let checkpoint = this.checkpoints.get();
      if (!(await this.checkpointInLog(checkpoint))) {
        this.logger.warn(
          `processor ${this.name}: the log no longer holds the event at its checkpoint ${checkpoint.position} ` +
            '(store replaced or restored); processing again from position 0 (its reactions are idempotent)',
        );
        this.checkpoints.reset();
        checkpoint = ZERO_CHECKPOINT;
      }
      this.stored = checkpoint;
      this.done = checkpoint;
      this.sinceWrite = 0;
      if (!this.wanted) return;
      sub = this.store.subscribe({ fromPosition: checkpoint.position });
    } catch (err) {
      this.recordFailure(err as Error);
      this.scheduleRestart(this.backoff());
      return;
    }
    this.sub = sub;
    // 'failed' until an event goes through after a failure
    this.state = this.failures > 0 ? 'failed' : 'running';
    this.loop = this.consume(sub);
  }

  private async consume(sub: Subscription): Promise<void> {
    let failure: Error | null = null;
    try {
      for await (const event of sub) {
        if (event.globalPosition <= this.done.position) continue;
        const acted = await this.process(event);
        this.done = { position: event.globalPosition, event: { eventId: event.id, previousPosition: this.done.position } };
        this.eventsSeen += 1;
        this.sinceWrite += 1;
        if (acted || this.sinceWrite >= this.checkpointEvery) this.write();
        else this.armIdleWrite();
        if (this.failures > 0) this.logger.log(`processor ${this.name}: recovered at position ${event.globalPosition}`);
        this.failures = 0;
        this.lastError = null;
        this.state = 'running';
        this.wake();
        if (this.idleError) throw this.idleError;
        if (!this.wanted) break;
      }
      this.write();
      if (this.wanted) throw new Error('the subscription ended unexpectedly');
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    } finally {
      this.clearIdle();
      this.idleError = null;
      this.sub = null;
    }
    if (failure === null) return;
    void sub.stop();
    try {
      this.write(); // keep what was done before the failing event
    } catch (err) {
      if (!(failure instanceof CheckpointMovedError)) failure = err as Error;
    }
    if (failure instanceof CheckpointMovedError) {
      this.logger.warn(`${failure.message}; resuming from the stored checkpoint`);
      this.scheduleRestart(0);
      return;
    }
    this.recordFailure(failure);
    this.scheduleRestart(this.backoff());
  }

  /** Writes the checkpoint when it moved. Throws CheckpointMovedError when another process moved the stored one. */
  private write(): void {
    this.clearIdle();
    if (this.done.position === this.stored.position) return;
    this.checkpoints.advance(this.stored.position, this.done);
    this.stored = this.done;
    this.sinceWrite = 0;
  }

  /** An idle log gets its checkpoint written soon after its last event. */
  private armIdleWrite(): void {
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      try {
        this.write();
      } catch (err) {
        // surfaced by the loop at its next event, or by a restart
        this.idleError = err as Error;
        void this.sub?.stop().then(() => undefined);
      }
    }, 100);
    this.idleTimer.unref?.();
  }

  private async checkpointInLog(checkpoint: ProcessorCheckpoint): Promise<boolean> {
    if (checkpoint.position === 0n) return true;
    if (!checkpoint.event) return false;
    const [event] = await this.store.readAll({ fromPosition: checkpoint.event.previousPosition, limit: 1 });
    return event !== undefined && event.globalPosition === checkpoint.position && event.id === checkpoint.event.eventId;
  }

  private wake(): void {
    for (const w of this.waiters) {
      if (this.done.position >= w.position) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  private recordFailure(error: Error): void {
    this.failures += 1;
    this.lastError = error;
    this.state = 'failed';
    this.logger.error(
      `processor ${this.name}: failed after position ${this.done.position} (attempt ${this.failures}); ` +
        `retrying in ${this.backoff()} ms from the checkpoint: ${error.message}`,
      error.stack,
    );
  }

  private backoff(): number {
    return Math.min(this.retry.max, this.retry.initial * 2 ** Math.max(0, this.failures - 1));
  }

  private scheduleRestart(delayMs: number): void {
    if (!this.wanted) {
      this.state = this.lastError ? 'failed' : 'stopped';
      return;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted && !this.sub) void this.open();
    }, delayMs);
    this.retryTimer.unref?.();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private clearTimers(): void {
    this.clearIdle();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  // ---------------------------------------------------------------- reactions

  /** Runs the reactions to one event; true when it was a park event that may have acted. Throws when one failed. */
  private async process(event: RecordedEvent): Promise<boolean> {
    switch (event.type) {
      case 'park.registered.v1': {
        const park = await this.parkAsOfEvent(event);
        if (!park) return false;
        this.checkpoints.addPark(park.parkId, park.district);
        await this.raiseIssues(event, checkParkRules(park, this.options.policy).filter((f) => f.ruleId !== 'park.tax_per_mu'));
        return true;
      }
      case 'park.monthly_report_submitted.v1':
      case 'park.monthly_report_corrected.v1': {
        const park = await this.parkAsOfEvent(event);
        if (!park) return false;
        const report = event.data as MonthlyReportData;
        const policy: ParkRulePolicyOverrides = { ...this.options.policy, report: { year: report.year, month: report.month } };
        await this.raiseIssues(event, checkParkRules(park, policy).filter((f) => f.ruleId === 'park.tax_per_mu'));
        await this.recordProgress(event, park, 'monthly_report', report.year, { kind: 'park_report', ref: report.reportId });
        return true;
      }
      case 'park.milestone_recorded.v1': {
        const { milestone, date } = event.data as { milestone: string; date: string };
        if (milestone !== 'construction_started') return false;
        const park = await this.parkAsOfEvent(event);
        if (!park) return false;
        const ref = `${park.parkId}:construction_started`;
        await this.recordProgress(event, park, 'construction_started', Number(date.slice(0, 4)), { kind: 'park_milestone', ref });
        return true;
      }
      default:
        return false;
    }
  }

  /** The park as of the event (its stream folded up to that event): re-processing sees exactly what the first run saw. */
  private async parkAsOfEvent(event: RecordedEvent): Promise<RegisteredPark | null> {
    const history = await this.store.readStream(event.stream, { limit: Number(event.streamVersion) + 1 });
    const state = fold(parkDecider, history.filter((e) => e.streamVersion <= event.streamVersion));
    return isParkRegistered(state) ? state : null;
  }

  /** A park as of a global position (its events up to it), or null when it was not registered by then. */
  private async parkAsOfPosition(parkId: string, position: bigint): Promise<RegisteredPark | null> {
    const history = await this.store.readStream(parkStream(parkId));
    const state = fold(parkDecider, history.filter((e) => e.globalPosition <= position));
    return isParkRegistered(state) ? state : null;
  }

  /**
   * ReportIssue + AssignIssue per finding. The issue's effective time is the
   * time the park event was recorded: the rules run when a fact reaches the
   * ledger, so a back-filled record of 2021 does not open an issue that was
   * overdue before anybody could see it. Deterministic on a re-run.
   */
  private async raiseIssues(event: RecordedEvent, findings: ParkFinding[]): Promise<void> {
    if (findings.length === 0) return;
    const at = event.metadata.recordedAt;
    const commands = findingsToIssueCommands(findings, at, this.actor, {
      addWorkingDays: this.options.addWorkingDays,
      ...(this.options.deadlinePolicy ? { deadlinePolicy: this.options.deadlinePolicy } : {}),
    });
    for (const c of commands) {
      const reported = await this.send(
        new ExecuteIssueCommand(c.report, this.envelope(`park-rules:report:${c.issueId}`, event)),
        (err) => err instanceof IllegalTransition && err.currentStatus !== 'none',
      );
      if (reported === 'written') this.issuesReported += 1;
      const assigned = await this.send(
        new ExecuteIssueCommand(c.assign, this.envelope(`park-rules:assign:${c.issueId}`, event)),
        (err) => err instanceof IllegalTransition && err.currentStatus !== 'none',
      );
      if (assigned === 'written') {
        this.logger.log(`processor ${this.name}: finding ${c.findingId} → issue ${c.issueId}, assigned to ${c.assign.data.unitId}`);
      }
    }
  }

  /**
   * The district's figure for the year, summed over its parks as of this
   * event's position, recorded on each mapped target that exists, with the
   * report (or the 开工 milestone) as its source. Effective time: the event's.
   */
  private async recordProgress(
    event: RecordedEvent,
    park: RegisteredPark,
    trigger: ParkTargetTrigger,
    year: number,
    source: TargetProgressSource,
  ): Promise<void> {
    const mappings = this.mappings.filter((m) => m.trigger === trigger);
    if (mappings.length === 0 || !Number.isInteger(year)) return;
    const ids = [...new Set([...this.checkpoints.parksOf(park.district), park.parkId])].sort();
    const parks: RegisteredPark[] = [];
    for (const id of ids) {
      const p = id === park.parkId ? park : await this.parkAsOfPosition(id, event.globalPosition);
      if (p && p.district === park.district) parks.push(p);
    }
    for (const mapping of mappings) {
      const total = districtFigure(parks, mapping.figure, year);
      for (const metric of mapping.metrics) {
        const targetId = targetIdFor(park.district, year, metric);
        const command: RecordTargetProgress = {
          type: 'RecordTargetProgress',
          at: event.metadata.occurredAt,
          actor: this.actor,
          data: { targetId, value: total.value, source, note: progressNote(park.district, year, mapping.figure, total, source.ref) },
        };
        const result = await this.send(
          new ExecuteTargetCommand(command, this.envelope(`park-rules:progress:${targetId}:${source.kind}:${source.ref}`, event)),
          (err) => err instanceof StreamNotFound || err instanceof ProgressAlreadyRecorded,
        );
        if (result === 'written') this.progressRecorded += 1;
      }
    }
  }

  /** Sends a command; 'tolerated' when the error means "nothing to do" (already done, or no such target). */
  private async send(command: ExecuteIssueCommand | ExecuteTargetCommand, tolerated: (err: unknown) => boolean): Promise<'written' | 'tolerated'> {
    try {
      const result = (await this.options.commands.execute(command)) as { replayed?: boolean } | undefined;
      return result?.replayed ? 'tolerated' : 'written';
    } catch (err) {
      if (tolerated(err)) return 'tolerated';
      throw err;
    }
  }

  private envelope(commandId: string, cause: RecordedEvent): CommandEnvelope {
    return {
      commandId,
      correlationId: cause.metadata.correlationId,
      causationId: cause.id,
      actor: this.actor,
      receivedAt: this.clock().toISOString(),
    };
  }
}
