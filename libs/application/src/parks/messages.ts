import { Command, Query } from '@nestjs/cqrs';
import type { ParkCommand, ParkFinding, ParkState } from '@duban/domain/park';
import type { TargetCommand, TargetState } from '@duban/domain/target';
import type { IssueState } from '@duban/domain/issue';
import type { CommandEnvelope, CommandResult } from '../command-executor';
import type { LoadedItem } from '../nest/messages';

export interface ParkCommandOptions {
  /**
   * For CorrectMonthlyReport: the report the caller means to correct. Refused
   * (MonthlyReportSuperseded, 409) when the month's current report is another
   * one; checked in the same decide step as the correction, so it cannot race.
   */
  readonly correctsReportId?: string;
}

/** Runs a park command against `park-<parkId>` (RegisterPark creates the stream). */
export class ExecuteParkCommand extends Command<CommandResult<ParkState>> {
  constructor(
    readonly command: ParkCommand,
    readonly envelope: CommandEnvelope,
    readonly ifMatch?: bigint,
    readonly options: ParkCommandOptions = {},
  ) {
    super();
  }
}

/** Runs a target command against `target-<targetId>` (SetTarget creates the stream). */
export class ExecuteTargetCommand extends Command<CommandResult<TargetState>> {
  constructor(
    readonly command: TargetCommand,
    readonly envelope: CommandEnvelope,
    readonly ifMatch?: bigint,
  ) {
    super();
  }
}

/** The current state of one park, folded from its stream. */
export class GetParkQuery extends Query<LoadedItem<ParkState>> {
  constructor(readonly parkId: string) {
    super();
  }
}

/** The current state of one target cell, folded from its stream. */
export class GetTargetQuery extends Query<LoadedItem<TargetState>> {
  constructor(readonly targetId: string) {
    super();
  }
}

/** A rule finding with the issue it becomes (deterministic id) and that issue's status on the ledger. */
export interface ParkFindingView extends ParkFinding {
  readonly issueId: string;
  /** 'none' while the issue is not (yet) on the ledger. */
  readonly issueStatus: IssueState['status'];
}

export interface ParkFindings {
  readonly parkId: string;
  /** The park stream's version the findings were computed from. */
  readonly version: bigint;
  readonly position: bigint;
  readonly findings: readonly ParkFindingView[];
}

/** The rule findings of a park's current state (computed, with the configured rule policy). */
export class GetParkFindingsQuery extends Query<ParkFindings> {
  constructor(readonly parkId: string) {
    super();
  }
}
