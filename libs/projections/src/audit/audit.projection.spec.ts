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
  addNote,
  AIRPORT_ZONE,
  approveShare,
  assignIssue,
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
