import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@duban/access';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { ProjectionRunner } from '@duban/projections';
import { ProcessorsHealthIndicator } from './processors.health';

/**
 * Prometheus text format: the event store's reachability, each
 * projection's checkpoint and lag, and each processor's position. Public like /health: it carries counts,
 * never business data.
 */
@Public()
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly processors: ProcessorsHealthIndicator,
  ) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const up = await this.store.ping().then(
      () => 1,
      () => 0,
    );
    const lag = await this.runner.lag();
    const processors = this.processors.statuses();
    const lines = [
      '# HELP duban_event_store_up Whether the event store answers (1) or not (0).',
      '# TYPE duban_event_store_up gauge',
      `duban_event_store_up{kind="${this.store.kind}"} ${up}`,
      '# HELP duban_event_store_head_position Global position of the last event in the log.',
      '# TYPE duban_event_store_head_position gauge',
      `duban_event_store_head_position ${lag[0]?.head ?? 0}`,
      '# HELP duban_projection_checkpoint Global position up to which the projection has applied the log.',
      '# TYPE duban_projection_checkpoint gauge',
      ...lag.map((l) => `duban_projection_checkpoint{projection="${l.name}"} ${l.checkpoint}`),
      '# HELP duban_projection_events_behind Events in the log after the projection\'s checkpoint.',
      '# TYPE duban_projection_events_behind gauge',
      ...lag.map((l) => `duban_projection_events_behind{projection="${l.name}"} ${l.eventsBehind}`),
      '# HELP duban_projection_seconds_behind Recorded time of the log head minus that of the last applied event.',
      '# TYPE duban_projection_seconds_behind gauge',
      ...lag.map((l) => `duban_projection_seconds_behind{projection="${l.name}"} ${l.secondsBehind}`),
      '# HELP duban_projection_failed Whether the projection has stopped on an error and is retrying (1) or not (0).',
      '# TYPE duban_projection_failed gauge',
      ...lag.map((l) => `duban_projection_failed{projection="${l.name}"} ${l.state === 'failed' || l.lastError !== null ? 1 : 0}`),
      '# HELP duban_processor_position Global position up to which the processor has done its reactions.',
      '# TYPE duban_processor_position gauge',
      ...processors.map((p) => `duban_processor_position{processor="${p.name}"} ${p.position}`),
      '# HELP duban_processor_failed Whether the processor is held at an event and retrying (1) or not (0).',
      '# TYPE duban_processor_failed gauge',
      ...processors.map((p) => `duban_processor_failed{processor="${p.name}"} ${p.state === 'failed' ? 1 : 0}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}
