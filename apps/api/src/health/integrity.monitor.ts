import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { LogIntegrityBroken } from '@duban/application';
import { brokenEventOf } from '@duban/application';
import type { BrokenEvent, WriteGate } from '@duban/application';
import type { EventStore, LogHead } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';

export type ChainState = 'verifying' | 'ok' | 'broken';
export type { BrokenEvent };

/** The file beside the store that keeps the last verified head across restarts. */
export const VERIFIED_HEAD_FILE = 'verified-head.json';

/**
 * Keeps the api from serving a log that no longer verifies (the same walk as
 * `duban verify`, EventStore.verify). At start it verifies from the head kept
 * in `verified-head.json` (the whole log when there is none) in the background:
 * the server listens at once, /ready is 503 until the pass ends. Then, every
 * DUBAN_VERIFY_INTERVAL_SECONDS, it verifies what was written since. After a
 * start from a kept head one complete walk follows in the background, so an
 * event altered before that head (or a forged head file) is found too.
 *
 * The kept head cannot skip verification: a log that no longer reaches it, or
 * carries another hash there, fails the pass (see VerifyOptions.from); a head
 * file naming a later position than the truth still meets the complete walk.
 * A failure is final until restart: the state is 'broken', logged at error
 * level, /ready is 503 and every write is refused: the monitor is the api's
 * WriteGate (integrity.module.ts), asked by the one CommandExecutor before
 * each append — HTTP commands (503, see http-errors.filter.ts), the
 * processors (held at their event, see /health) and the unit registry alike.
 */
@Injectable()
export class IntegrityMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown, WriteGate {
  private readonly logger = new Logger('Integrity');
  private readonly file: string;
  private readonly abort = new AbortController();
  private state: ChainState = 'verifying';
  private verified: LogHead | null = null;
  private broken: BrokenEvent | null = null;
  private lastError: string | null = null;
  private pass: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstPassEnded!: () => void;
  private readonly firstPass = new Promise<void>((resolve) => (this.firstPassEnded = resolve));

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.file = join(config.dataDir, VERIFIED_HEAD_FILE);
  }

  onApplicationBootstrap(): void {
    const kept = this.readKeptHead();
    this.verified = kept;
    this.pass = (async () => {
      try {
        await this.verifyFrom(kept);
      } finally {
        this.firstPassEnded();
      }
      if (kept && this.state === 'ok') await this.verifyFrom(null); // the complete walk behind the kept head
    })().finally(() => (this.pass = null));
    if (this.config.verifyIntervalSeconds > 0) {
      this.timer = setInterval(() => this.tick(), this.config.verifyIntervalSeconds * 1000);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.firstPassEnded(); // nobody waits on a pass that will not end
    if (this.timer) clearInterval(this.timer);
    this.abort.abort(new Error('the api is shutting down'));
    await this.pass?.catch(() => undefined);
  }

  get chain(): ChainState {
    return this.state;
  }

  get brokenEvent(): BrokenEvent | null {
    return this.broken;
  }

  /** The WriteGate: the first pass has ended (the processors start then, see ParksApplicationModule). */
  judged(): Promise<void> {
    return this.firstPass;
  }

  /** The WriteGate: a broken chain refuses every write, naming the first bad event. Open while verifying and when ok. */
  refusal(): LogIntegrityBroken | null {
    return this.broken ? new LogIntegrityBroken(this.broken) : null;
  }

  /** For /ready and /health. */
  describe(): Record<string, unknown> {
    return {
      chain: this.state,
      verifiedUpTo: this.verified ? `${this.verified.hash}@${this.verified.position}` : null,
      ...(this.broken ? { brokenEvent: this.broken } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** A timer tick: verify what was written since the last verified head, unless a pass is still running. */
  private tick(): void {
    if (this.pass || this.state === 'broken') return;
    this.pass = this.verifyFrom(this.verified).finally(() => (this.pass = null));
  }

  private async verifyFrom(from: LogHead | null): Promise<void> {
    try {
      const report = await this.store.verify({ ...(from ? { from } : {}), signal: this.abort.signal });
      if (this.state === 'broken') return;
      if (!report.ok) {
        const f = report.failure!;
        this.broken = brokenEventOf(f);
        this.state = 'broken';
        if (this.timer) clearInterval(this.timer);
        this.logger.error(
          `the event log failed verification: event ${f.kind} — stream ${f.stream}, version ${f.streamVersion}` +
            `${f.globalPosition !== null ? `, global position ${f.globalPosition}` : ''}: ${f.detail}. ` +
            '/ready answers 503 and writes are refused until the log is repaired and the api restarted',
        );
        return;
      }
      if (report.head && (!this.verified || report.head.position >= this.verified.position)) {
        this.verified = report.head;
        this.keepHead(report.head);
      }
      this.state = 'ok';
      this.lastError = null;
    } catch (err) {
      if (this.abort.signal.aborted) return;
      // the store did not answer: not a break; /ready reports the store, and the next tick tries again
      this.lastError = (err as Error).message;
      this.logger.warn(`verifying the event log failed (${this.lastError}); retrying at the next interval`);
    }
  }

  private readKeptHead(): LogHead | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return null; // none yet: the first pass walks the whole log
    }
    try {
      const kept = JSON.parse(text) as { store?: string; position?: string; hash?: string };
      if (kept.store !== this.store.kind || !/^\d{1,19}$/.test(kept.position ?? '') || !/^[0-9a-f]{64}$/.test(kept.hash ?? '')) throw new Error('not a head');
      return { position: BigInt(kept.position!), hash: kept.hash! };
    } catch {
      this.logger.warn(`${this.file} holds no verified head of this ${this.store.kind} store; verifying the whole log`);
      return null;
    }
  }

  private keepHead(head: LogHead): void {
    try {
      mkdirSync(this.config.dataDir, { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ store: this.store.kind, position: head.position.toString(), hash: head.hash })}\n`);
      renameSync(tmp, this.file); // atomic: a crash leaves the old head or the new one, never half of one
    } catch (err) {
      this.logger.warn(`could not keep the verified head in ${this.file}: ${(err as Error).message}`);
    }
  }
}
