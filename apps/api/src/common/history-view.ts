import type { RecordedEvent } from '@duban/eventstore';

/** An item's events as the API shows them: what happened, who did it, when it took effect and when it was recorded. */
export function historyView(events: RecordedEvent[]) {
  return events.map((e) => ({
    version: Number(e.streamVersion),
    position: e.globalPosition.toString(),
    type: e.type,
    data: e.data,
    actor: { userId: e.metadata.actorUserId, unitId: e.metadata.actorUnitId, role: e.metadata.actorRole },
    occurredAt: e.metadata.occurredAt,
    recordedAt: e.metadata.recordedAt,
    commandId: e.metadata.commandId,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId,
    eventId: e.id,
    hash: e.hash,
  }));
}
