/**
 * The commit step's data: the plan (what an import would do, decided before
 * anything is written) and the report (what it did). Plain JSON apart from the
 * domain commands it carries (themselves plain JSON): positions and versions
 * are strings.
 */
import type { Actor } from '@duban/domain/decider';
import type { ReviseTarget, SetTarget } from '@duban/domain/target';
import type { AmendTask, NumericTarget, RegisterTask } from '@duban/domain/task';
import type { ItemTarget, PreviewUnresolved } from '../types';

export const IMPORT_PLAN_FORMAT = 'duban.import-plan/1';
export const IMPORT_REPORT_FORMAT = 'duban.import-report/1';

/** What the commit does with one item or annex row. */
export type PlanAction =
  /** Not on the ledger yet: the command is sent. */
  | 'register'
  /** On the ledger with the same content: nothing is written. */
  | 'unchanged'
  /**
   * On the ledger with other content: the diff is shown; the commit writes the
   * `amendment` (AmendTask / ReviseTarget) only when the plan accepts
   * amendments and the domain would not refuse it (`reasons` empty).
   */
  | 'amended'
  /** Something RegisterTask / SetTarget requires is missing (see `reasons`). */
  | 'not-registrable';

/** The fields of a task compared with the ledger (registration data only; shares and their progress are not). */
export type TaskField = 'title' | 'text' | 'documentTitle' | 'leadUnits' | 'responsibleUnits' | 'cooperatingUnits' | 'deadline' | 'target';
export type TargetField = 'value' | 'unitOfMeasure';

/** One field that differs between the ledger (`before`) and the document (`after`). */
export interface FieldChange {
  readonly field: TaskField | TargetField;
  readonly before: string | number | readonly string[] | NumericTarget | null;
  readonly after: string | number | readonly string[] | NumericTarget | null;
  /** Unit lists (compared as sets): the units the document adds and drops. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

/** What accepting an amendment sends: the command (the changed fields only) and its deterministic id. */
export interface PlannedAmendment<C> {
  /**
   * `import:<docNumber>:<path>:amend:<n>:<hash>` (targets: `…:target:<unit>/<year>/<metric>:revise:<n>:<hash>`):
   * n = the item's amendments so far + 1, hash = sha256 of the document's content for the item. A re-run of the
   * same import sends the same id (the store keeps one copy); a later amendment to other content, or back to
   * an earlier one, gets a new id.
   */
  readonly commandId: string;
  readonly command: C;
}

export interface PlannedTask {
  readonly kind: 'task';
  readonly path: string;
  /** taskIdFor(docNumber, path); null without a 文号. */
  readonly taskId: string | null;
  readonly line: number;
  readonly title: string;
  readonly action: PlanAction;
  /** Why the item is not registrable, or why its amendment would be refused (empty otherwise). */
  readonly reasons: readonly string[];
  /** What the commit rules filled in ("lead: the document's 主办 市工信局", "deadline: year-end 2019-12-31"). */
  readonly filled: readonly string[];
  /** Other things the operator should know (targets not carried, names that did not resolve, already registered). */
  readonly notes: readonly string[];
  /** `import:<docNumber>:<path>`: retries and re-imports of the item carry the same id. */
  readonly commandId: string | null;
  /** The command the commit sends for 'register'; the document's content for 'unchanged' / 'amended'; null when it cannot be built. */
  readonly command: RegisterTask | null;
  /** 'amended': the fields that differ. */
  readonly changes: readonly FieldChange[];
  /** 'amended': the AmendTask that accepting the amendment sends (null for the other actions). */
  readonly amendment: PlannedAmendment<AmendTask> | null;
  /** Targets read in the item's text that the task does not carry (it holds one). */
  readonly otherTargets: readonly ItemTarget[];
  /** Names written for this item that did not resolve (they are not in the command). */
  readonly unresolved: readonly PreviewUnresolved[];
}

export interface PlannedTarget {
  readonly kind: 'target';
  /** Line of the annex row. */
  readonly line: number;
  /** Index of the table in the preview's `tables`. */
  readonly table: number;
  readonly unitId: string | null;
  readonly unitName: string | null;
  readonly year: number | null;
  readonly metric: string;
  readonly value: number;
  /** 计量单位: the table's 单位：…, else the known metric's (PARK_PROGRAMME_METRICS); null when neither says. */
  readonly unitOfMeasure: string | null;
  /** targetIdFor(unit, year, metric); null when the unit or the year is unknown. */
  readonly targetId: string | null;
  readonly action: PlanAction;
  readonly reasons: readonly string[];
  readonly notes: readonly string[];
  /** `import:<docNumber>:target:<unit>/<year>/<metric>`. */
  readonly commandId: string | null;
  readonly command: SetTarget | null;
  readonly changes: readonly FieldChange[];
  /** 'amended': the ReviseTarget that accepting the amendment sends (null for the other actions). */
  readonly amendment: PlannedAmendment<ReviseTarget> | null;
}

export interface PlanCounts {
  readonly register: number;
  readonly unchanged: number;
  readonly amended: number;
  readonly notRegistrable: number;
}

export interface ImportPlan {
  readonly format: typeof IMPORT_PLAN_FORMAT;
  readonly document: {
    readonly docNumber: string | null;
    readonly title: string | null;
    readonly date: string | null;
    /** The year `year-end` refers to: the document's date, else its 文号's year. */
    readonly year: number | null;
    /** 主办 as a unit id: the lead of items that name none. */
    readonly sponsor: string | null;
    /** 督办单位 of every task registered. */
    readonly supervisingOffice: string;
    /** Where it comes from: the document's 督办 line, the caller's option, or the actor's own unit. */
    readonly supervisingOfficeSource: 'document' | 'option' | 'actor';
  };
  readonly actor: Actor;
  /** The commands' effective time (ISO 8601 with offset). */
  readonly effectiveAt: string;
  readonly effectiveAtSource: 'option' | 'document' | 'now';
  /** The default deadline as given ('year-end' or a date) and the instant it stands for; null when none was given. */
  readonly defaultDeadline: { readonly given: string; readonly instant: string | null } | null;
  readonly acceptAmendments: boolean;
  readonly tasks: readonly PlannedTask[];
  readonly targets: readonly PlannedTarget[];
  readonly summary: { readonly tasks: PlanCounts; readonly targets: PlanCounts };
}

export type ReportOutcome = 'written' | 'unchanged' | 'skipped' | 'failed';

export interface ReportEntry {
  readonly kind: 'task' | 'target';
  /** 文号 of the document the entry comes from. */
  readonly docNumber: string | null;
  /** Item path (tasks); null for annex rows. */
  readonly path: string | null;
  /** Annex row line (targets) or item line (tasks). */
  readonly line: number;
  /** Task id or target id. */
  readonly id: string | null;
  /** The item's title, or "<unit> <year> <metric>" for a target. */
  readonly label: string;
  /** The units concerned: a task's lead units (or the units an error names), a target's unit. */
  readonly units: readonly string[];
  readonly outcome: ReportOutcome;
  /** 'written': the stream, its version and the global position of the last event written. */
  readonly stream?: string;
  readonly version?: string;
  readonly position?: string;
  readonly events?: readonly string[];
  /** 'written': this run's own earlier effect (a retried request with the same Idempotency-Key), nothing new written. */
  readonly replayed?: boolean;
  /** 'skipped': why. */
  readonly reason?: string;
  /** Amendments (written, or skipped): the diff. */
  readonly changes?: readonly FieldChange[];
  /** 'failed': what refused it. */
  readonly error?: { readonly name: string; readonly message: string; readonly kind?: string; readonly unknownUnits?: readonly string[] };
}

export interface OutcomeCounts {
  readonly written: number;
  readonly unchanged: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface ImportReport {
  readonly format: typeof IMPORT_REPORT_FORMAT;
  readonly docNumber: string | null;
  readonly title: string | null;
  readonly actor: Actor;
  readonly effectiveAt: string;
  /** Every event this run wrote carries it (metadata.correlationId). */
  readonly correlationId: string;
  readonly written: readonly ReportEntry[];
  readonly unchanged: readonly ReportEntry[];
  readonly skipped: readonly ReportEntry[];
  readonly errors: readonly ReportEntry[];
  readonly counts: { readonly tasks: OutcomeCounts; readonly targets: OutcomeCounts; readonly events: number };
  /** Global position of the last event written by this run (null: nothing written). */
  readonly lastPosition: string | null;
  readonly elapsedMs: number;
}

/** Reported after each item or row (for a progress line). */
export interface ImportProgress {
  readonly done: number;
  readonly total: number;
  readonly entry: ReportEntry;
}
