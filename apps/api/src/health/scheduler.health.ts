import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { LADDER_SCHEDULER } from '@duban/application/processors';
import type { Scheduler } from '@duban/scheduler';

/**
 * The scheduler (the ladder's alarm clock) on /ready: BullMQ's Redis answers a
 * PING within a second, or /ready is 503 naming the scheduler and saying what
 * to do. Nothing is lost meanwhile: the due table keeps every step and the
 * processor re-arms them once Redis is back. The in-process scheduler is up
 * while the process runs. /health shows the same without failing.
 */
@Injectable()
export class SchedulerHealthIndicator {
  constructor(
    @Inject(LADDER_SCHEDULER) private readonly scheduler: Scheduler,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async check(key = 'scheduler') {
    const status = this.indicator.check(key);
    const health = await this.scheduler.health();
    const details = { kind: this.scheduler.kind, ...(health.reason ? { reason: health.reason } : {}) };
    return health.status === 'up' ? status.up(details) : status.down(details);
  }

  async live(key = 'scheduler') {
    const health = await this.scheduler.health();
    return this.indicator.check(key).up({ kind: this.scheduler.kind, state: health.status, ...(health.reason ? { reason: health.reason } : {}) });
  }
}
