/**
 * Seed-based commands for projection specs: seed 000 (郑政办〔2021〕34号) item
 * (三)1 "全年新开工20个以上小微企业园" and item (五)'s problem ledger.
 */
import type { Actor } from '@duban/domain/decider';
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand } from '@duban/domain/task';

export const OFFICE_4 = '市政府办公厅四处'; // 督办
export const AIRPORT_ZONE = '郑州航空港区';
export const ZHENGDONG = '郑东新区';
export const ZHONGMU = '中牟县';
export const MIIT = '市工信局'; // 牵头
export const HRSS = '市人社局'; // 牵头
export const NDRC = '市发展改革委'; // 配合
export const DOC_34 = '郑政办〔2021〕34号';

export const supervisor: Actor = { userId: 'li.duban', unitId: OFFICE_4, role: 'supervisor' };
export const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });

type AnyCommand = TaskCommand | IssueCommand;
type CommandOf<T extends AnyCommand['type']> = Extract<AnyCommand, { type: T }>;

export const command = <T extends AnyCommand['type']>(type: T, actor: Actor, at: string, data: CommandOf<T>['data']): CommandOf<T> =>
  ({ type, actor, at, data }) as CommandOf<T>;

export const EVIDENCE = [{ ref: 'file:kaigong-2021.pdf', title: '小微企业园开工证明' }];

export function registerTask(
  taskId = 'zzb-2021-34-3-1',
  overrides: Partial<CommandOf<'RegisterTask'>['data']> = {},
  at = '2021-04-30T10:00:00+08:00',
): CommandOf<'RegisterTask'> {
  return command('RegisterTask', supervisor, at, {
    taskId,
    sourceDocument: { docNumber: DOC_34, title: '郑州市2021年小微企业园高质量发展工作要点' },
    itemPath: '三/1',
    title: '全年新开工20个以上小微企业园',
    text: '全年新开工20个以上小微企业园。',
    leadUnits: [MIIT, HRSS],
    responsibleUnits: [AIRPORT_ZONE, ZHENGDONG, ZHONGMU],
    cooperatingUnits: [NDRC],
    deadline: '2021-12-31T23:59:59+08:00',
    target: { value: 20, unit: '个', comparator: '>=' },
    supervisingOffice: OFFICE_4,
    ...overrides,
  });
}

export const share = (taskId: string, unitId: string) => ({ taskId, unitId });

/** 修订: a revised document changes a registered task. */
export const amendTask = (taskId: string, at: string, amendments: Omit<CommandOf<'AmendTask'>['data'], 'taskId' | 'reason'>, reason = '郑政办〔2021〕40号 修订') =>
  command('AmendTask', supervisor, at, { taskId, reason, ...amendments });

export const assignShare = (taskId: string, unitId: string, at: string, deadline?: string) =>
  command('AssignShare', supervisor, at, { ...share(taskId, unitId), ...(deadline ? { deadline } : {}) });
export const acknowledgeShare = (taskId: string, unitId: string, at: string) =>
  command('AcknowledgeShare', staffOf(unitId), at, share(taskId, unitId));
export const reportShare = (taskId: string, unitId: string, at: string, percent: number) =>
  command('ReportShareProgress', staffOf(unitId), at, { ...share(taskId, unitId), percent, narrative: `完成${percent}%` });
export const submitShare = (taskId: string, unitId: string, at: string) =>
  command('SubmitShareCompletion', staffOf(unitId), at, { ...share(taskId, unitId), summary: '已完成', evidence: EVIDENCE });
export const approveShare = (taskId: string, unitId: string, at: string) =>
  command('ApproveShareCompletion', supervisor, at, share(taskId, unitId));
export const rejectShare = (taskId: string, unitId: string, at: string) =>
  command('RejectShareCompletion', supervisor, at, { ...share(taskId, unitId), reason: '佐证材料不全' });
export const reopenShare = (taskId: string, unitId: string, at: string, deadline?: string) =>
  command('ReopenShare', supervisor, at, { ...share(taskId, unitId), reason: '复查发现问题', ...(deadline ? { deadline } : {}) });
export const requestExtension = (taskId: string, unitId: string, at: string, requestedDeadline: string) =>
  command('RequestShareExtension', staffOf(unitId), at, { ...share(taskId, unitId), requestedDeadline, reason: '土地报批未完成' });
export const grantExtension = (taskId: string, unitId: string, at: string, deadline?: string) =>
  command('GrantShareExtension', supervisor, at, { ...share(taskId, unitId), ...(deadline ? { deadline } : {}) });
export const refuseExtension = (taskId: string, unitId: string, at: string) =>
  command('RefuseShareExtension', supervisor, at, { ...share(taskId, unitId), reason: '理由不充分' });
export const addNote = (taskId: string, unitId: string, byUnit: string, at: string) =>
  command('AddShareProgressNote', staffOf(byUnit), at, { ...share(taskId, unitId), note: '已协调用地指标' });

/** A share taken through assignment, signing and a first report. */
export const shareInProgress = (taskId: string, unitId: string, deadline?: string): TaskCommand[] => [
  assignShare(taskId, unitId, '2021-05-06T09:00:00+08:00', deadline),
  acknowledgeShare(taskId, unitId, '2021-05-07T09:30:00+08:00'),
  reportShare(taskId, unitId, '2021-06-30T17:00:00+08:00', 40),
];

export function reportIssue(issueId = 'wt-2021-001', overrides: Partial<CommandOf<'ReportIssue'>['data']> = {}) {
  return command('ReportIssue', staffOf(ZHONGMU), '2021-05-10T10:00:00+08:00', {
    issueId,
    title: '中牟县某小微企业园施工许可证办理滞后',
    description: '园区二期建规证、施工许可证办理进度滞后，影响开工。',
    category: '施工许可',
    urgency: 'urgent',
    reportingUnit: ZHONGMU,
    ...overrides,
  });
}

export const assignIssue = (issueId: string, unitId: string, at: string, deadline: string) =>
  command('AssignIssue', supervisor, at, { issueId, unitId, deadline });
export const acknowledgeIssue = (issueId: string, unitId: string, at: string) =>
  command('AcknowledgeIssue', staffOf(unitId), at, { issueId });
export const reportIssueProgress = (issueId: string, unitId: string, at: string, percent: number) =>
  command('ReportIssueProgress', staffOf(unitId), at, { issueId, percent, narrative: `完成${percent}%` });
export const submitIssue = (issueId: string, unitId: string, at: string) =>
  command('SubmitIssueCompletion', staffOf(unitId), at, { issueId, summary: '已办结', evidence: EVIDENCE });
export const approveIssue = (issueId: string, at: string) => command('ApproveIssueCompletion', supervisor, at, { issueId });
export const requestIssueExtension = (issueId: string, unitId: string, at: string, requestedDeadline: string) =>
  command('RequestIssueExtension', staffOf(unitId), at, { issueId, requestedDeadline, reason: '需省厅审批' });
