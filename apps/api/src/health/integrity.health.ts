import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { IntegrityMonitor } from './integrity.monitor';

/** The hash chains on /ready (down while verifying and when broken) and, for information, on /health. */
@Injectable()
export class IntegrityHealthIndicator {
  constructor(
    private readonly monitor: IntegrityMonitor,
    private readonly indicator: HealthIndicatorService,
  ) {}

  /** Ready only once the log verified: a broken chain, or one not yet walked, may serve altered values. */
  ready(key = 'integrity') {
    const status = this.indicator.check(key);
    return this.monitor.chain === 'ok' ? status.up(this.monitor.describe()) : status.down(this.monitor.describe());
  }

  /** Liveness does not depend on the log: the process is alive either way; the field says how the chain stands. */
  live(key = 'integrity') {
    return this.indicator.check(key).up(this.monitor.describe());
  }
}
