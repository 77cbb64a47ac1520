import type { LadderStepFactData, UrgeFactData } from '../ladder/facts';
import type { DeadlineRecount } from '../calendar/recount-deadline';
import type { DeadlineCount, EvidenceRef, MetricValue } from './state';

/**
 * The `assigned` fact. `deadlineCount`: present when the system counted the
 * deadline in working days (an issue's default deadline); `provisional: true`
 * when that count crossed a provisional calendar year (no State Council notice
 * yet), so the deadline may be recounted (`deadline_recounted`).
 */
export interface AssignedFactData {
  readonly unitId: string;
  readonly deadline: string;
  readonly at: string;
  readonly deadlineCount?: DeadlineCount;
  readonly provisional?: true;
}

/**
 * The recount of a deadline counted in working days once the official
 * calendar replaced provisional years it crossed (recountDeadline's answer,
 * recorded: the old deadline is never silently rewritten). `deadline` becomes
 * the current deadline; `provisional: true` when years it crosses are still
 * provisional.
 */
export type DeadlineRecountedFactData = Omit<Extract<DeadlineRecount, { kind: 'recounted' }>, 'kind'> & {
  /** The calendar's last official year at the recount. */
  readonly lastOfficialYear: number;
  /** The recount's effective time. */
  readonly at: string;
  readonly provisional?: true;
};

/**
 * What the loop decided, before an aggregate names it. A task share publishes
 * fact `assigned` as `task.share.assigned.v1`, an issue as `issue.assigned.v1`;
 * the payload is the same (plus the aggregate's key: taskId+unitId / issueId).
 */
export type LoopFact =
  | { readonly kind: 'assigned'; readonly data: AssignedFactData }
  | { readonly kind: 'acknowledged'; readonly data: Record<never, never> }
  | {
      readonly kind: 'progress_reported';
      readonly data: {
        readonly percent: number;
        readonly narrative: string;
        readonly metricValues: readonly MetricValue[];
        readonly evidence: readonly EvidenceRef[];
      };
    }
  | { readonly kind: 'note_added'; readonly data: { readonly byUnit: string; readonly note: string } }
  | {
      readonly kind: 'completion_submitted';
      readonly data: {
        readonly submittedByUnit: string;
        readonly summary: string;
        readonly evidence: readonly EvidenceRef[];
        readonly at: string;
      };
    }
  | { readonly kind: 'completion_approved'; readonly data: { readonly at: string } }
  | { readonly kind: 'completion_rejected'; readonly data: { readonly reason: string } }
  | { readonly kind: 'reopened'; readonly data: { readonly reason: string; readonly deadline?: string; readonly at: string } }
  | { readonly kind: 'extension_requested'; readonly data: { readonly requestedDeadline: string; readonly reason: string } }
  | { readonly kind: 'extension_granted'; readonly data: { readonly deadline: string; readonly at: string } }
  | { readonly kind: 'extension_refused'; readonly data: { readonly reason: string } }
  // The lateness ladder (libs/domain/src/ladder), written by the system's clock:
  | { readonly kind: 'reminded'; readonly data: LadderStepFactData }
  | { readonly kind: 'urged'; readonly data: UrgeFactData }
  | { readonly kind: 'escalated'; readonly data: LadderStepFactData }
  | { readonly kind: 'listed_for_criticism'; readonly data: LadderStepFactData }
  // The calendar (an issue's deadline counted in working days; the system's, like the ladder):
  | { readonly kind: 'deadline_recounted'; readonly data: DeadlineRecountedFactData };

export type LoopFactKind = LoopFact['kind'];

export type LoopFactData<K extends LoopFactKind> = Extract<LoopFact, { kind: K }>['data'];

/**
 * The event an aggregate publishes for a loop fact:
 * `${Prefix}.${kind}.v1` with the aggregate's key merged into the data.
 * Distributes over K, so `LoopEvent<'issue', { issueId: string }>` is the
 * union of all issue loop events, each with its own data type.
 */
export type LoopEvent<Prefix extends string, Key extends object, K extends LoopFactKind = LoopFactKind> =
  K extends LoopFactKind ? { readonly type: `${Prefix}.${K}.v1`; readonly data: Key & LoopFactData<K> } : never;

/** Names a loop fact as an aggregate event (`prefix` like 'task.share' or 'issue'). */
export function toLoopEvent<Prefix extends string, Key extends object>(
  prefix: Prefix,
  key: Key,
  fact: LoopFact,
): LoopEvent<Prefix, Key> {
  return { type: `${prefix}.${fact.kind}.v1`, data: { ...key, ...fact.data } } as unknown as LoopEvent<Prefix, Key>;
}

/** The loop fact inside an aggregate's loop event (the key fields ride along, unused). */
export function fromLoopEvent<Prefix extends string>(
  prefix: Prefix,
  event: { readonly type: string; readonly data: object },
): LoopFact {
  const head = `${prefix}.`;
  const tail = '.v1';
  if (!event.type.startsWith(head) || !event.type.endsWith(tail)) {
    throw new Error(`${event.type} is not a loop event of ${prefix}`);
  }
  const kind = event.type.slice(head.length, -tail.length);
  return { kind, data: event.data } as LoopFact;
}
