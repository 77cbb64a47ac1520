import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import type { Decider, DomainEvent } from '@duban/domain/decider';
import { issueDecider, IssueState } from '@duban/domain/issue';
import type { ParkCommand, ParkRulePolicyOverrides, ParkState } from '@duban/domain/park';
import { checkParkRules, isParkRegistered, issueIdForFinding, parkDecider, reportPeriod } from '@duban/domain/park';
import { targetDecider, TargetCommand, TargetState } from '@duban/domain/target';
import { CommandExecutor, CommandResult, fold, StreamNotFound } from '../command-executor';
import type { LoadedItem } from '../nest/messages';
import { UNIT_DIRECTORY } from '../nest/handlers';
import { issueStream } from '../streams';
import { resolveParkUnits, resolveTargetUnits, UnitResolver } from '../units';
import { MonthlyReportSuperseded } from './errors';
import { ExecuteParkCommand, ExecuteTargetCommand, GetParkFindingsQuery, GetParkQuery, GetTargetQuery, ParkFindings } from './messages';
import { parkStream, targetStream } from './streams';

/** The rule policy (relaxed sizes, tax threshold reading …) used by the findings query and the rules processor. */
export const PARK_RULE_POLICY = Symbol('PARK_RULE_POLICY');

@CommandHandler(ExecuteParkCommand)
export class ParkCommandHandler implements ICommandHandler<ExecuteParkCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(UNIT_DIRECTORY) private readonly units: UnitResolver,
  ) {}

  execute({ command: written, envelope, ifMatch, options }: ExecuteParkCommand): Promise<CommandResult<ParkState>> {
    const command = resolveParkUnits(this.units, written); // the district's name → its registry id (422 UnknownUnits)
    const expected = options.correctsReportId;
    const complete = (state: ParkState): ParkCommand => {
      // the report named by the caller must still be the month's current one (checked with the state the correction is decided on)
      if (expected !== undefined && command.type === 'CorrectMonthlyReport' && isParkRegistered(state)) {
        const current = state.reports[reportPeriod(command.data.year, command.data.month)];
        if (current && current.reportId !== expected) throw new MonthlyReportSuperseded(command.type, expected, current.reportId);
      }
      return command;
    };
    return this.executor.execute(parkDecider, parkStream(command.data.parkId), complete, envelope, {
      creates: command.type === 'RegisterPark',
      ifMatch,
    });
  }
}

@CommandHandler(ExecuteTargetCommand)
export class TargetCommandHandler implements ICommandHandler<ExecuteTargetCommand> {
  constructor(
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
    @Inject(UNIT_DIRECTORY) private readonly units: UnitResolver,
  ) {}

  execute({ command: written, envelope, ifMatch }: ExecuteTargetCommand): Promise<CommandResult<TargetState>> {
    const command = resolveTargetUnits(this.units, written); // the unit's name → its registry id (422 UnknownUnits)
    return this.executor.execute(targetDecider, targetStream(command.data.targetId), command, envelope, {
      creates: command.type === 'SetTarget',
      ifMatch,
    });
  }
}

/** Folds one stream; an empty stream is "not found" (404). */
export async function loadItem<State, C, E extends DomainEvent>(
  store: EventStore,
  decider: Decider<State, C, E>,
  stream: string,
): Promise<LoadedItem<State>> {
  const history = await store.readStream(stream);
  if (history.length === 0) throw new StreamNotFound(stream);
  const last = history[history.length - 1];
  return { state: fold(decider, history), version: last.streamVersion, position: last.globalPosition };
}

@QueryHandler(GetParkQuery)
export class GetParkHandler implements IQueryHandler<GetParkQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute(q: GetParkQuery): Promise<LoadedItem<ParkState>> {
    return loadItem(this.store, parkDecider, parkStream(q.parkId));
  }
}

@QueryHandler(GetTargetQuery)
export class GetTargetHandler implements IQueryHandler<GetTargetQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute(q: GetTargetQuery): Promise<LoadedItem<TargetState>> {
    return loadItem(this.store, targetDecider, targetStream(q.targetId));
  }
}

/**
 * The findings of the park's current state (checkParkRules with the configured
 * policy; the tax rule looks at the latest month's current report), each with
 * the id of the issue it becomes and that issue's status on the ledger.
 */
@QueryHandler(GetParkFindingsQuery)
export class GetParkFindingsHandler implements IQueryHandler<GetParkFindingsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PARK_RULE_POLICY) private readonly policy: ParkRulePolicyOverrides,
  ) {}

  async execute(q: GetParkFindingsQuery): Promise<ParkFindings> {
    const park = await loadItem(this.store, parkDecider, parkStream(q.parkId));
    const findings = await Promise.all(
      checkParkRules(park.state, this.policy).map(async (f) => {
        const issueId = issueIdForFinding(f.findingId);
        const issue: IssueState = fold(issueDecider, await this.store.readStream(issueStream(issueId)));
        return { ...f, issueId, issueStatus: issue.status };
      }),
    );
    return { parkId: q.parkId, version: park.version, position: park.position, findings };
  }
}
