/**
 * Effective time never runs backwards inside one item's stream.
 *
 * Back-filling a past year is legitimate (`at` may lie long before the wall
 * clock), but within a stream an act takes effect no earlier than the act it
 * answers. The rule the deciders apply is the simplest one that guarantees
 * the loop reads in order: **no act before the latest act on the same loop**
 * (a task share, an issue; for a task's own acts, the latest task-level act).
 * The state remembers that latest act (`ActStamp`) as events are folded; the
 * time of an event is its effective time (the envelope's `occurredAt`, handed
 * to `evolve` by whoever folds the stream).
 */
import { EffectiveTimeAfterReceipt, EffectiveTimeBeforeEarlierAct } from './errors';
import { compareInstants } from './guards';

/** The latest act on a stream (or share) and its effective time. */
export interface ActStamp {
  /** The event type of the act, e.g. 'task.share.completion_submitted.v1'. */
  readonly act: string;
  /** Its effective time (ISO instant). */
  readonly at: string;
}

/** The later of two stamps (the first when they are the same instant); null only when both are. */
export function laterAct(a: ActStamp | null, b: ActStamp | null): ActStamp | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareInstants(b.at, a.at) > 0 ? b : a;
}

/** The stamp of an event folded with its effective time; null when the time is not known. */
export function actOf(type: string, at: string | undefined): ActStamp | null {
  return at === undefined ? null : { act: type, at };
}

/** A command may take effect at the same instant as the latest act, never before it. */
export function requireNotBefore(command: string, at: string, latest: ActStamp | null): void {
  if (latest !== null && compareInstants(at, latest.at) < 0) {
    throw new EffectiveTimeBeforeEarlierAct(command, at, latest.act, latest.at);
  }
}

/** How far an effective time may lie after the command's receipt: clock skew between client and server, no more. */
export const FUTURE_TOLERANCE_MS = 60_000;

/** No effective time after the command was received (plus the clock-skew tolerance). */
export function requireNotAfterReceipt(command: string, at: string, receivedAt: string): void {
  if (Date.parse(at) > Date.parse(receivedAt) + FUTURE_TOLERANCE_MS) {
    throw new EffectiveTimeAfterReceipt(command, at, receivedAt);
  }
}
