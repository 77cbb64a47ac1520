/**
 * AmendTask through the write path (TaskCommandHandler → CommandExecutor →
 * SQLite store): unit check, "not found" for a task never registered,
 * idempotency by command id, and an amendment that changes nothing writes
 * nothing (the store refuses an empty append, so the executor must not try).
 */
import type { Actor } from '@duban/domain/decider';
import type { AmendTask, RegisterTask } from '@duban/domain/task';
import { ShareHasWork } from '@duban/domain/task';
import { UnitRegistry } from '@duban/domain/units';
import { SqliteEventStore } from '@duban/eventstore';
import type { CommandEnvelope } from './command-executor';
import { CommandExecutor, StreamNotFound } from './command-executor';
import { TaskCommandHandler } from './nest/handlers';
import { ExecuteTaskCommand } from './nest/messages';
import { taskIdFor, taskStream } from './streams';
import { UnknownUnits } from './units';

const supervisor: Actor = { userId: '张督查', unitId: '市政府办公厅四处', role: 'supervisor' };
const TASK_ID = taskIdFor('郑政办〔2021〕34号', '一/（三）/1');
const envelope = (commandId: string): CommandEnvelope => ({
  commandId,
  correlationId: `corr-${commandId}`,
  causationId: `req-${commandId}`,
  actor: supervisor,
  receivedAt: '2021-06-15T09:00:00.000Z',
});
const register: RegisterTask = {
  type: 'RegisterTask',
  at: '2021-04-30T10:00:00+08:00',
  actor: supervisor,
  data: {
    taskId: TASK_ID,
    sourceDocument: { docNumber: '郑政办〔2021〕34号' },
    itemPath: '一/（三）/1',
    title: '全年新开工20个以上小微企业园',
    text: '全年新开工20个以上小微企业园。',
    leadUnits: ['市工信局'],
    responsibleUnits: ['郑州航空港区', '郑东新区'],
    cooperatingUnits: [],
    deadline: '2021-12-31T23:59:59+08:00',
    supervisingOffice: '市政府办公厅四处',
  },
};
const amend = (data: Partial<AmendTask['data']>): AmendTask => ({
  type: 'AmendTask',
  at: '2021-06-15T09:00:00+08:00',
  actor: supervisor,
  data: { taskId: TASK_ID, reason: '郑政办〔2021〕40号 修订', ...data },
});

describe('AmendTask through TaskCommandHandler', () => {
  let store: SqliteEventStore;
  let handler: TaskCommandHandler;
  const run = async (command: RegisterTask | AmendTask, commandId: string) => handler.execute(new ExecuteTaskCommand(command, envelope(commandId)));
  const head = async () => (await store.verify()).head?.position ?? 0n;

  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    handler = new TaskCommandHandler(new CommandExecutor(store), UnitRegistry.seeded());
    await run(register, 'register-1');
  });
  afterEach(() => store.close());

  it('writes task.amended.v1; the same command id again is a replay', async () => {
    const first = await run(amend({ deadline: '2021-11-30T23:59:59+08:00', responsibleUnits: ['郑州航空港区', '郑东新区', '中牟县'] }), 'amend-1');
    expect(first).toMatchObject({ events: ['task.amended.v1'], version: 1n, replayed: false });
    expect(first.state).toMatchObject({ deadline: '2021-11-30T23:59:59+08:00', responsibleUnits: ['郑州航空港区', '郑东新区', '中牟县'], amendmentCount: 1 });
    const [, event] = await store.readStream(taskStream(TASK_ID));
    expect(event).toMatchObject({
      type: 'task.amended.v1',
      data: {
        changes: [
          { field: 'responsibleUnits', from: ['郑州航空港区', '郑东新区'], to: ['郑州航空港区', '郑东新区', '中牟县'] },
          { field: 'deadline', from: '2021-12-31T23:59:59+08:00', to: '2021-11-30T23:59:59+08:00' },
        ],
        addedResponsibleUnits: ['中牟县'],
        removedResponsibleUnits: [],
        reason: '郑政办〔2021〕40号 修订',
      },
      metadata: { commandId: 'amend-1', occurredAt: '2021-06-15T09:00:00+08:00' },
    });
    const retry = await run(amend({ deadline: '2021-11-30T23:59:59+08:00', responsibleUnits: ['郑州航空港区', '郑东新区', '中牟县'] }), 'amend-1');
    expect(retry).toMatchObject({ events: ['task.amended.v1'], version: 1n, replayed: true });
    expect(await head()).toBe(2n);
  });

  it('an amendment that changes nothing writes nothing and answers the current version', async () => {
    const before = await head();
    const result = await run(amend({ title: register.data.title, deadline: '2021-12-31T15:59:59Z' }), 'amend-noop');
    expect(result).toMatchObject({ events: [], version: 0n, position: before, replayed: false });
    expect(await head()).toBe(before);
  });

  it('refuses unknown units before deciding, a task never registered (not found) and a unit with work on its share', async () => {
    await expect(run(amend({ cooperatingUnits: ['市不存在局'] }), 'amend-unknown')).rejects.toThrow(UnknownUnits);
    await expect(run(amend({ taskId: 'no-such-task', title: 'x' }), 'amend-missing')).rejects.toThrow(StreamNotFound);
    const assign = { type: 'AssignShare' as const, at: '2021-05-06T09:00:00+08:00', actor: supervisor, data: { taskId: TASK_ID, unitId: '郑东新区' } };
    await handler.execute(new ExecuteTaskCommand(assign, envelope('assign-1')));
    const ack = { type: 'AcknowledgeShare' as const, at: '2021-05-07T09:00:00+08:00', actor: { userId: 'u', unitId: '郑东新区', role: 'unit' as const }, data: { taskId: TASK_ID, unitId: '郑东新区' } };
    await handler.execute(new ExecuteTaskCommand(ack, envelope('ack-1')));
    await expect(run(amend({ responsibleUnits: ['郑州航空港区'] }), 'amend-drop')).rejects.toThrow(ShareHasWork);
  });
});
