/**
 * Target (目标任务) decider: one stream per cell of a decomposition table —
 * (unit, year, metric) — holding the target and the progress figures recorded
 * against it. The achieved figure is the latest one by effective time.
 */
import type { Decider } from '../decider/decider';
import { assertNever } from '../decider/decider';
import { IllegalTransition, InvalidCommandData } from '../decider/errors';
import { checkEnvelope, compareInstants, requireOwnUnit, requireRole, requireText } from '../decider/guards';
import type { RecordTargetProgress, ReviseTarget, SetTarget, TargetCommand, TargetSourceDocument } from './commands';
import { TARGET_PROGRESS_SOURCE_KINDS } from './commands';
import { ProgressAlreadyRecorded } from './errors';
import type { TargetEvent, TargetFieldChange, TargetProgressRecorded, TargetRevised, TargetSet } from './events';
import { targetIdFor } from './ids';
import type { SetTargetState, TargetProgress, TargetState } from './state';
import { isTargetSet } from './state';

export const initialTargetState = (): TargetState => ({ status: 'none' });

export function decideTarget(command: TargetCommand, state: TargetState): TargetEvent[] {
  checkEnvelope(command);
  switch (command.type) {
    case 'SetTarget':
      return setTarget(command, state);
    case 'ReviseTarget':
      return reviseTarget(command, state);
    case 'RecordTargetProgress':
      return recordProgress(command, state);
    default:
      return assertNever(command, 'target command');
  }
}

export function evolveTarget(state: TargetState, event: TargetEvent): TargetState {
  switch (event.type) {
    case 'target.set.v1':
      return { status: 'set', ...event.data, progress: [], current: null, revisionCount: 0 };
    case 'target.revised.v1': {
      if (!isTargetSet(state)) throw new Error(`${event.type} before target.set.v1`);
      let next: SetTargetState = { ...state, revisionCount: state.revisionCount + 1 };
      for (const change of event.data.changes) {
        switch (change.field) {
          case 'value':
            next = { ...next, value: change.to };
            break;
          case 'unitOfMeasure':
            next = { ...next, unitOfMeasure: change.to };
            break;
          default:
            assertNever(change, 'target field change');
        }
      }
      return next;
    }
    case 'target.progress_recorded.v1': {
      if (!isTargetSet(state)) throw new Error(`${event.type} before target.set.v1`);
      const d = event.data;
      const record: TargetProgress = { value: d.value, source: d.source, note: d.note ?? null, at: d.at };
      const latest = state.current === null || compareInstants(record.at, state.current.at) >= 0;
      return { ...state, progress: [...state.progress, record], current: latest ? record : state.current };
    }
    default:
      return assertNever(event, 'target event');
  }
}

export const targetDecider: Decider<TargetState, TargetCommand, TargetEvent> = {
  decide: decideTarget,
  evolve: evolveTarget,
  initialState: initialTargetState,
};

// ---------------------------------------------------------------------------

function setTarget(command: SetTarget, state: TargetState): TargetEvent[] {
  const name = command.type;
  requireRole(name, command.actor, 'supervisor');
  if (isTargetSet(state)) throw new IllegalTransition(name, state.status);
  const d = command.data;
  const unitId = requireText(name, 'unitId', d.unitId);
  const metric = requireText(name, 'metric', d.metric);
  if (!Number.isInteger(d.year) || d.year < 2000 || d.year > 2100) {
    throw new InvalidCommandData(name, 'year', 'must be an integer year between 2000 and 2100');
  }
  const targetId = requireText(name, 'targetId', d.targetId);
  if (targetId !== targetIdFor(unitId, d.year, metric)) {
    throw new InvalidCommandData(name, 'targetId', 'must be targetIdFor(unitId, year, metric)');
  }
  const event: TargetSet = {
    type: 'target.set.v1',
    data: {
      targetId,
      unitId,
      year: d.year,
      metric,
      value: requireFigure(name, 'value', d.value),
      unitOfMeasure: requireText(name, 'unitOfMeasure', d.unitOfMeasure),
      sourceDocument: requireSource(name, d.sourceDocument),
    },
  };
  return [event];
}

/** ReviseTarget: the fields given that differ become one target.revised.v1 with both values; none → no event. */
function reviseTarget(command: ReviseTarget, state: TargetState): TargetEvent[] {
  const name = command.type;
  requireRole(name, command.actor, 'supervisor');
  if (!isTargetSet(state)) throw new IllegalTransition(name, state.status);
  const d = command.data;
  if (d.targetId !== state.targetId) throw new InvalidCommandData(name, 'targetId', `does not match the target ${state.targetId}`);
  const reason = requireText(name, 'reason', d.reason);
  const documentRef = d.documentRef === undefined ? undefined : requireText(name, 'documentRef', d.documentRef);
  const changes: TargetFieldChange[] = [];
  if (d.value !== undefined) {
    const value = requireFigure(name, 'value', d.value);
    if (value !== state.value) changes.push({ field: 'value', from: state.value, to: value });
  }
  if (d.unitOfMeasure !== undefined) {
    const unitOfMeasure = requireText(name, 'unitOfMeasure', d.unitOfMeasure);
    if (unitOfMeasure !== state.unitOfMeasure) changes.push({ field: 'unitOfMeasure', from: state.unitOfMeasure, to: unitOfMeasure });
  }
  if (changes.length === 0) return [];
  const event: TargetRevised = {
    type: 'target.revised.v1',
    data: { targetId: state.targetId, changes, reason, ...(documentRef === undefined ? {} : { documentRef }), at: command.at },
  };
  return [event];
}

function recordProgress(command: RecordTargetProgress, state: TargetState): TargetEvent[] {
  const name = command.type;
  if (!isTargetSet(state)) throw new IllegalTransition(name, state.status);
  const d = command.data;
  if (d.targetId !== state.targetId) throw new InvalidCommandData(name, 'targetId', `does not match the target ${state.targetId}`);
  requireRole(name, command.actor, 'supervisor', 'unit');
  if (command.actor.role === 'unit') requireOwnUnit(name, command.actor, state.unitId);
  const value = requireFigure(name, 'value', d.value);
  if (d.source === null || typeof d.source !== 'object' || !TARGET_PROGRESS_SOURCE_KINDS.includes(d.source.kind)) {
    throw new InvalidCommandData(name, 'source.kind', `must be one of ${TARGET_PROGRESS_SOURCE_KINDS.join(', ')}`);
  }
  const source = { kind: d.source.kind, ref: requireText(name, 'source.ref', d.source.ref) };
  if (state.progress.some((p) => p.source.kind === source.kind && p.source.ref === source.ref)) {
    throw new ProgressAlreadyRecorded(name, source.kind, source.ref);
  }
  const event: TargetProgressRecorded = {
    type: 'target.progress_recorded.v1',
    data: {
      targetId: state.targetId,
      value,
      source,
      ...(d.note === undefined ? {} : { note: requireText(name, 'note', d.note) }),
      at: command.at,
    },
  };
  return [event];
}

function requireFigure(command: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidCommandData(command, field, 'must be a finite number ≥ 0');
  }
  return value;
}

function requireSource(command: string, source: TargetSourceDocument | undefined): TargetSourceDocument {
  if (source === null || typeof source !== 'object') throw new InvalidCommandData(command, 'sourceDocument', 'is required');
  return {
    docNumber: requireText(command, 'sourceDocument.docNumber', source.docNumber),
    ...(source.title === undefined ? {} : { title: requireText(command, 'sourceDocument.title', source.title) }),
    ...(source.annex === undefined ? {} : { annex: requireText(command, 'sourceDocument.annex', source.annex) }),
  };
}

