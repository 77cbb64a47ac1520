/**
 * The items model's folding, as pure functions: which events it handles, how
 * a row opens (task.registered.v1 fans out into one share per responsible
 * unit; issue.reported.v1 opens one issue) and how a loop event moves a row
 * (the domain's own `evolveLoop(state, fromLoopEvent(prefix, event))`).
 *
 * Shared by the items projection (the current rows) and the ledger's temporal
 * projection (every version of every row), so both fold exactly alike.
 */
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import { evolveLoop, fromLoopEvent, initialLoopState } from '@duban/domain/closure-loop';
import type { IssueEventType, IssueLoopEvent, IssueReported } from '@duban/domain/issue';
import type { ShareState, TaskEventType, TaskFieldChange, TaskRegistered, TaskShareEvent } from '@duban/domain/task';
import { actOf, assertNever } from '@duban/domain/decider';
import { NO_LADDER } from '@duban/domain/ladder';
import { issueItemKey, taskItemKey } from './item';

// Record<…, true>: when the domain adds an event type, this file stops compiling until it is handled.
export const TASK_TYPES: Record<TaskEventType, true> = {
  'task.registered.v1': true,
  'task.amended.v1': true,
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
  'task.share.reminded.v1': true,
  'task.share.urged.v1': true,
  'task.share.escalated.v1': true,
  'task.share.listed_for_criticism.v1': true,
  'task.closed.v1': true,
  'task.reopened.v1': true,
};

export const ISSUE_TYPES: Record<IssueEventType, true> = {
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
  'issue.reminded.v1': true,
  'issue.urged.v1': true,
  'issue.escalated.v1': true,
  'issue.listed_for_criticism.v1': true,
  'issue.deadline_recounted.v1': true,
};

/** Every event type the items model folds. */
export const ITEM_EVENT_TYPES: ReadonlySet<string> = new Set<string>([...Object.keys(TASK_TYPES), ...Object.keys(ISSUE_TYPES)]);

export function isTaskEventType(type: string): type is TaskEventType {
  return Object.hasOwn(TASK_TYPES, type);
}

/** A share as `evolveTask` opens it on task.registered.v1 (or task.amended.v1), with that event's effective time. */
export function openShareLoop(unitId: string, openedBy?: { type: string; occurredAt: string }): ShareState {
  return { ...initialLoopState('registered', unitId, openedBy ? actOf(openedBy.type, openedBy.occurredAt) : null), unitId };
}

/** An issue's loop as `evolveIssue` opens it on issue.reported.v1. */
export function openIssueLoop(openedBy?: { type: string; occurredAt: string }): ClosureLoopState {
  return initialLoopState('reported', null, openedBy ? actOf(openedBy.type, openedBy.occurredAt) : null);
}

/**
 * Folds one loop event (task.share.* / issue.*) into the row's loop state: the
 * domain's evolveLoop, with the event's effective time (occurredAt) as the
 * deciders fold it — the ladder needs it (when a rejection restarted the clock).
 */
export function foldItemLoop(state: ClosureLoopState, event: TaskShareEvent | IssueLoopEvent, prefix: string, occurredAt?: string): ClosureLoopState {
  return evolveLoop(state, fromLoopEvent(prefix, event), actOf(event.type, occurredAt));
}

/** The columns of a task share as registered (an amendment may change some: amendedStatics). */
export function taskShareStatics(d: TaskRegistered['data'], unitId: string) {
  return {
    key: taskItemKey(d.taskId, unitId),
    kind: 'task' as const,
    task_id: d.taskId,
    issue_id: null,
    doc_number: d.sourceDocument.docNumber,
    doc_title: d.sourceDocument.title ?? null,
    item_path: d.itemPath,
    title: d.title,
    category: null,
    urgency: null,
    reporting_unit: null,
    park_id: null,
    supervising_office: d.supervisingOffice,
    lead_units: JSON.stringify(d.leadUnits),
    cooperating_units: JSON.stringify(d.cooperatingUnits),
    task_deadline: d.deadline,
    task_deadline_ms: instantMs(d.deadline),
  };
}

/**
 * A task's columns that an amendment (task.amended.v1) can change, after the
 * changes: 标题, document title, 牵头 and 配合 units, 完成时限. (text and target
 * have no column; responsibleUnits moves shares, not columns.)
 */
export function amendedStatics<T extends AmendableStatics>(before: T, changes: readonly TaskFieldChange[]): T {
  const next = { ...before };
  for (const c of changes) {
    switch (c.field) {
      case 'title':
        next.title = c.to;
        break;
      case 'documentTitle':
        next.doc_title = c.to;
        break;
      case 'leadUnits':
        next.lead_units = JSON.stringify(c.to);
        break;
      case 'cooperatingUnits':
        next.cooperating_units = JSON.stringify(c.to);
        break;
      case 'deadline':
        next.task_deadline = c.to;
        break;
      case 'text':
      case 'target':
      case 'responsibleUnits':
        break;
      default:
        assertNever(c, 'task field change');
    }
  }
  return next;
}

export interface AmendableStatics {
  title: string;
  doc_title: string | null;
  lead_units: string;
  cooperating_units: string;
  task_deadline: string | null;
}

/** The columns of an issue that never change after it was reported. */
export function issueStatics(d: IssueReported['data']) {
  return {
    key: issueItemKey(d.issueId),
    kind: 'issue' as const,
    task_id: null,
    issue_id: d.issueId,
    doc_number: null,
    doc_title: null,
    item_path: null,
    title: d.title,
    category: d.category,
    urgency: d.urgency,
    reporting_unit: d.reportingUnit,
    park_id: d.parkId ?? null,
    supervising_office: null,
    lead_units: '[]',
    cooperating_units: '[]',
    task_deadline: null,
    task_deadline_ms: null,
  };
}

/** The row columns derived from a loop state (and the state itself as JSON, `loop`). */
export function loopColumns(loop: ClosureLoopState) {
  return { ...loopFields(loop), loop: JSON.stringify(loop) };
}

/** The row columns derived from a loop state, without the state itself. */
export function loopFields(loop: ClosureLoopState) {
  return {
    status: loop.status,
    unit_id: loop.unitId,
    deadline: loop.deadline,
    deadline_ms: loop.deadline === null ? null : instantMs(loop.deadline),
    percent: loop.percent,
    progress_reports: loop.progressReports,
    notes: loop.notes,
    rework_count: loop.reworkCount,
    extension_count: loop.extensionCount,
    reopen_count: loop.reopenCount,
    pending_extension: loop.pendingExtension ? 1 : 0,
    requested_deadline: loop.pendingExtension?.requestedDeadline ?? null,
    submitted_by_unit: loop.submission?.byUnit ?? null,
    submitted_at: loop.submission?.at ?? null,
    closed_at: loop.closedAt,
    ladder: ladderColumn(loop),
  };
}

/** The ladder as a row keeps it (JSON): steps taken, clock stops, and when the current deadline was set. */
export function ladderColumn(loop: ClosureLoopState): string {
  const ladder = loop.ladder ?? NO_LADDER;
  const set = loop.deadlineHistory[loop.deadlineHistory.length - 1];
  return JSON.stringify({ taken: ladder.taken, clockStops: ladder.clockStops, deadlineSetAt: set?.at ?? null });
}

/** Epoch milliseconds of an ISO instant (offsets honoured); throws on anything else. */
export function instantMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO instant: ${iso}`);
  return ms;
}
