import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ProjectionRunner } from '@duban/projections';

/**
 * The read models' lag, per projection, on /ready. A projection that is not
 * running marks the api not ready: one that failed (and keeps retrying), and
 * one that is stopped — e.g. held while the start-up catch-up pass rebuilds
 * it after a restart on a new read-model file — would both answer from stale rows.
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
    return lag.some((l) => l.state !== 'running' || l.lastError !== null) ? status.down(details) : status.up(details);
  }
}
