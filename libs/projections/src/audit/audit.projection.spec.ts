/**
 * The audit projection, given/when/then: given these commands (run through
 * the real deciders into a real SQLite store), when this one, then these rows
 * in the audit trail (read back from a real read-model file once the runner
 * has applied them).
 */
import type { RecordedEvent } from '@duban/eventstore';
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand } from '@duban/domain/task';
import { Harness } from '../testing/harness';
import {
  acknowledgeIssue,
  acknowledgeShare,
  addNote,
  AIRPORT_ZONE,
  amendTask,
  approveShare,
  assignIssue,
  assignShare,
  HRSS,
  MIIT,
  NDRC,
  OFFICE_4,
  registerTask,
  reopenShare,
  reportIssue,
  reportShare,
  shareInProgress,
  submitShare,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import type { AuditEntry } from './audit-entry';
import { AuditProjection } from './audit.projection';
import { AuditQuery } from './audit.query';

type Cmd = TaskCommand | IssueCommand;
const T = 'zzb-2021-34-3-1';
const CONSTRUCTION = '市城乡建设局';
const GONGYI = '巩义市'; // a responsible unit an amendment adds
const SCIENCE = '市科技局'; // a lead unit an amendment puts in
const DOC_35 = '郑政办〔2021〕35号';

/**
 * Later task-level events take over the units amendments gave or took a share
 * of (AuditItemRef.inheritShares) once the projection does, from its version 2;
 * until audit.projection.ts has that change, what depends on it is skipped.
 */

describe('audit projection', () => {
  let h: Harness;
  let audit: AuditQuery;
  beforeEach(async () => {
    h = await Harness.open({ manualClock: true, projections: () => [new AuditProjection()] });
    audit = new AuditQuery(h.db);
  });
  afterEach(async () => {
    await h.close();
  });

  const given = async (...commands: Cmd[]) => {
    for (const c of commands) await h.ledger.run(c);
  };
  const when = (c: Cmd) => h.ledger.run(c);
  /** then: the whole trail, once the runner has caught up. */
  const trail = async (): Promise<AuditEntry[]> => {
    await h.settle();
    return audit.list({ limit: 1000 }).rows;
  };
  const storeEvents = (): Promise<RecordedEvent[]> => h.store.readAll({ fromPosition: 0n, limit: 100_000 });

  it('given nothing, when a task is registered, then one row with every audit fact of the event', async () => {
    h.clock.set('2021-04-30T02:00:05Z');
    const result = await when(registerTask(T));
    const [stored] = await storeEvents();
    expect(await trail()).toEqual<AuditEntry[]>([
      {
        position: result.position,
        eventId: stored.id,
        stream: `task-${T}`,
        streamVersion: 0n,
        type: 'task.registered.v1',
        itemKey: `task:${T}`,
        units: [AIRPORT_ZONE, ZHENGDONG, ZHONGMU],
        actor: { userId: 'li.duban', unitId: OFFICE_4, role: 'supervisor' },
        commandId: stored.metadata.commandId,
        correlationId: stored.metadata.correlationId,
        causationId: stored.metadata.causationId,
        occurredAt: '2021-04-30T10:00:00+08:00',
        recordedAt: '2021-04-30T02:00:05.000Z',
        data: stored.data,
        extraMetadata: null,
        hash: stored.hash,
      },
    ]);
  });

  it('given a registered task, when its shares move, then each event is keyed to its share and concerns its unit', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU));
    await when(addNote(T, ZHONGMU, NDRC, '2021-07-01T09:00:00+08:00'));
    const rows = await trail();
    expect(rows.map((r) => [r.streamVersion, r.type, r.itemKey, r.units, r.actor.unitId])).toEqual([
      [0n, 'task.registered.v1', `task:${T}`, [AIRPORT_ZONE, ZHENGDONG, ZHONGMU], OFFICE_4],
      [1n, 'task.share.assigned.v1', `task:${T}:${ZHONGMU}`, [ZHONGMU], OFFICE_4],
      [2n, 'task.share.acknowledged.v1', `task:${T}:${ZHONGMU}`, [ZHONGMU], ZHONGMU],
      [3n, 'task.share.progress_reported.v1', `task:${T}:${ZHONGMU}`, [ZHONGMU], ZHONGMU],
      // a cooperating unit's note: the share's unit is concerned, the cooperating unit is the actor
      [4n, 'task.share.note_added.v1', `task:${T}:${ZHONGMU}`, [ZHONGMU], NDRC],
    ]);
    expect(rows[3]).toMatchObject({ occurredAt: '2021-06-30T17:00:00+08:00', data: { percent: 40, narrative: '完成40%' } });
  });

  it('given a task with one share, when it is approved and then reopened, then the task-level events are keyed to the task and concern the share', async () => {
    await given(registerTask(T, { responsibleUnits: [ZHONGMU] }), ...shareInProgress(T, ZHONGMU));
    await given(reportShare(T, ZHONGMU, '2021-11-19T10:00:00+08:00', 100), submitShare(T, ZHONGMU, '2021-11-20T16:00:00+08:00'));
    const approval = await when(approveShare(T, ZHONGMU, '2021-11-25T10:00:00+08:00'));
    await when(reopenShare(T, ZHONGMU, '2022-01-10T09:00:00+08:00', '2022-03-31T23:59:59+08:00'));
    const rows = (await trail()).slice(-4);
    expect(rows.map((r) => [r.type, r.itemKey, r.units])).toEqual([
      ['task.share.completion_approved.v1', `task:${T}:${ZHONGMU}`, [ZHONGMU]],
      ['task.closed.v1', `task:${T}`, [ZHONGMU]], // names no unit: the units its registration named
      ['task.share.reopened.v1', `task:${T}:${ZHONGMU}`, [ZHONGMU]],
      ['task.reopened.v1', `task:${T}`, [ZHONGMU]],
    ]);
    // one decision, one command: both events carry the same command, correlation and causation
    expect(rows[1].position).toBe(approval.position);
    expect(rows[1]).toMatchObject({ commandId: rows[0].commandId, correlationId: rows[0].correlationId, causationId: rows[0].causationId });
  });

  it('given a registered task, when an amendment adds a unit and the new share progresses, then the amendment concerns the units before and after and opens the new share’s history', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU));
    const amended = await when(
      amendTask(T, '2021-08-01T09:00:00+08:00', {
        title: '全年新开工25个以上小微企业园',
        leadUnits: [SCIENCE, HRSS],
        responsibleUnits: [AIRPORT_ZONE, ZHENGDONG, ZHONGMU, GONGYI],
        deadline: '2022-06-30T23:59:59+08:00',
        documentRef: DOC_35,
      }),
    );
    await given(
      assignShare(T, GONGYI, '2021-08-02T09:00:00+08:00'),
      acknowledgeShare(T, GONGYI, '2021-08-03T09:00:00+08:00'),
      reportShare(T, GONGYI, '2021-09-30T17:00:00+08:00', 20),
    );
    const rows = await trail();
    const row = rows.find((r) => r.type === 'task.amended.v1')!;
    expect(row).toMatchObject({
      position: amended.position,
      itemKey: `task:${T}`,
      // the units registered, then those the amendment names: lead units out and in, the unit added
      units: [AIRPORT_ZONE, ZHENGDONG, ZHONGMU, MIIT, HRSS, SCIENCE, GONGYI],
      actor: { unitId: OFFICE_4, role: 'supervisor' },
      data: { addedResponsibleUnits: [GONGYI], removedResponsibleUnits: [], documentRef: DOC_35 },
    });
    const history = (f: Parameters<AuditQuery['list']>[0]) => audit.list(f).rows.map((r) => `${r.type}@${r.itemKey}`);
    // the new share's history opens with the amendment that opened it
    expect(history({ item: `task:${T}:${GONGYI}` })).toEqual([
      `task.amended.v1@task:${T}`,
      `task.share.assigned.v1@task:${T}:${GONGYI}`,
      `task.share.acknowledged.v1@task:${T}:${GONGYI}`,
      `task.share.progress_reported.v1@task:${T}:${GONGYI}`,
    ]);
    expect(history({ unit: GONGYI })).toEqual(history({ item: `task:${T}:${GONGYI}` }));
    // the shares registered see it too, and so do the lead units it changed
    expect(history({ item: `task:${T}:${ZHENGDONG}` })).toEqual([`task.registered.v1@task:${T}`, `task.amended.v1@task:${T}`]);
    expect(history({ unit: SCIENCE })).toEqual([`task.amended.v1@task:${T}`]);
    expect(history({ unit: MIIT })).toEqual([`task.amended.v1@task:${T}`]);
  });

  it('given a task whose other share is closed, when an amendment removes the only open share, then the amendment and the closing it causes are in the removed share’s history', async () => {
    await given(registerTask(T, { responsibleUnits: [ZHONGMU, ZHENGDONG] }), ...shareInProgress(T, ZHONGMU));
    await given(
      reportShare(T, ZHONGMU, '2021-07-19T10:00:00+08:00', 100),
      submitShare(T, ZHONGMU, '2021-07-20T16:00:00+08:00'),
      approveShare(T, ZHONGMU, '2021-07-25T10:00:00+08:00'),
      assignShare(T, ZHENGDONG, '2021-07-26T09:00:00+08:00'), // assigned only: it may still be removed
    );
    const result = await when(amendTask(T, '2021-08-01T09:00:00+08:00', { responsibleUnits: [ZHONGMU] }));
    const rows = (await trail()).slice(-2);
    expect(rows.map((r) => [r.type, r.itemKey, r.units])).toEqual([
      ['task.amended.v1', `task:${T}`, [ZHONGMU, ZHENGDONG]],
      ['task.closed.v1', `task:${T}`, [ZHONGMU, ZHENGDONG]],
    ]);
    // one decision: the closing is the command's last event, with the amendment's ids
    expect(rows[1].position).toBe(result.position);
    expect(rows[1]).toMatchObject({ commandId: rows[0].commandId, correlationId: rows[0].correlationId });
    expect(audit.list({ item: `task:${T}:${ZHENGDONG}` }).rows.map((r) => r.type)).toEqual([
      'task.registered.v1',
      'task.share.assigned.v1',
      'task.amended.v1',
      'task.closed.v1',
    ]);
  });

  it('given units an amendment added and removed, then every later task-level event concerns every unit the task ever had; a rebuild gives the same trail', async () => {
    await given(registerTask(T, { responsibleUnits: [ZHONGMU, ZHENGDONG] }), ...shareInProgress(T, ZHONGMU));
    await given(amendTask(T, '2021-08-01T09:00:00+08:00', { responsibleUnits: [ZHONGMU, GONGYI] })); // +巩义市 −郑东新区
    await given(assignShare(T, GONGYI, '2021-08-02T09:00:00+08:00'), acknowledgeShare(T, GONGYI, '2021-08-03T09:00:00+08:00'));
    await given(amendTask(T, '2021-09-01T09:00:00+08:00', { deadline: '2022-06-30T23:59:59+08:00' }, '郑政办〔2021〕41号 修订'));
    await given(
      reportShare(T, ZHONGMU, '2021-10-19T10:00:00+08:00', 100),
      submitShare(T, ZHONGMU, '2021-10-20T16:00:00+08:00'),
      approveShare(T, ZHONGMU, '2021-10-25T10:00:00+08:00'),
      reportShare(T, GONGYI, '2021-11-19T10:00:00+08:00', 100),
      submitShare(T, GONGYI, '2021-11-20T16:00:00+08:00'),
    );
    await when(approveShare(T, GONGYI, '2021-11-25T10:00:00+08:00')); // the last open share: the task closes
    const before = await trail();
    expect(before.filter((r) => r.itemKey === `task:${T}`).map((r) => [r.type, r.units])).toEqual([
      ['task.registered.v1', [ZHONGMU, ZHENGDONG]],
      ['task.amended.v1', [ZHONGMU, ZHENGDONG, GONGYI]],
      // names no unit: the registration's, and those the first amendment added and removed
      ['task.amended.v1', [ZHONGMU, ZHENGDONG, GONGYI]],
      ['task.closed.v1', [ZHONGMU, ZHENGDONG, GONGYI]],
    ]);
    const types = (item: string) => audit.list({ item }).rows.map((r) => r.type);
    expect(types(`task:${T}:${GONGYI}`)).toEqual([
      'task.amended.v1',
      'task.share.assigned.v1',
      'task.share.acknowledged.v1',
      'task.amended.v1',
      'task.share.progress_reported.v1',
      'task.share.completion_submitted.v1',
      'task.share.completion_approved.v1',
      'task.closed.v1',
    ]);
    expect(types(`task:${T}:${ZHENGDONG}`)).toEqual(['task.registered.v1', 'task.amended.v1', 'task.amended.v1', 'task.closed.v1']);
    // live (read back from the tables) and rebuilt (folded in memory) agree
    await h.runner.rebuild('audit');
    expect(audit.list({ limit: 1000 }).rows).toEqual(before);
  });

  it('given nothing, when an issue is reported and assigned, then it concerns the reporting unit and, from assignment on, the responsible unit', async () => {
    const I = 'wt-2021-001';
    await given(reportIssue(I));
    await given(assignIssue(I, CONSTRUCTION, '2021-05-11T09:00:00+08:00', '2021-05-18T18:00:00+08:00'));
    await when(acknowledgeIssue(I, CONSTRUCTION, '2021-05-11T10:00:00+08:00'));
    expect((await trail()).map((r) => [r.type, r.itemKey, r.units, r.actor.unitId])).toEqual([
      ['issue.reported.v1', `issue:${I}`, [ZHONGMU], ZHONGMU],
      ['issue.assigned.v1', `issue:${I}`, [ZHONGMU, CONSTRUCTION], OFFICE_4],
      ['issue.acknowledged.v1', `issue:${I}`, [ZHONGMU, CONSTRUCTION], CONSTRUCTION],
    ]);
  });

  it('stores events of any type: no item, no unit concerned, extra metadata kept verbatim, the actor unit indexed', async () => {
    await h.store.appendToStream(
      'park-001',
      [
        {
          id: '0b0c4b7e-5a1e-4c59-9d0e-0d2b8e9f0a01',
          type: 'park.registered.v1',
          data: { parkId: 'park-001', name: '中牟县汽车零部件小微企业园' },
          metadata: {
            actorUserId: 'wang.gongxin',
            actorUnitId: '市工信局',
            actorRole: 'supervisor',
            commandId: 'cmd-1',
            correlationId: 'corr-1',
            causationId: 'req-1',
            occurredAt: '2021-05-01T00:00:00Z',
            sourceIp: '10.0.0.7',
            importBatch: { file: '园区台账.xlsx', row: 3 },
          },
        },
      ],
      { expectedVersion: 'no_stream' },
    );
    const [row] = await trail();
    expect(row).toMatchObject({
      stream: 'park-001',
      type: 'park.registered.v1',
      itemKey: null,
      units: [],
      actor: { userId: 'wang.gongxin', unitId: '市工信局', role: 'supervisor' },
      commandId: 'cmd-1',
      correlationId: 'corr-1',
      causationId: 'req-1',
      data: { parkId: 'park-001', name: '中牟县汽车零部件小微企业园' },
      extraMetadata: { sourceIp: '10.0.0.7', importBatch: { file: '园区台账.xlsx', row: 3 } },
    });
    expect(audit.list({ unit: '市工信局' }).rows.map((r) => r.stream)).toEqual(['park-001']);
    expect(h.db.prepare('SELECT unit FROM audit_units').pluck().all()).toEqual(['市工信局']);
  });

  it('holds every event of the log exactly once, in log order, with the store’s data, metadata and hash', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU), reportIssue('wt-1'));
    await given(assignIssue('wt-1', ZHONGMU, '2021-05-11T09:00:00+08:00', '2021-06-01T18:00:00+08:00'));
    const rows = await trail();
    const events = await storeEvents();
    expect(rows.map((r) => [r.position, r.eventId, r.stream, r.streamVersion, r.type, r.data, r.hash, r.occurredAt, r.recordedAt])).toEqual(
      events.map((e) => [e.globalPosition, e.id, e.stream, e.streamVersion, e.type, e.data, e.hash, e.metadata.occurredAt, e.metadata.recordedAt]),
    );
    expect(h.runner.status()[0]).toMatchObject({ name: 'audit', checkpoint: events[events.length - 1].globalPosition, eventsSeen: events.length });
  });

  it('a rebuild from zero gives exactly the same trail (a pure function of the log)', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU), reportIssue('wt-1'));
    await given(addNote(T, ZHONGMU, NDRC, '2021-07-01T09:00:00+08:00'));
    const before = await trail();
    const [result] = await h.runner.rebuild('audit');
    expect(result.events).toBe(6);
    expect(audit.list({ limit: 1000 }).rows).toEqual(before);
    expect(h.db.prepare('SELECT count(*) FROM audit_units').pluck().get()).toBe(
      // (unit, event) pairs: the registration 4 (the office acting, 3 responsible units), the assignment 2 (the office, 中牟县),
      // signing and the report 1 each (中牟县 acting and concerned), the issue report 1, the note 2 (市发展改革委 acting, 中牟县 concerned)
      4 + 2 + 1 + 1 + 1 + 2,
    );
  });

  it('marks an event recorded before an earlier one (the store clock stepped back)', async () => {
    h.clock.set('2021-05-01T08:00:00Z');
    await given(registerTask(T));
    h.clock.set('2021-05-01T07:00:00Z'); // an hour back
    await given(reportIssue('wt-1'));
    h.clock.set('2021-05-01T09:00:00Z');
    await given(reportIssue('wt-2'));
    await h.settle();
    expect(h.db.prepare('SELECT recorded_ms, recorded_seq_ms, clock_back FROM audit_events ORDER BY position').raw().all()).toEqual([
      [Date.parse('2021-05-01T08:00:00Z'), Date.parse('2021-05-01T08:00:00Z'), 0],
      [Date.parse('2021-05-01T07:00:00Z'), Date.parse('2021-05-01T08:00:00Z'), 1],
      [Date.parse('2021-05-01T09:00:00Z'), Date.parse('2021-05-01T09:00:00Z'), 0],
    ]);
    // and a recorded-time range still finds it, although it lies after an event recorded later
    expect(audit.list({ to: '2021-05-01T07:30:00Z' }).rows.map((r) => r.itemKey)).toEqual(['issue:wt-1']);
    expect(audit.list({ from: '2021-05-01T07:30:00Z' }).rows.map((r) => r.itemKey)).toEqual([`task:${T}`, 'issue:wt-2']);
  });
});
