import { Module } from '@nestjs/common';
import { ParksApplicationModule } from '@duban/application/parks';
import { ParksController } from './parks.controller';
import { TargetsController } from './targets.controller';

/**
 * The parks (小微企业园) and targets (目标任务) API, with its application module
 * (handlers + the park rules processor, started with the app). Import it in
 * AppModule, after ApplicationModule.
 */
@Module({
  imports: [ParksApplicationModule],
  controllers: [ParksController, TargetsController],
})
export class ParksModule {}
