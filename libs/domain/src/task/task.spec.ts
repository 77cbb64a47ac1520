/**
 * Task (督办事项) decider: registration fans out one share per responsible
 * unit; each share runs the closure loop; the task closes with its last share.
 * Data from seed 000 (郑政办〔2021〕34号, item (三)1 "全年新开工20个以上小微企业园").
 */
import type { Actor } from '@duban/domain/decider';
import {
  AuditorCannotWrite,
  DeadlineBeforeEffectiveTime,
  IllegalTransition,
  InvalidCommandData,
  RoleNotPermitted,
  WrongUnit,
  specFor,
} from '@duban/domain/decider';
import type { LoopStatus } from '@duban/domain/closure-loop';
import {
  EvidenceRequired,
  ExtensionAfterDeadline,
  ExtensionAlreadyPending,
  ExtensionNotLater,
  InvalidProgressPercent,
  NoPendingExtension,
  NotANoteAuthor,
  OwnUnitVerification,
} from '@duban/domain/closure-loop';
import type { RegisteredTask, TaskCommand, TaskEvent, TaskState } from '@duban/domain/task';
import { ShareHasWork, UnknownShare, taskDecider } from '@duban/domain/task';

// --- units (seed names) -------------------------------------------------------
const OFFICE_4 = '市政府办公厅四处'; // 督办
const CITY_SUPERVISION = '市委督查室';
const AIRPORT_ZONE = '郑州航空港区';
const ZHENGDONG = '郑东新区';
const ZHONGMU = '中牟县';
const GONGYI = '巩义市';
const MIIT = '市工信局'; // 牵头单位
const NDRC = '市发展改革委'; // 配合单位
const SCIENCE = '市科技局'; // 配合单位

const supervisor: Actor = { userId: 'li.duban', unitId: OFFICE_4, role: 'supervisor' };
const otherSupervisor: Actor = { userId: 'zhao.ducha', unitId: CITY_SUPERVISION, role: 'supervisor' };
const auditor: Actor = { userId: 'wang.shenji', unitId: '市审计局', role: 'auditor' };
const admin: Actor = { userId: 'root', unitId: '市大数据局', role: 'admin' };
const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });

// --- times (Asia/Shanghai) ----------------------------------------------------
const REGISTERED_AT = '2021-04-30T10:00:00+08:00';
const TASK_DEADLINE = '2021-12-31T23:59:59+08:00'; // 完成时限：2021年12月
const ASSIGNED_AT = '2021-05-06T09:00:00+08:00';
const ACKNOWLEDGED_AT = '2021-05-07T09:30:00+08:00';
const REPORTED_AT = '2021-06-30T17:00:00+08:00';
const SUBMITTED_AT = '2021-11-20T16:00:00+08:00';
const VERIFIED_AT = '2021-11-25T10:00:00+08:00';
const REOPENED_AT = '2022-01-10T09:00:00+08:00';

const TASK_ID = 'task-zzb-2021-34-3-1';
const SHARES = [AIRPORT_ZONE, ZHENGDONG, ZHONGMU];
const EVIDENCE = [{ ref: 'file:zhongmu-kaigong-2021.pdf', title: '中牟县小微企业园开工证明' }];

// --- commands -----------------------------------------------------------------
type CommandOf<T extends TaskCommand['type']> = Extract<TaskCommand, { type: T }>;
const command = <T extends TaskCommand['type']>(
  type: T,
  actor: Actor,
  at: string,
  data: CommandOf<T>['data'],
): CommandOf<T> => ({ type, actor, at, data }) as CommandOf<T>;

const registerTask = (actor: Actor = supervisor, at = REGISTERED_AT, overrides: Partial<CommandOf<'RegisterTask'>['data']> = {}) =>
  command('RegisterTask', actor, at, {
    taskId: TASK_ID,
    sourceDocument: { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点' },
    itemPath: '三/1',
    title: '全年新开工20个以上小微企业园',
    text: '围绕年度目标任务，突出重点，强化举措，确保任务圆满完成。全年新开工20个以上小微企业园。',
    leadUnits: [MIIT],
    responsibleUnits: SHARES,
    cooperatingUnits: [NDRC, SCIENCE],
    deadline: TASK_DEADLINE,
    target: { value: 20, unit: '个', comparator: '>=' },
    supervisingOffice: OFFICE_4,
    ...overrides,
  });
const share = (unitId: string) => ({ taskId: TASK_ID, unitId });
const assignShare = (unitId = ZHONGMU, deadline?: string, at = ASSIGNED_AT, actor = supervisor) =>
  command('AssignShare', actor, at, deadline === undefined ? share(unitId) : { ...share(unitId), deadline });
const acknowledgeShare = (unitId = ZHONGMU, actor = staffOf(unitId)) =>
  command('AcknowledgeShare', actor, ACKNOWLEDGED_AT, share(unitId));
const reportProgress = (unitId = ZHONGMU, percent = 40, actor = staffOf(unitId)) =>
  command('ReportShareProgress', actor, REPORTED_AT, { ...share(unitId), percent, narrative: '已开工2个园区，1个正在办理施工许可' });
const addNote = (unitId = ZHONGMU, actor = staffOf(NDRC)) =>
  command('AddShareProgressNote', actor, REPORTED_AT, { ...share(unitId), note: '已协调项目入库，支持申报专项债' });
const submitCompletion = (unitId = ZHONGMU, actor = staffOf(unitId), evidence = EVIDENCE) =>
  command('SubmitShareCompletion', actor, SUBMITTED_AT, { ...share(unitId), summary: '全年新开工小微企业园3个，超额完成', evidence });
const approve = (unitId = ZHONGMU, actor = supervisor, at = VERIFIED_AT) =>
  command('ApproveShareCompletion', actor, at, share(unitId));
const reject = (unitId = ZHONGMU, reason = '佐证材料不全，缺少施工许可证', actor = supervisor) =>
  command('RejectShareCompletion', actor, VERIFIED_AT, { ...share(unitId), reason });
const reopen = (unitId = ZHONGMU, deadline?: string, at = REOPENED_AT, actor = supervisor) =>
  command('ReopenShare', actor, at, {
    ...share(unitId),
    reason: '复查发现1个园区实际未开工',
    ...(deadline === undefined ? {} : { deadline }),
  });
const requestExtension = (unitId = ZHONGMU, requestedDeadline = '2022-03-31T23:59:59+08:00', at = '2021-12-01T09:00:00+08:00', actor = staffOf(unitId)) =>
  command('RequestShareExtension', actor, at, { ...share(unitId), requestedDeadline, reason: '受疫情影响，施工许可办理延后' });
const grantExtension = (unitId = ZHONGMU, deadline?: string, actor = supervisor) =>
  command('GrantShareExtension', actor, '2021-12-03T10:00:00+08:00', deadline === undefined ? share(unitId) : { ...share(unitId), deadline });
const refuseExtension = (unitId = ZHONGMU, reason = '理由不充分', actor = supervisor) =>
  command('RefuseShareExtension', actor, '2021-12-03T10:00:00+08:00', { ...share(unitId), reason });

// --- events -------------------------------------------------------------------
const registered: TaskEvent = {
  type: 'task.registered.v1',
  data: {
    taskId: TASK_ID,
    sourceDocument: { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点' },
    itemPath: '三/1',
    title: '全年新开工20个以上小微企业园',
    text: '围绕年度目标任务，突出重点，强化举措，确保任务圆满完成。全年新开工20个以上小微企业园。',
    leadUnits: [MIIT],
    responsibleUnits: SHARES,
    cooperatingUnits: [NDRC, SCIENCE],
    deadline: TASK_DEADLINE,
    target: { value: 20, unit: '个', comparator: '>=' },
    supervisingOffice: OFFICE_4,
  },
};
const shareAssigned = (unitId = ZHONGMU, deadline = TASK_DEADLINE, at = ASSIGNED_AT): TaskEvent => ({
  type: 'task.share.assigned.v1',
  data: { ...share(unitId), unitId, deadline, at },
});
const shareAcknowledged = (unitId = ZHONGMU): TaskEvent => ({ type: 'task.share.acknowledged.v1', data: share(unitId) });
const progressReported = (unitId = ZHONGMU, percent = 40): TaskEvent => ({
  type: 'task.share.progress_reported.v1',
  data: { ...share(unitId), percent, narrative: '已开工2个园区，1个正在办理施工许可', metricValues: [], evidence: [] },
});
const completionSubmitted = (unitId = ZHONGMU): TaskEvent => ({
  type: 'task.share.completion_submitted.v1',
  data: { ...share(unitId), submittedByUnit: unitId, summary: '全年新开工小微企业园3个，超额完成', evidence: EVIDENCE, at: SUBMITTED_AT },
});
const completionApproved = (unitId = ZHONGMU, at = VERIFIED_AT): TaskEvent => ({
  type: 'task.share.completion_approved.v1',
  data: { ...share(unitId), at },
});
const extensionRequested = (unitId = ZHONGMU, requestedDeadline = '2022-03-31T23:59:59+08:00'): TaskEvent => ({
  type: 'task.share.extension_requested.v1',
  data: { ...share(unitId), requestedDeadline, reason: '受疫情影响，施工许可办理延后' },
});

/** The events that bring one share (default 中牟县) to `status`; the other shares stay registered. */
const shareAt = (status: LoopStatus, unitId = ZHONGMU): TaskEvent[] => {
  const line = [registered, shareAssigned(unitId), shareAcknowledged(unitId), progressReported(unitId), completionSubmitted(unitId), completionApproved(unitId)];
  const length: Record<LoopStatus, number> = { registered: 1, reported: 1, assigned: 2, acknowledged: 3, in_progress: 4, submitted: 5, closed: 6 };
  return line.slice(0, length[status]);
};
/** Every share of the task closed except `openUnit`, which is at `status`. */
const allClosedBut = (openUnit: string, status: LoopStatus): TaskEvent[] => [
  ...shareAt(status, openUnit),
  ...SHARES.filter((u) => u !== openUnit).flatMap((u) => shareAt('closed', u).slice(1)),
];

const given = specFor(taskDecider);
const shareOf = (state: TaskState, unitId = ZHONGMU) => (state as RegisteredTask).shares[unitId];

// =============================================================================

describe('RegisterTask', () => {
  it('registers the item and fans out one share per responsible unit', () => {
    const state = given([]).when(registerTask()).then([registered]) as RegisteredTask;
    expect(state.status).toBe('open');
    expect(Object.keys(state.shares)).toEqual(SHARES);
    expect(SHARES.map((u) => state.shares[u]?.status)).toEqual(['registered', 'registered', 'registered']);
    expect(state.shares[ZHONGMU]).toMatchObject({ unitId: ZHONGMU, deadline: null, reworkCount: 0, extensionCount: 0, reopenCount: 0 });
  });

  it('registers an item without a numeric target or cooperating units', () => {
    const cmd = registerTask(supervisor, REGISTERED_AT, { target: undefined, cooperatingUnits: [] });
    const { target: _target, ...data } = (registered as Extract<TaskEvent, { type: 'task.registered.v1' }>).data;
    given([]).when(cmd).then([{ type: 'task.registered.v1', data: { ...data, cooperatingUnits: [] } }]);
  });

  it('back-fills an item registered in the past: only `at` counts, not the wall clock', () => {
    given([]).when(registerTask(supervisor, '2019-05-14T09:00:00+08:00', { deadline: '2019-12-31T23:59:59+08:00' })).then([
      { type: 'task.registered.v1', data: { ...(registered.data as object), deadline: '2019-12-31T23:59:59+08:00' } } as TaskEvent,
    ]);
  });

  it('refuses a second registration', () => {
    given([registered]).when(registerTask()).thenThrows(IllegalTransition, { command: 'RegisterTask', currentStatus: 'open' });
  });

  it('refuses a deadline before the effective time', () => {
    given([]).when(registerTask(supervisor, REGISTERED_AT, { deadline: '2021-04-01T00:00:00+08:00' })).thenThrows(
      DeadlineBeforeEffectiveTime,
      { deadline: '2021-04-01T00:00:00+08:00', at: REGISTERED_AT },
    );
  });

  it.each([
    ['leadUnits', { leadUnits: [] }],
    ['responsibleUnits', { responsibleUnits: [] }],
    ['responsibleUnits', { responsibleUnits: [ZHONGMU, ZHONGMU] }],
    ['title', { title: '  ' }],
    ['itemPath', { itemPath: '' }],
    ['sourceDocument.docNumber', { sourceDocument: { docNumber: '' } }],
    ['target.comparator', { target: { value: 20, unit: '个', comparator: '≥' as never } }],
    ['deadline', { deadline: '2021年12月' }],
  ])('refuses invalid data: %s', (field, overrides) => {
    given([]).when(registerTask(supervisor, REGISTERED_AT, overrides)).thenThrows(InvalidCommandData, { field });
  });

  it('refuses a command without an ISO effective time', () => {
    given([]).when(registerTask(supervisor, '2021-04-30')).thenThrows(InvalidCommandData, { field: 'at' });
  });

  it('refuses a unit', () => {
    given([]).when(registerTask(staffOf(MIIT))).thenThrows(RoleNotPermitted, { role: 'unit', allowedRoles: ['supervisor'] });
  });

  it('refuses an admin', () => {
    given([]).when(registerTask(admin)).thenThrows(RoleNotPermitted, { role: 'admin' });
  });

  it('refuses an auditor', () => {
    given([]).when(registerTask(auditor)).thenThrows(AuditorCannotWrite, { command: 'RegisterTask' });
  });
});

describe('AssignShare (交办)', () => {
  it('assigns a share; the deadline defaults to the task deadline', () => {
    const state = given([registered]).when(assignShare()).then([shareAssigned()]);
    expect(shareOf(state)).toMatchObject({
      status: 'assigned',
      deadline: TASK_DEADLINE,
      deadlineHistory: [{ deadline: TASK_DEADLINE, at: ASSIGNED_AT, cause: 'assigned' }],
    });
    expect(shareOf(state, ZHENGDONG)?.status).toBe('registered');
  });

  it('assigns a share with its own, earlier deadline', () => {
    given([registered]).when(assignShare(ZHONGMU, '2021-10-31T23:59:59+08:00')).then([shareAssigned(ZHONGMU, '2021-10-31T23:59:59+08:00')]);
  });

  it('refuses an explicit deadline before the effective time', () => {
    given([registered])
      .when(assignShare(ZHONGMU, '2021-05-01T00:00:00+08:00'))
      .thenThrows(DeadlineBeforeEffectiveTime, { deadline: '2021-05-01T00:00:00+08:00', at: ASSIGNED_AT });
  });

  it('refuses a defaulted deadline that has already passed when the share is assigned late', () => {
    given([registered])
      .when(assignShare(ZHONGMU, undefined, '2022-01-05T09:00:00+08:00'))
      .thenThrows(DeadlineBeforeEffectiveTime, { deadline: TASK_DEADLINE });
  });

  it('refuses a unit with no share in the task', () => {
    given([registered]).when(assignShare(GONGYI)).thenThrows(UnknownShare, { taskId: TASK_ID, unitId: GONGYI });
  });

  it('refuses a command that names another task', () => {
    const cmd = command('AssignShare', supervisor, ASSIGNED_AT, { taskId: 'task-other', unitId: ZHONGMU });
    given([registered]).when(cmd).thenThrows(InvalidCommandData, { field: 'taskId' });
  });

  it('refuses a task that was never registered', () => {
    given([]).when(assignShare()).thenThrows(IllegalTransition, { command: 'AssignShare', currentStatus: 'none' });
  });

  it('refuses a unit (交办 is the supervision office’s step)', () => {
    given([registered]).when(assignShare(ZHONGMU, undefined, ASSIGNED_AT, staffOf(MIIT))).thenThrows(RoleNotPermitted, {
      role: 'unit',
      allowedRoles: ['supervisor'],
    });
  });
});

describe('AcknowledgeShare (签收)', () => {
  it('the assigned unit signs for its share', () => {
    const state = given(shareAt('assigned')).when(acknowledgeShare()).then([shareAcknowledged()]);
    expect(shareOf(state)?.status).toBe('acknowledged');
  });

  it('refuses another unit', () => {
    given(shareAt('assigned')).when(acknowledgeShare(ZHONGMU, staffOf(ZHENGDONG))).thenThrows(WrongUnit, {
      actorUnitId: ZHENGDONG,
      expectedUnitId: ZHONGMU,
    });
  });

  it('refuses a supervisor (签收 is the unit’s step)', () => {
    given(shareAt('assigned')).when(acknowledgeShare(ZHONGMU, supervisor)).thenThrows(RoleNotPermitted, { role: 'supervisor' });
  });
});

describe('ReportShareProgress (进展报送)', () => {
  it('the first report moves the share to in_progress', () => {
    const state = given(shareAt('acknowledged')).when(reportProgress()).then([progressReported()]);
    expect(shareOf(state)).toMatchObject({ status: 'in_progress', percent: 40, progressReports: 1 });
  });

  it('later reports keep it in progress, with metric values and evidence', () => {
    const cmd = command('ReportShareProgress', staffOf(ZHONGMU), '2021-09-30T17:00:00+08:00', {
      ...share(ZHONGMU),
      percent: 80,
      narrative: '新开工3个园区',
      metricValues: [{ metric: '新开工小微企业园', value: 3, unit: '个' }],
      evidence: [{ ref: 'file:kaigong-photos.zip' }],
    });
    const state = given(shareAt('in_progress'))
      .when(cmd)
      .then([
        {
          type: 'task.share.progress_reported.v1',
          data: {
            ...share(ZHONGMU),
            percent: 80,
            narrative: '新开工3个园区',
            metricValues: [{ metric: '新开工小微企业园', value: 3, unit: '个' }],
            evidence: [{ ref: 'file:kaigong-photos.zip' }],
          },
        },
      ]);
    expect(shareOf(state)).toMatchObject({ status: 'in_progress', percent: 80, progressReports: 2 });
  });

  it.each([120, -1, Number.NaN])('refuses a percentage of %p', (percent) => {
    given(shareAt('acknowledged')).when(reportProgress(ZHONGMU, percent)).thenThrows(InvalidProgressPercent, { command: 'ReportShareProgress' });
  });

  it('refuses an empty narrative', () => {
    const cmd = command('ReportShareProgress', staffOf(ZHONGMU), REPORTED_AT, { ...share(ZHONGMU), percent: 10, narrative: '' });
    given(shareAt('acknowledged')).when(cmd).thenThrows(InvalidCommandData, { field: 'narrative' });
  });

  it.each([
    ['metricValues[0].value', { metricValues: [{ metric: '新开工小微企业园', value: Number.POSITIVE_INFINITY }] }],
    ['metricValues[0].metric', { metricValues: [{ metric: '', value: 3 }] }],
    ['evidence[0].ref', { evidence: [{ ref: '' }] }],
  ])('refuses malformed %s', (field, extra) => {
    const cmd = command('ReportShareProgress', staffOf(ZHONGMU), REPORTED_AT, { ...share(ZHONGMU), percent: 10, narrative: '进展', ...extra });
    given(shareAt('acknowledged')).when(cmd).thenThrows(InvalidCommandData, { field });
  });

  it('refuses another responsible unit', () => {
    given(shareAt('acknowledged')).when(reportProgress(ZHONGMU, 40, staffOf(AIRPORT_ZONE))).thenThrows(WrongUnit, {
      actorUnitId: AIRPORT_ZONE,
    });
  });
});

describe('AddShareProgressNote (配合单位 notes)', () => {
  it('a cooperating unit adds a note; the status does not change', () => {
    const state = given(shareAt('in_progress'))
      .when(addNote())
      .then([{ type: 'task.share.note_added.v1', data: { ...share(ZHONGMU), byUnit: NDRC, note: '已协调项目入库，支持申报专项债' } }]);
    expect(shareOf(state)).toMatchObject({ status: 'in_progress', notes: 1 });
  });

  it('the lead unit may add a note too', () => {
    given(shareAt('assigned'))
      .when(addNote(ZHONGMU, staffOf(MIIT)))
      .then([{ type: 'task.share.note_added.v1', data: { ...share(ZHONGMU), byUnit: MIIT, note: '已协调项目入库，支持申报专项债' } }]);
  });

  it('the assigned unit may add a note as well', () => {
    given(shareAt('submitted'))
      .when(addNote(ZHONGMU, staffOf(ZHONGMU)))
      .then([{ type: 'task.share.note_added.v1', data: { ...share(ZHONGMU), byUnit: ZHONGMU, note: '已协调项目入库，支持申报专项债' } }]);
  });

  it('refuses a unit that neither leads nor cooperates', () => {
    given(shareAt('in_progress')).when(addNote(ZHONGMU, staffOf(GONGYI))).thenThrows(NotANoteAuthor, { actorUnitId: GONGYI });
  });

  it('refuses a supervisor', () => {
    given(shareAt('in_progress')).when(addNote(ZHONGMU, supervisor)).thenThrows(RoleNotPermitted, { role: 'supervisor' });
  });

  describe('a cooperating unit may do nothing else', () => {
    const cooperator = staffOf(SCIENCE);
    it.each<[string, TaskEvent[], TaskCommand]>([
      ['acknowledge', shareAt('assigned'), acknowledgeShare(ZHONGMU, cooperator)],
      ['report progress', shareAt('acknowledged'), reportProgress(ZHONGMU, 50, cooperator)],
      ['submit completion', shareAt('in_progress'), submitCompletion(ZHONGMU, cooperator)],
      ['request an extension', shareAt('in_progress'), requestExtension(ZHONGMU, undefined, undefined, cooperator)],
    ])('%s → WrongUnit', (_, history, cmd) => {
      given(history).when(cmd).thenThrows(WrongUnit, { actorUnitId: SCIENCE, expectedUnitId: ZHONGMU });
    });
    it('verify → RoleNotPermitted', () => {
      given(shareAt('submitted')).when(approve(ZHONGMU, cooperator)).thenThrows(RoleNotPermitted, { role: 'unit' });
    });
  });
});

describe('SubmitShareCompletion (申请销号)', () => {
  it('the unit submits its completion with evidence', () => {
    const state = given(shareAt('in_progress')).when(submitCompletion()).then([completionSubmitted()]);
    expect(shareOf(state)).toMatchObject({ status: 'submitted', submission: { byUnit: ZHONGMU, at: SUBMITTED_AT } });
  });

  it('refuses a completion without evidence', () => {
    given(shareAt('in_progress')).when(submitCompletion(ZHONGMU, staffOf(ZHONGMU), [])).thenThrows(EvidenceRequired, {
      command: 'SubmitShareCompletion',
    });
  });

  it('refuses another unit', () => {
    given(shareAt('in_progress')).when(submitCompletion(ZHONGMU, staffOf(ZHENGDONG))).thenThrows(WrongUnit, { actorUnitId: ZHENGDONG });
  });
});

describe('ApproveShareCompletion (销号)', () => {
  it('the supervision office strikes the share off; the task stays open while other shares are open', () => {
    const state = given(shareAt('submitted')).when(approve()).then([completionApproved()]);
    expect(shareOf(state)).toMatchObject({ status: 'closed', closedAt: VERIFIED_AT });
    expect(state.status).toBe('open');
  });

  it('refuses a unit', () => {
    given(shareAt('submitted')).when(approve(ZHONGMU, staffOf(ZHONGMU))).thenThrows(RoleNotPermitted, { role: 'unit' });
  });

  describe('nobody verifies what their own unit submitted', () => {
    // (八) 建立考核机制: the supervision office itself holds a share.
    const officeTask: TaskEvent = {
      type: 'task.registered.v1',
      data: { ...(registered.data as Extract<TaskEvent, { type: 'task.registered.v1' }>['data']), responsibleUnits: [OFFICE_4, MIIT] },
    };
    const officeSubmitted: TaskEvent[] = [
      officeTask,
      shareAssigned(OFFICE_4),
      shareAcknowledged(OFFICE_4),
      progressReported(OFFICE_4, 100),
      completionSubmitted(OFFICE_4),
    ];

    it('a supervisor of 市政府办公厅四处 cannot approve 四处’s own completion', () => {
      given(officeSubmitted).when(approve(OFFICE_4)).thenThrows(OwnUnitVerification, { unitId: OFFICE_4, command: 'ApproveShareCompletion' });
    });

    it('…nor reject it', () => {
      given(officeSubmitted).when(reject(OFFICE_4)).thenThrows(OwnUnitVerification, { unitId: OFFICE_4, command: 'RejectShareCompletion' });
    });

    it('a supervisor of another office can', () => {
      given(officeSubmitted).when(approve(OFFICE_4, otherSupervisor)).then([completionApproved(OFFICE_4)]);
    });
  });
});

describe('RejectShareCompletion (退回)', () => {
  it('sends the share back to in_progress and counts the rework', () => {
    const state = given(shareAt('submitted'))
      .when(reject())
      .then([{ type: 'task.share.completion_rejected.v1', data: { ...share(ZHONGMU), reason: '佐证材料不全，缺少施工许可证' } }]);
    expect(shareOf(state)).toMatchObject({ status: 'in_progress', reworkCount: 1, submission: null });
  });

  it('refuses a rejection without a reason', () => {
    given(shareAt('submitted')).when(reject(ZHONGMU, ' ')).thenThrows(InvalidCommandData, { field: 'reason' });
  });

  it('refuses a unit', () => {
    given(shareAt('submitted')).when(reject(ZHONGMU, '不合格', staffOf(MIIT))).thenThrows(RoleNotPermitted, { role: 'unit' });
  });
});

describe('ReopenShare (重新打开)', () => {
  it('reopens a closed share, back to in_progress, and counts it against the unit', () => {
    const state = given(shareAt('closed'))
      .when(reopen())
      .then([{ type: 'task.share.reopened.v1', data: { ...share(ZHONGMU), reason: '复查发现1个园区实际未开工', at: REOPENED_AT } }]);
    expect(shareOf(state)).toMatchObject({ status: 'in_progress', reopenCount: 1, closedAt: null, deadline: TASK_DEADLINE });
  });

  it('reopens with a new deadline, recorded in the deadline history', () => {
    const state = given(shareAt('closed'))
      .when(reopen(ZHONGMU, '2022-02-28T23:59:59+08:00'))
      .then([
        {
          type: 'task.share.reopened.v1',
          data: { ...share(ZHONGMU), reason: '复查发现1个园区实际未开工', deadline: '2022-02-28T23:59:59+08:00', at: REOPENED_AT },
        },
      ]);
    expect(shareOf(state)?.deadlineHistory).toEqual([
      { deadline: TASK_DEADLINE, at: ASSIGNED_AT, cause: 'assigned' },
      { deadline: '2022-02-28T23:59:59+08:00', at: REOPENED_AT, cause: 'reopened' },
    ]);
  });

  it('refuses a new deadline before the effective time', () => {
    given(shareAt('closed')).when(reopen(ZHONGMU, '2021-12-31T23:59:59+08:00')).thenThrows(DeadlineBeforeEffectiveTime, { at: REOPENED_AT });
  });

  it('refuses a unit', () => {
    given(shareAt('closed')).when(reopen(ZHONGMU, undefined, REOPENED_AT, staffOf(ZHONGMU))).thenThrows(RoleNotPermitted, { role: 'unit' });
  });
});

describe('the task closes with its last share', () => {
  it('closing the first and second of three shares leaves the task open', () => {
    const history = [...shareAt('closed', AIRPORT_ZONE), ...shareAt('submitted', ZHENGDONG).slice(1)];
    const state = given(history).when(approve(ZHENGDONG)).then([completionApproved(ZHENGDONG)]);
    expect(state.status).toBe('open');
  });

  it('closing the last of three shares closes the task in the same decision', () => {
    const state = given(allClosedBut(ZHONGMU, 'submitted'))
      .when(approve())
      .then([completionApproved(), { type: 'task.closed.v1', data: { taskId: TASK_ID, at: VERIFIED_AT } }]);
    expect(state).toMatchObject({ status: 'closed', closedAt: VERIFIED_AT });
  });

  it('reopening a share of a closed task reopens the task', () => {
    const closedTask = [...allClosedBut(ZHONGMU, 'closed'), { type: 'task.closed.v1', data: { taskId: TASK_ID, at: VERIFIED_AT } } as TaskEvent];
    const state = given(closedTask)
      .when(reopen(ZHENGDONG))
      .then([
        { type: 'task.share.reopened.v1', data: { ...share(ZHENGDONG), reason: '复查发现1个园区实际未开工', at: REOPENED_AT } },
        { type: 'task.reopened.v1', data: { taskId: TASK_ID, unitId: ZHENGDONG, at: REOPENED_AT } },
      ]);
    expect(state).toMatchObject({ status: 'open', closedAt: null, reopenCount: 1 });
    expect(shareOf(state, ZHENGDONG)?.reopenCount).toBe(1);
  });
});

describe('RequestShareExtension (申请延期)', () => {
  it('the unit asks before the deadline for a later date', () => {
    const state = given(shareAt('in_progress')).when(requestExtension()).then([extensionRequested()]);
    expect(shareOf(state)?.pendingExtension).toEqual({ requestedDeadline: '2022-03-31T23:59:59+08:00', reason: '受疫情影响，施工许可办理延后' });
  });

  it('may ask as soon as the share is assigned', () => {
    given(shareAt('assigned')).when(requestExtension()).then([extensionRequested()]);
  });

  it('refuses a request made after the deadline', () => {
    given(shareAt('in_progress'))
      .when(requestExtension(ZHONGMU, '2022-03-31T23:59:59+08:00', '2022-01-04T09:00:00+08:00'))
      .thenThrows(ExtensionAfterDeadline, { at: '2022-01-04T09:00:00+08:00', deadline: TASK_DEADLINE });
  });

  it('refuses a request made exactly at the deadline', () => {
    given(shareAt('in_progress')).when(requestExtension(ZHONGMU, '2022-03-31T23:59:59+08:00', TASK_DEADLINE)).thenThrows(ExtensionAfterDeadline);
  });

  it('refuses a new date that is not later than the current deadline', () => {
    given(shareAt('in_progress'))
      .when(requestExtension(ZHONGMU, '2021-12-15T23:59:59+08:00'))
      .thenThrows(ExtensionNotLater, { requestedDeadline: '2021-12-15T23:59:59+08:00', currentDeadline: TASK_DEADLINE });
  });

  it('refuses a second request while one is pending', () => {
    given([...shareAt('in_progress'), extensionRequested()])
      .when(requestExtension(ZHONGMU, '2022-06-30T23:59:59+08:00'))
      .thenThrows(ExtensionAlreadyPending, { pendingDeadline: '2022-03-31T23:59:59+08:00' });
  });

  it('refuses another unit', () => {
    given(shareAt('in_progress')).when(requestExtension(ZHONGMU, undefined, undefined, staffOf(ZHENGDONG))).thenThrows(WrongUnit);
  });

  it('refuses a supervisor', () => {
    given(shareAt('in_progress')).when(requestExtension(ZHONGMU, undefined, undefined, supervisor)).thenThrows(RoleNotPermitted);
  });
});

describe('GrantShareExtension / RefuseShareExtension', () => {
  const pending = [...shareAt('in_progress'), extensionRequested()];

  it('a grant moves the deadline to the requested date and counts the extension', () => {
    const state = given(pending)
      .when(grantExtension())
      .then([{ type: 'task.share.extension_granted.v1', data: { ...share(ZHONGMU), deadline: '2022-03-31T23:59:59+08:00', at: '2021-12-03T10:00:00+08:00' } }]);
    expect(shareOf(state)).toMatchObject({ deadline: '2022-03-31T23:59:59+08:00', extensionCount: 1, pendingExtension: null });
    expect(shareOf(state)?.deadlineHistory.map((h) => h.cause)).toEqual(['assigned', 'extension']);
  });

  it('a grant may give a shorter extension than requested', () => {
    given(pending)
      .when(grantExtension(ZHONGMU, '2022-01-31T23:59:59+08:00'))
      .then([{ type: 'task.share.extension_granted.v1', data: { ...share(ZHONGMU), deadline: '2022-01-31T23:59:59+08:00', at: '2021-12-03T10:00:00+08:00' } }]);
  });

  it('refuses a granted date that is not later than the current deadline', () => {
    given(pending).when(grantExtension(ZHONGMU, '2021-12-20T23:59:59+08:00')).thenThrows(ExtensionNotLater);
  });

  it('a grant may be given while the completion awaits verification', () => {
    given([...shareAt('in_progress'), extensionRequested(), completionSubmitted()])
      .when(grantExtension())
      .then([{ type: 'task.share.extension_granted.v1', data: { ...share(ZHONGMU), deadline: '2022-03-31T23:59:59+08:00', at: '2021-12-03T10:00:00+08:00' } }]);
  });

  it('a refusal clears the request; the unit may then ask again', () => {
    const state = given(pending)
      .when(refuseExtension())
      .then([{ type: 'task.share.extension_refused.v1', data: { ...share(ZHONGMU), reason: '理由不充分' } }]);
    expect(shareOf(state)).toMatchObject({ pendingExtension: null, extensionCount: 0, deadline: TASK_DEADLINE });
    given([...pending, { type: 'task.share.extension_refused.v1', data: { ...share(ZHONGMU), reason: '理由不充分' } }])
      .when(requestExtension(ZHONGMU, '2022-01-31T23:59:59+08:00'))
      .then([extensionRequested(ZHONGMU, '2022-01-31T23:59:59+08:00')]);
  });

  it('refuses a refusal without a reason', () => {
    given(pending).when(refuseExtension(ZHONGMU, '')).thenThrows(InvalidCommandData, { field: 'reason' });
  });

  it.each([
    ['GrantShareExtension', grantExtension()],
    ['RefuseShareExtension', refuseExtension()],
  ])('%s refuses when nothing is pending', (name, cmd) => {
    given(shareAt('in_progress')).when(cmd).thenThrows(NoPendingExtension, { command: name, currentStatus: 'in_progress' });
  });

  it('a pending request lapses when the share is struck off', () => {
    const state = given([...shareAt('submitted'), extensionRequested()]).when(approve()).then([completionApproved()]);
    expect(shareOf(state)?.pendingExtension).toBeNull();
  });

  it.each([
    ['GrantShareExtension', grantExtension(ZHONGMU, undefined, staffOf(ZHONGMU))],
    ['RefuseShareExtension', refuseExtension(ZHONGMU, '不同意', staffOf(ZHONGMU))],
  ])('%s refuses a unit', (_, cmd) => {
    given(pending).when(cmd).thenThrows(RoleNotPermitted, { role: 'unit' });
  });
});

describe('counters survive the whole loop', () => {
  it('rework, extension and reopen counts add up over a share’s life', () => {
    const history: TaskEvent[] = [
      ...shareAt('submitted'),
      { type: 'task.share.completion_rejected.v1', data: { ...share(ZHONGMU), reason: '材料不全' } },
      extensionRequested(),
      { type: 'task.share.extension_granted.v1', data: { ...share(ZHONGMU), deadline: '2022-03-31T23:59:59+08:00', at: '2021-12-03T10:00:00+08:00' } },
      completionSubmitted(),
      completionApproved(),
    ];
    const state = given(history).when(reopen()).then([
      { type: 'task.share.reopened.v1', data: { ...share(ZHONGMU), reason: '复查发现1个园区实际未开工', at: REOPENED_AT } },
    ]);
    expect(shareOf(state)).toMatchObject({ status: 'in_progress', reworkCount: 1, extensionCount: 1, reopenCount: 1, deadline: '2022-03-31T23:59:59+08:00' });
  });
});

describe('AmendTask (a revised document changes the registration)', () => {
  const AMENDED_AT = '2021-06-15T09:00:00+08:00';
  const REASON = '郑政办〔2021〕40号 修订';
  const amendTask = (changes: Partial<CommandOf<'AmendTask'>['data']> = {}, actor: Actor = supervisor, at = AMENDED_AT) =>
    command('AmendTask', actor, at, { taskId: TASK_ID, reason: REASON, ...changes });
  type Amended = Extract<TaskEvent, { type: 'task.amended.v1' }>;
  const amended = (data: Partial<Amended['data']>, at = AMENDED_AT): TaskEvent => ({
    type: 'task.amended.v1',
    data: { taskId: TASK_ID, changes: [], addedResponsibleUnits: [], removedResponsibleUnits: [], reason: REASON, at, ...data },
  });
  const noteAdded = (unitId = ZHONGMU): TaskEvent => ({
    type: 'task.share.note_added.v1',
    data: { ...share(unitId), byUnit: NDRC, note: '已协调项目入库' },
  });
  const asTask = (state: TaskState) => state as RegisteredTask;

  it('records the changed fields with their old and new values, in a fixed order; the shares are untouched', () => {
    const state = given([...shareAt('assigned')])
      .when(
        amendTask({
          deadline: '2021-11-30T23:59:59+08:00',
          title: '全年新开工25个以上小微企业园',
          leadUnits: [MIIT, NDRC],
          documentRef: '郑政办〔2021〕40号',
        }),
      )
      .then([
        amended({
          changes: [
            { field: 'title', from: '全年新开工20个以上小微企业园', to: '全年新开工25个以上小微企业园' },
            { field: 'leadUnits', from: [MIIT], to: [MIIT, NDRC] },
            { field: 'deadline', from: TASK_DEADLINE, to: '2021-11-30T23:59:59+08:00' },
          ],
          documentRef: '郑政办〔2021〕40号',
        }),
      ]);
    expect(asTask(state)).toMatchObject({
      status: 'open',
      title: '全年新开工25个以上小微企业园',
      leadUnits: [MIIT, NDRC],
      deadline: '2021-11-30T23:59:59+08:00',
      amendmentCount: 1,
    });
    // the 交办 deadline of an assigned share is its own: the amendment does not move it
    expect(shareOf(state)).toMatchObject({ status: 'assigned', deadline: TASK_DEADLINE });
    expect(Object.keys(asTask(state).shares)).toEqual(SHARES);
  });

  it('changes the text, the document title, the cooperating units and the target; null removes a target', () => {
    const state = given([registered])
      .when(amendTask({ text: '新文本', documentTitle: '郑州市2021年小微企业园高质量发展工作要点（修订）', cooperatingUnits: [], target: null }))
      .then([
        amended({
          changes: [
            { field: 'text', from: (registered.data as { text: string }).text, to: '新文本' },
            { field: 'documentTitle', from: '郑州市2021年小微企业园高质量发展工作要点', to: '郑州市2021年小微企业园高质量发展工作要点（修订）' },
            { field: 'cooperatingUnits', from: [NDRC, SCIENCE], to: [] },
            { field: 'target', from: { value: 20, unit: '个', comparator: '>=' }, to: null },
          ],
        }),
      ]);
    expect(asTask(state)).toMatchObject({
      text: '新文本',
      sourceDocument: { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点（修订）' },
      cooperatingUnits: [],
      target: null,
    });
    const untitled = given([registered, amended({ changes: [{ field: 'documentTitle', from: '郑州市2021年小微企业园高质量发展工作要点', to: null }] })])
      .when(amendTask({ target: { value: 25, unit: '个', comparator: '>=' } }))
      .then([amended({ changes: [{ field: 'target', from: { value: 20, unit: '个', comparator: '>=' }, to: { value: 25, unit: '个', comparator: '>=' } }] })]);
    expect(asTask(untitled)).toMatchObject({ sourceDocument: { docNumber: '郑政办〔2021〕34号' }, amendmentCount: 2 });
    expect(asTask(untitled).sourceDocument).not.toHaveProperty('title');
  });

  it('adding a responsible unit opens its share, as registration does', () => {
    const state = given(shareAt('in_progress'))
      .when(amendTask({ responsibleUnits: [...SHARES, GONGYI] }))
      .then([
        amended({
          changes: [{ field: 'responsibleUnits', from: SHARES, to: [...SHARES, GONGYI] }],
          addedResponsibleUnits: [GONGYI],
        }),
      ]);
    expect(asTask(state).responsibleUnits).toEqual([...SHARES, GONGYI]);
    expect(shareOf(state, GONGYI)).toMatchObject({ unitId: GONGYI, status: 'registered', deadline: null });
    expect(shareOf(state)).toMatchObject({ status: 'in_progress', progressReports: 1 });
    // the new share runs its own loop
    given([...shareAt('in_progress'), amended({ changes: [{ field: 'responsibleUnits', from: SHARES, to: [...SHARES, GONGYI] }], addedResponsibleUnits: [GONGYI] })])
      .when(assignShare(GONGYI, undefined, '2021-06-16T09:00:00+08:00'))
      .then([shareAssigned(GONGYI, TASK_DEADLINE, '2021-06-16T09:00:00+08:00')]);
  });

  it.each<[string, TaskEvent[]]>([
    ['registered', [registered]],
    ['assigned (交办, nothing else)', shareAt('assigned', ZHENGDONG)],
  ])('removing a responsible unit whose share is %s drops the share', (_, history) => {
    const to = [AIRPORT_ZONE, ZHONGMU];
    const state = given(history)
      .when(amendTask({ responsibleUnits: to }))
      .then([amended({ changes: [{ field: 'responsibleUnits', from: SHARES, to }], removedResponsibleUnits: [ZHENGDONG] })]);
    expect(Object.keys(asTask(state).shares)).toEqual(to);
    given([...history, amended({ changes: [{ field: 'responsibleUnits', from: SHARES, to }], removedResponsibleUnits: [ZHENGDONG] })])
      .when(assignShare(ZHENGDONG))
      .thenThrows(UnknownShare, { unitId: ZHENGDONG });
  });

  it('a unit removed and added again gets a fresh share', () => {
    const to = [AIRPORT_ZONE, ZHONGMU];
    const history = [...shareAt('assigned', ZHENGDONG), amended({ changes: [{ field: 'responsibleUnits', from: SHARES, to }], removedResponsibleUnits: [ZHENGDONG] })];
    const state = given(history)
      .when(amendTask({ responsibleUnits: SHARES }))
      .then([amended({ changes: [{ field: 'responsibleUnits', from: to, to: SHARES }], addedResponsibleUnits: [ZHENGDONG] })]);
    expect(shareOf(state, ZHENGDONG)).toMatchObject({ status: 'registered', deadline: null, deadlineHistory: [] });
  });

  describe('refuses to remove a responsible unit whose share has work on it (anything beyond 交办)', () => {
    const without = SHARES.filter((u) => u !== ZHONGMU);
    it.each<[string, TaskEvent[], string, string[]]>([
      ['signed for (签收)', shareAt('acknowledged'), 'acknowledged', ['status acknowledged']],
      ['in progress', shareAt('in_progress'), 'in_progress', ['status in_progress', '1 progress report']],
      ['submitted', shareAt('submitted'), 'submitted', ['status submitted', '1 progress report']],
      ['closed (销号)', shareAt('closed'), 'closed', ['status closed', '1 progress report']],
      ['assigned with a note', [...shareAt('assigned'), noteAdded()], 'assigned', ['1 note']],
      ['assigned with an extension asked for', [...shareAt('assigned'), extensionRequested()], 'assigned', ['an extension request pending']],
    ])('%s', (_, history, shareStatus, work) => {
      const error = given(history)
        .when(amendTask({ responsibleUnits: without, title: '改' }))
        .thenThrows(ShareHasWork, { command: 'AmendTask', taskId: TASK_ID, unitId: ZHONGMU, shareStatus, work });
      expect(error.kind).toBe('conflict');
      expect(error.message).toContain(`responsible unit ${ZHONGMU} cannot be removed`);
    });
  });

  it('dropping the only shares still open closes the task in the same decision', () => {
    const history = [...shareAt('assigned', ZHONGMU), ...SHARES.filter((u) => u !== ZHONGMU).flatMap((u) => shareAt('closed', u).slice(1))];
    const to = [AIRPORT_ZONE, ZHENGDONG];
    const state = given(history)
      .when(amendTask({ responsibleUnits: to }))
      .then([
        amended({ changes: [{ field: 'responsibleUnits', from: SHARES, to }], removedResponsibleUnits: [ZHONGMU] }),
        { type: 'task.closed.v1', data: { taskId: TASK_ID, at: AMENDED_AT } },
      ]);
    expect(state).toMatchObject({ status: 'closed', closedAt: AMENDED_AT });
  });

  it('refuses a closed task', () => {
    const closedTask = [...allClosedBut(ZHONGMU, 'closed'), { type: 'task.closed.v1', data: { taskId: TASK_ID, at: VERIFIED_AT } } as TaskEvent];
    given(closedTask).when(amendTask({ title: '新标题' }, supervisor, REOPENED_AT)).thenThrows(IllegalTransition, { command: 'AmendTask', currentStatus: 'closed' });
  });

  describe('an amendment that changes nothing writes nothing', () => {
    it.each<[string, Partial<CommandOf<'AmendTask'>['data']>]>([
      ['no field given', {}],
      ['the same values', { title: '全年新开工20个以上小微企业园', leadUnits: [MIIT], target: { value: 20, unit: '个', comparator: '>=' } }],
      ['the same units in another order', { responsibleUnits: [...SHARES].reverse(), cooperatingUnits: [SCIENCE, NDRC] }],
      ['the same deadline written with another offset', { deadline: '2021-12-31T15:59:59.000Z' }],
      ['the same document title', { documentTitle: '郑州市2021年小微企业园高质量发展工作要点' }],
    ])('%s', (_, changes) => {
      expect(given(shareAt('in_progress')).when(amendTask(changes)).thenNothingHappens()).toMatchObject({ amendmentCount: 0 });
    });
  });

  it('an unchanged deadline that has passed is not checked again (a late correction of the title)', () => {
    given([registered])
      .when(amendTask({ title: '新标题', deadline: TASK_DEADLINE }, supervisor, '2022-02-01T09:00:00+08:00'))
      .then([amended({ changes: [{ field: 'title', from: '全年新开工20个以上小微企业园', to: '新标题' }] }, '2022-02-01T09:00:00+08:00')]);
  });

  it('refuses a new deadline before the effective time', () => {
    given([registered])
      .when(amendTask({ deadline: '2021-06-01T23:59:59+08:00' }))
      .thenThrows(DeadlineBeforeEffectiveTime, { deadline: '2021-06-01T23:59:59+08:00', at: AMENDED_AT });
  });

  it.each([
    ['reason', { reason: ' ' }],
    ['documentRef', { documentRef: '' }],
    ['title', { title: '' }],
    ['leadUnits', { leadUnits: [] }],
    ['responsibleUnits', { responsibleUnits: [] }],
    ['responsibleUnits', { responsibleUnits: [ZHONGMU, ZHONGMU] }],
    ['cooperatingUnits', { cooperatingUnits: [''] }],
    ['deadline', { deadline: '2021年11月' }],
    ['target.comparator', { target: { value: 20, unit: '个', comparator: '≥' as never } }],
    ['documentTitle', { documentTitle: ' ' }],
    ['taskId', { taskId: 'task-other' }],
  ])('refuses invalid data: %s', (field, changes) => {
    given([registered]).when(amendTask(changes)).thenThrows(InvalidCommandData, { command: 'AmendTask', field });
  });

  it('refuses a task that was never registered', () => {
    given([]).when(amendTask({ title: '新标题' })).thenThrows(IllegalTransition, { command: 'AmendTask', currentStatus: 'none' });
  });

  it.each<[string, Actor]>([
    ['a unit', staffOf(MIIT)],
    ['an admin', admin],
  ])('refuses %s', (_, actor) => {
    given([registered]).when(amendTask({ title: '新标题' }, actor)).thenThrows(RoleNotPermitted, { command: 'AmendTask', allowedRoles: ['supervisor'] });
  });

  it('refuses an auditor', () => {
    given([registered]).when(amendTask({ title: '新标题' }, auditor)).thenThrows(AuditorCannotWrite, { command: 'AmendTask' });
  });
});

// --- refusals that every share command shares ----------------------------------

/** Each command, with an actor that may issue it, and the share statuses it is NOT allowed from. */
const wrongStates: Array<[TaskCommand['type'], TaskCommand, LoopStatus[]]> = [
  ['AssignShare', assignShare(), ['assigned', 'acknowledged', 'in_progress', 'submitted', 'closed']],
  ['AcknowledgeShare', acknowledgeShare(), ['registered', 'acknowledged', 'in_progress', 'submitted', 'closed']],
  ['ReportShareProgress', reportProgress(), ['registered', 'assigned', 'submitted', 'closed']],
  ['AddShareProgressNote', addNote(), ['registered', 'closed']],
  ['SubmitShareCompletion', submitCompletion(), ['registered', 'assigned', 'acknowledged', 'submitted', 'closed']],
  ['ApproveShareCompletion', approve(), ['registered', 'assigned', 'acknowledged', 'in_progress', 'closed']],
  ['RejectShareCompletion', reject(), ['registered', 'assigned', 'acknowledged', 'in_progress', 'closed']],
  ['ReopenShare', reopen(), ['registered', 'assigned', 'acknowledged', 'in_progress', 'submitted']],
  ['RequestShareExtension', requestExtension(), ['registered', 'submitted', 'closed']],
  ['GrantShareExtension', grantExtension(), ['registered', 'closed']],
  ['RefuseShareExtension', refuseExtension(), ['registered', 'closed']],
];

describe('illegal transitions are refused with the current status', () => {
  describe.each(wrongStates)('%s', (name, cmd, statuses) => {
    it.each(statuses)('from %s', (status) => {
      given(shareAt(status)).when(cmd).thenThrows(IllegalTransition, { command: name, currentStatus: status });
    });
  });
});

describe('an auditor never writes', () => {
  it.each(wrongStates.map(([name, cmd]) => [name, { ...cmd, actor: auditor } as TaskCommand]))('%s', (name, cmd) => {
    given(shareAt('in_progress')).when(cmd).thenThrows(AuditorCannotWrite, { command: name });
  });
});

describe('share commands on a task that does not exist', () => {
  it.each(wrongStates.map(([name, cmd]) => [name, cmd]))('%s', (name, cmd) => {
    given([]).when(cmd).thenThrows(IllegalTransition, { command: name, currentStatus: 'none' });
  });
});

describe('each step belongs to one role', () => {
  const asUnit = staffOf(ZHONGMU);
  it.each<[TaskCommand['type'], TaskCommand, Actor]>([
    ['AssignShare', assignShare(), asUnit],
    ['AcknowledgeShare', acknowledgeShare(), supervisor],
    ['ReportShareProgress', reportProgress(), supervisor],
    ['AddShareProgressNote', addNote(), supervisor],
    ['SubmitShareCompletion', submitCompletion(), supervisor],
    ['ApproveShareCompletion', approve(), asUnit],
    ['RejectShareCompletion', reject(), asUnit],
    ['ReopenShare', reopen(), asUnit],
    ['RequestShareExtension', requestExtension(), supervisor],
    ['GrantShareExtension', grantExtension(), asUnit],
    ['RefuseShareExtension', refuseExtension(), asUnit],
    ['GrantShareExtension', grantExtension(), admin],
  ])('%s refuses %j', (name, cmd, actor) => {
    given(shareAt('in_progress')).when({ ...cmd, actor } as TaskCommand).thenThrows(RoleNotPermitted, { command: name, role: actor.role });
  });
});
