/**
 * Turns park findings into issue commands: for each finding a ReportIssue and
 * an AssignIssue to the park's district, on a deterministic issue id. The
 * application layer (a process manager) runs them; an issue that exists
 * already is refused by the issue decider (IllegalTransition on ReportIssue),
 * which is how a re-check stays idempotent.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../decider/decider';
import { requireInstant, requireRole } from '../decider/guards';
import type { AssignIssue, ReportIssue } from '../issue/commands';
import type { AddWorkingDays, IssueDeadlinePolicy } from '../issue/deadline-policy';
import { defaultIssueDeadline } from '../issue/deadline-policy';
import type { ParkFinding } from './rules';

export interface FindingIssueCommands {
  readonly findingId: string;
  readonly issueId: string;
  /** Puts the finding on the ledger, in the actor's unit's name. */
  readonly report: ReportIssue;
  /** 交办 to the park's district, with the default deadline of the finding's urgency. */
  readonly assign: AssignIssue;
}

export interface FindingIssueOptions {
  /** The working-day calendar (e.g. addWorkingDays from calendar/), for the default deadline. */
  readonly addWorkingDays: AddWorkingDays;
  readonly deadlinePolicy?: Partial<IssueDeadlinePolicy>;
}

/**
 * The issue id of a finding: a UUID-shaped hash of the finding id (stable across
 * runs and hosts; safe in a URL whatever the park id or enterprise name holds).
 */
export function issueIdForFinding(findingId: string): string {
  const h = createHash('sha256').update(`park-finding\u0000${findingId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * `actor` must be a supervisor (AssignIssue is theirs; checking it here avoids
 * reported-but-unassigned issues). Findings with the same id are taken once.
 */
export function findingsToIssueCommands(
  findings: readonly ParkFinding[],
  at: string,
  actor: Actor,
  options: FindingIssueOptions,
): FindingIssueCommands[] {
  requireRole('AssignIssue', actor, 'supervisor');
  requireInstant('ReportIssue', 'at', at);
  const seen = new Set<string>();
  const result: FindingIssueCommands[] = [];
  for (const f of findings) {
    if (seen.has(f.findingId)) continue;
    seen.add(f.findingId);
    const issueId = issueIdForFinding(f.findingId);
    result.push({
      findingId: f.findingId,
      issueId,
      report: {
        type: 'ReportIssue',
        at,
        actor,
        data: {
          issueId,
          title: f.title,
          description: `${f.description}（核查规则 ${f.ruleId}，核查编号 ${f.findingId}）`,
          category: f.category,
          urgency: f.urgency,
          parkId: f.parkId,
          reportingUnit: actor.unitId,
        },
      },
      assign: {
        type: 'AssignIssue',
        at,
        actor,
        data: { issueId, unitId: f.unitId, deadline: defaultIssueDeadline(f.urgency, at, options.addWorkingDays, options.deadlinePolicy) },
      },
    });
  }
  return result;
}
