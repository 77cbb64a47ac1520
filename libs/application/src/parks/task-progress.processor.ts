import type { EventStore, RecordedEvent } from '@duban/eventstore';
import type { Actor } from '@duban/domain/decider';
import { DomainError } from '@duban/domain/decider';
import type { MetricValue } from '@duban/domain/closure-loop';
import type { RecordTargetProgress, TargetState } from '@duban/domain/target';
import { isTargetSet, ProgressAlreadyRecorded, targetDecider, targetIdFor } from '@duban/domain/target';
import type { TaskRegistered } from '@duban/domain/task';
import { fold } from '../command-executor';
import type { CheckpointedProcessorOptions } from '../processors/checkpointed-processor';
import { CheckpointedProcessor } from '../processors/checkpointed-processor';
import { taskStream } from '../streams';
import { ExecuteTargetCommand } from './messages';
import { targetStream } from './streams';

/** The actor of the progress records: a system user of the supervision office. */
export const TASK_PROGRESS_ACTOR: Actor = { userId: 'duban-task-progress', unitId: '市政府办公厅四处', role: 'supervisor' };

/** The checkpoint key of the task progress → targets processor. */
export const TASK_PROGRESS_PROCESSOR = 'task-progress-targets';

export const TASK_PROGRESS_EVENT = 'task.share.progress_reported.v1';

export interface TaskProgressProcessorOptions extends Omit<CheckpointedProcessorOptions, 'actor' | 'store'> {
  readonly store: EventStore;
  /** Checkpoint key; default 'task-progress-targets'. */
  readonly name?: string;
  readonly actor?: Actor;
}

interface ProgressReportedData {
  readonly taskId: string;
  readonly unitId: string;
  readonly metricValues?: readonly MetricValue[];
}

/** The year in Beijing time (UTC+8, no daylight saving) of an instant: a report at 2021-12-31T20:00Z counts for 2022. */
export function beijingYear(instant: string): number {
  return new Date(Date.parse(instant) + 8 * 3_600_000).getUTCFullYear();
}

/** The source ref of one progress report: the share and the report's version in the task's stream. */
export function taskProgressRef(taskId: string, unitId: string, streamVersion: bigint): string {
  return `${taskId}/${unitId}@${streamVersion}`;
}

/**
 * Task progress → targets. A responsible unit's progress report on its share
 * (`task.share.progress_reported.v1`) may carry measured values
 * (`metricValues: [{ metric: '新开工市级小微企业园', value: 3, unit: '个' }]`).
 * Each value whose `metric` is exactly the metric of a target set for the
 * share's unit in the year (Beijing time) of the report's effective time is
 * recorded on that target as the unit's cumulative figure:
 * `RecordTargetProgress { value, source: { kind: 'task_progress', ref:
 * '<taskId>/<unitId>@<version>' } }`, effective at the report's time. The
 * target's latest figure by effective time counts (park reports feed the same
 * targets; whichever is later wins, see docs/parks.md).
 *
 * Skipped, never stopping the processor: a metric with no target for (unit,
 * year) (counted in `noTarget`), and a value the target refuses — a unit of
 * measure other than the target's, a negative figure — logged as a warning
 * naming the task, its item, the unit and the metric (counted in `refused`).
 * Command ids are `task-progress:<targetId>:<eventId>`, so a re-run (restart,
 * replay from zero) writes nothing twice; `ProgressAlreadyRecorded` counts as
 * done. A metric named twice in one report counts once, with its last value.
 */
export class TaskProgressProcessor extends CheckpointedProcessor<{ progressRecorded: number; noTarget: number; refused: number }> {
  private progressRecorded = 0;
  private noTarget = 0;
  private refused = 0;

  constructor(options: TaskProgressProcessorOptions) {
    super(options.name ?? TASK_PROGRESS_PROCESSOR, { ...options, actor: options.actor ?? TASK_PROGRESS_ACTOR });
    if (this.actor.role !== 'supervisor') throw new Error(`the task progress processor must act as a supervisor, not ${this.actor.role}`);
  }

  protected counters() {
    return { progressRecorded: this.progressRecorded, noTarget: this.noTarget, refused: this.refused };
  }

  protected async process(event: RecordedEvent): Promise<boolean> {
    if (event.type !== TASK_PROGRESS_EVENT) return false;
    const data = event.data as ProgressReportedData;
    const values = lastValuePerMetric(data.metricValues ?? []);
    if (values.length === 0) return false;
    const at = event.metadata.occurredAt;
    const year = beijingYear(at);
    const ref = taskProgressRef(data.taskId, data.unitId, event.streamVersion);
    for (const m of values) {
      const targetId = targetIdFor(data.unitId, year, m.metric);
      const target = await this.targetAsOf(targetId, event.globalPosition);
      if (!isTargetSet(target)) {
        this.noTarget += 1;
        continue;
      }
      if (m.unit !== undefined && m.unit !== target.unitOfMeasure) {
        await this.refuse(event, data, m, year, `报送单位“${m.unit}”与目标单位“${target.unitOfMeasure}”不一致`);
        continue;
      }
      const command: RecordTargetProgress = {
        type: 'RecordTargetProgress',
        at,
        actor: this.actor,
        data: {
          targetId,
          value: m.value,
          source: { kind: 'task_progress', ref },
          note: `${data.unitId}报送任务进展：${m.metric}${m.value}${target.unitOfMeasure}（任务 ${data.taskId}）`,
        },
      };
      try {
        const result = await this.send(
          new ExecuteTargetCommand(command, this.envelope(`task-progress:${targetId}:${event.id}`, event)),
          (err) => err instanceof ProgressAlreadyRecorded,
        );
        if (result === 'written') this.progressRecorded += 1;
      } catch (err) {
        // a refusal is an answer about this figure, not a fault of the processor: log it and go on
        if (!(err instanceof DomainError)) throw err;
        await this.refuse(event, data, m, year, `${err.name}: ${err.message}`);
      }
    }
    return true;
  }

  /**
   * The target as of the report's position: a target set after the report
   * does not pick it up on a replay either (the first run could not have), so
   * a replay from zero writes exactly what the live run wrote.
   */
  private async targetAsOf(targetId: string, position: bigint): Promise<TargetState> {
    const history = await this.store.readStream(targetStream(targetId));
    return fold(targetDecider, history.filter((e) => e.globalPosition <= position));
  }

  private async refuse(event: RecordedEvent, data: ProgressReportedData, m: MetricValue, year: number, why: string): Promise<void> {
    this.refused += 1;
    const [registered] = await this.store.readStream(taskStream(data.taskId), { limit: 1 });
    const task = registered?.type === 'task.registered.v1' ? (registered.data as TaskRegistered['data']) : null;
    const item = task ? `${task.sourceDocument.docNumber} ${task.itemPath}「${task.title}」` : '';
    this.logger.warn(
      `processor ${this.name}: progress of task ${data.taskId} ${item} by ${data.unitId} on ${m.metric} = ${m.value}` +
        `${m.unit ?? ''} (${year}) not recorded on its target: ${why} (event ${event.id} at position ${event.globalPosition})`,
    );
  }
}

function lastValuePerMetric(values: readonly MetricValue[]): MetricValue[] {
  const byMetric = new Map<string, MetricValue>();
  for (const v of values) {
    byMetric.delete(v.metric);
    byMetric.set(v.metric, v);
  }
  return [...byMetric.values()];
}
