import type { EventStore, RecordedEvent } from '@duban/eventstore';
import type { Actor } from '@duban/domain/decider';
import { IllegalTransition } from '@duban/domain/decider';
import type { AddWorkingDays, IssueDeadlinePolicy } from '@duban/domain/issue';
import type { MonthlyReportData, ParkFinding, ParkRulePolicyOverrides, RegisteredPark } from '@duban/domain/park';
import { checkParkRules, findingsToIssueCommands, isParkRegistered, parkDecider } from '@duban/domain/park';
import type { RecordTargetProgress, TargetProgressSource } from '@duban/domain/target';
import { ProgressAlreadyRecorded, targetIdFor } from '@duban/domain/target';
import { fold, StreamNotFound } from '../command-executor';
import { ExecuteIssueCommand } from '../nest/messages';
import type { CheckpointedProcessorOptions } from '../processors/checkpointed-processor';
import { CheckpointedProcessor } from '../processors/checkpointed-processor';
import { ExecuteTargetCommand } from './messages';
import { parkStream } from './streams';
import type { ParkTargetMapping, ParkTargetTrigger } from './target-progress';
import { districtFigure, PARK_TARGET_MAPPINGS, progressNote } from './target-progress';

export type { CommandSender, ProcessorLogger, ProcessorState, ProcessorStatus } from '../processors/checkpointed-processor';
export { ProcessorWaitTimeoutError } from '../processors/checkpointed-processor';

/**
 * The actor of the commands the rules produce: a system user of the
 * supervision office (市政府办公厅四处) acting as a supervisor — AssignIssue (交办)
 * is the supervision office's, and findingsToIssueCommands requires it.
 */
export const PARK_RULES_ACTOR: Actor = { userId: 'duban-rules', unitId: '市政府办公厅四处', role: 'supervisor' };

/** The checkpoint key of the park rules processor. */
export const PARK_RULES_PROCESSOR = 'park-rules';

export interface ParkRulesProcessorOptions extends Omit<CheckpointedProcessorOptions, 'actor' | 'store'> {
  readonly store: EventStore;
  /** The working-day calendar, for the issues' default deadlines. */
  readonly addWorkingDays: AddWorkingDays;
  /** Checkpoint key; default 'park-rules'. */
  readonly name?: string;
  readonly actor?: Actor;
  readonly policy?: ParkRulePolicyOverrides;
  readonly deadlinePolicy?: Partial<IssueDeadlinePolicy>;
  /** Which park figures feed which targets; default PARK_TARGET_MAPPINGS. [] turns target progress off. */
  readonly targetMappings?: readonly ParkTargetMapping[];
}

/**
 * The park rules process manager (a CheckpointedProcessor: catch-up from its
 * stored checkpoint, never from the end). It reacts to park events:
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
 * A failing event (e.g. a deadline in a year the working calendar does not
 * cover) holds the processor there with `lastError` set until the cause is fixed.
 */
export class ParkRulesProcessor extends CheckpointedProcessor<{ issuesReported: number; progressRecorded: number }> {
  private readonly mappings: readonly ParkTargetMapping[];
  private issuesReported = 0;
  private progressRecorded = 0;

  constructor(private readonly options: ParkRulesProcessorOptions) {
    super(options.name ?? PARK_RULES_PROCESSOR, { ...options, actor: options.actor ?? PARK_RULES_ACTOR });
    this.mappings = options.targetMappings ?? PARK_TARGET_MAPPINGS;
    if (this.actor.role !== 'supervisor') throw new Error(`the park rules processor must act as a supervisor, not ${this.actor.role}`);
  }

  protected counters() {
    return { issuesReported: this.issuesReported, progressRecorded: this.progressRecorded };
  }

  // ---------------------------------------------------------------- reactions

  /** Runs the reactions to one event; true when it was a park event that may have acted. Throws when one failed. */
  protected async process(event: RecordedEvent): Promise<boolean> {
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
}
