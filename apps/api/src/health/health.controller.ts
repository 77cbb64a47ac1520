import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@duban/access';
import { IntegrityHealthIndicator } from './integrity.health';
import { ProcessorsHealthIndicator } from './processors.health';
import { ProjectionsHealthIndicator } from './projections.health';
import { SchedulerHealthIndicator } from './scheduler.health';
import { EventStoreHealthIndicator } from './store.health';

@Public()
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: EventStoreHealthIndicator,
    private readonly projections: ProjectionsHealthIndicator,
    private readonly processors: ProcessorsHealthIndicator,
    private readonly integrity: IntegrityHealthIndicator,
    private readonly scheduler: SchedulerHealthIndicator,
  ) {}

  /**
   * Liveness: the process answers (and says how the hash chains stand and where each processor is held and why,
   * without failing on either).
   */
  @Get('health')
  @HealthCheck()
  live() {
    return this.health.check([() => this.integrity.live(), () => this.processors.live(), () => this.scheduler.live()]);
  }

  /**
   * Readiness: the event store is reachable, its hash chains verified, every projection and processor running,
   * the scheduler reachable (503 otherwise); shows each projection's lag, each processor's position and the first bad event of a broken chain.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.store.check(),
      () => this.integrity.ready(),
      () => this.projections.check(),
      () => this.processors.check(),
      () => this.scheduler.check(),
    ]);
  }
}
