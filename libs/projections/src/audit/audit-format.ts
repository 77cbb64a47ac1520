import type { AuditEntry } from './audit-entry';

/** The CSV columns, in order (English field names; the header row of every CSV export). */
export const AUDIT_CSV_COLUMNS = [
  'position',
  'recorded_at',
  'occurred_at',
  'stream',
  'stream_version',
  'event_id',
  'type',
  'item_key',
  'units',
  'actor_user_id',
  'actor_unit_id',
  'actor_role',
  'command_id',
  'correlation_id',
  'causation_id',
  'data',
  'extra_metadata',
  'hash',
] as const;

export const AUDIT_CSV_HEADER = `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;

/** An entry as JSON: bigints (positions, versions) as decimal strings, as the HTTP API writes them. */
export function auditEntryJson(e: AuditEntry) {
  return {
    position: e.position.toString(),
    eventId: e.eventId,
    stream: e.stream,
    streamVersion: e.streamVersion.toString(),
    type: e.type,
    itemKey: e.itemKey,
    units: e.units,
    actor: e.actor,
    commandId: e.commandId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    data: e.data,
    extraMetadata: e.extraMetadata,
    hash: e.hash,
  };
}

export function auditJsonLine(e: AuditEntry): string {
  return `${JSON.stringify(auditEntryJson(e))}\n`;
}

export function auditCsvRow(e: AuditEntry): string {
  const fields = [
    e.position.toString(),
    e.recordedAt,
    e.occurredAt,
    e.stream,
    e.streamVersion.toString(),
    e.eventId,
    e.type,
    e.itemKey ?? '',
    JSON.stringify(e.units),
    e.actor.userId,
    e.actor.unitId ?? '',
    e.actor.role,
    e.commandId,
    e.correlationId,
    e.causationId,
    JSON.stringify(e.data),
    e.extraMetadata === null ? '' : JSON.stringify(e.extraMetadata),
    e.hash,
  ];
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a double quote, CR
 * or LF, with quotes doubled. A field that a spreadsheet would take for a
 * formula (starting with = + - @, tab or CR) is prefixed with a single quote.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
