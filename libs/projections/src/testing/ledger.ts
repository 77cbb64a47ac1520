import { randomUUID } from 'node:crypto';
import type { AppendResult, EventStore, NewEvent } from '@duban/eventstore';
import { NO_STREAM } from '@duban/eventstore';
import type { Command, DomainEvent } from '@duban/domain/decider';
import type { IssueCommand, IssueEvent, IssueState } from '@duban/domain/issue';
import { decideIssue, evolveIssue, initialIssueState } from '@duban/domain/issue';
import type { TaskCommand, TaskEvent, TaskState } from '@duban/domain/task';
import { decideTask, evolveTask, initialTaskState } from '@duban/domain/task';

const ISSUE_COMMANDS = new Set<string>([
  'ReportIssue',
  'AssignIssue',
  'AcknowledgeIssue',
  'ReportIssueProgress',
  'SubmitIssueCompletion',
  'ApproveIssueCompletion',
  'RejectIssueCompletion',
  'ReopenIssue',
  'RequestIssueExtension',
  'GrantIssueExtension',
  'RefuseIssueExtension',
]);

/** The store envelope the application layer puts around a domain event. */
export function toNewEvent(event: DomainEvent, command: Command, ids: { commandId: string; correlationId: string }): NewEvent {
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: {
      actorUserId: command.actor.userId,
      actorUnitId: command.actor.unitId,
      actorRole: command.actor.role,
      commandId: ids.commandId,
      correlationId: ids.correlationId,
      causationId: ids.commandId,
      occurredAt: command.at,
    },
  };
}

export interface LedgerResult extends AppendResult {
  stream: string;
  events: DomainEvent[];
}

/**
 * Test support: runs domain commands through the real deciders against a real
 * store, the way the application layer does (read the stream, fold, decide,
 * append with the expected version). Task events go to `task-<taskId>`, issue
 * events to `issue-<issueId>`. A refused command throws the domain's error and
 * appends nothing.
 */
export class Ledger {
  constructor(private readonly store: EventStore) {}

  async run(command: TaskCommand | IssueCommand): Promise<LedgerResult> {
    return ISSUE_COMMANDS.has(command.type) ? this.issue(command as IssueCommand) : this.task(command as TaskCommand);
  }

  /** Runs commands one after the other; returns the last result. */
  async runAll(commands: readonly (TaskCommand | IssueCommand)[]): Promise<LedgerResult | null> {
    let last: LedgerResult | null = null;
    for (const c of commands) last = await this.run(c);
    return last;
  }

  async task(command: TaskCommand): Promise<LedgerResult> {
    const stream = `task-${command.data.taskId}`;
    const history = await this.store.readStream(stream);
    const state = history.reduce<TaskState>(
      (s, e) => evolveTask(s, { type: e.type, data: e.data } as TaskEvent),
      initialTaskState(),
    );
    return this.append(stream, history.length, decideTask(command, state), command);
  }

  async issue(command: IssueCommand): Promise<LedgerResult> {
    const stream = `issue-${command.data.issueId}`;
    const history = await this.store.readStream(stream);
    const state = history.reduce<IssueState>(
      (s, e) => evolveIssue(s, { type: e.type, data: e.data } as IssueEvent),
      initialIssueState(),
    );
    return this.append(stream, history.length, decideIssue(command, state), command);
  }

  /** The domain state of a task stream, folded with evolveTask (the reference the read model must agree with). */
  async taskState(taskId: string): Promise<TaskState> {
    const history = await this.store.readStream(`task-${taskId}`);
    return history.reduce<TaskState>((s, e) => evolveTask(s, { type: e.type, data: e.data } as TaskEvent, e.metadata.occurredAt), initialTaskState());
  }

  async issueState(issueId: string): Promise<IssueState> {
    const history = await this.store.readStream(`issue-${issueId}`);
    return history.reduce<IssueState>((s, e) => evolveIssue(s, { type: e.type, data: e.data } as IssueEvent, e.metadata.occurredAt), initialIssueState());
  }

  private async append(stream: string, length: number, events: DomainEvent[], command: Command): Promise<LedgerResult> {
    const ids = { commandId: randomUUID(), correlationId: randomUUID() };
    if (events.length === 0) {
      return { stream, events, nextExpectedVersion: BigInt(length - 1), position: 0n };
    }
    const result = await this.store.appendToStream(
      stream,
      events.map((e) => toNewEvent(e, command, ids)),
      { expectedVersion: length === 0 ? NO_STREAM : BigInt(length - 1) },
    );
    return { stream, events, ...result };
  }
}
