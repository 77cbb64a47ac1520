import { Command, Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '@duban/eventstore';
import type { IssueCommand, IssueState } from '@duban/domain/issue';
import type { TaskCommand, TaskState } from '@duban/domain/task';
import type { CommandEnvelope, CommandResult, ExecuteOptions } from '../command-executor';

/** Runs a task command (RegisterTask, AmendTask or any share step) against the task's stream; only RegisterTask creates it. */
export class ExecuteTaskCommand extends Command<CommandResult<TaskState>> {
  constructor(
    readonly command: TaskCommand,
    readonly envelope: CommandEnvelope,
    readonly ifMatch?: bigint,
  ) {
    super();
  }
}

/**
 * Runs an issue command. `AssignIssue` may leave its deadline empty: the
 * handler fills in the default for the issue's urgency (working days).
 */
export class ExecuteIssueCommand extends Command<CommandResult<IssueState>> {
  constructor(
    readonly command: IssueCommand | (Omit<Extract<IssueCommand, { type: 'AssignIssue' }>, 'data'> & { data: { issueId: string; unitId: string; deadline?: string } }),
    readonly envelope: CommandEnvelope,
    readonly ifMatch?: bigint,
  ) {
    super();
  }
}

export interface LoadedItem<State> {
  state: State;
  version: bigint;
  position: bigint;
}

/** The current state of one task, folded from its stream (always up to date). */
export class GetTaskQuery extends Query<LoadedItem<TaskState>> {
  constructor(readonly taskId: string) {
    super();
  }
}

export class GetIssueQuery extends Query<LoadedItem<IssueState>> {
  constructor(readonly issueId: string) {
    super();
  }
}

/** Every event of one item's stream, oldest first. */
export class GetHistoryQuery extends Query<RecordedEvent[]> {
  constructor(readonly stream: string) {
    super();
  }
}

export type { ExecuteOptions };
