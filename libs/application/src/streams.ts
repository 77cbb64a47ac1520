/** Stream names: one stream per task (all its shares) and one per issue. */
export const taskStream = (taskId: string): string => `task-${taskId}`;
export const issueStream = (issueId: string): string => `issue-${issueId}`;
