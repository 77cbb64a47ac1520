import type { Decider } from '../decider/decider';
import { assertNever } from '../decider/decider';
import type { ActStamp } from '../decider/effective-time';
import { actOf, laterAct, requireNotBefore } from '../decider/effective-time';
import { IllegalTransition, InvalidCommandData } from '../decider/errors';
import {
  checkEnvelope,
  instantMs,
  requireDeadline,
  requireInstant,
  requireRole,
  requireText,
  requireUnitList,
} from '../decider/guards';
import { decideLoop } from '../closure-loop/decide';
import { decideLadderStep } from '../ladder/decide';
import { evolveLoop } from '../closure-loop/evolve';
import { fromLoopEvent, toLoopEvent } from '../closure-loop/facts';
import { initialLoopState } from '../closure-loop/state';
import type { LoopStep } from '../closure-loop/steps';
import type { AmendTask, NumericTarget, RecordShareLadderStep, RegisterTask, ShareCommand, SourceDocument, TaskCommand } from './commands';
import { TARGET_COMPARATORS } from './commands';
import { ShareHasWork, UnknownShare } from './errors';
import type { TaskAmended, TaskEvent, TaskFieldChange, TaskRegistered, TaskShareEvent } from './events';
import { SHARE_EVENT_PREFIX } from './events';
import type { RegisteredTask, ShareState, TaskState } from './state';
import { isRegistered } from './state';

export const initialTaskState = (): TaskState => ({ status: 'none' });

export function decideTask(command: TaskCommand, state: TaskState): TaskEvent[] {
  checkEnvelope(command);
  switch (command.type) {
    case 'RegisterTask':
      return register(command, state);
    case 'AmendTask':
      return amend(command, state);
    case 'AssignShare':
      // 交办: the share's deadline defaults to the task's 完成时限.
      return decideShare(command, state, (task) => ({
        kind: 'assign',
        unitId: command.data.unitId,
        deadline: command.data.deadline ?? task.deadline,
      }));
    case 'AcknowledgeShare':
      return decideShare(command, state, () => ({ kind: 'acknowledge' }));
    case 'ReportShareProgress': {
      const { percent, narrative, metricValues, evidence } = command.data;
      return decideShare(command, state, () => ({ kind: 'report_progress', percent, narrative, metricValues, evidence }));
    }
    case 'AddShareProgressNote':
      return decideShare(command, state, () => ({ kind: 'add_note', note: command.data.note }));
    case 'SubmitShareCompletion':
      return decideShare(command, state, () => ({
        kind: 'submit_completion',
        summary: command.data.summary,
        evidence: command.data.evidence,
      }));
    case 'ApproveShareCompletion':
      return decideShare(command, state, () => ({ kind: 'approve_completion' }));
    case 'RejectShareCompletion':
      return decideShare(command, state, () => ({ kind: 'reject_completion', reason: command.data.reason }));
    case 'ReopenShare':
      return decideShare(command, state, () => ({
        kind: 'reopen',
        reason: command.data.reason,
        deadline: command.data.deadline,
      }));
    case 'RequestShareExtension':
      return decideShare(command, state, () => ({
        kind: 'request_extension',
        requestedDeadline: command.data.requestedDeadline,
        reason: command.data.reason,
      }));
    case 'GrantShareExtension':
      return decideShare(command, state, () => ({ kind: 'grant_extension', deadline: command.data.deadline }));
    case 'RefuseShareExtension':
      return decideShare(command, state, () => ({ kind: 'refuse_extension', reason: command.data.reason }));
    case 'RecordShareLadderStep':
      return recordLadderStep(command, state);
    default:
      return assertNever(command, 'task command');
  }
}

export function evolveTask(state: TaskState, event: TaskEvent, at?: string): TaskState {
  const act = actOf(event.type, at);
  switch (event.type) {
    case 'task.registered.v1':
      return registeredState(event, act);
    case 'task.amended.v1':
      return amendedState(registeredOrThrow(state, event.type), event, act);
    case 'task.share.assigned.v1':
    case 'task.share.acknowledged.v1':
    case 'task.share.progress_reported.v1':
    case 'task.share.note_added.v1':
    case 'task.share.completion_submitted.v1':
    case 'task.share.completion_approved.v1':
    case 'task.share.completion_rejected.v1':
    case 'task.share.reopened.v1':
    case 'task.share.extension_requested.v1':
    case 'task.share.extension_granted.v1':
    case 'task.share.extension_refused.v1':
    case 'task.share.reminded.v1':
    case 'task.share.urged.v1':
    case 'task.share.escalated.v1':
    case 'task.share.listed_for_criticism.v1': {
      const task = registeredOrThrow(state, event.type);
      const share = shareOrThrow(task, event.data.unitId, event.type);
      const next = evolveLoop(share, fromLoopEvent(SHARE_EVENT_PREFIX, event), act);
      return { ...task, shares: { ...task.shares, [share.unitId]: next } };
    }
    case 'task.closed.v1': {
      const task = registeredOrThrow(state, event.type);
      return { ...task, status: 'closed', closedAt: event.data.at, lastTaskAct: laterAct(task.lastTaskAct, act) };
    }
    case 'task.reopened.v1': {
      const task = registeredOrThrow(state, event.type);
      return { ...task, status: 'open', closedAt: null, reopenCount: task.reopenCount + 1, lastTaskAct: laterAct(task.lastTaskAct, act) };
    }
    default:
      return assertNever(event, 'task event');
  }
}

export const taskDecider: Decider<TaskState, TaskCommand, TaskEvent> = {
  decide: decideTask,
  evolve: evolveTask,
  initialState: initialTaskState,
};

// ---------------------------------------------------------------------------

function register(command: RegisterTask, state: TaskState): TaskEvent[] {
  const name = command.type;
  requireRole(name, command.actor, 'supervisor');
  if (isRegistered(state)) throw new IllegalTransition(name, state.status);
  const d = command.data;
  const target = d.target === undefined ? undefined : validTarget(name, d.target);
  const event: TaskRegistered = {
    type: 'task.registered.v1',
    data: {
      taskId: requireText(name, 'taskId', d.taskId),
      sourceDocument: validSource(name, d.sourceDocument),
      itemPath: requireText(name, 'itemPath', d.itemPath),
      title: requireText(name, 'title', d.title),
      text: typeof d.text === 'string' ? d.text : invalid(name, 'text', 'must be a string'),
      leadUnits: requireUnitList(name, 'leadUnits', d.leadUnits, 1),
      responsibleUnits: requireUnitList(name, 'responsibleUnits', d.responsibleUnits, 1),
      cooperatingUnits: requireUnitList(name, 'cooperatingUnits', d.cooperatingUnits, 0),
      deadline: requireDeadline(name, 'deadline', d.deadline, command.at),
      ...(target === undefined ? {} : { target }),
      supervisingOffice: requireText(name, 'supervisingOffice', d.supervisingOffice),
    },
  };
  return [event];
}

/**
 * AmendTask: the fields given that differ from the registration (unit lists
 * as sets, deadlines as instants) become one task.amended.v1 with their old
 * and new values; nothing different → no event. Refused for a closed task
 * (IllegalTransition) and for a responsible unit whose share has work on it
 * (ShareHasWork). Dropping the only shares still open closes the task in the
 * same decision, as the approval of the last open share does.
 */
function amend(command: AmendTask, state: TaskState): TaskEvent[] {
  const name = command.type;
  requireRole(name, command.actor, 'supervisor');
  if (!isRegistered(state)) throw new IllegalTransition(name, state.status);
  const d = command.data;
  if (d.taskId !== state.taskId) invalid(name, 'taskId', `does not match the task ${state.taskId}`);
  if (state.status === 'closed') throw new IllegalTransition(name, state.status);
  // an amendment answers the registration and the amendments before it
  requireNotBefore(name, command.at, state.lastTaskAct);
  const reason = requireText(name, 'reason', d.reason);
  const documentRef = d.documentRef === undefined ? undefined : requireText(name, 'documentRef', d.documentRef);

  const changes: TaskFieldChange[] = [];
  if (d.title !== undefined) {
    const title = requireText(name, 'title', d.title);
    if (title !== state.title) changes.push({ field: 'title', from: state.title, to: title });
  }
  if (d.text !== undefined) {
    const text = typeof d.text === 'string' ? d.text : invalid(name, 'text', 'must be a string');
    if (text !== state.text) changes.push({ field: 'text', from: state.text, to: text });
  }
  if (d.documentTitle !== undefined) {
    const to = d.documentTitle === null ? null : requireText(name, 'documentTitle', d.documentTitle);
    const from = state.sourceDocument.title ?? null;
    if (to !== from) changes.push({ field: 'documentTitle', from, to });
  }
  for (const [field, min] of [['leadUnits', 1], ['responsibleUnits', 1], ['cooperatingUnits', 0]] as const) {
    if (d[field] === undefined) continue;
    const to = requireUnitList(name, field, d[field], min);
    if (!sameUnits(to, state[field])) changes.push({ field, from: state[field], to });
  }
  if (d.deadline !== undefined) {
    const given = requireInstant(name, 'deadline', d.deadline);
    if (instantMs(given) !== instantMs(state.deadline)) {
      changes.push({ field: 'deadline', from: state.deadline, to: requireDeadline(name, 'deadline', given, command.at) });
    }
  }
  if (d.target !== undefined) {
    const to = d.target === null ? null : validTarget(name, d.target);
    if (!sameTarget(to, state.target)) changes.push({ field: 'target', from: state.target, to });
  }
  if (changes.length === 0) return [];

  const responsible = changes.find((c) => c.field === 'responsibleUnits');
  const to = responsible === undefined ? state.responsibleUnits : (responsible.to as readonly string[]);
  const added = to.filter((u) => !state.responsibleUnits.includes(u));
  const removed = state.responsibleUnits.filter((u) => !to.includes(u));
  for (const unitId of removed) {
    const share = state.shares[unitId];
    const work = share === undefined ? [] : workOn(share);
    if (share !== undefined && work.length > 0) throw new ShareHasWork(name, state.taskId, unitId, share.status, work);
    // a share cannot be dropped before its 交办
    if (share !== undefined) requireNotBefore(name, command.at, share.lastAct);
  }

  const amended: TaskAmended = {
    type: 'task.amended.v1',
    data: {
      taskId: state.taskId,
      changes,
      addedResponsibleUnits: added,
      removedResponsibleUnits: removed,
      reason,
      ...(documentRef === undefined ? {} : { documentRef }),
      at: command.at,
    },
  };
  const after = evolveTask(state, amended, command.at);
  const allClosed = isRegistered(after) && after.responsibleUnits.every((u) => after.shares[u]?.status === 'closed');
  return allClosed ? [amended, { type: 'task.closed.v1', data: { taskId: state.taskId, at: command.at } }] : [amended];
}

/**
 * What is recorded on a share beyond its registration and its 交办: a status
 * past assigned (签收, progress, submission, closure, and with them any
 * rework or reopening), a note, an extension pending or granted.
 */
function workOn(share: ShareState): string[] {
  const work: string[] = [];
  if (share.status !== 'registered' && share.status !== 'assigned') work.push(`status ${share.status}`);
  if (share.progressReports > 0) work.push(`${share.progressReports} progress report${share.progressReports > 1 ? 's' : ''}`);
  if (share.notes > 0) work.push(`${share.notes} note${share.notes > 1 ? 's' : ''}`);
  if (share.pendingExtension !== null) work.push('an extension request pending');
  if (share.extensionCount > 0) work.push(`${share.extensionCount} extension${share.extensionCount > 1 ? 's' : ''} granted`);
  return work;
}

/** Unit lists as sets: the same units in another order are the same list. */
function sameUnits(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((u) => b.includes(u));
}

function sameTarget(a: NumericTarget | null, b: NumericTarget | null): boolean {
  return a === null || b === null ? a === b : a.value === b.value && a.unit === b.unit && a.comparator === b.comparator;
}

/**
 * Runs one step of a share's loop, then adds the task-level consequence:
 * `task.closed.v1` when the last open share closes, `task.reopened.v1` when a
 * share of a closed task reopens.
 */
function decideShare(
  command: ShareCommand,
  state: TaskState,
  step: (task: RegisteredTask) => LoopStep,
): TaskEvent[] {
  const name = command.type;
  if (!isRegistered(state)) throw new IllegalTransition(name, state.status);
  if (command.data.taskId !== state.taskId) {
    throw new InvalidCommandData(name, 'taskId', `does not match the task ${state.taskId}`);
  }
  const share = state.shares[command.data.unitId];
  if (!Object.hasOwn(state.shares, command.data.unitId) || share === undefined) {
    throw new UnknownShare(name, state.taskId, command.data.unitId);
  }

  const facts = decideLoop(
    { command: name, at: command.at, actor: command.actor, step: step(state) },
    share,
    // the reopening of a share of a closed task also reopens the task: not before its closing
    { noteAuthors: [...state.leadUnits, ...state.cooperatingUnits], notBefore: state.status === 'closed' ? state.lastTaskAct : null },
  );
  const key = { taskId: state.taskId, unitId: share.unitId };
  const events: TaskEvent[] = facts.map((fact): TaskShareEvent => toLoopEvent(SHARE_EVENT_PREFIX, key, fact) as TaskShareEvent);

  const after = events.reduce<TaskState>((s, e) => evolveTask(s, e, command.at), state);
  const allClosed = isRegistered(after) && after.responsibleUnits.every((u) => after.shares[u]?.status === 'closed');
  if (state.status === 'open' && allClosed) {
    events.push({ type: 'task.closed.v1', data: { taskId: state.taskId, at: command.at } });
  } else if (state.status === 'closed' && !allClosed) {
    events.push({ type: 'task.reopened.v1', data: { taskId: state.taskId, unitId: share.unitId, at: command.at } });
  }
  return events;
}

/** A ladder step on a share: the loop decides (no events when stale); the task itself does not change. */
function recordLadderStep(command: RecordShareLadderStep, state: TaskState): TaskEvent[] {
  const name = command.type;
  if (!isRegistered(state)) throw new IllegalTransition(name, state.status);
  if (command.data.taskId !== state.taskId) throw new InvalidCommandData(name, 'taskId', `does not match the task ${state.taskId}`);
  const share = Object.hasOwn(state.shares, command.data.unitId) ? state.shares[command.data.unitId] : undefined;
  if (share === undefined) throw new UnknownShare(name, state.taskId, command.data.unitId);
  const facts = decideLadderStep(name, command.at, command.actor, command.data, share, (unitId) => ({
    kind: 'task',
    docNumber: state.sourceDocument.docNumber,
    itemPath: state.itemPath,
    title: state.title,
    unitId,
  }));
  const key = { taskId: state.taskId, unitId: share.unitId };
  return facts.map((fact): TaskShareEvent => toLoopEvent(SHARE_EVENT_PREFIX, key, fact) as TaskShareEvent);
}

function registeredState(event: TaskRegistered, registered: ActStamp | null): RegisteredTask {
  const d = event.data;
  return {
    status: 'open',
    taskId: d.taskId,
    sourceDocument: d.sourceDocument,
    itemPath: d.itemPath,
    title: d.title,
    text: d.text,
    leadUnits: d.leadUnits,
    responsibleUnits: d.responsibleUnits,
    cooperatingUnits: d.cooperatingUnits,
    deadline: d.deadline,
    target: d.target ?? null,
    supervisingOffice: d.supervisingOffice,
    // Fan-out: one share per responsible unit, each with its own loop.
    shares: Object.fromEntries(
      d.responsibleUnits.map((unitId): [string, ShareState] => [unitId, openShare(unitId, registered)]),
    ),
    closedAt: null,
    reopenCount: 0,
    amendmentCount: 0,
    lastTaskAct: registered,
  };
}

/** Applies the changes; opens a share per added responsible unit (as registration does), drops the removed ones. */
function amendedState(task: RegisteredTask, event: TaskAmended, amended: ActStamp | null): RegisteredTask {
  let next: RegisteredTask = { ...task, amendmentCount: task.amendmentCount + 1, lastTaskAct: laterAct(task.lastTaskAct, amended) };
  for (const change of event.data.changes) {
    switch (change.field) {
      case 'title':
      case 'text':
        next = { ...next, [change.field]: change.to };
        break;
      case 'documentTitle':
        next = {
          ...next,
          sourceDocument: change.to === null ? { docNumber: next.sourceDocument.docNumber } : { docNumber: next.sourceDocument.docNumber, title: change.to },
        };
        break;
      case 'leadUnits':
      case 'responsibleUnits':
      case 'cooperatingUnits':
        next = { ...next, [change.field]: change.to };
        break;
      case 'deadline':
        next = { ...next, deadline: change.to };
        break;
      case 'target':
        next = { ...next, target: change.to };
        break;
      default:
        assertNever(change, 'task field change');
    }
  }
  const removed = new Set(event.data.removedResponsibleUnits);
  const shares: Record<string, ShareState> = Object.fromEntries(Object.entries(task.shares).filter(([unitId]) => !removed.has(unitId)));
  for (const unitId of event.data.addedResponsibleUnits) {
    if (Object.hasOwn(shares, unitId)) throw new Error(`${event.type} adds unit ${unitId}, which has a share in task ${task.taskId} already`);
    shares[unitId] = openShare(unitId, amended);
  }
  return { ...next, shares };
}

/** A share opened by `opened` (the registration, or the amendment that added its unit). */
function openShare(unitId: string, opened: ActStamp | null): ShareState {
  return { ...initialLoopState('registered', unitId, opened), unitId };
}

function registeredOrThrow(state: TaskState, eventType: string): RegisteredTask {
  if (!isRegistered(state)) throw new Error(`${eventType} before task.registered.v1`);
  return state;
}

function shareOrThrow(task: RegisteredTask, unitId: string, eventType: string): ShareState {
  const share = Object.hasOwn(task.shares, unitId) ? task.shares[unitId] : undefined;
  if (!share) throw new Error(`${eventType} for unit ${unitId}, which has no share in task ${task.taskId}`);
  return share;
}

function validSource(command: string, source: SourceDocument): SourceDocument {
  if (!source || typeof source !== 'object') invalid(command, 'sourceDocument', 'is required');
  const docNumber = requireText(command, 'sourceDocument.docNumber', source.docNumber);
  if (source.title === undefined) return { docNumber };
  return { docNumber, title: requireText(command, 'sourceDocument.title', source.title) };
}

function validTarget(command: string, target: NumericTarget): NumericTarget {
  if (!target || typeof target !== 'object') invalid(command, 'target', 'must be an object');
  if (typeof target.value !== 'number' || !Number.isFinite(target.value)) {
    invalid(command, 'target.value', 'must be a finite number');
  }
  if (!TARGET_COMPARATORS.includes(target.comparator)) {
    invalid(command, 'target.comparator', `must be one of ${TARGET_COMPARATORS.join(' ')}`);
  }
  return { value: target.value, unit: requireText(command, 'target.unit', target.unit), comparator: target.comparator };
}

function invalid(command: string, field: string, reason: string): never {
  throw new InvalidCommandData(command, field, reason);
}
