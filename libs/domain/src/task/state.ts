import type { ActStamp } from '../decider/effective-time';
import type { ClosureLoopState } from '../closure-loop/state';
import type { NumericTarget, SourceDocument } from './commands';

/** One responsible unit's share of a task: a closure loop whose unit is fixed at registration. */
export type ShareState = ClosureLoopState & { readonly unitId: string };

export type TaskStatus = 'open' | 'closed';

export interface RegisteredTask {
  /** 'closed' when every share is closed. */
  readonly status: TaskStatus;
  readonly taskId: string;
  readonly sourceDocument: SourceDocument;
  readonly itemPath: string;
  readonly title: string;
  readonly text: string;
  readonly leadUnits: readonly string[];
  readonly responsibleUnits: readonly string[];
  readonly cooperatingUnits: readonly string[];
  readonly deadline: string;
  readonly target: NumericTarget | null;
  readonly supervisingOffice: string;
  /** One share per current responsible unit, keyed by unit id (iterate `responsibleUnits` for order). */
  readonly shares: Readonly<Record<string, ShareState>>;
  readonly closedAt: string | null;
  /** How many times the closed task was reopened (through one of its shares). */
  readonly reopenCount: number;
  /** How many times the registration was amended (task.amended.v1). */
  readonly amendmentCount: number;
  /**
   * The latest act on the task itself (registration, amendment, closing,
   * reopening) with its effective time: an amendment takes effect no earlier,
   * nor does a share's reopening of the closed task. Each share keeps its own
   * `lastAct`. Null when the events were folded without their times.
   */
  readonly lastTaskAct: ActStamp | null;
}

export type TaskState = { readonly status: 'none' } | RegisteredTask;

export function isRegistered(state: TaskState): state is RegisteredTask {
  return state.status !== 'none';
}
