import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@duban/access';
import { ProcessorsHealthIndicator } from './processors.health';
import { ProjectionsHealthIndicator } from './projections.health';
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
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: the event store is reachable and no projection or processor has failed (503 otherwise); shows each projection's lag and each processor's position. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.store.check(), () => this.projections.check(), () => this.processors.check()]);
  }
}
