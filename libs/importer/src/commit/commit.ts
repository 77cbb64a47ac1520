/**
 * Committing a plan: RegisterTask per registrable item, SetTarget per annex
 * row, and — when the plan accepts amendments — AmendTask per amended item and
 * ReviseTarget per amended row, each its own stream and transaction, with deterministic command ids so
 * that a re-run after a partial failure completes the rest and writes nothing
 * twice. The writes go through an ImportWriter: the CommandExecutor in the CLI
 * and the benchmark (executorWriter), the CommandBus in the api.
 */
import { randomUUID } from 'node:crypto';
import type { CommandEnvelope, CommandResult } from '@duban/application/command-executor';
import { fold } from '@duban/application/command-executor';
import { UnknownUnits } from '@duban/application/units';
import { taskStream } from '@duban/application/streams';
import { targetStream } from '@duban/application/parks/streams';
import { DomainError } from '@duban/domain/decider';
import type { RecordedEvent } from '@duban/eventstore';
import type { ReviseTarget, SetTarget, TargetState } from '@duban/domain/target';
import { targetDecider } from '@duban/domain/target';
import type { AmendTask, RegisterTask, TaskState } from '@duban/domain/task';
import { taskDecider } from '@duban/domain/task';
import type { ImportPreview } from '../types';
import { targetIdOfRow } from './plan';
import type { ImportPlan, ImportProgress, ImportReport, OutcomeCounts, PlannedTarget, PlannedTask, ReportEntry } from './types';
import { IMPORT_REPORT_FORMAT } from './types';

/** Reads streams (the current state of the tasks and targets an import touches). */
export interface ImportReader {
  /** Events of one stream, oldest first; empty when the stream does not exist. */
  readStream(stream: string): Promise<readonly RecordedEvent[]>;
}

/** Sends the import's commands. Each call is one stream, one transaction; a refusal throws. */
export interface ImportWriter extends ImportReader {
  registerTask(command: RegisterTask, envelope: CommandEnvelope): Promise<CommandResult<TaskState>>;
  amendTask(command: AmendTask, envelope: CommandEnvelope): Promise<CommandResult<TaskState>>;
  setTarget(command: SetTarget, envelope: CommandEnvelope): Promise<CommandResult<TargetState>>;
  reviseTarget(command: ReviseTarget, envelope: CommandEnvelope): Promise<CommandResult<TargetState>>;
}

/** Who created a stream: the command and correlation ids of its first event; who amended it since. */
export interface StreamOrigin {
  readonly commandId: string;
  readonly correlationId: string;
  /** The correlation ids of its amendments (task.amended.v1, target.revised.v1), oldest first. */
  readonly amendedBy?: readonly string[];
}

const AMENDMENT_EVENTS: ReadonlySet<string> = new Set(['task.amended.v1', 'target.revised.v1']);

export interface ExistingState {
  /** The current state of each item's task stream, by task id. */
  readonly tasks: ReadonlyMap<string, TaskState>;
  /** The current state of each annex row's target stream, by target id. */
  readonly targets: ReadonlyMap<string, TargetState>;
  /** The first event's ids of every stream that exists, by stream name. */
  readonly origins: ReadonlyMap<string, StreamOrigin>;
}

/** Reads the task stream of every item (by task id) and the target stream of every annex row. */
export async function loadExisting(preview: ImportPreview, reader: ImportReader): Promise<ExistingState> {
  const tasks = new Map<string, TaskState>();
  const targets = new Map<string, TargetState>();
  const origins = new Map<string, StreamOrigin>();
  const note = (stream: string, history: readonly RecordedEvent[]): void => {
    const first = history[0];
    if (first === undefined) return;
    const amendedBy = history.filter((e) => AMENDMENT_EVENTS.has(e.type)).map((e) => e.metadata.correlationId);
    origins.set(stream, {
      commandId: first.metadata.commandId,
      correlationId: first.metadata.correlationId,
      ...(amendedBy.length > 0 ? { amendedBy } : {}),
    });
  };
  for (const item of preview.items) {
    if (item.taskId === null || tasks.has(item.taskId)) continue;
    const stream = taskStream(item.taskId);
    const history = await reader.readStream(stream);
    note(stream, history);
    tasks.set(item.taskId, fold(taskDecider, [...history]));
  }
  for (const row of preview.targets) {
    const targetId = targetIdOfRow(row);
    if (targetId === null || targets.has(targetId)) continue;
    const stream = targetStream(targetId);
    const history = await reader.readStream(stream);
    note(stream, history);
    targets.set(targetId, fold(targetDecider, [...history]));
  }
  return { tasks, targets, origins };
}

export interface CommitOptions {
  /**
   * Carried by every event written (metadata.correlationId). Default: a new
   * `import:<uuid>` per run. The api derives it from the Idempotency-Key: a
   * retried request finds the streams its first attempt created and reports
   * them as written (replayed) instead of unchanged.
   */
  readonly correlationId?: string;
  /** What caused the commit (the request id); default the correlation id. */
  readonly causationId?: string;
  /** Who created the streams that exist (from loadExisting), to recognise this run's own earlier writes. */
  readonly origins?: ReadonlyMap<string, StreamOrigin>;
  /** Called after each item and row. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** The clock (default: the system's). */
  readonly now?: () => Date;
}

function describeError(err: unknown): NonNullable<ReportEntry['error']> {
  if (err instanceof UnknownUnits) return { name: err.name, message: err.message, unknownUnits: err.units };
  if (err instanceof DomainError) return { name: err.name, message: err.message, kind: err.kind };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

const tally = (entries: readonly ReportEntry[], kind: ReportEntry['kind']): OutcomeCounts => {
  const mine = entries.filter((e) => e.kind === kind);
  return {
    written: mine.filter((e) => e.outcome === 'written').length,
    unchanged: mine.filter((e) => e.outcome === 'unchanged').length,
    skipped: mine.filter((e) => e.outcome === 'skipped').length,
    failed: mine.filter((e) => e.outcome === 'failed').length,
  };
};

/**
 * Executes the plan's 'register' entries (RegisterTask, then SetTarget), one
 * stream at a time, and its 'amended' entries (AmendTask, ReviseTarget) when
 * the plan accepts amendments and the domain would not refuse them; otherwise
 * 'amended' entries are skipped with the diff. 'unchanged' entries write
 * nothing, 'not-registrable' ones are skipped with their reason. A refused or
 * failed command is reported (document, item path, units, error) and the rest
 * goes on.
 */
export async function commitImport(plan: ImportPlan, writer: ImportWriter, options: CommitOptions = {}): Promise<ImportReport> {
  const clock = options.now ?? (() => new Date());
  const started = Date.now();
  const correlationId = options.correlationId ?? `import:${randomUUID()}`;
  const causationId = options.causationId ?? correlationId;
  const docNumber = plan.document.docNumber;
  const entries: ReportEntry[] = [];
  const total = plan.tasks.length + plan.targets.length;
  let events = 0;
  let lastPosition: bigint | null = null;

  const envelope = (commandId: string): CommandEnvelope => ({
    commandId,
    correlationId,
    causationId,
    actor: plan.actor,
    receivedAt: clock().toISOString(),
  });
  const mine = (stream: string): boolean => options.origins?.get(stream)?.correlationId === correlationId;
  const amendedByMe = (stream: string): boolean => options.origins?.get(stream)?.amendedBy?.includes(correlationId) === true;
  const record = (entry: ReportEntry): void => {
    entries.push(entry);
    options.onProgress?.({ done: entries.length, total, entry });
  };
  const skipped = (p: PlannedTask | PlannedTarget): Pick<ReportEntry, 'outcome' | 'reason' | 'changes'> =>
    p.action === 'amended'
      ? {
          outcome: 'skipped',
          reason:
            p.reasons.length > 0
              ? `amendment refused: ${p.reasons.join('; ')}`
              : 'amended in the document: not written (amendments are written only when accepted)',
          changes: p.changes,
        }
      : { outcome: 'skipped', reason: p.reasons.join('; ') };

  async function run<S>(
    base: Omit<ReportEntry, 'outcome'>,
    planned: PlannedTask | PlannedTarget,
    stream: string | null,
    send: () => Promise<CommandResult<S>>,
    amend: (() => Promise<CommandResult<S>>) | null,
  ): Promise<void> {
    if (planned.action === 'unchanged') {
      // this run's own earlier write (a retried request): answer as the first time
      if (stream !== null && (mine(stream) || amendedByMe(stream))) return record({ ...base, outcome: 'written', stream, replayed: true });
      return record({ ...base, outcome: 'unchanged', ...(stream !== null ? { stream } : {}) });
    }
    const accepted = planned.action === 'amended' && plan.acceptAmendments && planned.reasons.length === 0 && amend !== null;
    if (planned.action !== 'register' && !accepted) return record({ ...base, ...skipped(planned) });
    try {
      const result = await (accepted ? amend!() : send());
      const changes = accepted ? { changes: planned.changes } : {};
      // an amendment the stream already holds (written by another run since the plan was made): nothing to write
      if (result.events.length === 0) return record({ ...base, outcome: 'unchanged', stream: result.stream });
      if (!result.replayed) {
        events += result.events.length;
        if (lastPosition === null || result.position > lastPosition) lastPosition = result.position;
      }
      record({
        ...base,
        outcome: 'written',
        stream: result.stream,
        version: result.version.toString(),
        position: result.position.toString(),
        events: result.events,
        replayed: result.replayed,
        ...changes,
      });
    } catch (err) {
      const error = describeError(err);
      record({ ...base, outcome: 'failed', error, ...(error.unknownUnits ? { units: error.unknownUnits } : {}) });
    }
  }

  for (const t of plan.tasks) {
    const base = {
      kind: 'task' as const,
      docNumber,
      path: t.path,
      line: t.line,
      id: t.taskId,
      label: t.title,
      units: t.command?.data.leadUnits ?? [],
    };
    const command = t.command;
    const amendment = t.amendment;
    await run(
      base,
      t,
      t.taskId === null ? null : taskStream(t.taskId),
      () => writer.registerTask(command!, envelope(t.commandId!)),
      amendment === null ? null : () => writer.amendTask(amendment.command, envelope(amendment.commandId)),
    );
  }
  for (const r of plan.targets) {
    const base = {
      kind: 'target' as const,
      docNumber,
      path: null,
      line: r.line,
      id: r.targetId,
      label: `${r.unitName ?? r.unitId ?? '?'} ${r.year ?? '?'} ${r.metric}`,
      units: r.unitId !== null ? [r.unitId] : [],
    };
    const command = r.command;
    const revision = r.amendment;
    await run(
      base,
      r,
      r.targetId === null ? null : targetStream(r.targetId),
      () => writer.setTarget(command!, envelope(r.commandId!)),
      revision === null ? null : () => writer.reviseTarget(revision.command, envelope(revision.commandId)),
    );
  }

  return {
    format: IMPORT_REPORT_FORMAT,
    docNumber,
    title: plan.document.title,
    actor: plan.actor,
    effectiveAt: plan.effectiveAt,
    correlationId,
    written: entries.filter((e) => e.outcome === 'written'),
    unchanged: entries.filter((e) => e.outcome === 'unchanged'),
    skipped: entries.filter((e) => e.outcome === 'skipped'),
    errors: entries.filter((e) => e.outcome === 'failed'),
    counts: { tasks: tally(entries, 'task'), targets: tally(entries, 'target'), events },
    lastPosition: lastPosition === null ? null : (lastPosition as bigint).toString(),
    elapsedMs: Date.now() - started,
  };
}
