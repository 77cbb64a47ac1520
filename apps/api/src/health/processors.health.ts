import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ProcessorStatus } from '@duban/application/parks';
import { ParkRulesProcessor, TaskProgressProcessor } from '@duban/application/parks';

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
  ) {}

  statuses(): ProcessorStatus[] {
    const found: ProcessorStatus[] = [];
    for (const token of [ParkRulesProcessor, TaskProgressProcessor]) {
      try {
        found.push(this.modules.get<ParkRulesProcessor | TaskProgressProcessor>(token, { strict: false }).status());
      } catch {
        // not in this app
      }
    }
    return found;
  }

  check(key = 'processors') {
    const status = this.indicator.check(key);
    const all = this.statuses();
    const details = Object.fromEntries(all.map((s) => [s.name, { state: s.state, position: s.position, failures: s.failures, lastError: s.lastError }]));
    return all.some((s) => s.state !== 'running') ? status.down(details) : status.up(details);
  }
}
