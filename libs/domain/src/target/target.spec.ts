/**
 * Target (目标任务): one stream per cell of a decomposition table. Seed data:
 * 郑政办〔2021〕34号 附件 (2021年郑州市小微企业园建设工作目标任务分解表) and
 * 郑开管文〔2023〕146号 附件1.
 */
import type { Actor } from '@duban/domain/decider';
import { AuditorCannotWrite, IllegalTransition, InvalidCommandData, RoleNotPermitted, WrongUnit, foldEvents, specFor } from '@duban/domain/decider';
import type { SetTarget, SetTargetState, TargetCommand, TargetEvent, TargetProgressSource, TargetState } from '@duban/domain/target';
import { PARK_PROGRAMME_METRICS, ProgressAlreadyRecorded, targetCompletion, targetDecider, targetIdFor } from '@duban/domain/target';

const AIRPORT = '郑州航空港区';
const supervisor: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
const auditor: Actor = { userId: 'wang.shenji', unitId: '市审计局', role: 'auditor' };
const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });

const DOC = { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点', annex: '附件' };
const SET_AT = '2021-05-07T10:00:00+08:00';

/** 郑政办〔2021〕34号 附件: 新开工市级小微企业园, 集聚入园企业, "专精特新"企业, 科技型企业. */
const ANNEX_2021: ReadonlyArray<readonly [string, number, number, number, number]> = [
  ['郑州航空港区', 2, 200, 15, 50],
  ['郑东新区', 2, 200, 15, 50],
  ['郑州高新区', 2, 200, 15, 50],
  ['郑州经开区', 2, 200, 15, 50],
  ['巩义市', 1, 150, 10, 30],
  ['新郑市', 1, 150, 10, 30],
  ['登封市', 1, 150, 10, 30],
  ['荥阳市', 1, 150, 10, 30],
  ['新密市', 1, 150, 10, 30],
  ['中牟县', 1, 150, 10, 30],
  ['上街区', 1, 100, 5, 20],
  ['二七区', 1, 100, 5, 20],
  ['管城回族区', 1, 100, 5, 20],
  ['惠济区', 1, 100, 5, 20],
  ['金水区', 1, 100, 5, 20],
  ['中原区', 1, 100, 5, 20],
];
const METRICS = [PARK_PROGRAMME_METRICS.newParks, PARK_PROGRAMME_METRICS.enterprises, PARK_PROGRAMME_METRICS.specialized, PARK_PROGRAMME_METRICS.tech];

type CommandOf<T extends TargetCommand['type']> = Extract<TargetCommand, { type: T }>;
const command = <T extends TargetCommand['type']>(type: T, actor: Actor, at: string, data: CommandOf<T>['data']): CommandOf<T> =>
  ({ type, actor, at, data }) as CommandOf<T>;

const ENTERPRISES = PARK_PROGRAMME_METRICS.enterprises;
const TARGET_ID = targetIdFor(AIRPORT, 2021, ENTERPRISES.metric);
const setData = (overrides: Partial<SetTarget['data']> = {}): SetTarget['data'] => ({
  targetId: TARGET_ID,
  unitId: AIRPORT,
  year: 2021,
  metric: ENTERPRISES.metric,
  value: 200,
  unitOfMeasure: ENTERPRISES.unitOfMeasure,
  sourceDocument: DOC,
  ...overrides,
});
const setTarget = (overrides: Partial<SetTarget['data']> = {}, actor = supervisor) => command('SetTarget', actor, SET_AT, setData(overrides));
const targetSet: TargetEvent = { type: 'target.set.v1', data: setData() };

const parkReport = (ref: string): TargetProgressSource => ({ kind: 'park_report', ref });
const record = (value: number, at: string, source = parkReport(`sum:${at}`), actor = staffOf(AIRPORT)) =>
  command('RecordTargetProgress', actor, at, { targetId: TARGET_ID, value, source });
const recorded = (value: number, at: string, source = parkReport(`sum:${at}`)): TargetEvent => ({
  type: 'target.progress_recorded.v1',
  data: { targetId: TARGET_ID, value, source, at },
});

const given = specFor(targetDecider);
const asSet = (state: TargetState) => state as SetTargetState;

describe('SetTarget', () => {
  it('sets 郑州航空港区 2021: 新开工 2, 集聚入园企业 200, 专精特新 15, 科技型 50 (one stream each)', () => {
    const [, newParks, enterprises, specialized, tech] = ANNEX_2021[0]!;
    const values = [newParks, enterprises, specialized, tech];
    const ids = METRICS.map(({ metric, unitOfMeasure }, i) => {
      const targetId = targetIdFor(AIRPORT, 2021, metric);
      const data = { targetId, unitId: AIRPORT, year: 2021, metric, value: values[i]!, unitOfMeasure, sourceDocument: DOC };
      const state = asSet(given([]).when(command('SetTarget', supervisor, SET_AT, data)).then([{ type: 'target.set.v1', data }]));
      expect(state).toMatchObject({ status: 'set', value: values[i], unitOfMeasure, progress: [], current: null });
      return targetId;
    });
    expect(new Set(ids).size).toBe(4);
    expect(values).toEqual([2, 200, 15, 50]);
  });

  it('every cell of the 2021 annex sets a distinct target', () => {
    const ids = new Set<string>();
    for (const [unitId, ...values] of ANNEX_2021) {
      METRICS.forEach(({ metric, unitOfMeasure }, i) => {
        const targetId = targetIdFor(unitId, 2021, metric);
        ids.add(targetId);
        given([])
          .when(setTarget({ targetId, unitId, metric, unitOfMeasure, value: values[i]! }))
          .then([{ type: 'target.set.v1', data: setData({ targetId, unitId, metric, unitOfMeasure, value: values[i]! }) }]);
      });
    }
    expect(ids.size).toBe(64);
  });

  it('a multi-year table: 郑州高新区 科技型中小企业总量 3600 a year (郑开管文〔2023〕146号 附件1)', () => {
    const doc = { docNumber: '郑开管文〔2023〕146号', annex: '附件1' };
    for (const year of [2023, 2024, 2025]) {
      const targetId = targetIdFor('郑州高新区', year, '科技型中小企业总量');
      const data = { targetId, unitId: '郑州高新区', year, metric: '科技型中小企业总量', value: 3600, unitOfMeasure: '家', sourceDocument: doc };
      given([]).when(command('SetTarget', supervisor, '2023-09-15T10:00:00+08:00', data)).then([{ type: 'target.set.v1', data }]);
    }
  });

  it('refuses setting a cell twice (a revision is ReviseTarget, not a second SetTarget)', () => {
    given([targetSet]).when(setTarget({ value: 220 })).thenThrows(IllegalTransition, { command: 'SetTarget', currentStatus: 'set' });
  });

  it('refuses a target id that is not targetIdFor(unit, year, metric)', () => {
    given([]).when(setTarget({ targetId: 'tgt-1' })).thenThrows(InvalidCommandData, { field: 'targetId' });
    given([]).when(setTarget({ year: 2022 })).thenThrows(InvalidCommandData, { field: 'targetId' });
  });

  it.each([
    ['value', { value: -1 }],
    ['value', { value: Number.NaN }],
    ['year', { year: 21 }],
    ['metric', { metric: '' }],
    ['unitOfMeasure', { unitOfMeasure: ' ' }],
    ['sourceDocument.docNumber', { sourceDocument: { docNumber: '' } }],
    ['sourceDocument', { sourceDocument: undefined as never }],
  ])('refuses a bad %s', (field, overrides) => {
    given([]).when(setTarget(overrides)).thenThrows(InvalidCommandData, { field });
  });

  it('only a supervisor sets targets', () => {
    given([]).when(setTarget({}, staffOf(AIRPORT))).thenThrows(RoleNotPermitted, { role: 'unit' });
    given([]).when(setTarget({}, auditor)).thenThrows(AuditorCannotWrite);
  });
});

describe('RecordTargetProgress', () => {
  it('the unit records its figure as of `at`, with its source', () => {
    const state = asSet(given([targetSet]).when(record(86, '2021-06-30T18:00:00+08:00')).then([recorded(86, '2021-06-30T18:00:00+08:00')]));
    expect(state.current).toEqual({ value: 86, source: parkReport('sum:2021-06-30T18:00:00+08:00'), note: null, at: '2021-06-30T18:00:00+08:00' });
  });

  it('a supervisor records from a task report, with a note', () => {
    const source: TargetProgressSource = { kind: 'task_progress', ref: 'task-34-3-2/郑州航空港区' };
    given([targetSet])
      .when(command('RecordTargetProgress', supervisor, '2021-09-30T18:00:00+08:00', { targetId: TARGET_ID, value: 150, source, note: '三季度报送' }))
      .then([{ type: 'target.progress_recorded.v1', data: { targetId: TARGET_ID, value: 150, source, note: '三季度报送', at: '2021-09-30T18:00:00+08:00' } }]);
  });

  it('the latest effective time counts: a back-filled earlier figure does not replace a later one', () => {
    const july = recorded(120, '2021-07-31T18:00:00+08:00');
    const state = asSet(given([targetSet, july]).when(record(86, '2021-06-30T18:00:00+08:00')).then([recorded(86, '2021-06-30T18:00:00+08:00')]));
    expect(state.current?.value).toBe(120);
    expect(state.progress.map((p) => p.value)).toEqual([120, 86]);
  });

  it('a tie in effective time: the later record wins (a same-day correction)', () => {
    const at = '2021-07-31T18:00:00+08:00';
    const state = foldEvents(targetDecider, [targetSet, recorded(120, at, parkReport('a')), recorded(118, '2021-07-31T10:00:00Z', parkReport('b'))]);
    expect(asSet(state).current?.value).toBe(118);
  });

  it('refuses the same source twice (a re-run of the feeding process)', () => {
    given([targetSet, recorded(86, '2021-06-30T18:00:00+08:00', parkReport('r1'))])
      .when(record(90, '2021-07-01T18:00:00+08:00', parkReport('r1')))
      .thenThrows(ProgressAlreadyRecorded, { sourceKind: 'park_report', sourceRef: 'r1' });
  });

  it('refuses a target never set, another unit, a wrong id and bad data', () => {
    given([]).when(record(1, '2021-06-30T18:00:00+08:00')).thenThrows(IllegalTransition, { currentStatus: 'none' });
    given([targetSet]).when(record(1, '2021-06-30T18:00:00+08:00', undefined, staffOf('郑东新区'))).thenThrows(WrongUnit, { expectedUnitId: AIRPORT });
    given([targetSet])
      .when(command('RecordTargetProgress', supervisor, SET_AT, { targetId: 'x', value: 1, source: parkReport('a') }))
      .thenThrows(InvalidCommandData, { field: 'targetId' });
    given([targetSet]).when(record(-5, SET_AT)).thenThrows(InvalidCommandData, { field: 'value' });
    given([targetSet]).when(record(5, SET_AT, { kind: 'rumour' as never, ref: 'a' })).thenThrows(InvalidCommandData, { field: 'source.kind' });
    given([targetSet]).when(record(5, SET_AT, parkReport(''))).thenThrows(InvalidCommandData, { field: 'source.ref' });
    given([targetSet]).when(record(5, SET_AT, undefined, auditor)).thenThrows(AuditorCannotWrite);
  });
});

describe('ReviseTarget (a revised decomposition table)', () => {
  const REVISED_AT = '2021-07-01T10:00:00+08:00';
  const revise = (data: Partial<CommandOf<'ReviseTarget'>['data']> = {}, actor = supervisor) =>
    command('ReviseTarget', actor, REVISED_AT, { targetId: TARGET_ID, reason: 're-import of 郑政办〔2021〕34号', ...data });
  const revised = (changes: Extract<TargetEvent, { type: 'target.revised.v1' }>['data']['changes'], extra: { documentRef?: string } = {}): TargetEvent => ({
    type: 'target.revised.v1',
    data: { targetId: TARGET_ID, changes, reason: 're-import of 郑政办〔2021〕34号', ...extra, at: REVISED_AT },
  });

  it('records the new figure beside the old one; recorded progress stays and counts against it', () => {
    const state = asSet(
      given([targetSet, recorded(200, '2021-06-30T18:00:00+08:00')])
        .when(revise({ value: 220, documentRef: '郑政办〔2021〕34号' }))
        .then([revised([{ field: 'value', from: 200, to: 220 }], { documentRef: '郑政办〔2021〕34号' })]),
    );
    expect(state).toMatchObject({ value: 220, unitOfMeasure: '家', revisionCount: 1 });
    expect(state.progress).toHaveLength(1);
    expect(targetCompletion(state)).toMatchObject({ target: 220, achieved: 200, met: false, remaining: 20 });
  });

  it('changes the unit of measure', () => {
    given([targetSet]).when(revise({ value: 200, unitOfMeasure: '户' })).then([revised([{ field: 'unitOfMeasure', from: '家', to: '户' }])]);
  });

  it('the same values write nothing', () => {
    given([targetSet]).when(revise({ value: 200, unitOfMeasure: '家' })).thenNothingHappens();
    given([targetSet]).when(revise()).thenNothingHappens();
  });

  it('refuses a target never set, a wrong id, bad data and anyone but a supervisor', () => {
    given([]).when(revise({ value: 1 })).thenThrows(IllegalTransition, { command: 'ReviseTarget', currentStatus: 'none' });
    given([targetSet]).when(revise({ targetId: 'x', value: 1 })).thenThrows(InvalidCommandData, { field: 'targetId' });
    given([targetSet]).when(revise({ value: -1 })).thenThrows(InvalidCommandData, { field: 'value' });
    given([targetSet]).when(revise({ unitOfMeasure: '' })).thenThrows(InvalidCommandData, { field: 'unitOfMeasure' });
    given([targetSet]).when(revise({ value: 1, reason: ' ' })).thenThrows(InvalidCommandData, { field: 'reason' });
    given([targetSet]).when(revise({ value: 1 }, staffOf(AIRPORT))).thenThrows(RoleNotPermitted, { role: 'unit' });
    given([targetSet]).when(revise({ value: 1 }, auditor)).thenThrows(AuditorCannotWrite);
  });
});

describe('targetCompletion', () => {
  const withProgress = (...values: number[]) =>
    foldEvents(targetDecider, [targetSet, ...values.map((v, i) => recorded(v, `2021-${String(i + 6).padStart(2, '0')}-30T18:00:00+08:00`))]);

  it('is null for a target never set', () => {
    expect(targetCompletion(targetDecider.initialState())).toBeNull();
  });

  it('0 before any progress', () => {
    expect(targetCompletion(withProgress())).toEqual({ target: 200, achieved: 0, ratio: 0, cappedRatio: 0, met: false, remaining: 200, asOf: null });
  });

  it.each([
    [199, 0.995, 0.995, false, 1],
    [200, 1, 1, true, 0],
    [230, 1.15, 1, true, 0],
  ])('%i of 200: ratio %f, capped %f, met %s, remaining %i', (achieved, ratio, cappedRatio, met, remaining) => {
    expect(targetCompletion(withProgress(50, achieved))).toMatchObject({ achieved, ratio, cappedRatio, met, remaining, asOf: '2021-07-30T18:00:00+08:00' });
  });

  it('a target of 0 is met', () => {
    const zero = foldEvents(targetDecider, [{ type: 'target.set.v1', data: setData({ value: 0 }) }]);
    expect(targetCompletion(zero)).toMatchObject({ ratio: 1, cappedRatio: 1, met: true, remaining: 0 });
  });
});
