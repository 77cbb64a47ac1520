import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { ExecuteTaskCommand } from '@duban/application';
import type { CommandResult } from '@duban/application';
import { officialCalendar } from '@duban/domain/calendar';
import { DUBAN_LADDER_V1, LADDER_ACTOR, dueLadderSteps, ladderStateOf } from '@duban/domain/ladder';
import type { RegisteredTask, TaskCommand, TaskState } from '@duban/domain/task';
import { acknowledgeShare, approveShare, reportShare, submitShare } from '@duban/projections/testing/fixtures';
import { enc, smallParksTaskBody } from './test-app';
import type { TestApp } from './test-app';

export const ZHONGMU = '中牟县';
export const GONGYI = '巩义市';

/**
 * May 2021 with synthetic activity, closed: one task for 中牟县 and 巩义市
 * (县市), due 2021-05-20; 中牟县 closes it on time (red), 巩义市 never submits
 * and the ladder urges and escalates it before the month ends (black, with
 * its item). Registration and assignment go over HTTP; a unit may not
 * back-date over HTTP, so its past steps and the ladder's go through the
 * app's command bus (the one executor), as an import or the ladder would.
 * Returns the task id and the ladder steps taken on 巩义市's share.
 */
export async function closedMayWithActivity(t: TestApp): Promise<{ taskId: string; ladder: string[] }> {
  const supervisor = () => t.as('supervisor');
  const reg = await supervisor()
    .post('/api/v1/tasks')
    .send({ ...smallParksTaskBody({ responsibleUnits: [ZHONGMU, GONGYI], deadline: '2021-05-20T18:00:00+08:00' }), effectiveAt: '2021-05-01T09:00:00+08:00' })
    .expect(201);
  const taskId = reg.body.item.taskId as string;
  for (const u of [ZHONGMU, GONGYI]) {
    await supervisor().post(`/api/v1/tasks/${taskId}/shares/${enc(u)}/assign`).send({ effectiveAt: '2021-05-06T09:00:00+08:00' }).expect(200);
  }
  const run = (command: TaskCommand) => runTaskCommand(t, command);
  for (const u of [ZHONGMU, GONGYI]) await run(acknowledgeShare(taskId, u, '2021-05-06T10:00:00+08:00') as TaskCommand);
  await run(reportShare(taskId, ZHONGMU, '2021-05-10T09:00:00+08:00', 100) as TaskCommand);
  await run(submitShare(taskId, ZHONGMU, '2021-05-10T10:00:00+08:00') as TaskCommand);
  const approved = await run(approveShare(taskId, ZHONGMU, '2021-05-11T10:00:00+08:00') as TaskCommand);
  const steps = dueLadderSteps(ladderStateOf((approved.state as RegisteredTask).shares[GONGYI]), DUBAN_LADDER_V1, officialCalendar, '2021-05-31T12:00:00+08:00');
  for (const s of steps) await run({ type: 'RecordShareLadderStep', actor: LADDER_ACTOR, at: s.at, data: { taskId, unitId: GONGYI, ...s } } as TaskCommand);
  await supervisor().post('/api/v1/periods/2021-05/close').expect(200);
  return { taskId, ladder: steps.map((s) => s.step) };
}

/** A task command (with its own actor and effective time) through the app's command bus and its one executor. */
export function runTaskCommand(t: TestApp, command: TaskCommand): Promise<CommandResult<TaskState>> {
  const id = randomUUID();
  return t.app.get(CommandBus).execute(new ExecuteTaskCommand(command, { commandId: id, correlationId: id, causationId: id, actor: command.actor, receivedAt: new Date().toISOString() }));
}
