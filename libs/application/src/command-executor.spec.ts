/**
 * The CommandExecutor's write gate on a real (in-memory SQLite) store: a
 * closed gate refuses the command with its own error and nothing is appended —
 * not a new command, not a retry of one already applied, not a gate that
 * closes while the command is being decided.
 */
import type { Actor } from '@duban/domain/decider';
import type { RegisterTask, TaskCommand } from '@duban/domain/task';
import { taskDecider } from '@duban/domain/task';
import { SqliteEventStore } from '@duban/eventstore';
import type { CommandEnvelope } from './command-executor';
import { CommandExecutor } from './command-executor';
import { taskIdFor, taskStream } from './streams';
import type { BrokenEvent, WriteGate } from './write-gate';
import { LogIntegrityBroken } from './write-gate';

const supervisor: Actor = { userId: '张督查', unitId: '市政府办公厅四处', role: 'supervisor' };
const TASK_ID = taskIdFor('郑政办〔2021〕34号', '一/（三）/1');
const STREAM = taskStream(TASK_ID);
const envelope = (commandId: string): CommandEnvelope => ({
  commandId,
  correlationId: `corr-${commandId}`,
  causationId: `req-${commandId}`,
  actor: supervisor,
  receivedAt: '2021-05-06T09:00:00.000Z',
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
const assign: TaskCommand = { type: 'AssignShare', at: '2021-05-06T09:00:00+08:00', actor: supervisor, data: { taskId: TASK_ID, unitId: '郑东新区' } };
const BROKEN: BrokenEvent = { kind: 'altered', stream: 'task-x', streamVersion: '0', globalPosition: '1', detail: 'hash mismatch' };

describe('CommandExecutor and its write gate', () => {
  let store: SqliteEventStore;
  let closed: boolean;
  let executor: CommandExecutor;
  const gate: WriteGate = { refusal: () => (closed ? new LogIntegrityBroken(BROKEN) : null) };
  const head = async () => (await store.verify()).head?.position ?? 0n;

  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    closed = false;
    executor = new CommandExecutor(store, gate);
  });
  afterEach(() => store.close());

  it('writes while the gate is open', async () => {
    const result = await executor.execute(taskDecider, STREAM, register, envelope('register-1'), { creates: true });
    expect(result).toMatchObject({ events: ['task.registered.v1'], replayed: false });
    expect(await store.readStream(STREAM)).toHaveLength(1);
  });

  it('a closed gate refuses with its error, naming the first bad event, and nothing is appended', async () => {
    await executor.execute(taskDecider, STREAM, register, envelope('register-1'), { creates: true });
    const before = await head();
    closed = true;
    const refused = executor.execute(taskDecider, STREAM, assign, envelope('assign-1'), { creates: false });
    await expect(refused).rejects.toBeInstanceOf(LogIntegrityBroken);
    await expect(refused).rejects.toMatchObject({
      brokenEvent: BROKEN,
      message: 'the event log failed verification at stream task-x, version 0 (global position 1): writes are refused until it is repaired',
    });
    expect(await head()).toBe(before);
    expect(await store.readStream(STREAM)).toHaveLength(1);
    // a command that would create its stream creates nothing either
    const other = taskStream(taskIdFor('郑政办〔2021〕34号', '一/（三）/2'));
    await expect(executor.execute(taskDecider, other, { ...register, data: { ...register.data, itemPath: '一/（三）/2' } }, envelope('register-2'), { creates: true })).rejects.toBeInstanceOf(LogIntegrityBroken);
    expect(await store.readStream(other)).toEqual([]);
  });

  it('a retry of a command already applied is not answered from a log the gate distrusts', async () => {
    await executor.execute(taskDecider, STREAM, register, envelope('register-1'), { creates: true });
    closed = true;
    await expect(executor.execute(taskDecider, STREAM, register, envelope('register-1'), { creates: true })).rejects.toBeInstanceOf(LogIntegrityBroken);
  });

  it('a gate that closes while the command is being decided still stops the append', async () => {
    await executor.execute(taskDecider, STREAM, register, envelope('register-1'), { creates: true });
    const before = await head();
    // the command is completed from the current state (as a default deadline is): the gate closes meanwhile
    const closing = (): TaskCommand => {
      closed = true;
      return assign;
    };
    await expect(executor.execute(taskDecider, STREAM, closing, envelope('assign-1'), { creates: false })).rejects.toBeInstanceOf(LogIntegrityBroken);
    expect(await head()).toBe(before);
  });

  it('writes again once the gate opens (the refusal left no trace that would turn the command into a replay)', async () => {
    await executor.execute(taskDecider, STREAM, register, envelope('register-1'), { creates: true });
    closed = true;
    await expect(executor.execute(taskDecider, STREAM, assign, envelope('assign-1'), { creates: false })).rejects.toBeInstanceOf(LogIntegrityBroken);
    closed = false;
    const result = await executor.execute(taskDecider, STREAM, assign, envelope('assign-1'), { creates: false });
    expect(result).toMatchObject({ events: ['task.share.assigned.v1'], replayed: false });
  });
});
