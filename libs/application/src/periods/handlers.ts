import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { PeriodState } from '@duban/domain/period';
import { periodDecider } from '@duban/domain/period';
import { CommandExecutor, CommandResult } from '../command-executor';
import { ExecutePeriodCommand, periodStream } from './messages';

/** The thin write path of the periods: the one CommandExecutor runs the period decider on `period-<id>`. */
@CommandHandler(ExecutePeriodCommand)
export class PeriodCommandHandler implements ICommandHandler<ExecutePeriodCommand> {
  constructor(@Inject(CommandExecutor) private readonly executor: CommandExecutor) {}

  execute({ command, envelope }: ExecutePeriodCommand): Promise<CommandResult<PeriodState>> {
    const periodId = command.type === 'PublishBulletin' ? command.data.periodId : command.data.period.id;
    return this.executor.execute(periodDecider, periodStream(periodId), command, envelope, {
      // a close creates the stream; a re-close or a bulletin needs one (the decider says PeriodNotClosed first)
      creates: true,
    });
  }
}
