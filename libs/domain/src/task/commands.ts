import type { Command } from '../decider/decider';
import type { EvidenceRef, MetricValue } from '../closure-loop/state';
import type { LadderStepCommandData } from '../ladder/decide';

export type TargetComparator = '>=' | '>' | '=' | '<=' | '<';

export const TARGET_COMPARATORS: readonly TargetComparator[] = ['>=', '>', '=', '<=', '<'];

/** A numeric target, e.g. "20个以上" → { value: 20, unit: '个', comparator: '>=' }. */
export interface NumericTarget {
  readonly value: number;
  readonly unit: string;
  readonly comparator: TargetComparator;
}

/** The policy document a task comes from. */
export interface SourceDocument {
  /** 文号, e.g. 郑政办〔2021〕34号. */
  readonly docNumber: string;
  readonly title?: string;
}

/** Registers one numbered item of a policy document (supervisor). */
export type RegisterTask = Command<
  'RegisterTask',
  {
    readonly taskId: string;
    readonly sourceDocument: SourceDocument;
    /** Item path inside the document, e.g. "三/1" for (三)1. */
    readonly itemPath: string;
    readonly title: string;
    readonly text: string;
    /** 牵头单位, at least one. */
    readonly leadUnits: readonly string[];
    /** 责任单位, at least one, already resolved to unit ids; each gets a share. */
    readonly responsibleUnits: readonly string[];
    /** 配合单位, may be empty. */
    readonly cooperatingUnits: readonly string[];
    /** 完成时限 as an instant (e.g. end of the month, Asia/Shanghai). */
    readonly deadline: string;
    readonly target?: NumericTarget;
    /** 督办单位, e.g. 市政府办公厅四处. */
    readonly supervisingOffice: string;
  }
>;

/**
 * The registration fields a revised document can change. A field left out
 * keeps its value; unit lists are compared as sets (a new order alone is no
 * change). The 文号 and the item path name the task (its id derives from them)
 * and the 督办 office is not the document's to change: neither is here.
 */
export interface TaskAmendments {
  readonly title?: string;
  readonly text?: string;
  /** The source document's title; null removes it. */
  readonly documentTitle?: string | null;
  /** 牵头单位, at least one. */
  readonly leadUnits?: readonly string[];
  /**
   * 责任单位, at least one. A unit added gets a new share (status registered, as
   * at registration); a unit dropped loses its share, which is refused
   * (ShareHasWork) once anything beyond its 交办 is recorded on it.
   */
  readonly responsibleUnits?: readonly string[];
  /** 配合单位, may be empty. */
  readonly cooperatingUnits?: readonly string[];
  /** 完成时限: the task's deadline (the default of shares assigned later; assigned shares keep theirs). */
  readonly deadline?: string;
  /** The numeric target; null removes it. */
  readonly target?: NumericTarget | null;
}

/**
 * Amends a registered, open task (supervisor): the fields a revised document
 * changes, why, and which document says so. Nothing changes → no event.
 */
export type AmendTask = Command<
  'AmendTask',
  TaskAmendments & {
    readonly taskId: string;
    /** Why, e.g. "郑政办〔2021〕40号 修订" or "re-import of 郑政办〔2021〕34号 (000.txt)". */
    readonly reason: string;
    /** The amending document: its 文号, or the file re-imported. */
    readonly documentRef?: string;
  }
>;

/** Every share command names the task and the share (by its responsible unit). */
interface ShareRef {
  readonly taskId: string;
  readonly unitId: string;
}

/** 交办 (supervisor). The deadline defaults to the task's deadline. */
export type AssignShare = Command<'AssignShare', ShareRef & { readonly deadline?: string }>;
/** 签收 (the share's unit). */
export type AcknowledgeShare = Command<'AcknowledgeShare', ShareRef>;
/** 进展报送 (the share's unit). */
export type ReportShareProgress = Command<
  'ReportShareProgress',
  ShareRef & {
    readonly percent: number;
    readonly narrative: string;
    readonly metricValues?: readonly MetricValue[];
    readonly evidence?: readonly EvidenceRef[];
  }
>;
/** A progress note by a lead or cooperating unit (协办); it changes no status. */
export type AddShareProgressNote = Command<'AddShareProgressNote', ShareRef & { readonly note: string }>;
/** 申请销号 (the share's unit), with evidence. */
export type SubmitShareCompletion = Command<
  'SubmitShareCompletion',
  ShareRef & { readonly summary: string; readonly evidence: readonly EvidenceRef[] }
>;
/** 销号 (supervisor, not of the submitting unit). */
export type ApproveShareCompletion = Command<'ApproveShareCompletion', ShareRef>;
/** 退回 (supervisor, not of the submitting unit), with a reason. */
export type RejectShareCompletion = Command<'RejectShareCompletion', ShareRef & { readonly reason: string }>;
/** 重新打开 (supervisor), optionally with a new deadline. */
export type ReopenShare = Command<'ReopenShare', ShareRef & { readonly reason: string; readonly deadline?: string }>;
/** 申请延期 (the share's unit), before the current deadline. */
export type RequestShareExtension = Command<
  'RequestShareExtension',
  ShareRef & { readonly requestedDeadline: string; readonly reason: string }
>;
/** Grants the pending extension (supervisor); `deadline` may shorten the requested date. */
export type GrantShareExtension = Command<'GrantShareExtension', ShareRef & { readonly deadline?: string }>;
/** Refuses the pending extension (supervisor). */
export type RefuseShareExtension = Command<'RefuseShareExtension', ShareRef & { readonly reason: string }>;

/**
 * Records a step of the lateness ladder on a share (the system's clock only:
 * actor role 'system'). A stale step (share submitted or closed, deadline
 * moved, step already taken for that deadline) produces no event.
 */
export type RecordShareLadderStep = Command<'RecordShareLadderStep', ShareRef & LadderStepCommandData>;

export type ShareCommand =
  | AssignShare
  | AcknowledgeShare
  | ReportShareProgress
  | AddShareProgressNote
  | SubmitShareCompletion
  | ApproveShareCompletion
  | RejectShareCompletion
  | ReopenShare
  | RequestShareExtension
  | GrantShareExtension
  | RefuseShareExtension
  | RecordShareLadderStep;

export type TaskCommand = RegisterTask | AmendTask | ShareCommand;
