import type { ExpectedVersion } from './event-store.port';

/** Base class so callers can tell store errors from everything else. */
export class EventStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The stream was not at the version the writer expected: somebody else wrote
 * first. `actual` is the stream's last version, or 'no_stream'.
 */
export class WrongExpectedVersionError extends EventStoreError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${stream}: expected version ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * An event id is already stored, but not as part of the same append into the
 * same stream (another stream holds it, or only part of a batch was stored).
 */
export class DuplicateEventIdError extends EventStoreError {
  constructor(
    readonly stream: string,
    readonly eventId: string,
    readonly detail: string,
  ) {
    super(`stream ${stream}: event id ${eventId} ${detail}`);
  }
}

/** The append was refused before anything was written (empty batch, bad id, non-JSON data …). */
export class InvalidAppendError extends EventStoreError {}

/** The store cannot be reached or opened. */
export class StoreUnavailableError extends EventStoreError {}
