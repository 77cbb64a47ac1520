import type Database from 'better-sqlite3';
import { toInstant } from '@duban/domain/calendar';
import type { TargetCompletion, TargetProgressSourceKind, TargetSourceDocument } from '@duban/domain/target';
import { CHECKPOINT_TABLE } from '../runner/checkpoints';
import type { TargetProgressFact, TargetValueFact, TargetView } from './targets';
import { TARGETS_SCHEMA } from './targets.projection';

export const TARGETS_PROJECTION = 'targets';

/** One target as it stood at an instant and a log position: the figures' input. */
export interface TargetAt {
  readonly targetId: string;
  readonly unitId: string;
  readonly year: number;
  readonly metric: string;
  /** The figure in force (set, or the latest revision visible), ≥ 0. */
  readonly value: number;
  /** The progress figure with the latest effective time visible (a later record wins a tie); 0 before any. */
  readonly achieved: number;
  readonly achievedAt: string | null;
}

export interface TargetsAt {
  /** Targets set (effective time ≤ the instant, position ≤ the position), by unit then metric. */
  readonly targets: TargetAt[];
  /**
   * The earliest effective time after the instant of anything recorded at or
   * before the position (a target set, a revision, a progress record): until
   * then, the same answer holds for any later instant. Infinity: nothing.
   */
  readonly nextChangeMs: number;
}

interface TargetRow {
  target_id: string;
  unit_id: string;
  year: bigint;
  metric: string;
  unit_of_measure: string;
  source_document: string;
  value_history: string;
  set_ms: bigint;
  set_position: bigint;
}

interface ProgressRow {
  target_id: string;
  position: bigint;
  value: number;
  at: string;
  at_ms: bigint;
  source_kind: TargetProgressSourceKind;
  source_ref: string;
  note: string | null;
}

export interface TargetsFilter {
  unitId?: string;
  year?: number;
  /** Take the targets as of this instant (ISO with offset, or a Date); default now. */
  asOf?: string | Date;
  /** Only events up to this global position; default the read model's checkpoint. */
  atPosition?: bigint;
}

const TARGET_COLUMNS = 'target_id, unit_id, year, metric, unit_of_measure, source_document, value_history, set_ms, set_position';
const PROGRESS_COLUMNS = 'target_id, position, value, at, at_ms, source_kind, source_ref, note';

/**
 * Reads the targets read model: targets per unit, year and metric with their
 * progress and completion, at any instant and log position.
 */
export class TargetsQuery {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Usable before the runner prepared the file; the runner owns (and may reset) the tables.
    db.exec(TARGETS_SCHEMA);
  }

  /** The log position the targets read model has reached (0 before anything), or null when it is not registered. */
  checkpoint(): bigint | null {
    const table = this.statement("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?").get(CHECKPOINT_TABLE);
    if (!table) return null;
    const row = this.statement(`SELECT position FROM ${CHECKPOINT_TABLE} WHERE name = ?`).get(TARGETS_PROJECTION) as { position: bigint } | undefined;
    return row ? row.position : null;
  }

  /**
   * Targets with their figures, progress and completion (as the domain's
   * targetCompletion computes it) at the as-of instant and position, by unit,
   * year and metric.
   */
  list(filter: TargetsFilter = {}): TargetView[] {
    const cutMs = filter.asOf === undefined ? this.now().getTime() : toInstant(filter.asOf).getTime();
    const read = this.db.transaction(() => {
      const position = filter.atPosition ?? this.checkpoint() ?? 0n;
      const where: string[] = ['set_position <= @position', 'set_ms <= @cut'];
      if (filter.unitId !== undefined) where.push('unit_id = @unit');
      if (filter.year !== undefined) where.push('year = @year');
      const params = { position, cut: cutMs, unit: filter.unitId ?? null, year: filter.year ?? null };
      const targets = this.statement(`SELECT ${TARGET_COLUMNS} FROM targets WHERE ${where.join(' AND ')} ORDER BY unit_id, year, metric`).all(params) as TargetRow[];
      const progress = this.statement(
        `SELECT ${PROGRESS_COLUMNS} FROM target_progress WHERE position <= @position AND at_ms <= @cut
           ${filter.unitId !== undefined ? 'AND unit_id = @unit' : ''} ${filter.year !== undefined ? 'AND year = @year' : ''}
         ORDER BY position`,
      ).all(params) as ProgressRow[];
      return { targets, progress, position };
    });
    const { targets, progress, position } = read.deferred();
    const byTarget = groupProgress(progress);
    return targets.map((t) => {
      const values = (JSON.parse(t.value_history) as TargetValueFact[]).filter((v) => v.atMs <= cutMs && BigInt(v.position) <= position);
      const records = byTarget.get(t.target_id) ?? [];
      const value = values.length === 0 ? 0 : values[values.length - 1].value;
      const current = latest(records);
      return {
        targetId: t.target_id,
        unitId: t.unit_id,
        year: Number(t.year),
        metric: t.metric,
        unitOfMeasure: t.unit_of_measure,
        sourceDocument: JSON.parse(t.source_document) as TargetSourceDocument,
        value,
        values,
        progress: records.map(toProgressFact),
        completion: completionOf(value, current ? current.value : 0, current ? current.at : null),
      };
    });
  }

  /**
   * Every target of `year` as it stood at `cutMs` (inclusive) and `position`:
   * its figure and its achieved figure, and when that answer next changes.
   * Call inside the caller's read transaction.
   */
  at(year: number, cutMs: number, position: bigint): TargetsAt {
    const targets = this.statement(`SELECT ${TARGET_COLUMNS} FROM targets WHERE year = ? AND set_position <= ? ORDER BY unit_id, metric`).all(
      year,
      position,
    ) as TargetRow[];
    if (targets.length === 0) return { targets: [], nextChangeMs: Infinity };
    const progress = this.statement('SELECT target_id, position, value, at, at_ms FROM target_progress WHERE year = ? AND position <= ?').all(
      year,
      position,
    ) as Pick<ProgressRow, 'target_id' | 'position' | 'value' | 'at' | 'at_ms'>[];
    let next = Infinity;
    const later = (atMs: number) => {
      if (atMs > cutMs && atMs < next) next = atMs;
    };
    const visible = new Map<string, Pick<ProgressRow, 'position' | 'value' | 'at' | 'at_ms'>[]>();
    for (const p of progress) {
      const atMs = Number(p.at_ms);
      later(atMs);
      if (atMs > cutMs) continue;
      const list = visible.get(p.target_id);
      if (list) list.push(p);
      else visible.set(p.target_id, [p]);
    }
    const out: TargetAt[] = [];
    for (const t of targets) {
      later(Number(t.set_ms));
      if (Number(t.set_ms) > cutMs) continue;
      let value = 0;
      for (const v of JSON.parse(t.value_history) as TargetValueFact[]) {
        if (BigInt(v.position) > position) continue;
        later(v.atMs);
        if (v.atMs <= cutMs) value = v.value; // log order: the last visible figure is in force
      }
      const current = latest(visible.get(t.target_id) ?? []);
      out.push({
        targetId: t.target_id,
        unitId: t.unit_id,
        year: Number(t.year),
        metric: t.metric,
        value,
        achieved: current ? current.value : 0,
        achievedAt: current ? current.at : null,
      });
    }
    return { targets: out, nextChangeMs: next };
  }

  /** The position of the latest target event the read model holds (0n: none): the targets did not change since, up to any later position. */
  lastEventPosition(): bigint {
    const row = this.statement('SELECT MAX(last_position) AS last FROM targets').get() as { last: bigint | null };
    return row.last ?? 0n;
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql).safeIntegers(true);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** The record with the latest effective time; on a tie the later one in the log (the domain's `current`). */
function latest<R extends { at_ms: bigint; position: bigint }>(records: readonly R[]): R | null {
  let best: R | null = null;
  for (const r of records) if (best === null || r.at_ms > best.at_ms || (r.at_ms === best.at_ms && r.position > best.position)) best = r;
  return best;
}

function groupProgress(rows: readonly ProgressRow[]): Map<string, ProgressRow[]> {
  const map = new Map<string, ProgressRow[]>();
  for (const r of rows) {
    const list = map.get(r.target_id);
    if (list) list.push(r);
    else map.set(r.target_id, [r]);
  }
  return map;
}

function toProgressFact(r: ProgressRow): TargetProgressFact {
  return {
    value: r.value,
    at: r.at,
    atMs: Number(r.at_ms),
    position: r.position.toString(),
    source: { kind: r.source_kind, ref: r.source_ref },
    note: r.note,
  };
}

/** The domain's targetCompletion (libs/domain/src/target/completion.ts) for a figure and an achieved value. */
export function completionOf(target: number, achieved: number, asOf: string | null): TargetCompletion {
  const ratio = target === 0 ? 1 : achieved / target;
  return { target, achieved, ratio, cappedRatio: Math.min(ratio, 1), met: achieved >= target, remaining: Math.max(target - achieved, 0), asOf };
}
