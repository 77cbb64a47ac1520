/**
 * The park rules processor on a real SQLite store, through the real command
 * handlers: findings become issues assigned to the district exactly once —
 * across a restart, a replay from position zero, a crash between ReportIssue
 * and AssignIssue, and a human who got there first — and park reports feed the
 * district's targets.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@duban/eventstore';
import { SqliteEventStore } from '@duban/eventstore';
import type { Actor } from '@duban/domain/decider';
import { CalendarCoverageError, officialCalendar } from '@duban/domain/calendar';
import type { IssueCommand, ReportedIssue } from '@duban/domain/issue';
import { issueDecider } from '@duban/domain/issue';
import type { ParkCommand, RegisterPark } from '@duban/domain/park';
import { issueIdForFinding, parkFindingId } from '@duban/domain/park';
import type { SetTargetState, TargetCommand } from '@duban/domain/target';
import { PARK_PROGRAMME_METRICS, targetCompletion, targetDecider, targetIdFor } from '@duban/domain/target';
import { UnitRegistry } from '@duban/domain/units';
import type { CommandEnvelope } from '../command-executor';
import { CommandExecutor, fold } from '../command-executor';
import { IssueCommandHandler } from '../nest/handlers';
import { ExecuteIssueCommand } from '../nest/messages';
import { issueStream } from '../streams';
import { ParkCommandHandler, TargetCommandHandler } from './handlers';
import { ExecuteParkCommand, ExecuteTargetCommand } from './messages';
import type { CommandSender, ParkRulesProcessorOptions } from './park-rules.processor';
import { PARK_RULES_ACTOR, ParkRulesProcessor, ProcessorWaitTimeoutError } from './park-rules.processor';
import { openProcessorDatabase, ProcessorStore } from '../processors/processor-store';
import type { BrokenEvent } from '../write-gate';
import { LogIntegrityBroken } from '../write-gate';
import { targetStream } from './streams';

const AIRPORT = '郑州航空港区';
const ZHENGDONG = '郑东新区';
const OFFICE = '市政府办公厅四处';
const supervisor: Actor = { userId: 'li.duban', unitId: OFFICE, role: 'supervisor' };
const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });
const DOC = { docNumber: '郑政办〔2021〕34号', annex: '附件' };

interface World {
  dir: string;
  store: SqliteEventStore;
  bus: CommandSender & { sent: Array<ExecuteIssueCommand | ExecuteTargetCommand> };
  /** Makes the next AssignIssue sent through the bus fail (a crash between the two commands). */
  failNextAssign(): void;
  /** Closes (a broken event) or opens the write gate of the world's one executor. */
  setGate(broken: BrokenEvent | null): void;
  park(command: ParkCommand): Promise<{ position: bigint; events: string[] }>;
  target(command: TargetCommand): Promise<{ position: bigint }>;
  issue(command: IssueCommand): Promise<{ position: bigint }>;
  processor(overrides?: Partial<ParkRulesProcessorOptions> & { dbFile?: string }): { processor: ParkRulesProcessor; db: Database.Database };
  streamOf(stream: string): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

const envelope = (actor: Actor, commandId = randomUUID()): CommandEnvelope => ({
  commandId,
  correlationId: `corr-${commandId}`,
  causationId: `req-${commandId}`,
  actor,
  receivedAt: new Date().toISOString(),
});

/** A store whose clock starts on 2021-06-01 (Beijing) and moves one minute per append, so deadlines fall in covered years. */
function world(): World {
  const dir = mkdtempSync(join(tmpdir(), 'duban-park-rules-'));
  let tick = Date.parse('2021-06-01T09:00:00+08:00');
  const store = new SqliteEventStore({ file: join(dir, 'duban.db'), clock: () => new Date((tick += 60_000)), pollIntervalMs: 20 });
  let broken: BrokenEvent | null = null;
  // the process's one executor, with a write gate as the api binds it to its IntegrityMonitor
  const executor = new CommandExecutor(store, { refusal: () => (broken ? new LogIntegrityBroken(broken) : null) });
  const registry = UnitRegistry.seeded();
  const units = registry; // resolves names to ids, as the api's UNIT_DIRECTORY does
  const issues = new IssueCommandHandler(executor, units, officialCalendar);
  const parks = new ParkCommandHandler(executor, units);
  const targets = new TargetCommandHandler(executor, units);
  let failAssign = false;
  const sent: Array<ExecuteIssueCommand | ExecuteTargetCommand> = [];
  const bus = {
    sent,
    async execute(c: ExecuteIssueCommand | ExecuteTargetCommand) {
      sent.push(c);
      if (c instanceof ExecuteTargetCommand) return targets.execute(c);
      if (c.command.type === 'AssignIssue' && failAssign) {
        failAssign = false;
        throw new Error('simulated crash between ReportIssue and AssignIssue');
      }
      return issues.execute(c);
    },
  };
  const dbs: Database.Database[] = [];
  const processors: ParkRulesProcessor[] = [];
  return {
    dir,
    store,
    bus,
    failNextAssign: () => (failAssign = true),
    setGate: (b) => (broken = b),
    park: async (command) => parks.execute(new ExecuteParkCommand(command, envelope(command.actor))),
    target: async (command) => targets.execute(new ExecuteTargetCommand(command, envelope(command.actor))),
    issue: async (command) => issues.execute(new ExecuteIssueCommand(command, envelope(command.actor))),
    processor(overrides = {}) {
      const { dbFile, ...rest } = overrides;
      const db = openProcessorDatabase(dbFile ?? join(dir, 'processors.db'));
      dbs.push(db);
      const processor = new ParkRulesProcessor({
        store,
        commands: bus,
        db,
        addWorkingDays: (at, n) => officialCalendar.addWorkingDays(at, n),
        retryDelayMs: { initial: 10, max: 40 },
        ...rest,
      });
      processors.push(processor);
      return { processor, db };
    },
    streamOf: (stream) => store.readStream(stream),
    async close() {
      for (const p of processors) await p.stop();
      for (const db of dbs) if (db.open) db.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const register = (overrides: Partial<RegisterPark['data']> = {}, actor: Actor = staffOf(overrides.district ?? AIRPORT)): RegisterPark => ({
  type: 'RegisterPark',
  at: '2021-05-10T09:00:00+08:00',
  actor,
  data: {
    parkId: 'park-hkg-001',
    name: '郑州航空港区智能终端小微企业园',
    district: AIRPORT,
    type: 'manufacturing',
    landUse: 'industrial',
    landAreaMu: 120,
    floorAreaM2: 150_000,
    leadIndustry: '智能终端',
    nonProductionLandPercent: 6,
    nonProductionFloorPercent: 20,
    ...overrides,
  },
});

/** 60 亩 and 60 000 m² of a manufacturing park: below both figures of seed 001 item 4 (plot ratio exactly 1.5: compliant). */
const SMALL = { parkId: 'park-hkg-small', name: '郑州航空港区小型电子信息小微企业园', landAreaMu: 60, floorAreaM2: 60_000 };
const SMALL_SIZE_ISSUE = issueIdForFinding(parkFindingId(SMALL.parkId, 'park.size', 'registration'));

const report = (parkId: string, year: number, month: number, figures: Partial<{ enterpriseCount: number; specializedCount: number; techCount: number }> = {}, extra: object = {}, actor: Actor = staffOf(AIRPORT)) =>
  ({
    type: 'SubmitMonthlyReport',
    at: `${year}-${String(month + 1).padStart(2, '0')}-05T10:00:00+08:00`,
    actor,
    data: {
      parkId,
      year,
      month,
      cumulativeInvestmentWan: 30_000,
      enterpriseCount: 40,
      specializedCount: 3,
      techCount: 10,
      taxPerMuWan: 8,
      ...figures,
      ...extra,
    },
  }) as ParkCommand;

const issueState = async (w: World, issueId: string) => fold(issueDecider, await w.streamOf(issueStream(issueId)));

describe('ParkRulesProcessor', () => {
  let w: World;
  beforeEach(() => (w = world()));
  afterEach(() => w.close());

  it('a park registered below the size threshold becomes one issue assigned to its district, exactly once across a restart and a replay', async () => {
    const first = w.processor();
    await first.processor.start();
    const registered = await w.park(register(SMALL));
    await first.processor.waitFor(registered.position, 5000);

    const events = await w.streamOf(issueStream(SMALL_SIZE_ISSUE));
    expect(events.map((e) => e.type)).toEqual(['issue.reported.v1', 'issue.assigned.v1']);
    const [parkEvent] = await w.streamOf('park-park-hkg-small');
    for (const e of events) {
      expect(e.metadata).toMatchObject({ actorUserId: 'duban-rules', actorUnitId: OFFICE, actorRole: 'supervisor', causationId: parkEvent!.id });
      // the issue takes effect when the park's registration reached the ledger
      expect(e.metadata.occurredAt).toBe(parkEvent!.metadata.recordedAt);
    }
    const issue = (await issueState(w, SMALL_SIZE_ISSUE)) as ReportedIssue;
    expect(issue).toMatchObject({ status: 'assigned', unitId: AIRPORT, urgency: 'complex', category: '园区规模', parkId: SMALL.parkId, reportingUnit: OFFICE });
    expect(issue.description).toContain('核查规则 park.size');
    // complex: 30 working days after Tuesday 2021-06-01 (端午 06-14 off) → Wednesday 2021-07-14, end of day Beijing
    expect(issue.deadline).toBe('2021-07-14T23:59:59+08:00');
    expect(first.processor.status()).toMatchObject({ state: 'running', issuesReported: 1, failures: 0 });

    // restart on the same checkpoint: the registration is not processed again (the first run goes as far as
    // the issue events its own commands appended, so the second starts with nothing behind it)
    await first.processor.waitFor(await w.store.headPosition(), 5000);
    await first.processor.stop();
    const second = w.processor();
    await second.processor.start();
    const milestone = await w.park({ type: 'RecordParkMilestone', at: '2021-06-02T09:00:00+08:00', actor: staffOf(AIRPORT), data: { parkId: SMALL.parkId, milestone: 'land_supplied', date: '2021-06-01' } });
    await second.processor.waitFor(milestone.position, 5000);
    expect(second.processor.status()).toMatchObject({ eventsSeen: 1, issuesReported: 0 });
    await second.processor.stop();

    // replay from position zero (a fresh checkpoint file): the same commands find their own events
    const sentBefore = w.bus.sent.length;
    const replay = w.processor({ dbFile: join(w.dir, 'fresh.db') });
    await replay.processor.start();
    await replay.processor.waitFor(milestone.position, 5000);
    expect(replay.processor.status()).toMatchObject({ eventsSeen: 4, issuesReported: 0 }); // registration, the issue's two events, the milestone
    expect(w.bus.sent.length - sentBefore).toBe(2); // ReportIssue + AssignIssue again, both answered from the log
    expect((await w.streamOf(issueStream(SMALL_SIZE_ISSUE))).map((e) => e.type)).toEqual(['issue.reported.v1', 'issue.assigned.v1']);
  });

  it('a compliant park opens no issue; one breaking several rules opens one issue per rule', async () => {
    const { processor } = w.processor();
    await processor.start();
    await w.park(register());
    const bad = await w.park(
      register({ parkId: 'park-zd-1', name: '郑东新区金融服务小微企业园', district: ZHENGDONG, type: 'manufacturing', landAreaMu: 80, floorAreaM2: 70_000, nonProductionLandPercent: 9, nonProductionFloorPercent: 30 }),
    );
    await processor.waitFor(bad.position, 5000);
    const rules = ['park.size', 'park.plot_ratio', 'park.non_production_land', 'park.non_production_floor'] as const;
    for (const rule of rules) {
      const issue = await issueState(w, issueIdForFinding(parkFindingId('park-zd-1', rule, 'registration')));
      expect(issue).toMatchObject({ status: 'assigned', unitId: ZHENGDONG });
    }
    expect(processor.status().issuesReported).toBe(4);
    const sent = w.bus.sent.filter((c): c is ExecuteIssueCommand => c instanceof ExecuteIssueCommand);
    expect(sent.every((c) => c.command.data.issueId !== issueIdForFinding(parkFindingId('park-hkg-001', 'park.size', 'registration')))).toBe(true);
  });

  it('a crash between ReportIssue and AssignIssue: the checkpoint stays, the retry assigns once and reports nothing twice', async () => {
    const { processor } = w.processor();
    w.failNextAssign();
    await processor.start();
    const registered = await w.park(register(SMALL));
    await processor.waitFor(registered.position, 5000);
    expect((await w.streamOf(issueStream(SMALL_SIZE_ISSUE))).map((e) => e.type)).toEqual(['issue.reported.v1', 'issue.assigned.v1']);
    const reports = w.bus.sent.filter((c) => c instanceof ExecuteIssueCommand && c.command.type === 'ReportIssue');
    expect(reports).toHaveLength(2); // the first run and the retry; the retry was answered from the log
    expect(processor.status()).toMatchObject({ state: 'running', failures: 0, lastError: null, issuesReported: 1 });
  });

  it('an issue already reported and assigned by a supervisor counts as done (IllegalTransition is not a failure)', async () => {
    const registered = await w.park(register(SMALL));
    const [parkEvent] = await w.streamOf('park-park-hkg-small');
    // somebody raised the same finding by hand (other command ids) before the processor ran
    const at = '2021-06-02T09:00:00+08:00';
    await w.issue({ type: 'ReportIssue', at, actor: supervisor, data: { issueId: SMALL_SIZE_ISSUE, title: '园区规模不足', description: '人工核查', category: '园区规模', urgency: 'normal', reportingUnit: OFFICE } });
    await w.issue({ type: 'AssignIssue', at, actor: supervisor, data: { issueId: SMALL_SIZE_ISSUE, unitId: AIRPORT, deadline: '2021-06-30T23:59:59+08:00' } });
    const { processor, db } = w.processor();
    await processor.start();
    await processor.waitFor(registered.position, 5000);
    await processor.stop();
    expect(processor.status()).toMatchObject({ failures: 0, issuesReported: 0 });
    const events = await w.streamOf(issueStream(SMALL_SIZE_ISSUE));
    expect(events.map((e) => e.metadata.actorUserId)).toEqual(['li.duban', 'li.duban']);
    expect(new ProcessorStore(db, 'park-rules').get().position).toBeGreaterThanOrEqual(parkEvent!.globalPosition);
  });

  it('enterprises under 1万元/亩 are flagged once a year each, whatever the monthly reports and corrections say', async () => {
    const { processor } = w.processor();
    await processor.start();
    await w.park(register());
    const low = [
      { name: '郑州某电子科技有限公司', creditCode: '91410100MA000001X', taxPerMuWan: 0.8 },
      { name: '郑州某精密制造有限公司', taxPerMuWan: 1 },
      { name: '郑州某新材料有限公司', taxPerMuWan: 3.2 },
    ];
    await w.park(report('park-hkg-001', 2021, 5, {}, { enterpriseTaxes: low }));
    await w.park(report('park-hkg-001', 2021, 6, {}, { enterpriseTaxes: low.slice(0, 1) }));
    const corrected = await w.park({
      type: 'CorrectMonthlyReport',
      at: '2021-07-08T10:00:00+08:00',
      actor: staffOf(AIRPORT),
      data: { ...(report('park-hkg-001', 2021, 6).data as object), enterpriseTaxes: low.slice(0, 1), reason: '更正投资额' } as never,
    });
    await processor.waitFor(corrected.position, 5000);
    const flagged = ['91410100MA000001X', '郑州某精密制造有限公司'].map((key) => issueIdForFinding(parkFindingId('park-hkg-001', 'park.tax_per_mu', '2021', key)));
    for (const id of flagged) expect(await issueState(w, id)).toMatchObject({ status: 'assigned', unitId: AIRPORT, urgency: 'normal' });
    expect(processor.status().issuesReported).toBe(2);
    const notFlagged = issueIdForFinding(parkFindingId('park-hkg-001', 'park.tax_per_mu', '2021', '郑州某新材料有限公司'));
    expect(await w.streamOf(issueStream(notFlagged))).toEqual([]);
  });

  it("records the district's targets from its parks' monthly reports and 开工 milestones, once per source", async () => {
    const set = async (metric: string, value: number, unitOfMeasure: string, unitId = AIRPORT, year = 2021) =>
      w.target({
        type: 'SetTarget',
        at: '2021-05-07T10:00:00+08:00',
        actor: supervisor,
        data: { targetId: targetIdFor(unitId, year, metric), unitId, year, metric, value, unitOfMeasure, sourceDocument: DOC },
      });
    const M = PARK_PROGRAMME_METRICS;
    await set(M.newParks.metric, 2, '个');
    await set(M.enterprises.metric, 200, '家');
    await set(M.specialized.metric, 15, '家');
    await set('科技型企业', 50, '家');
    await set(M.enterprises.metric, 200, '家', ZHENGDONG);

    const { processor } = w.processor();
    await processor.start();
    const B = { parkId: 'park-hkg-002', name: '郑州航空港区生物医药小微企业园' };
    await w.park(register());
    await w.park(register(B));
    await w.park(register({ parkId: 'park-zd-1', name: '郑东新区数字经济小微企业园', district: ZHENGDONG }));
    const milestone = (parkId: string, milestone: 'land_supplied' | 'construction_started', date: string, district = AIRPORT) =>
      w.park({ type: 'RecordParkMilestone', at: `${date}T18:00:00+08:00`, actor: staffOf(district), data: { parkId, milestone, date } });
    await milestone('park-hkg-001', 'land_supplied', '2021-05-20');
    await milestone('park-hkg-001', 'construction_started', '2021-06-01');
    await milestone('park-hkg-002', 'land_supplied', '2021-05-25');
    await milestone('park-hkg-002', 'construction_started', '2021-06-15');
    await w.park(report('park-hkg-001', 2021, 5, { enterpriseCount: 120, specializedCount: 9, techCount: 30 }));
    await w.park(report('park-hkg-002', 2021, 5, { enterpriseCount: 70, specializedCount: 4, techCount: 15 }));
    await w.park(report('park-zd-1', 2021, 5, { enterpriseCount: 500 }, {}, staffOf(ZHENGDONG)));
    const last = await w.park(report('park-hkg-001', 2021, 6, { enterpriseCount: 135, specializedCount: 10, techCount: 31 }));
    await processor.waitFor(last.position, 5000);

    const target = async (metric: string, unitId = AIRPORT) => fold(targetDecider, await w.streamOf(targetStream(targetIdFor(unitId, 2021, metric)))) as SetTargetState;
    const parksStarted = await target(M.newParks.metric);
    expect(parksStarted.progress.map((p) => [p.value, p.source.ref])).toEqual([
      [1, 'park-hkg-001:construction_started'],
      [2, 'park-hkg-002:construction_started'],
    ]);
    expect(targetCompletion(parksStarted)).toMatchObject({ achieved: 2, met: true });

    const enterprises = await target(M.enterprises.metric);
    expect(enterprises.progress.map((p) => [p.value, p.source])).toEqual([
      [120, { kind: 'park_report', ref: 'park-hkg-001:2021-05:r1' }],
      [190, { kind: 'park_report', ref: 'park-hkg-002:2021-05:r1' }],
      [205, { kind: 'park_report', ref: 'park-hkg-001:2021-06:r1' }], // 135 (June) + 70 (May, B's latest)
    ]);
    expect(targetCompletion(enterprises)).toMatchObject({ achieved: 205, met: true, cappedRatio: 1 });
    expect(enterprises.current?.note).toContain('郑州航空港区智能终端小微企业园135（park-hkg-001:2021-06:r1）');
    expect(targetCompletion(await target(M.specialized.metric))).toMatchObject({ achieved: 14, met: false, remaining: 1 });
    expect(targetCompletion(await target('科技型企业'))).toMatchObject({ achieved: 46 });
    // another district's park feeds only its own district
    expect(targetCompletion(await target(M.enterprises.metric, ZHENGDONG))).toMatchObject({ achieved: 500 });
    const events = await w.streamOf(targetStream(targetIdFor(AIRPORT, 2021, M.enterprises.metric)));
    expect(events.at(-1)!.metadata).toMatchObject({ actorUserId: PARK_RULES_ACTOR.userId, occurredAt: '2021-07-05T10:00:00+08:00' });

    // a replay from zero writes nothing new: every progress command finds its own events
    await processor.stop();
    const replay = w.processor({ dbFile: join(w.dir, 'replay.db') });
    await replay.processor.start();
    await replay.processor.waitFor(last.position, 5000);
    expect(replay.processor.status()).toMatchObject({ progressRecorded: 0, issuesReported: 0, failures: 0 });
    expect(await w.streamOf(targetStream(targetIdFor(AIRPORT, 2021, M.enterprises.metric)))).toHaveLength(events.length);
  });

  it('a failing event holds the checkpoint (lastError, backoff) until the cause is fixed, then goes on', async () => {
    let covered = false;
    const { processor } = w.processor({
      addWorkingDays: (at, n) => {
        if (!covered) throw new CalendarCoverageError(2027, [2019, 2026]);
        return officialCalendar.addWorkingDays(at, n);
      },
    });
    await processor.start();
    const registered = await w.park(register(SMALL));
    await expect(processor.waitFor(registered.position, 300)).rejects.toBeInstanceOf(ProcessorWaitTimeoutError);
    expect(processor.status()).toMatchObject({ state: 'failed', position: '0' });
    expect(processor.status().failures).toBeGreaterThan(0);
    expect(processor.status().lastError).toContain('2027');
    expect(await w.streamOf(issueStream(SMALL_SIZE_ISSUE))).toEqual([]);
    covered = true;
    await processor.waitFor(registered.position, 5000);
    expect(processor.status()).toMatchObject({ state: 'running', failures: 0, lastError: null, issuesReported: 1 });
  });

  it('a closed write gate (broken chain) holds the processor at the event: nothing written, checkpoint kept, the event not skipped', async () => {
    const registered = await w.park(register(SMALL));
    w.setGate({ kind: 'altered', stream: 'park-park-hkg-small', streamVersion: '0', globalPosition: String(registered.position), detail: 'hash mismatch' });
    const { processor, db } = w.processor();
    await processor.start();
    await expect(processor.waitFor(registered.position, 300)).rejects.toBeInstanceOf(ProcessorWaitTimeoutError);
    expect(processor.status()).toMatchObject({ state: 'failed', position: '0', storedPosition: '0', issuesReported: 0 });
    expect(processor.status().failures).toBeGreaterThan(1); // it keeps trying (backoff), it does not give up on the event
    expect(processor.status().lastError).toMatch(/^the event log failed verification at stream park-park-hkg-small, version 0/);
    expect(await w.streamOf(issueStream(SMALL_SIZE_ISSUE))).toEqual([]);
    expect(await w.store.headPosition()).toBe(registered.position);
    expect(new ProcessorStore(db, 'park-rules').get().position).toBe(0n);
    // repaired (in the api: after a restart on a verified log): the same event is processed, not skipped
    w.setGate(null);
    await processor.waitFor(registered.position, 5000);
    expect((await w.streamOf(issueStream(SMALL_SIZE_ISSUE))).map((e) => e.type)).toEqual(['issue.reported.v1', 'issue.assigned.v1']);
    expect(processor.status()).toMatchObject({ state: 'running', failures: 0, lastError: null, issuesReported: 1 });
  });

  it('starts again from zero when the log no longer holds the event at its checkpoint (store replaced)', async () => {
    const { processor } = w.processor();
    await processor.start();
    const registered = await w.park(register(SMALL));
    await processor.waitFor(registered.position, 5000);
    await processor.stop();

    // another log in which the event at that position is a different one
    const other = world();
    try {
      await other.park(register({ parkId: 'park-x', name: '别的园区' }));
      const again = await other.park(register(SMALL));
      const moved = other.processor({ dbFile: join(w.dir, 'processors.db') });
      await moved.processor.start();
      await moved.processor.waitFor(again.position, 5000);
      expect(moved.processor.status()).toMatchObject({ issuesReported: 1, failures: 0 });
      expect((await other.streamOf(issueStream(SMALL_SIZE_ISSUE))).map((e) => e.type)).toEqual(['issue.reported.v1', 'issue.assigned.v1']);
    } finally {
      await other.close();
    }
  });

  it('acts only as a supervisor', () => {
    expect(() => w.processor({ actor: staffOf(AIRPORT) })).toThrow(/supervisor/);
  });
});
