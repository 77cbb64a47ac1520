import type { RecordedEvent } from '@duban/eventstore';
import { assertNever } from '@duban/domain/decider';
import type { TargetEvent, TargetEventType } from '@duban/domain/target';
import type { Projection, ProjectionTx } from '../runner/projection';
import type { TargetValueFact } from './targets';

/**
 * The targets read model (目标任务): one row per cell of a decomposition table
 * (unit, year, metric) in `targets`, and one row per progress record in
 * `target_progress`. Every figure keeps its effective time and the global
 * position of its event, so the completion of a target can be taken at any
 * instant AND any log position (what the figures' target completion and a
 * recomputed bulletin need).
 *
 * - `value` / `unit_of_measure`: as they stand now (after every revision, in
 *   log order, as the domain's evolveTarget applies them); `value_history`
 *   keeps the set figure and each revised one with its time and position.
 * - `achieved` / `achieved_at`: the domain's `current` record: the latest
 *   effective time, a later record winning a tie.
 */
export const TARGETS_SCHEMA = `
CREATE TABLE IF NOT EXISTS targets (
  target_id        TEXT    PRIMARY KEY,
  unit_id          TEXT    NOT NULL,
  year             INTEGER NOT NULL,
  metric           TEXT    NOT NULL,
  unit_of_measure  TEXT    NOT NULL,
  source_document  TEXT    NOT NULL,
  value            REAL    NOT NULL,
  value_history    TEXT    NOT NULL,
  set_at           TEXT    NOT NULL,
  set_ms           INTEGER NOT NULL,
  set_position     INTEGER NOT NULL,
  achieved         REAL,
  achieved_at      TEXT,
  achieved_ms      INTEGER,
  progress_count   INTEGER NOT NULL DEFAULT 0,
  revision_count   INTEGER NOT NULL DEFAULT 0,
  last_position    INTEGER NOT NULL,
  updated_at       TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS targets_year_unit ON targets (year, unit_id);
CREATE TABLE IF NOT EXISTS target_progress (
  target_id    TEXT    NOT NULL,
  position     INTEGER NOT NULL,
  unit_id      TEXT    NOT NULL,
  year         INTEGER NOT NULL,
  value        REAL    NOT NULL,
  at           TEXT    NOT NULL,
  at_ms        INTEGER NOT NULL,
  source_kind  TEXT    NOT NULL,
  source_ref   TEXT    NOT NULL,
  note         TEXT,
  recorded_at  TEXT    NOT NULL,
  PRIMARY KEY (target_id, position)
);
CREATE INDEX IF NOT EXISTS target_progress_year ON target_progress (year, unit_id);
`;

/** Record<…, true>: a new target event type stops this file compiling until it is handled (and the version bumped). */
const TARGET_TYPES: Record<TargetEventType, true> = {
  'target.set.v1': true,
  'target.revised.v1': true,
  'target.progress_recorded.v1': true,
};
const HANDLED = new Set<string>(Object.keys(TARGET_TYPES));

interface StoredTarget {
  unit_id: string;
  year: number;
  value_history: string;
  achieved_ms: number | null;
}

/**
 * Targets per unit, year and metric with their progress (name 'targets').
 * Fed by target.* events: SetTarget from the decomposition tables, ReviseTarget,
 * and RecordTargetProgress — recorded by the park process manager from park
 * reports and 开工 milestones (libs/application/src/parks/target-progress.ts),
 * from task reports, or by hand.
 */
export class TargetsProjection implements Projection {
  readonly name = 'targets';
  readonly version = 1;
  readonly schema = TARGETS_SCHEMA;

  handles(type: string): boolean {
    return HANDLED.has(type);
  }

  apply(recorded: RecordedEvent, tx: ProjectionTx): void {
    const event = { type: recorded.type, data: recorded.data } as TargetEvent;
    const position = recorded.globalPosition;
    const updatedAt = recorded.metadata.recordedAt;
    switch (event.type) {
      case 'target.set.v1': {
        const d = event.data;
        const at = recorded.metadata.occurredAt;
        const set: TargetValueFact = { value: d.value, at, atMs: ms(at), position: position.toString() };
        tx.run(
          `INSERT INTO targets (target_id, unit_id, year, metric, unit_of_measure, source_document, value, value_history,
             set_at, set_ms, set_position, last_position, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [d.targetId, d.unitId, d.year, d.metric, d.unitOfMeasure, JSON.stringify(d.sourceDocument), d.value, JSON.stringify([set]), at, set.atMs, position, position, updatedAt],
        );
        return;
      }
      case 'target.revised.v1': {
        const d = event.data;
        const row = this.row(tx, d.targetId, event.type);
        const history = JSON.parse(row.value_history) as TargetValueFact[];
        for (const change of d.changes) {
          switch (change.field) {
            case 'value':
              history.push({ value: change.to, at: d.at, atMs: ms(d.at), position: position.toString() });
              tx.run('UPDATE targets SET value = ?, value_history = ? WHERE target_id = ?', [change.to, JSON.stringify(history), d.targetId]);
              break;
            case 'unitOfMeasure':
              tx.run('UPDATE targets SET unit_of_measure = ? WHERE target_id = ?', [change.to, d.targetId]);
              break;
            default:
              assertNever(change, 'target field change');
          }
        }
        tx.run('UPDATE targets SET revision_count = revision_count + 1, last_position = ?, updated_at = ? WHERE target_id = ?', [position, updatedAt, d.targetId]);
        return;
      }
      case 'target.progress_recorded.v1': {
        const d = event.data;
        const row = this.row(tx, d.targetId, event.type);
        const atMs = ms(d.at);
        tx.run(
          `INSERT INTO target_progress (target_id, position, unit_id, year, value, at, at_ms, source_kind, source_ref, note, recorded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [d.targetId, position, row.unit_id, row.year, d.value, d.at, atMs, d.source.kind, d.source.ref, d.note ?? null, updatedAt],
        );
        // the domain's `current`: the latest effective time; a later record wins a tie
        const latest = row.achieved_ms === null || atMs >= Number(row.achieved_ms);
        tx.run(
          `UPDATE targets SET progress_count = progress_count + 1, last_position = ?, updated_at = ?
             ${latest ? ', achieved = ?, achieved_at = ?, achieved_ms = ?' : ''}
           WHERE target_id = ?`,
          latest ? [position, updatedAt, d.value, d.at, atMs, d.targetId] : [position, updatedAt, d.targetId],
        );
        return;
      }
      default:
        assertNever(event, 'target event');
    }
  }

  private row(tx: ProjectionTx, targetId: string, type: string): StoredTarget {
    const row = tx.get<StoredTarget>('SELECT unit_id, year, value_history, achieved_ms FROM targets WHERE target_id = ?', [targetId]);
    if (!row) throw new Error(`${type}: the targets read model holds no target ${targetId} (its stream did not set it)`);
    return row;
  }
}

function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`not an ISO instant: ${iso}`);
  return value;
}
