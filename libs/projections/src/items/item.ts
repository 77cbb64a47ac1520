import type { LoopStatus } from '@duban/domain/closure-loop';
import type { IssueUrgency } from '@duban/domain/issue';
import type { TaskStatus } from '@duban/domain/task';
import type { ClockStop, LadderStepTaken, NextLadderStep } from '@duban/domain/ladder';

/** The ladder as an item row shows it. */
export interface ItemLadder {
  /** Every step taken (临近提醒, 催办 with its 催办通知 in the history, 督办, 通报批评), for every deadline, oldest first. */
  taken: LadderStepTaken[];
  /** When the unit's clock stood still (申请销号 → 退回 / 重新打开). */
  clockStops: ClockStop[];
  /** When the current deadline was set (交办, extension, reopening): the ladder counts from it. */
  deadlineSetAt: string | null;
}

/** 'task': one responsible unit's share of a task; 'issue': one issue on the ledger. */
export type ItemKind = 'task' | 'issue';

/** `task:<taskId>:<unitId>` */
export function taskItemKey(taskId: string, unitId: string): string {
  return `task:${taskId}:${unitId}`;
}

/** `issue:<issueId>` */
export function issueItemKey(issueId: string): string {
  return `issue:${issueId}`;
}

/** One row of the items read model: a task share or an issue, as its closure loop stands. */
export interface Item {
  key: string;
  kind: ItemKind;
  taskId: string | null;
  issueId: string | null;

  // --- what it is --------------------------------------------------------------
  /** Task: 文号 of the source document, e.g. 郑政办〔2021〕34号. */
  docNumber: string | null;
  docTitle: string | null;
  /** Task: item path inside the document, e.g. "三/1". */
  itemPath: string | null;
  /** Task title or issue title. */
  title: string;
  /** Issue only. */
  category: string | null;
  urgency: IssueUrgency | null;
  reportingUnit: string | null;
  parkId: string | null;
  /** Task: 督办单位. */
  supervisingOffice: string | null;

  // --- who ---------------------------------------------------------------------
  /** The responsible unit: the share's unit; for an issue, null until it is assigned. */
  unitId: string | null;
  /** Task: 牵头单位 (empty for issues). */
  leadUnits: string[];
  /** Task: 配合单位 (empty for issues). */
  cooperatingUnits: string[];

  // --- where the loop stands ---------------------------------------------------
  status: LoopStatus;
  /** Task: 'closed' once every share is closed. Null for issues. */
  taskStatus: TaskStatus | null;
  /** The item's current deadline (ISO instant as recorded); null until assigned. */
  deadline: string | null;
  /** Task: the task's 完成时限 (a share's deadline defaults to it). */
  taskDeadline: string | null;
  /** Latest reported percentage; null before the first report. */
  percent: number | null;
  progressReports: number;
  notes: number;
  reworkCount: number;
  extensionCount: number;
  reopenCount: number;
  pendingExtension: boolean;
  /** The deadline asked for by the pending extension request. */
  requestedDeadline: string | null;
  /** The unit whose completion (申请销号) awaits or passed verification; null otherwise. */
  submittedByUnit: string | null;
  submittedAt: string | null;
  closedAt: string | null;
  /** The ladder's steps taken and clock stops. */
  ladder: ItemLadder;
  /**
   * The next step of the ladder and when it falls due (rule and calendar of the
   * query; computed when read, never stored); null when none is ahead: not
   * assigned, awaiting verification, closed, or every step taken.
   */
  nextStep: NextLadderStep | null;

  // --- provenance --------------------------------------------------------------
  /** Type of the last event that changed this row. */
  lastEventType: string;
  /** Global position of the last event that changed this row. */
  lastPosition: bigint;
  /**
   * Version of the latest event of the item's stream seen by the projection
   * (for a task: any share's event moves it on every share of the task), usable
   * as `expectedVersion` for the next command.
   */
  streamVersion: bigint;
  /** recordedAt of the last event that changed this row. */
  updatedAt: string;
  /** occurredAt (effective time) of the last event that changed this row. */
  occurredAt: string;
}

/** What awaits action on an item. */
export type InboxAction =
  /** 签收: the unit signs for an assigned item. */
  | 'acknowledge'
  /** 进展报送: the unit reports progress. */
  | 'report_progress'
  /** 申请销号: the unit may submit completion (from in_progress). */
  | 'submit_completion'
  /** 交办: the supervision office assigns a registered share / a reported issue. */
  | 'assign'
  /** 销号 or 退回: the supervision office verifies a submitted completion. */
  | 'verify_completion'
  /** The supervision office grants or refuses a pending extension request (延期). */
  | 'decide_extension'
  /** 督办: the ladder escalated the open item (its 督办 step for the current deadline); the office supervises it. */
  | 'supervise'
  /** 通报批评: the ladder listed the open item for criticism (current deadline); the office issues the 通报. */
  | 'criticise';

export interface InboxEntry {
  item: Item;
  /** Frozen, and shared by every entry that needs the same actions (the serialiser caches its JSON). */
  needs: readonly InboxAction[];
  /** The deadline lies before the inbox's `at`. */
  overdue: boolean;
  /** Milliseconds from `at` to the deadline (negative when overdue); null without a deadline. */
  msToDeadline: number | null;
  /** The 催办通知 of the latest urge (催办) for the current deadline, as the unit is to read it; null when not urged. */
  notice: string | null;
}

export interface Page<T> {
  rows: T[];
  total: number;
  limit: number;
  offset: number;
}

/** The fields the items model and the ledger's versions share (the rest is each model's bookkeeping). */
export type LoopItemFields = Omit<Item, 'lastEventType' | 'lastPosition' | 'streamVersion' | 'updatedAt' | 'nextStep'>;

/** Their columns as stored, with integers read as N (bigint for items, number for the ledger). */
export interface LoopItemColumns<N extends number | bigint> {
  key: string;
  kind: ItemKind;
  task_id: string | null;
  issue_id: string | null;
  doc_number: string | null;
  doc_title: string | null;
  item_path: string | null;
  title: string;
  category: string | null;
  urgency: IssueUrgency | null;
  reporting_unit: string | null;
  park_id: string | null;
  supervising_office: string | null;
  unit_id: string | null;
  lead_units: string;
  cooperating_units: string;
  status: LoopStatus;
  task_status: TaskStatus | null;
  deadline: string | null;
  task_deadline: string | null;
  percent: number | null;
  progress_reports: N;
  notes: N;
  rework_count: N;
  extension_count: N;
  reopen_count: N;
  pending_extension: N;
  requested_deadline: string | null;
  submitted_by_unit: string | null;
  submitted_at: string | null;
  closed_at: string | null;
  ladder: string;
  occurred_at: string;
}

/** One mapping from stored columns to the shared fields; `unitList` parses a JSON unit list (the ledger caches). */
export function loopItemFields<N extends number | bigint>(r: LoopItemColumns<N>, unitList: (json: string) => string[]): LoopItemFields {
  return {
    key: r.key,
    kind: r.kind,
    taskId: r.task_id,
    issueId: r.issue_id,
    docNumber: r.doc_number,
    docTitle: r.doc_title,
    itemPath: r.item_path,
    title: r.title,
    category: r.category,
    urgency: r.urgency,
    reportingUnit: r.reporting_unit,
    parkId: r.park_id,
    supervisingOffice: r.supervising_office,
    unitId: r.unit_id,
    leadUnits: unitList(r.lead_units),
    cooperatingUnits: unitList(r.cooperating_units),
    status: r.status,
    taskStatus: r.task_status,
    deadline: r.deadline,
    taskDeadline: r.task_deadline,
    percent: r.percent === null ? null : Number(r.percent),
    progressReports: Number(r.progress_reports),
    notes: Number(r.notes),
    reworkCount: Number(r.rework_count),
    extensionCount: Number(r.extension_count),
    reopenCount: Number(r.reopen_count),
    pendingExtension: Number(r.pending_extension) === 1,
    requestedDeadline: r.requested_deadline,
    submittedByUnit: r.submitted_by_unit,
    submittedAt: r.submitted_at,
    closedAt: r.closed_at,
    ladder: JSON.parse(r.ladder) as ItemLadder,
    occurredAt: r.occurred_at,
  };
}
