import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { IntegrityHealthIndicator } from './integrity.health';
import { IntegrityModule } from './integrity.module';
import { MetricsController } from './metrics.controller';
import { ProcessorsHealthIndicator } from './processors.health';
import { ProjectionsHealthIndicator } from './projections.health';
import { SchedulerHealthIndicator } from './scheduler.health';
import { EventStoreHealthIndicator } from './store.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), IntegrityModule],
  controllers: [HealthController, MetricsController],
  providers: [EventStoreHealthIndicator, ProjectionsHealthIndicator, ProcessorsHealthIndicator, IntegrityHealthIndicator, SchedulerHealthIndicator],
})
export class HealthModule {}
