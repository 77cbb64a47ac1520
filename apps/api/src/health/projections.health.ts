import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ProjectionRunner } from '@duban/projections';

/**
 * The read models' lag, per projection, on /ready. A projection that has
 * failed (and keeps retrying) marks the api not ready: its queries would
 * answer from stale rows.
 */
@Injectable()
export class ProjectionsHealthIndicator {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async check(key = 'projections') {
    const status = this.indicator.check(key);
    const lag = await this.runner.lag();
    const details = Object.fromEntries(
      lag.map((l) => [
        l.name,
        { state: l.state, checkpoint: l.checkpoint.toString(), eventsBehind: l.eventsBehind, secondsBehind: l.secondsBehind, exact: l.exact, lastError: l.lastError },
      ]),
    );
    return lag.some((l) => l.state === 'failed' || l.lastError !== null) ? status.down(details) : status.up(details);
  }
}
