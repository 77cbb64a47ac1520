import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ProcessorStatus } from '@duban/application/processors';
import { LadderProcessor } from '@duban/application/processors';
import { ParkRulesProcessor, TaskProgressProcessor } from '@duban/application/parks';
import { APP_CONFIG, AppConfig } from '@duban/config';

/**
 * The processors (park rules, task progress → targets) on /ready and
 * /metrics. A processor that is not running marks the api not ready: held at
 * an event (state 'failed', retrying), findings or target progress wait on the
 * cause; stopped, they wait on nothing at all.
 * Looked up without importing their module, so health does not depend on
 * parks: an app without ParksModule simply has no processors here.
 */
@Injectable()
export class ProcessorsHealthIndicator {
  constructor(
    private readonly modules: ModuleRef,
    private readonly indicator: HealthIndicatorService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  statuses(): ProcessorStatus[] {
    const found: ProcessorStatus[] = [];
    for (const token of [ParkRulesProcessor, TaskProgressProcessor, LadderProcessor]) {
      try {
        found.push(this.modules.get<ParkRulesProcessor | TaskProgressProcessor | LadderProcessor>(token, { strict: false }).status());
      } catch {
        // not in this app
      }
    }
    return found;
  }

  check(key = 'processors') {
    const status = this.indicator.check(key);
    // DUBAN_PROCESSORS=off (the api of the split deployment): the worker runs them, nothing here waits on them
    if (!this.config.processors) return status.up({ runIn: 'another process (DUBAN_PROCESSORS=off)' });
    const all = this.statuses();
    return all.some((s) => s.state !== 'running') ? status.down(this.details(all)) : status.up(this.details(all));
  }

  /**
   * For /health (liveness): always up — a processor held at an event does not make the process dead — but it
   * says where each one stands and why it is held (e.g. LogIntegrityBroken: its reactions wait for the repair).
   */
  live(key = 'processors') {
    return this.indicator.check(key).up(this.details(this.statuses()));
  }

  private details(all: ProcessorStatus[]) {
    return Object.fromEntries(all.map((s) => [s.name, { state: s.state, position: s.position, failures: s.failures, lastError: s.lastError }]));
  }
}
