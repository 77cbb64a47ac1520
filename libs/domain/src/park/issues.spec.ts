/**
 * Findings become issues: a ReportIssue and an AssignIssue to the park's
 * district per finding, on deterministic issue ids, accepted by the issue decider.
 */
import { addWorkingDays, toShanghaiIso } from '@duban/domain/calendar';
import { AuditorCannotWrite, IllegalTransition, InvalidCommandData, RoleNotPermitted, foldEvents, specFor } from '@duban/domain/decider';
import type { IssueEvent, ReportedIssue } from '@duban/domain/issue';
import { issueDecider } from '@duban/domain/issue';
import type { ParkEvent } from '@duban/domain/park';
import { checkParkRules, findingsToIssueCommands, issueIdForFinding, parkDecider } from '@duban/domain/park';
import { GONGYI, PARK_ID, PARK_NAME, auditor, registered, staffOf, supervisor } from './testing/fixtures';

const AT = '2021-07-06T09:00:00+08:00';
const options = { addWorkingDays };
const badPark = foldEvents(parkDecider, [
  registered({ district: GONGYI, landAreaMu: 60, floorAreaM2: 70_000, plotRatio: 1.2 }),
  {
    type: 'park.monthly_report_submitted.v1',
    data: {
      parkId: PARK_ID,
      reportId: `${PARK_ID}:2021-06:r1`,
      revision: 1,
      year: 2021,
      month: 6,
      cumulativeInvestmentWan: 35_000,
      enterpriseCount: 42,
      specializedCount: 3,
      techCount: 11,
      taxPerMuWan: 8.5,
      enterpriseTaxes: [{ name: '郑州某电子科技有限公司', taxPerMuWan: 0.8 }],
      at: '2021-07-05T10:00:00+08:00',
    },
  } satisfies ParkEvent,
]);
const findings = checkParkRules(badPark);

describe('findingsToIssueCommands', () => {
  it('one ReportIssue and one AssignIssue (to the district) per finding', () => {
    const out = findingsToIssueCommands(findings, AT, supervisor, options);
    expect(out.map((o) => o.findingId)).toEqual([
      `${PARK_ID}:park.size:registration`,
      `${PARK_ID}:park.plot_ratio:registration`,
      `${PARK_ID}:park.tax_per_mu:2021:郑州某电子科技有限公司`,
    ]);
    const [size] = out;
    expect(size!.report).toEqual({
      type: 'ReportIssue',
      at: AT,
      actor: supervisor,
      data: {
        issueId: size!.issueId,
        title: `${PARK_NAME}规模未达标准`,
        description: `${findings[0]!.description}（核查规则 park.size，核查编号 ${PARK_ID}:park.size:registration）`,
        category: '园区规模',
        urgency: 'complex',
        parkId: PARK_ID,
        reportingUnit: supervisor.unitId,
      },
    });
    // complex: 30 working days from Tue 2021-07-06 → end of Tue 2021-08-17 (Beijing)
    expect(size!.assign).toEqual({
      type: 'AssignIssue',
      at: AT,
      actor: supervisor,
      data: { issueId: size!.issueId, unitId: GONGYI, deadline: '2021-08-17T23:59:59+08:00' },
    });
    expect(out[2]!.assign.data.deadline).toBe('2021-07-27T23:59:59+08:00'); // normal: 15 working days
  });

  it('issue ids are deterministic, distinct, and UUID-shaped', () => {
    const first = findingsToIssueCommands(findings, AT, supervisor, options).map((o) => o.issueId);
    const again = findingsToIssueCommands(checkParkRules(badPark), '2021-08-01T09:00:00+08:00', supervisor, options).map((o) => o.issueId);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(first[0]).toBe(issueIdForFinding(`${PARK_ID}:park.size:registration`));
    for (const id of first) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('takes a finding listed twice once', () => {
    expect(findingsToIssueCommands([...findings, ...findings], AT, supervisor, options)).toHaveLength(findings.length);
  });

  it('the issue decider accepts them; running them again is refused on the same issue (no duplicate)', () => {
    const given = specFor(issueDecider);
    for (const { report, assign } of findingsToIssueCommands(findings, AT, supervisor, options)) {
      const reported = issueDecider.decide(report, issueDecider.initialState());
      const state = foldEvents(issueDecider, reported);
      const assigned = issueDecider.decide(assign, state);
      const issue = foldEvents(issueDecider, assigned, state) as ReportedIssue;
      expect(issue).toMatchObject({ status: 'assigned', unitId: GONGYI, parkId: PARK_ID, reportingUnit: supervisor.unitId });
      given([...reported, ...assigned] as IssueEvent[]).when(report).thenThrows(IllegalTransition, { currentStatus: 'assigned' });
    }
  });

  it('the deadline policy may be overridden', () => {
    const [size] = findingsToIssueCommands(findings, AT, supervisor, { addWorkingDays, deadlinePolicy: { complex: 20 } });
    expect(size!.assign.data.deadline).toBe(toShanghaiIso(addWorkingDays(AT, 20)));
  });

  it('needs a supervisor (AssignIssue is theirs) and an ISO instant', () => {
    expect(() => findingsToIssueCommands(findings, AT, staffOf(GONGYI), options)).toThrow(RoleNotPermitted);
    expect(() => findingsToIssueCommands(findings, AT, auditor, options)).toThrow(AuditorCannotWrite);
    expect(() => findingsToIssueCommands(findings, '2021-07-06', supervisor, options)).toThrow(InvalidCommandData);
  });

  it('no findings, no commands', () => {
    expect(findingsToIssueCommands([], AT, supervisor, options)).toEqual([]);
  });
});
