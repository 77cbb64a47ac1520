import { Module } from '@nestjs/common';
import { ImportsController } from './imports.controller';

/**
 * POST /imports/preview and /imports/commit. Needs, from the host module:
 * ApplicationModule (ExecuteTaskCommand), ParksModule (ExecuteTargetCommand;
 * without it annex targets fail with TargetsNotAvailable, tasks still import),
 * UnitsModule (the live UnitRegistry) and EventStoreModule. Import it in
 * AppModule after ParksModule.
 */
@Module({
  controllers: [ImportsController],
})
export class ImportsModule {}
