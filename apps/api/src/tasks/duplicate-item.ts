import { ConflictException, ServiceUnavailableException } from '@nestjs/common';
import { taskStream } from '@duban/application';
import type { EventStore } from '@duban/eventstore';
import type { ItemsQuery, ProjectionRunner } from '@duban/projections';
import { tryReachPosition } from '../common/read-your-writes';

/** The read model that knows a document's tasks (by 文号: index items_doc). */
const ITEMS_PROJECTION = 'items';
/** Rows per read: one row per share, so a document of 100 items × 10 units is one page. */
const PAGE = 1000;

/** The task POST /tasks is about to register, its path already normalised. */
export interface TaskToRegister {
  taskId: string;
  docNumber: string;
  itemPath: string;
  title: string;
}

/** The title two registrations are compared by: as written, without leading or trailing whitespace (full-width spaces too). */
export const comparableTitle = (title: string): string => title.trim();

/**
 * Refuses (409 DuplicateItem) to register a NEW task when another task of the
 * same 文号 has the same title: the same item under two paths (`三/1` by hand,
 * `一/（三）/1` from the importer), which no task id can catch because the id
 * derives from the path. Nothing is written then.
 *
 * - A task whose stream exists already is left to the executor: a retry with
 *   its Idempotency-Key replays its 201 (even when a duplicate was registered
 *   since), a second registration without one is its own 409.
 * - The document's tasks come from the items read model, which follows the log
 *   a moment behind: the check first waits (at most 2 s) until it has reached
 *   the head of the log as of now, so everything committed before this request
 *   (an import just answered) is seen. If it does not get there, the check
 *   cannot be made and the request is a 503 (nothing written, retry), rather
 *   than a registration that might be a silent duplicate.
 * - Two requests racing (a POST and an import of the same item at the same
 *   instant) may both pass: this is a check, not a constraint of the store.
 */
export async function refuseDuplicateItem(store: EventStore, runner: ProjectionRunner, items: ItemsQuery, task: TaskToRegister): Promise<void> {
  if ((await store.readStream(taskStream(task.taskId), { limit: 1 })).length > 0) return;
  const head = await store.headPosition();
  const reached = await tryReachPosition(runner, head, { projections: [ITEMS_PROJECTION] });
  if (reached !== true) {
    throw new ServiceUnavailableException(
      `cannot check ${task.docNumber} for an item titled ${JSON.stringify(task.title)} under another path: ` +
        `the items read model has not reached position ${head} within 2 s (${reached.message}); nothing was written, retry`,
    );
  }
  const existing = sameTitle(items, task);
  if (existing === null) return;
  throw new ConflictException({
    message:
      `${task.docNumber} already has an item titled ${JSON.stringify(comparableTitle(task.title))}: ${existing.itemPath} (task ${existing.taskId}). ` +
      `Registering it as ${task.itemPath} would make it twice; act on ${existing.taskId}, or amend it`,
    refusal: 'DuplicateItem',
    existingTaskId: existing.taskId,
    existingItemPath: existing.itemPath,
  });
}

/** Another task of the document with the same title (a task has a row per share: any of them tells). */
function sameTitle(items: ItemsQuery, task: TaskToRegister): { taskId: string; itemPath: string } | null {
  const title = comparableTitle(task.title);
  for (let offset = 0; ; offset += PAGE) {
    const page = items.list({ docNumber: task.docNumber, kind: 'task', limit: PAGE, offset });
    const hit = page.rows.find((row) => row.taskId !== null && row.taskId !== task.taskId && comparableTitle(row.title) === title);
    if (hit !== undefined) return { taskId: hit.taskId!, itemPath: hit.itemPath ?? '' };
    if (offset + PAGE >= page.total) return null;
  }
}
