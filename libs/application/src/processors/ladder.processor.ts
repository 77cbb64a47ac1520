import type { RecordedEvent } from '@duban/eventstore';
import type { WorkingCalendar } from '@duban/domain/calendar';
import { EffectiveTimeBeforeEarlierAct } from '@duban/domain/decider';
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import { issueDecider } from '@duban/domain/issue';
import type { IssueState, RecordIssueLadderStep } from '@duban/domain/issue';
import type { LadderRule } from '@duban/domain/ladder';
import { dueLadderSteps, LADDER_ACTOR, ladderCommandId, ladderStateOf, nextStep } from '@duban/domain/ladder';
import { taskDecider } from '@duban/domain/task';
import type { RecordShareLadderStep, TaskState } from '@duban/domain/task';
import type { Clock, Fire, RecurringSchedule, Scheduler, Timer } from '@duban/scheduler';
import { reconcile } from '@duban/scheduler';
import { fold } from '../command-executor';
import { ExecuteIssueCommand, ExecuteTaskCommand } from '../nest/messages';
import type { CheckpointedProcessorOptions } from './checkpointed-processor';
import { CheckpointedProcessor } from './checkpointed-processor';
import type { DueRow, LadderTimerPayload } from './ladder-due-table';
import { LadderDueTable, ladderTimerId, payloadOf } from './ladder-due-table';
import { SchedulerSync } from './scheduler-sync';

/** The checkpoint key of the ladder processor. */
export const LADDER_PROCESSOR = 'ladder';

const TASK_PREFIX = 'task-';
const ISSUE_PREFIX = 'issue-';
/** Streams whose due rows are known to reflect a version (see `seen`); bounded, oldest forgotten first. */
const SEEN_LIMIT = 10_000;
/** A person acting between our read and our append: read again, at most this often per fire. */
const MAX_RELOADS = 5;

export interface LadderProcessorOptions extends Omit<CheckpointedProcessorOptions, 'actor' | 'clock'> {
  readonly scheduler: Scheduler<LadderTimerPayload>;
  /** The only source of "now" (a ManualClock in tests). */
  readonly clock: Clock;
  readonly rule: LadderRule;
  readonly calendar: WorkingCalendar;
  /** Checkpoint key; default 'ladder'. */
  readonly name?: string;
}

/** One item's loop, as the ladder reads it. */
interface Item {
  readonly unit: string | null;
  readonly loop: ClosureLoopState;
}

/**
 * The lateness ladder's process manager (临近提醒 → 催办 → 督办 → 通报批评).
 *
 * Following the log (CheckpointedProcessor) it keeps the due table: for each
 * event of a task or issue stream it folds the stream through the executor's
 * `fold`, asks `nextStep` for every share (task) or for the issue, rewrites the
 * stream's rows and arms / disarms the matching timers. The stream is folded to
 * its head, so later events of the same stream already reflected are skipped:
 * a catch-up over a long log reads each item once, not once per event.
 *
 * On a fire it reloads the item and sends, in order, every step
 * `dueLadderSteps` says is due now, through the CommandBus with the
 * deterministic `ladderCommandId`: a fire delivered twice, or to two
 * processes at once, writes each step once (the executor answers a known
 * command id from the log; a stale step decides no event). The events it
 * writes come back through the log and move the row to the next step.
 *
 * Arming never holds the processor: the table is written first, the scheduler
 * follows (SchedulerSync), and `reconcile` at start and every
 * `reconcileIntervalMs` re-arms what the scheduler lacks and fires what is due.
 */
export class LadderProcessor extends CheckpointedProcessor<{ dueRows: number; stepsWritten: number; fires: number; scheduler: string }> {
  readonly scheduler: Scheduler<LadderTimerPayload>;
  readonly table: LadderDueTable;
  private readonly time: Clock;
  private readonly rule: LadderRule;
  private readonly calendar: WorkingCalendar;
  private readonly sync: SchedulerSync<LadderTimerPayload>;
  /** stream → the stream version its rows reflect. */
  private readonly seen = new Map<string, bigint>();
  private stepsWritten = 0;
  private fires = 0;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;

  constructor(options: LadderProcessorOptions) {
    super(options.name ?? LADDER_PROCESSOR, { ...options, actor: LADDER_ACTOR, clock: () => new Date(options.clock.now()) });
    this.scheduler = options.scheduler;
    this.time = options.clock;
    this.rule = options.rule;
    this.calendar = options.calendar;
    this.table = new LadderDueTable(options.db);
    this.sync = new SchedulerSync(options.scheduler, this.logger);
  }

  protected counters() {
    return { dueRows: this.table.size, stepsWritten: this.stepsWritten, fires: this.fires, scheduler: this.scheduler.kind };
  }

  /**
   * Follows the log (the due table stays current whatever the scheduler does), then starts the scheduler's
   * deliveries and re-arms the due table (reconcile: what is overdue fires at once, oldest first).
   * `reconcileIntervalMs` (0: only at start) repeats the reconcile, so a Redis that lost its keys gets them back.
   * With Redis unreachable the second half waits for it (BullMQ reconnects); the processor does not.
   */
  async startAll(reconcileIntervalMs: number): Promise<void> {
    await this.start();
    await this.scheduler.start((fire) => (fire.kind === 'recurring' ? this.onRecurring(fire.id) : this.onFire(fire)));
    await this.reconcileNow();
    if (reconcileIntervalMs > 0 && this.reconcileTimer === null) {
      this.reconcileTimer = setInterval(() => void this.reconcileNow(), reconcileIntervalMs);
      this.reconcileTimer.unref?.();
    }
  }

  /**
   * Stops following the log and the reconcile; the scheduler is closed by its owner. Waits at most `graceMs`
   * for the arms under way: with Redis unreachable they would wait for ever, and the due table holds them anyway.
   */
  async stopAll(graceMs = 5_000): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = null;
    await this.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([this.reconciling, this.sync.idle()]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
  }

  /** Makes the scheduler agree with the due table (never throws: a scheduler that is down is logged, retried next time). */
  reconcileNow(): Promise<void> {
    this.reconciling ??= (async () => {
      try {
        await this.sync.idle();
        const report = await reconcile(this.scheduler, this.timers(), { clock: this.time });
        if (report.rearmed > 0) {
          this.logger.log(`processor ${this.name}: re-armed ${report.rearmed} of ${report.entries} ladder timers (${report.overdue} overdue fire now)`);
        }
      } catch (err) {
        this.logger.error(
          `processor ${this.name}: the ladder timers could not be reconciled with the ${this.scheduler.kind} scheduler: ${(err as Error).message}; ` +
            'nothing is lost (the due table keeps every step); they are re-armed at the next reconcile once the scheduler answers',
        );
      } finally {
        this.reconciling = null;
      }
    })();
    return this.reconciling;
  }

  /** Resolves once the arms and disarms asked so far reached the scheduler (or failed and were logged). */
  schedulerSettled(): Promise<void> {
    return this.sync.idle();
  }

  private *timers(): IterableIterator<Timer<LadderTimerPayload>> {
    for (const r of this.table.all()) yield { id: r.timerId, dueAt: r.dueAt, payload: payloadOf(r) };
  }

  // ---------------------------------------------------------------- following the log

  protected async process(event: RecordedEvent): Promise<boolean> {
    const stream = event.stream;
    if (!stream.startsWith(TASK_PREFIX) && !stream.startsWith(ISSUE_PREFIX)) return false;
    const reflected = this.seen.get(stream);
    if (reflected !== undefined && reflected >= event.streamVersion) return false;
    const history = await this.store.readStream(stream);
    if (history.length === 0) return false;
    const head = history[history.length - 1].streamVersion;
    const wanted = this.dueRows(stream, itemsOf(stream, history));
    const before = new Map(this.table.rowsOf(stream).map((r) => [r.unit ?? '', r]));
    this.table.replace(stream, wanted);
    for (const r of wanted) {
      const old = before.get(r.unit ?? '');
      before.delete(r.unit ?? '');
      if (old && old.timerId !== r.timerId) this.sync.disarm(old.timerId);
      if (!old || old.timerId !== r.timerId || old.dueAt !== r.dueAt) this.sync.arm({ id: r.timerId, dueAt: r.dueAt, payload: payloadOf(r) });
    }
    for (const gone of before.values()) this.sync.disarm(gone.timerId);
    this.remember(stream, head);
    return true;
  }

  private dueRows(stream: string, items: readonly Item[]): DueRow[] {
    const rows: DueRow[] = [];
    for (const { unit, loop } of items) {
      const state = ladderStateOf(loop);
      const next = nextStep(state, this.rule, this.calendar);
      if (!next || state.deadline === null) continue;
      rows.push({
        stream,
        unit,
        step: next.step,
        dueAt: Date.parse(next.dueAt),
        deadline: state.deadline,
        deadlineVersion: state.deadlineVersion,
        timerId: ladderTimerId(stream, unit, next.step, state.deadline),
      });
    }
    return rows;
  }

  private remember(stream: string, version: bigint): void {
    this.seen.delete(stream);
    this.seen.set(stream, version);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.keys().next().value!);
  }

  // ---------------------------------------------------------------- recurring work on the same alarm clock

  private readonly recurring = new Map<string, () => Promise<void>>();

  /**
   * Runs `run` on a cron schedule of this process's scheduler (BullMQ job scheduler or in-process), e.g. the
   * period closes on the 1st at 01:00 Beijing time. The work must be idempotent and derive what is due from
   * the log (a missed occurrence is never backfilled: the caller catches up at start).
   */
  async addRecurring(id: string, schedule: RecurringSchedule, run: () => Promise<void>): Promise<void> {
    this.recurring.set(id, run);
    await this.scheduler.upsertRecurring(id, schedule, null as unknown as LadderTimerPayload);
  }

  private async onRecurring(id: string): Promise<void> {
    const run = this.recurring.get(id);
    if (run === undefined) {
      this.logger.warn(`processor ${this.name}: recurring schedule ${id} fired, but nothing in this process runs it`);
      return;
    }
    await run();
  }

  // ---------------------------------------------------------------- a timer fired

  /** Records every step due now on the fired item, in order, each once (see the class comment). */
  async onFire(fire: Fire<LadderTimerPayload>): Promise<void> {
    this.fires += 1;
    const { stream, unit } = fire.payload;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.recordDueSteps(stream, unit, fire.id);
        return;
      } catch (err) {
        // a person acted after our read: the steps' effective times must follow that act, so read again
        if (!(err instanceof EffectiveTimeBeforeEarlierAct) || attempt >= MAX_RELOADS) throw err;
      }
    }
  }

  private async recordDueSteps(stream: string, unit: string | null, timerId: string): Promise<void> {
    const history = await this.store.readStream(stream);
    const item = itemsOf(stream, history).find((i) => i.unit === unit);
    if (!item) return; // the share is gone (amended away) or the stream is not an item
    const now = this.time.now();
    for (const d of dueLadderSteps(ladderStateOf(item.loop), this.rule, this.calendar, new Date(now))) {
      const envelope = {
        commandId: ladderCommandId(stream, d.step, d.deadline),
        correlationId: timerId,
        causationId: timerId,
        actor: LADDER_ACTOR,
        receivedAt: new Date(now).toISOString(),
      };
      const id = stream.slice(stream.startsWith(TASK_PREFIX) ? TASK_PREFIX.length : ISSUE_PREFIX.length);
      const command = unit
        ? new ExecuteTaskCommand({ type: 'RecordShareLadderStep', actor: LADDER_ACTOR, at: d.at, data: { taskId: id, unitId: unit, ...d } } as RecordShareLadderStep, envelope)
        : new ExecuteIssueCommand({ type: 'RecordIssueLadderStep', actor: LADDER_ACTOR, at: d.at, data: { issueId: id, ...d } } as RecordIssueLadderStep, envelope);
      const result = (await this.dispatch(command)) as { events?: string[]; replayed?: boolean } | undefined;
      if (result && !result.replayed && (result.events?.length ?? 0) > 0) this.stepsWritten += 1;
    }
  }
}

/** The loops of a task's shares (by unit) or the issue's own loop. */
function itemsOf(stream: string, history: readonly RecordedEvent[]): Item[] {
  if (stream.startsWith(TASK_PREFIX)) {
    const task = fold(taskDecider, history) as TaskState;
    if (task.status === 'none') return [];
    return Object.entries(task.shares).map(([unit, loop]) => ({ unit, loop }));
  }
  const issue = fold(issueDecider, history) as IssueState;
  return issue.status === 'none' ? [] : [{ unit: null, loop: issue }];
}
