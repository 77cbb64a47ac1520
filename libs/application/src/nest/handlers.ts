import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import type { WorkingCalendar } from '@duban/domain/calendar';
import { countedIssueDeadline, issueDecider, IssueCommand, IssueState, isIssueReported } from '@duban/domain/issue';
import { taskDecider, TaskCommand, TaskState } from '@duban/domain/task';
import type { Decider, DomainEvent } from '@duban/domain/decider';
import { CommandExecutor, CommandResult, fold, StreamNotFound } from '../command-executor';
import { issueStream, taskStream } from '../streams';
import { resolveIssueUnits, resolveTaskUnits, UnitResolver } from '../units';
import { ExecuteIssueCommand, ExecuteTaskCommand, GetHistoryQuery, GetIssueQuery, GetTaskQuery, LoadedItem } from './messages';

export const UNIT_DIRECTORY = Symbol('UNIT_DIRECTORY');
export const WORKING_CALENDAR = Symbol('WORKING_CALENDAR');

@CommandHandler(ExecuteTaskCommand)
export class TaskCommandHandler implements ICommandHandler<ExecuteTaskCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(UNIT_DIRECTORY) private readonly units: UnitResolver,
  ) {}

  execute({ command: written, envelope, ifMatch }: ExecuteTaskCommand): Promise<CommandResult<TaskState>> {
    const command = resolveTaskUnits(this.units, written); // unit names → registry ids (422 UnknownUnits) before deciding
    return this.executor.execute(taskDecider, taskStream(command.data.taskId), command, envelope, {
      creates: command.type === 'RegisterTask',
      ifMatch,
    });
  }
}

@CommandHandler(ExecuteIssueCommand)
export class IssueCommandHandler implements ICommandHandler<ExecuteIssueCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(UNIT_DIRECTORY) private readonly units: UnitResolver,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
  ) {}

  execute({ command: written, envelope, ifMatch }: ExecuteIssueCommand): Promise<CommandResult<IssueState>> {
    const command = resolveIssueUnits(this.units, written); // unit names → registry ids (422 UnknownUnits) before deciding
    const complete = (state: IssueState): IssueCommand => {
      if (command.type !== 'AssignIssue') return command as IssueCommand;
      // a deadline given is a date (an instant), not a count: nothing to recount
      const { issueId, unitId, deadline: given } = command.data;
      if (given) return { ...command, data: { issueId, unitId, deadline: given } };
      // 交办 without a deadline: the default for the issue's urgency, in working days — across a
      // year without the State Council notice too, counted provisionally and recorded so (recountable)
      const urgency = isIssueReported(state) ? state.urgency : 'normal';
      const { deadline, ...count } = countedIssueDeadline(urgency, command.at, (at, n) => this.calendar.addWorkingDaysProvisional(at, n));
      const lastOfficialYear = this.calendar.coveredYears[this.calendar.coveredYears.length - 1]!;
      return { ...command, data: { issueId, unitId, deadline, deadlineCount: { ...count, lastOfficialYear } } };
    };
    return this.executor.execute(issueDecider, issueStream(command.data.issueId), complete, envelope, {
      creates: command.type === 'ReportIssue',
      ifMatch,
    });
  }
}

abstract class LoadHandler<State> {
  constructor(private readonly store: EventStore) {}

  protected async load<C, E extends DomainEvent>(decider: Decider<State, C, E>, stream: string): Promise<LoadedItem<State>> {
    const history = await this.store.readStream(stream);
    if (history.length === 0) throw new StreamNotFound(stream);
    const last = history[history.length - 1];
    return { state: fold(decider, history), version: last.streamVersion, position: last.globalPosition };
  }
}

@QueryHandler(GetTaskQuery)
export class GetTaskHandler extends LoadHandler<TaskState> implements IQueryHandler<GetTaskQuery> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store);
  }
  execute(q: GetTaskQuery) {
    return this.load(taskDecider, taskStream(q.taskId));
  }
}

@QueryHandler(GetIssueQuery)
export class GetIssueHandler extends LoadHandler<IssueState> implements IQueryHandler<GetIssueQuery> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store);
  }
  execute(q: GetIssueQuery) {
    return this.load(issueDecider, issueStream(q.issueId));
  }
}

@QueryHandler(GetHistoryQuery)
export class GetHistoryHandler implements IQueryHandler<GetHistoryQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute(q: GetHistoryQuery) {
    const events = await this.store.readStream(q.stream);
    if (events.length === 0) throw new StreamNotFound(q.stream);
    return events;
  }
}
