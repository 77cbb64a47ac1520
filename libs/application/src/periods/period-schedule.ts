import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { LadderProcessor } from '../processors/ladder.processor';
import { WRITE_GATE, WriteGate } from '../write-gate';
import { PeriodCloser } from './period-closer';

/** The 1st of each month at 01:00 Beijing time: the month just ended (and a quarter, half or year with it) closes. */
export const PERIOD_CLOSE_SCHEDULE = { pattern: '0 1 1 * *', tz: 'Asia/Shanghai' } as const;
export const PERIOD_CLOSE_SCHEDULE_ID = 'periods-close';
/** A close waits for the read models (2 s at most); during a long start-up catch-up the first tries are refused. */
const CATCH_UP_RETRY_MS = 5_000;

const logger = new Logger('PeriodSchedule');

/**
 * Closes periods by the clock, where this process runs the processors (DUBAN_PROCESSORS=on):
 * - at start, once the log is verified, every period that has ended since the first assignment and has no
 *   close is closed, oldest first (BullMQ never backfills a missed run: this is the catch-up), retried every
 *   5 s while the read models are still catching up;
 * - on the recurring schedule PERIOD_CLOSE_SCHEDULE of the process's scheduler, the same call.
 * closeDuePeriods derives what is due from the log and writes nothing for a period already closed, so a
 * repeated or concurrent run has one effect.
 */
@Injectable()
export class PeriodSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly closer: PeriodCloser,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly ladder?: LadderProcessor,
    @Optional() @Inject(WRITE_GATE) private readonly gate?: WriteGate,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.processors) return;
    const judged = this.gate?.judged?.() ?? Promise.resolve();
    void judged.then(async () => {
      if (this.stopped) return;
      try {
        await this.ladder?.addRecurring(PERIOD_CLOSE_SCHEDULE_ID, PERIOD_CLOSE_SCHEDULE, () => this.closeDue('schedule'));
      } catch (err) {
        logger.error(`the period close schedule could not be registered: ${(err as Error).message}; periods still close at every start`);
      }
      this.catchUp();
    });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }

  private catchUp(): void {
    this.closeDue('start').catch((err: Error) => {
      if (this.stopped) return;
      logger.warn(`period catch-up: ${err.message}; trying again in ${CATCH_UP_RETRY_MS / 1000} s`);
      this.retry = setTimeout(() => this.catchUp(), CATCH_UP_RETRY_MS);
      this.retry.unref?.();
    });
  }

  private async closeDue(why: 'start' | 'schedule'): Promise<void> {
    const outcomes = await this.closer.closeDuePeriods(new Date());
    if (outcomes.length > 0) logger.log(`periods closed (${why}): ${outcomes.length}`);
  }
}
