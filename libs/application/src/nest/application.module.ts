import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetHistoryHandler, GetIssueHandler, GetTaskHandler, IssueCommandHandler, TaskCommandHandler } from './handlers';

/**
 * The CommandBus/QueryBus and the thin handlers of the write path. The unit
 * directory (UNIT_DIRECTORY) is provided by the host module.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [TaskCommandHandler, IssueCommandHandler, GetTaskHandler, GetIssueHandler, GetHistoryHandler],
})
export class ApplicationModule {}
