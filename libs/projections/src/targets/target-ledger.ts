/**
 * Test support: runs target commands (SetTarget, ReviseTarget,
 * RecordTargetProgress) through the real decider against a real store, as the
 * application layer does — stream `target-<targetId>`, read, fold, decide,
 * append with the expected version. A refused command throws the domain's
 * error and appends nothing.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@duban/eventstore';
import { NO_STREAM } from '@duban/eventstore';
import type { Actor } from '@duban/domain/decider';
import type { TargetCommand, TargetEvent, TargetState } from '@duban/domain/target';
import { decideTarget, evolveTarget, initialTargetState, PARK_PROGRAMME_METRICS, targetIdFor } from '@duban/domain/target';
import type { LedgerResult } from '../testing/ledger';
import { toNewEvent } from '../testing/ledger';

export const TARGET_SUPERVISOR: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
const DOC_34 = { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点', annex: '附件' };

export class TargetLedger {
  constructor(private readonly store: EventStore) {}

  async run(command: TargetCommand): Promise<LedgerResult> {
    const stream = `target-${command.data.targetId}`;
    const history = await this.store.readStream(stream);
    const state = history.reduce<TargetState>((s, e) => evolveTarget(s, { type: e.type, data: e.data } as TargetEvent), initialTargetState());
    const events = decideTarget(command, state);
    const ids = { commandId: randomUUID(), correlationId: randomUUID() };
    if (events.length === 0) return { stream, events, nextExpectedVersion: BigInt(history.length - 1), position: 0n };
    const result = await this.store.appendToStream(
      stream,
      events.map((e) => toNewEvent(e, command, ids)),
      { expectedVersion: history.length === 0 ? NO_STREAM : BigInt(history.length - 1) },
    );
    return { stream, events, ...result };
  }

  async runAll(commands: readonly TargetCommand[]): Promise<LedgerResult | null> {
    let last: LedgerResult | null = null;
    for (const c of commands) last = await this.run(c);
    return last;
  }
}

export type ParkMetric = keyof typeof PARK_PROGRAMME_METRICS;

/** SetTarget for one cell of seed 000's annex (e.g. 郑州航空港区 2021 集聚入园企业 200 家), effective `at`. */
export function setTarget(unitId: string, year: number, metric: ParkMetric, value: number, at: string): TargetCommand {
  const m = PARK_PROGRAMME_METRICS[metric];
  return {
    type: 'SetTarget',
    at,
    actor: TARGET_SUPERVISOR,
    data: { targetId: targetIdFor(unitId, year, m.metric), unitId, year, metric: m.metric, value, unitOfMeasure: m.unitOfMeasure, sourceDocument: DOC_34 },
  };
}

/** RecordTargetProgress: the unit's cumulative figure as of `at`, from a park report (one source per call unless `ref` is given). */
export function recordProgress(unitId: string, year: number, metric: ParkMetric, value: number, at: string, ref = `report:${unitId}:${at}`): TargetCommand {
  return {
    type: 'RecordTargetProgress',
    at,
    actor: TARGET_SUPERVISOR,
    data: { targetId: targetIdFor(unitId, year, PARK_PROGRAMME_METRICS[metric].metric), value, source: { kind: 'park_report', ref } },
  };
}

/** ReviseTarget: a revised table changes the figure, effective `at`. */
export function reviseTarget(unitId: string, year: number, metric: ParkMetric, value: number, at: string): TargetCommand {
  return {
    type: 'ReviseTarget',
    at,
    actor: TARGET_SUPERVISOR,
    data: { targetId: targetIdFor(unitId, year, PARK_PROGRAMME_METRICS[metric].metric), value, reason: '郑政办〔2021〕40号 修订' },
  };
}
