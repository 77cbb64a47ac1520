import type { Command } from 'commander';
import { eventStoreFile, loadConfig } from '@duban/config';
import type { EventStore, EventStoreSettings, RecordedEvent } from '@duban/eventstore';
import { createEventStore, describeEventStore } from '@duban/eventstore';
import { issueStream, taskStream } from '@duban/application/streams';
import { AuditItemTracker, belongsToShare, unitsEverShared } from '@duban/projections/audit/audit-item';
import { shanghaiTime, summarizeEvent } from '@duban/projections/audit/audit-summary';

export interface HistoryCommandOptions {
  json?: boolean;
}

/** What ITEM names, once looked up in the store. */
type Target =
  | { kind: 'task'; taskId: string; events: RecordedEvent[] }
  | { kind: 'share'; taskId: string; unitId: string; events: RecordedEvent[] }
  | { kind: 'issue'; issueId: string; events: RecordedEvent[] };

class ItemNotFound extends Error {}

/** Back-dated: the effective time lies more than 5 minutes before the time it was recorded (补录, back-filled). */
const BACKFILL_MS = 5 * 60_000;

/** Registers `duban history ITEM [--json]`. */
export function addHistoryCommand(program: Command): void {
  program
    .command('history')
    .description("print an item's events straight from the event store, oldest first (times in Asia/Shanghai); exit 1 when there is no such item")
    .argument('<item>', 'a task id, task:<taskId>:<unitId> (one share), an issue id; task:<id> / issue:<id> to say which')
    .option('--json', 'one JSON object per event (JSON Lines)')
    .action(async (item: string, opts: HistoryCommandOptions) => {
      process.exitCode = await historyCommand(item, opts);
    });
}

/**
 * `duban history ITEM [--json]`: an item's events straight from the event
 * store (no read model needed), oldest first. ITEM is a task id, a share
 * (`task:<taskId>:<unitId>`), an issue id, or `task:<taskId>` / `issue:<issueId>`
 * to say which. Exit 0 with the history, 1 when there is no such item.
 */
export async function historyCommand(item: string, options: HistoryCommandOptions): Promise<number> {
  const config = loadConfig(process.env);
  const settings: EventStoreSettings = {
    kurrentDbUrl: config.kurrentDbUrl,
    sqliteFile: eventStoreFile(config),
    sqliteSynchronous: config.sqliteSynchronous,
  };
  const store = createEventStore(settings);
  let target: Target;
  try {
    target = await resolve(store, item.trim());
  } catch (err) {
    if (!(err instanceof ItemNotFound)) throw err;
    process.stderr.write(`duban: ${err.message} (events: ${describeEventStore(settings)})\n`);
    return 1;
  } finally {
    await store.close();
  }

  const tracker = new AuditItemTracker();
  const rows = target.events
    .map((e) => ({ e, ...tracker.next(e.type, e.data) }))
    .filter((r) => target.kind !== 'share' || belongsToShare(r, target.taskId, target.unitId));

  const out: string[] = [];
  if (options.json) {
    for (const { e, key, units } of rows) {
      out.push(
        JSON.stringify({
          item: key,
          units,
          stream: e.stream,
          version: Number(e.streamVersion),
          position: e.globalPosition.toString(),
          type: e.type,
          occurredAt: e.metadata.occurredAt,
          recordedAt: e.metadata.recordedAt,
          actor: { userId: e.metadata.actorUserId, unitId: e.metadata.actorUnitId, role: e.metadata.actorRole },
          commandId: e.metadata.commandId,
          correlationId: e.metadata.correlationId,
          causationId: e.metadata.causationId,
          eventId: e.id,
          hash: e.hash,
          summary: summarizeEvent(e.type, e.data),
          data: e.data,
        }),
      );
    }
  } else {
    out.push(`# ${title(target)} — ${rows.length} event${rows.length === 1 ? '' : 's'}; times in Asia/Shanghai (北京时间): effective / recorded`);
    const actors = rows.map(({ e }) => `${e.metadata.actorUnitId ?? '-'} ${e.metadata.actorUserId} (${e.metadata.actorRole})`);
    const actorWidth = Math.max(0, ...actors.map(displayWidth));
    const typeWidth = Math.max(0, ...rows.map(({ e }) => e.type.length));
    const versionWidth = Math.max(0, ...rows.map(({ e }) => `v${e.streamVersion}`.length));
    rows.forEach(({ e }, i) => {
      const backfilled = Date.parse(e.metadata.recordedAt) - Date.parse(e.metadata.occurredAt) > BACKFILL_MS;
      out.push(
        [
          `v${e.streamVersion}`.padEnd(versionWidth),
          `${shanghaiTime(e.metadata.occurredAt)}${backfilled ? '*' : ' '}`,
          shanghaiTime(e.metadata.recordedAt),
          padDisplay(actors[i], actorWidth),
          e.type.padEnd(typeWidth),
          summarizeEvent(e.type, e.data),
        ].join('  '),
      );
    });
    if (rows.some(({ e }) => Date.parse(e.metadata.recordedAt) - Date.parse(e.metadata.occurredAt) > BACKFILL_MS)) {
      out.push('* back-dated (补录): took effect more than 5 minutes before it was recorded');
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

async function resolve(store: EventStore, item: string): Promise<Target> {
  if (item === '') throw new ItemNotFound('say which item: a task id, task:<taskId>:<unitId>, or an issue id');
  const task = async (taskId: string) => store.readStream(taskStream(taskId));
  const issue = async (issueId: string) => store.readStream(issueStream(issueId));

  if (item.startsWith('issue:')) {
    const issueId = item.slice('issue:'.length);
    const events = await issue(issueId);
    if (events.length === 0) throw new ItemNotFound(`no issue ${issueId}`);
    return { kind: 'issue', issueId, events };
  }
  if (item.startsWith('task:')) {
    const rest = item.slice('task:'.length);
    const whole = await task(rest);
    if (whole.length > 0) return { kind: 'task', taskId: rest, events: whole };
    const cut = rest.lastIndexOf(':');
    if (cut <= 0) throw new ItemNotFound(`no task ${rest}`);
    const taskId = rest.slice(0, cut);
    const unitId = rest.slice(cut + 1);
    const events = await task(taskId);
    if (events.length === 0) throw new ItemNotFound(`no task ${taskId}`);
    // every unit that ever had a share: the registration's, and those an amendment added or removed (a dropped share keeps its history)
    const units = unitsEverShared(events);
    if (!units.includes(unitId)) {
      throw new ItemNotFound(`task ${taskId} has no share for unit ${unitId} (responsible units: ${units.join('、') || 'none'})`);
    }
    return { kind: 'share', taskId, unitId, events };
  }
  const [asTask, asIssue] = await Promise.all([task(item), issue(item)]);
  if (asTask.length > 0 && asIssue.length > 0) {
    throw new ItemNotFound(`both a task and an issue are named ${item}: say task:${item} or issue:${item}`);
  }
  if (asTask.length > 0) return { kind: 'task', taskId: item, events: asTask };
  if (asIssue.length > 0) return { kind: 'issue', issueId: item, events: asIssue };
  throw new ItemNotFound(`no task or issue ${item}`);
}

function title(t: Target): string {
  const current = currentTitle(t.events);
  const name = current === null ? '' : ` 「${current}」`;
  switch (t.kind) {
    case 'task':
      return `task ${t.taskId}${name} (stream ${taskStream(t.taskId)}, all shares)`;
    case 'share':
      return `share of ${t.unitId} in task ${t.taskId}${name} (task:${t.taskId}:${t.unitId})`;
    case 'issue':
      return `issue ${t.issueId}${name} (stream ${issueStream(t.issueId)})`;
  }
}

/** The item's title: the first event's (registration, report), as the last amendment of it left it. */
function currentTitle(events: readonly RecordedEvent[]): string | null {
  const first = events[0]?.data as Record<string, unknown> | undefined;
  let title = typeof first?.title === 'string' ? first.title : null;
  for (const e of events) {
    if (!e.type.startsWith('task.amended.')) continue;
    const changes = (e.data as { changes?: unknown } | null)?.changes;
    for (const c of Array.isArray(changes) ? (changes as unknown[]) : []) {
      const { field, to } = (c ?? {}) as { field?: unknown; to?: unknown };
      if (field === 'title' && typeof to === 'string') title = to;
    }
  }
  return title;
}

/** Terminal columns: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

function padDisplay(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
