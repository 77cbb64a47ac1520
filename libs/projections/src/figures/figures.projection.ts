import type { RecordedEvent } from '@duban/eventstore';
import { assertNever } from '@duban/domain/decider';
import type { ClosureLoopState, LoopFact } from '@duban/domain/closure-loop';
import { evolveLoop, fromLoopEvent, initialLoopState } from '@duban/domain/closure-loop';
import type { IssueEventType, IssueReported } from '@duban/domain/issue';
import { ISSUE_EVENT_PREFIX } from '@duban/domain/issue';
import type { ShareState, TaskEventType, TaskRegistered } from '@duban/domain/task';
import { SHARE_EVENT_PREFIX } from '@duban/domain/task';
import { issueItemKey, taskItemKey } from '../items/item';
import type { Projection, ProjectionTx } from '../runner/projection';
import type { ClosureFact, DeadlineFact, ExtensionFact, ReopenFact, TimedFact } from './figures';

/**
 * One row per closure-loop item (task share `task:<taskId>:<unitId>`, issue
 * `issue:<issueId>`, the same keys as the items read model) with the facts the
 * figures are computed from. The timelines (JSON arrays, oldest first, in log
 * order) carry each fact's effective time and global position, so the query
 * can take the item as it stood at any instant AND any log position: that is
 * what lets a bulletin be recomputed exactly later.
 *
 * Summary columns (status, first/latest closure, counters, current deadline)
 * are the item as it stands now; `max_deadline_ms`, `last_fact_ms` and
 * `last_position` let the query skip items that cannot matter for a period.
 */
export const FIGURES_SCHEMA = `
CREATE TABLE IF NOT EXISTS figures_items (
  key                  TEXT    PRIMARY KEY,
  kind                 TEXT    NOT NULL CHECK (kind IN ('task', 'issue')),
  unit_id              TEXT,
  status               TEXT    NOT NULL,
  assigned_at          TEXT,
  assigned_ms          INTEGER,
  deadline             TEXT,
  deadline_ms          INTEGER,
  max_deadline_ms      INTEGER,
  first_closed_at      TEXT,
  first_closed_on_time INTEGER,
  last_closed_at       TEXT,
  last_closed_on_time  INTEGER,
  submission_count     INTEGER NOT NULL DEFAULT 0,
  rework_count         INTEGER NOT NULL DEFAULT 0,
  extension_count      INTEGER NOT NULL DEFAULT 0,
  reopen_count         INTEGER NOT NULL DEFAULT 0,
  deadlines            TEXT    NOT NULL DEFAULT '[]',
  submissions          TEXT    NOT NULL DEFAULT '[]',
  closures             TEXT    NOT NULL DEFAULT '[]',
  reworks              TEXT    NOT NULL DEFAULT '[]',
  extensions           TEXT    NOT NULL DEFAULT '[]',
  reopens              TEXT    NOT NULL DEFAULT '[]',
  last_fact_ms         INTEGER,
  loop                 TEXT    NOT NULL,
  last_position        INTEGER NOT NULL,
  updated_at           TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_items_unit ON figures_items (unit_id);
CREATE INDEX IF NOT EXISTS figures_items_assigned ON figures_items (assigned_ms);
`;

/**
 * Record<…, boolean>: when the domain adds an event type this file stops
 * compiling until it is classified here (and the version is bumped).
 * true = the event opens a row or moves an item's loop.
 */
const TASK_TYPES: Record<TaskEventType, boolean> = {
  'task.registered.v1': true,
  'task.share.assigned.v1': true,
  'task.share.acknowledged.v1': true,
  'task.share.progress_reported.v1': true,
  'task.share.note_added.v1': true,
  'task.share.completion_submitted.v1': true,
  'task.share.completion_approved.v1': true,
  'task.share.completion_rejected.v1': true,
  'task.share.reopened.v1': true,
  'task.share.extension_requested.v1': true,
  'task.share.extension_granted.v1': true,
  'task.share.extension_refused.v1': true,
  // the task's own status follows its shares; the figures count shares
  'task.closed.v1': false,
  'task.reopened.v1': false,
};

const ISSUE_TYPES: Record<IssueEventType, boolean> = {
  'issue.reported.v1': true,
  'issue.assigned.v1': true,
  'issue.acknowledged.v1': true,
  'issue.progress_reported.v1': true,
  'issue.completion_submitted.v1': true,
  'issue.completion_approved.v1': true,
  'issue.completion_rejected.v1': true,
  'issue.reopened.v1': true,
  'issue.extension_requested.v1': true,
  'issue.extension_granted.v1': true,
  'issue.extension_refused.v1': true,
};

const HANDLED = new Set<string>(
  [...Object.entries(TASK_TYPES), ...Object.entries(ISSUE_TYPES)].filter(([, handled]) => handled).map(([type]) => type),
);

const INSERT = `
INSERT INTO figures_items (key, kind, unit_id, status, loop, last_position, updated_at)
VALUES (@key, @kind, @unit_id, @status, @loop, @last_position, @updated_at)`;

const UPDATE = `
UPDATE figures_items SET
  unit_id = @unit_id, status = @status, assigned_at = @assigned_at, assigned_ms = @assigned_ms,
  deadline = @deadline, deadline_ms = @deadline_ms, max_deadline_ms = @max_deadline_ms,
  first_closed_at = @first_closed_at, first_closed_on_time = @first_closed_on_time,
  last_closed_at = @last_closed_at, last_closed_on_time = @last_closed_on_time,
  submission_count = @submission_count, rework_count = @rework_count, extension_count = @extension_count,
  reopen_count = @reopen_count, deadlines = @deadlines, submissions = @submissions, closures = @closures,
  reworks = @reworks, extensions = @extensions, reopens = @reopens, last_fact_ms = @last_fact_ms,
  loop = @loop, last_position = @last_position, updated_at = @updated_at
WHERE key = @key`;

interface StoredRow {
  assigned_at: string | null;
  deadlines: string;
  submissions: string;
  closures: string;
  reworks: string;
  extensions: string;
  reopens: string;
  loop: string;
}

/**
 * The figures read model (name 'figures'): per closure-loop item, the facts
 * a unit is ranked on — unit, assignment, deadline history, submissions,
 * closures (each with the deadline in force and whether it was on time),
 * rejections (返工), granted extensions (延期) and reopenings (重新打开), each
 * with its effective time and global position.
 *
 * The loop state is the domain's: each row keeps its ClosureLoopState and
 * folds every loop event with `evolveLoop(state, fromLoopEvent(prefix, event))`
 * (as the items read model does), so "the deadline in force" and the status
 * are exactly the domain's.
 *
 * On time: a closure (销号, completion approved) is on time when its effective
 * time is at or before the deadline in force at that moment (the last deadline
 * set before it in the item's stream: assignment, granted extension, reopening
 * with a new deadline). The submission's time and whether IT was on time are
 * kept beside it.
 */
export class FiguresProjection implements Projection {
  readonly name = 'figures';
  readonly version = 1;
  readonly schema = FIGURES_SCHEMA;

  handles(type: string): boolean {
    return HANDLED.has(type);
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    switch (event.type) {
      case 'task.registered.v1':
        this.registerTask(event as RecordedEvent<'task.registered.v1', TaskRegistered['data']>, tx);
        return;
      case 'issue.reported.v1':
        this.reportIssue(event as RecordedEvent<'issue.reported.v1', IssueReported['data']>, tx);
        return;
    }
    const loopEvent = { type: event.type, data: event.data as object };
    if (event.type.startsWith(`${SHARE_EVENT_PREFIX}.`)) {
      const data = event.data as { taskId: string; unitId: string };
      this.evolveRow(tx, taskItemKey(data.taskId, data.unitId), fromLoopEvent(SHARE_EVENT_PREFIX, loopEvent), event);
    } else {
      const data = event.data as { issueId: string };
      this.evolveRow(tx, issueItemKey(data.issueId), fromLoopEvent(ISSUE_EVENT_PREFIX, loopEvent), event);
    }
  }

  /** task.registered.v1 opens one row per responsible unit, as evolveTask opens its shares. */
  private registerTask(event: RecordedEvent<'task.registered.v1', TaskRegistered['data']>, tx: ProjectionTx): void {
    for (const unitId of event.data.responsibleUnits) {
      const loop: ShareState = { ...initialLoopState('registered', unitId), unitId };
      tx.run(INSERT, {
        key: taskItemKey(event.data.taskId, unitId),
        kind: 'task',
        unit_id: unitId,
        status: loop.status,
        loop: JSON.stringify(loop),
        last_position: event.globalPosition,
        updated_at: event.metadata.recordedAt,
      });
    }
  }

  private reportIssue(event: RecordedEvent<'issue.reported.v1', IssueReported['data']>, tx: ProjectionTx): void {
    const loop = initialLoopState('reported');
    tx.run(INSERT, {
      key: issueItemKey(event.data.issueId),
      kind: 'issue',
      unit_id: null,
      status: loop.status,
      loop: JSON.stringify(loop),
      last_position: event.globalPosition,
      updated_at: event.metadata.recordedAt,
    });
  }

  private evolveRow(tx: ProjectionTx, key: string, fact: LoopFact, event: RecordedEvent): void {
    const row = tx.get<StoredRow>(
      'SELECT assigned_at, deadlines, submissions, closures, reworks, extensions, reopens, loop FROM figures_items WHERE key = ?',
      [key],
    );
    if (!row) throw new Error(`${event.type}: the figures read model holds no row ${key} (its stream did not open it)`);
    const before = JSON.parse(row.loop) as ClosureLoopState;
    const after = evolveLoop(before, fact);
    const position = event.globalPosition.toString();
    const deadlines = JSON.parse(row.deadlines) as DeadlineFact[];
    const submissions = JSON.parse(row.submissions) as TimedFact[];
    const closures = JSON.parse(row.closures) as ClosureFact[];
    const reworks = JSON.parse(row.reworks) as TimedFact[];
    const extensions = JSON.parse(row.extensions) as ExtensionFact[];
    const reopens = JSON.parse(row.reopens) as ReopenFact[];
    let assignedAt = row.assigned_at;

    switch (fact.kind) {
      case 'assigned':
        assignedAt ??= fact.data.at;
        deadlines.push(deadlineFact(fact.data.deadline, fact.data.at, 'assigned', position));
        break;
      case 'completion_submitted':
        submissions.push(timed(fact.data.at, position));
        break;
      case 'completion_approved': {
        // approval does not move the deadline: the one in force is the state's before it
        const deadline = before.deadline;
        const at = timed(fact.data.at, position);
        const submittedAt = before.submission?.at ?? null;
        closures.push({
          ...at,
          deadline,
          onTime: deadline !== null && at.atMs <= ms(deadline),
          submittedAt,
          submittedOnTime: deadline !== null && submittedAt !== null ? ms(submittedAt) <= ms(deadline) : null,
        });
        break;
      }
      case 'completion_rejected':
        // a rejection carries no time of its own: its effective time is the event's
        reworks.push(timed(event.metadata.occurredAt, position));
        break;
      case 'reopened':
        reopens.push({ ...timed(fact.data.at, position), deadline: fact.data.deadline ?? null });
        if (fact.data.deadline !== undefined) deadlines.push(deadlineFact(fact.data.deadline, fact.data.at, 'reopened', position));
        break;
      case 'extension_granted':
        extensions.push({ ...timed(fact.data.at, position), from: before.deadline, to: fact.data.deadline });
        deadlines.push(deadlineFact(fact.data.deadline, fact.data.at, 'extension', position));
        break;
      case 'acknowledged':
      case 'progress_reported':
      case 'note_added':
      case 'extension_requested':
      case 'extension_refused':
        break;
      default:
        assertNever(fact, 'loop fact');
    }

    const firstClosure = closures[0];
    const lastClosure = closures[closures.length - 1];
    const factTimes = [deadlines, submissions, closures, reworks, extensions, reopens].flatMap((list) =>
      (list as readonly TimedFact[]).map((f) => f.atMs),
    );
    tx.run(UPDATE, {
      key,
      unit_id: after.unitId,
      status: after.status,
      assigned_at: assignedAt,
      assigned_ms: assignedAt === null ? null : ms(assignedAt),
      deadline: after.deadline,
      deadline_ms: after.deadline === null ? null : ms(after.deadline),
      max_deadline_ms: deadlines.length === 0 ? null : Math.max(...deadlines.map((d) => d.deadlineMs)),
      first_closed_at: firstClosure?.at ?? null,
      first_closed_on_time: firstClosure === undefined ? null : firstClosure.onTime ? 1 : 0,
      last_closed_at: lastClosure?.at ?? null,
      last_closed_on_time: lastClosure === undefined ? null : lastClosure.onTime ? 1 : 0,
      submission_count: submissions.length,
      rework_count: after.reworkCount,
      extension_count: after.extensionCount,
      reopen_count: after.reopenCount,
      deadlines: JSON.stringify(deadlines),
      submissions: JSON.stringify(submissions),
      closures: JSON.stringify(closures),
      reworks: JSON.stringify(reworks),
      extensions: JSON.stringify(extensions),
      reopens: JSON.stringify(reopens),
      last_fact_ms: factTimes.length === 0 ? null : Math.max(...factTimes),
      loop: JSON.stringify(after),
      last_position: event.globalPosition,
      updated_at: event.metadata.recordedAt,
    });
  }
}

function timed(at: string, position: string): TimedFact {
  return { at, atMs: ms(at), position };
}

function deadlineFact(deadline: string, at: string, cause: DeadlineFact['cause'], position: string): DeadlineFact {
  return { deadline, deadlineMs: ms(deadline), cause, ...timed(at, position) };
}

function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`not an ISO instant: ${iso}`);
  return value;
}
