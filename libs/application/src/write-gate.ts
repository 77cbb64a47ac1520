import type { VerifyFailure } from '@duban/eventstore';

/**
 * The write gate: asked by the CommandExecutor before it appends, so a process
 * can refuse every write in one place — whoever sends the command (an HTTP
 * handler, a processor, the unit registry, an import). The api binds it to its
 * IntegrityMonitor: once the event log fails verification, a command decided on
 * the altered history must not chain new facts onto it.
 */
export interface WriteGate {
  /** Why writes are refused right now (the error the executor throws), or null while they may go on. */
  refusal(): Error | null;
  /**
   * Resolves once the gate has judged the log for the first time (the api: its
   * first verification pass ended, ok or broken). The processors start only
   * then: after a restart they would otherwise catch up, and act, on events the
   * walk has not reached yet. Absent: judged at once.
   */
  judged?(): Promise<void>;
}

/** The gate of a process that watches nothing (the CLI, tests): always open. */
export const OPEN_WRITE_GATE: WriteGate = { refusal: () => null };

/** Nest token of the WriteGate; optional (the open gate when no module provides it). */
export const WRITE_GATE = Symbol('WRITE_GATE');

/** The first event at which the log failed verification, as /ready, the 503 and the log name it. */
export interface BrokenEvent {
  kind: VerifyFailure['kind'];
  stream: string;
  streamVersion: string;
  /** Null where the store has no global position for it (a KurrentDB stream's own chain). */
  globalPosition: string | null;
  detail: string;
}

/** A verification failure as the api and the CLI name it (positions as strings: exact in JSON). */
export function brokenEventOf(f: VerifyFailure): BrokenEvent {
  return {
    kind: f.kind,
    stream: f.stream,
    streamVersion: f.streamVersion.toString(),
    globalPosition: f.globalPosition === null ? null : f.globalPosition.toString(),
    detail: f.detail,
  };
}

/** The event log failed verification: writes are refused until it is repaired (and the process restarted). */
export class LogIntegrityBroken extends Error {
  constructor(readonly brokenEvent: BrokenEvent) {
    super(
      `the event log failed verification at stream ${brokenEvent.stream}, version ${brokenEvent.streamVersion}` +
        `${brokenEvent.globalPosition !== null ? ` (global position ${brokenEvent.globalPosition})` : ''}: writes are refused until it is repaired`,
    );
    this.name = 'LogIntegrityBroken';
  }
}
