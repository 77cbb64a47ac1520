import type { Decider } from '../decider/decider';
import { assertNever } from '../decider/decider';
import type { ActStamp } from '../decider/effective-time';
import { actOf } from '../decider/effective-time';
import { IllegalTransition, InvalidCommandData } from '../decider/errors';
import { checkEnvelope, requireOwnUnit, requireRole, requireText } from '../decider/guards';
import { decideLoop } from '../closure-loop/decide';
import { decideLadderStep } from '../ladder/decide';
import { decideDeadlineRecount } from '../closure-loop/recount';
import { evolveLoop } from '../closure-loop/evolve';
import { fromLoopEvent, toLoopEvent } from '../closure-loop/facts';
import { initialLoopState } from '../closure-loop/state';
import type { LoopStep } from '../closure-loop/steps';
import type { IssueCommand, IssueLoopCommand, RecordIssueLadderStep, RecountIssueDeadline, ReportIssue } from './commands';
import { ISSUE_URGENCIES } from './commands';
import type { IssueEvent, IssueLoopEvent, IssueReported } from './events';
import { ISSUE_EVENT_PREFIX } from './events';
import type { IssueState, ReportedIssue } from './state';
import { isReported } from './state';

export const initialIssueState = (): IssueState => ({ status: 'none' });

export function decideIssue(command: IssueCommand, state: IssueState): IssueEvent[] {
  checkEnvelope(command);
  switch (command.type) {
    case 'ReportIssue':
      return report(command, state);
    case 'AssignIssue':
      return decideIssueLoop(command, state, {
        kind: 'assign',
        unitId: command.data.unitId,
        deadline: command.data.deadline,
        ...(command.data.deadlineCount === undefined ? {} : { deadlineCount: command.data.deadlineCount }),
      });
    case 'AcknowledgeIssue':
      return decideIssueLoop(command, state, { kind: 'acknowledge' });
    case 'ReportIssueProgress': {
      const { percent, narrative, metricValues, evidence } = command.data;
      return decideIssueLoop(command, state, { kind: 'report_progress', percent, narrative, metricValues, evidence });
    }
    case 'SubmitIssueCompletion':
      return decideIssueLoop(command, state, {
        kind: 'submit_completion',
        summary: command.data.summary,
        evidence: command.data.evidence,
      });
    case 'ApproveIssueCompletion':
      return decideIssueLoop(command, state, { kind: 'approve_completion' });
    case 'RejectIssueCompletion':
      return decideIssueLoop(command, state, { kind: 'reject_completion', reason: command.data.reason });
    case 'ReopenIssue':
      return decideIssueLoop(command, state, { kind: 'reopen', reason: command.data.reason, deadline: command.data.deadline });
    case 'RequestIssueExtension':
      return decideIssueLoop(command, state, {
        kind: 'request_extension',
        requestedDeadline: command.data.requestedDeadline,
        reason: command.data.reason,
      });
    case 'GrantIssueExtension':
      return decideIssueLoop(command, state, { kind: 'grant_extension', deadline: command.data.deadline });
    case 'RefuseIssueExtension':
      return decideIssueLoop(command, state, { kind: 'refuse_extension', reason: command.data.reason });
    case 'RecordIssueLadderStep':
      return recordLadderStep(command, state);
    case 'RecountIssueDeadline':
      return recountDeadline(command, state);
    default:
      return assertNever(command, 'issue command');
  }
}

export function evolveIssue(state: IssueState, event: IssueEvent, at?: string): IssueState {
  switch (event.type) {
    case 'issue.reported.v1':
      return reportedState(event, actOf(event.type, at));
    case 'issue.assigned.v1':
    case 'issue.acknowledged.v1':
    case 'issue.progress_reported.v1':
    case 'issue.completion_submitted.v1':
    case 'issue.completion_approved.v1':
    case 'issue.completion_rejected.v1':
    case 'issue.reopened.v1':
    case 'issue.extension_requested.v1':
    case 'issue.extension_granted.v1':
    case 'issue.extension_refused.v1':
    case 'issue.reminded.v1':
    case 'issue.urged.v1':
    case 'issue.escalated.v1':
    case 'issue.listed_for_criticism.v1':
    case 'issue.deadline_recounted.v1': {
      if (!isReported(state)) throw new Error(`${event.type} before issue.reported.v1`);
      return evolveLoop(state, fromLoopEvent(ISSUE_EVENT_PREFIX, event), actOf(event.type, at));
    }
    default:
      return assertNever(event, 'issue event');
  }
}

export const issueDecider: Decider<IssueState, IssueCommand, IssueEvent> = {
  decide: decideIssue,
  evolve: evolveIssue,
  initialState: initialIssueState,
};

// ---------------------------------------------------------------------------

function report(command: ReportIssue, state: IssueState): IssueEvent[] {
  const name = command.type;
  const { actor } = command;
  requireRole(name, actor, 'supervisor', 'unit');
  if (isReported(state)) throw new IllegalTransition(name, state.status);
  const d = command.data;
  const reportingUnit = requireText(name, 'reportingUnit', d.reportingUnit);
  // A unit reports in its own name; the supervision office may record for anyone.
  if (actor.role === 'unit') requireOwnUnit(name, actor, reportingUnit);
  if (!ISSUE_URGENCIES.includes(d.urgency)) {
    throw new InvalidCommandData(name, 'urgency', `must be one of ${ISSUE_URGENCIES.join(', ')}`);
  }
  const event: IssueReported = {
    type: 'issue.reported.v1',
    data: {
      issueId: requireText(name, 'issueId', d.issueId),
      title: requireText(name, 'title', d.title),
      description: requireText(name, 'description', d.description),
      category: requireText(name, 'category', d.category),
      urgency: d.urgency,
      ...(d.parkId === undefined ? {} : { parkId: requireText(name, 'parkId', d.parkId) }),
      reportingUnit,
    },
  };
  return [event];
}

/** A ladder step on the issue: the loop decides (no events when stale). */
function recordLadderStep(command: RecordIssueLadderStep, state: IssueState): IssueEvent[] {
  const name = command.type;
  if (!isReported(state)) throw new IllegalTransition(name, state.status);
  if (command.data.issueId !== state.issueId) throw new InvalidCommandData(name, 'issueId', `does not match the issue ${state.issueId}`);
  const facts = decideLadderStep(name, command.at, command.actor, command.data, state, (unitId) => ({
    kind: 'issue',
    issueId: state.issueId,
    title: state.title,
    unitId,
  }));
  return facts.map((fact): IssueLoopEvent => toLoopEvent(ISSUE_EVENT_PREFIX, { issueId: state.issueId }, fact) as IssueLoopEvent);
}

/** The recount of a deadline counted in working days: the loop decides (no events when stale). */
function recountDeadline(command: RecountIssueDeadline, state: IssueState): IssueEvent[] {
  const name = command.type;
  if (!isReported(state)) throw new IllegalTransition(name, state.status);
  const { issueId, ...data } = command.data;
  if (issueId !== state.issueId) throw new InvalidCommandData(name, 'issueId', `does not match the issue ${state.issueId}`);
  const facts = decideDeadlineRecount(name, command.at, command.actor, data, state);
  return facts.map((fact): IssueLoopEvent => toLoopEvent(ISSUE_EVENT_PREFIX, { issueId: state.issueId }, fact) as IssueLoopEvent);
}

function decideIssueLoop(command: IssueLoopCommand, state: IssueState, step: LoopStep): IssueEvent[] {
  const name = command.type;
  if (!isReported(state)) throw new IllegalTransition(name, state.status);
  if (command.data.issueId !== state.issueId) {
    throw new InvalidCommandData(name, 'issueId', `does not match the issue ${state.issueId}`);
  }
  const facts = decideLoop({ command: name, at: command.at, actor: command.actor, step }, state);
  return facts.map((fact): IssueLoopEvent => toLoopEvent(ISSUE_EVENT_PREFIX, { issueId: state.issueId }, fact) as IssueLoopEvent);
}

function reportedState(event: IssueReported, reported: ActStamp | null): ReportedIssue {
  const d = event.data;
  return {
    ...initialLoopState('reported', null, reported),
    issueId: d.issueId,
    title: d.title,
    description: d.description,
    category: d.category,
    urgency: d.urgency,
    parkId: d.parkId ?? null,
    reportingUnit: d.reportingUnit,
  };
}
