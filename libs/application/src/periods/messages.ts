import { Command } from '@nestjs/cqrs';
import type { PeriodCommand, PeriodState } from '@duban/domain/period';
import type { CommandEnvelope, CommandResult } from '../command-executor';

/** Runs a period command against `period-<periodId>` (a close creates the stream). */
export class ExecutePeriodCommand extends Command<CommandResult<PeriodState>> {
  constructor(
    readonly command: PeriodCommand,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

/** `period-<periodId>`, e.g. period-2021-05, period-2021-Q2, period-2021-H1, period-2021. */
export function periodStream(periodId: string): string {
  return `period-${periodId}`;
}
