import { createHash } from 'node:crypto';

/** Stream names: one stream per task (all its shares) and one per issue. */
export const taskStream = (taskId: string): string => `task-${taskId}`;
export const issueStream = (issueId: string): string => `issue-${issueId}`;

/**
 * A task's default id: a hash of its document number (文号) and item path, so
 * the same item of the same document always gets the same id — registering it
 * twice is refused, and re-importing a document finds the tasks it made.
 */
export function taskIdFor(docNumber: string, itemPath: string): string {
  return createHash('sha256').update(`${docNumber}\u0000${itemPath}`).digest('hex').slice(0, 32);
}
