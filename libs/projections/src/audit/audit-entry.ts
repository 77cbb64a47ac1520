import type { Role } from '@duban/eventstore';

/** One event of the audit trail, as stored: every event of the log, whatever its type. */
export interface AuditEntry {
  /** Global position in the log (the order of the trail, and the paging cursor). */
  position: bigint;
  eventId: string;
  stream: string;
  streamVersion: bigint;
  type: string;
  /** `task:<taskId>:<unitId>` (one share), `task:<taskId>` (task-level), `issue:<issueId>`, or null. */
  itemKey: string | null;
  /** The units whose share or issue the event concerns (see audit-item.ts). */
  units: string[];
  actor: { userId: string; unitId: string | null; role: Role };
  commandId: string;
  correlationId: string;
  causationId: string;
  /** When the fact took effect (effective time), as recorded. */
  occurredAt: string;
  /** When the store accepted the event (the store's clock, UTC). */
  recordedAt: string;
  data: unknown;
  /** Metadata keys beyond the standard ones, verbatim (they are covered by the hash too); null when none. */
  extraMetadata: Record<string, unknown> | null;
  /** The event's hash in its stream's chain (sha256 hex). */
  hash: string;
}

/** Which time a `from` / `to` range is on. */
export type AuditTimeAxis = 'recorded' | 'effective';

export interface AuditFilter {
  /**
   * `issue:<issueId>`; `task:<taskId>` (the whole task: its task-level events
   * and every share's); `task:<taskId>:<unitId>` (one share: its events and the
   * task-level events that concern its unit — the registration that opened it,
   * the task's closing). When a task id itself contains `:`, `task:<id>` is read
   * as the whole task if the trail holds such a task, otherwise as a share.
   */
  item?: string;
  /**
   * A unit: events it caused (actor unit) OR events that concern it (the unit
   * of the share or issue; see audit-item.ts). Either is enough.
   */
  unit?: string;
  /** Actor user id. */
  actor?: string;
  correlationId?: string;
  /** An event type, exact (e.g. `task.share.completion_approved.v1`). */
  type?: string;
  /**
   * From this instant (inclusive) … to this instant (exclusive), on `axis`.
   * ISO 8601 with an offset (`2021-05-01T00:00:00+08:00`, `…Z`), or a date
   * `YYYY-MM-DD`, read as midnight in Asia/Shanghai (so `to=2021-06-01` ends
   * with May).
   */
  from?: string | Date;
  to?: string | Date;
  /** 'recorded' (default): when the store accepted the event; 'effective': when it took effect (occurredAt). */
  axis?: AuditTimeAxis;
  /** Keyset cursor: events strictly after this global position (the previous page's `nextAfterPosition`). */
  afterPosition?: bigint;
  /** Only events at or before this position: pins a listing or an export to one state of the log. */
  untilPosition?: bigint;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface AuditPage {
  rows: AuditEntry[];
  limit: number;
  /** More events match after the last row. */
  hasMore: boolean;
  /** Pass as `afterPosition` for the next page; null when this is the last page. */
  nextAfterPosition: bigint | null;
}

export interface AuditExportResult {
  /** Rows written. */
  rows: number;
  /** The export covers the log up to this position (pinned when it started). */
  untilPosition: bigint;
  /** Position of the last row written, null when none matched. */
  lastPosition: bigint | null;
}
