/**
 * The figures endpoints over real HTTP: FiguresController behind the real
 * AccessModule and the api's validation pipe, FiguresQuery over a real
 * read-model file fed by the runner from a real store (constructed directly,
 * not through AppModule).
 */
import { installBigIntJson } from '../common/bigint-json';
import 'reflect-metadata';
import { Global, Module, ValidationPipe } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ACCESS_UNIT_REGISTRY, AccessModule, mintToken } from '@duban/access';
import { UnitRegistry } from '@duban/domain/units';
import { APP_CONFIG, loadConfig } from '@duban/config';
import type { AppConfig } from '@duban/config';
import type { Actor } from '@duban/domain/decider';
import { ProjectionRunner } from '@duban/projections';
import { FiguresProjection } from '@duban/projections/figures/figures.projection';
import { FiguresQuery } from '@duban/projections/figures/figures.query';
import { shanghaiIso } from '@duban/projections/figures/period';
import { recordProgress, setTarget, TargetLedger } from '@duban/projections/targets/target-ledger';
import { TargetsProjection } from '@duban/projections/targets/targets.projection';
import { Harness } from '@duban/projections/testing';
import {
  acknowledgeShare,
  AIRPORT_ZONE,
  approveShare,
  assignShare,
  registerTask,
  reportShare,
  submitShare,
  ZHENGDONG,
} from '@duban/projections/testing/fixtures';
import { FiguresController } from './figures.controller';

const SECRET = 'figures-spec-secret-that-is-long-enough-0123456789';
const supervisor: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
const auditor: Actor = { userId: 'wang.shenji', unitId: '市审计局', role: 'auditor' };
const admin: Actor = { userId: 'root', unitId: '市政府办公厅', role: 'admin' };
const zhengdong: Actor = { userId: 'staff@郑东新区', unitId: ZHENGDONG, role: 'unit' };
const JUNE = 'period=month&year=2021&index=6';

function configModule(config: AppConfig) {
  @Global()
  @Module({
    // tokens name units of the registry: the seeded one stands in for the api's UnitsService
    providers: [{ provide: APP_CONFIG, useValue: config }, { provide: ACCESS_UNIT_REGISTRY, useValue: { current: UnitRegistry.seeded() } }],
    exports: [APP_CONFIG, ACCESS_UNIT_REGISTRY],
  })
  class TestConfigModule {}
  return TestConfigModule;
}

describe('FiguresController over HTTP', () => {
  let h: Harness;
  let app: INestApplication;
  const get = (url: string, actor: Actor | null) => {
    const r = request(app.getHttpServer()).get(url);
    return actor ? r.set('Authorization', `Bearer ${mintToken(actor, SECRET)}`) : r;
  };

  beforeAll(async () => {
    h = await Harness.open({ projections: () => [new FiguresProjection(), new TargetsProjection()] });
    // 郑州航空港区 closes its share on time in June; 郑东新区's is overdue at the end of June
    const T = 'http-t1';
    await h.ledger.runAll([
      registerTask(T, { responsibleUnits: [AIRPORT_ZONE, ZHENGDONG], deadline: '2021-06-30T23:59:59+08:00' }),
      ...[AIRPORT_ZONE, ZHENGDONG].flatMap((u) => [
        assignShare(T, u, '2021-05-06T09:00:00+08:00'),
        acknowledgeShare(T, u, '2021-05-07T09:00:00+08:00'),
        reportShare(T, u, '2021-05-08T09:00:00+08:00', 10),
      ]),
      submitShare(T, AIRPORT_ZONE, '2021-06-20T10:00:00+08:00'),
      approveShare(T, AIRPORT_ZONE, '2021-06-21T10:00:00+08:00'),
    ]);
    // 集聚入园企业 2021: 200 each; by the end of June 郑州航空港区 has 120 (of the 100 June expects), 郑东新区 50
    await new TargetLedger(h.store).runAll([
      setTarget(AIRPORT_ZONE, 2021, 'enterprises', 200, '2021-05-07T10:00:00+08:00'),
      setTarget(ZHENGDONG, 2021, 'enterprises', 200, '2021-05-07T10:00:00+08:00'),
      recordProgress(AIRPORT_ZONE, 2021, 'enterprises', 120, '2021-06-25T10:00:00+08:00'),
      recordProgress(ZHENGDONG, 2021, 'enterprises', 50, '2021-06-25T10:00:00+08:00'),
    ]);
    await h.settle();

    const moduleRef = await Test.createTestingModule({
      imports: [configModule(loadConfig({ JWT_SECRET: SECRET, DUBAN_DATA_DIR: h.dir })), AccessModule],
      controllers: [FiguresController],
      providers: [
        { provide: FiguresQuery, useValue: new FiguresQuery(h.db) },
        { provide: ProjectionRunner, useValue: h.runner },
      ],
    }).compile();
    const nest = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    // as apps/api/src/bootstrap.ts does
    installBigIntJson();
    nest.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    await nest.init();
    app = nest;
  });
  afterAll(async () => {
    await app?.close();
    await h.close();
  });

  it('needs a token', async () => {
    await get(`/figures?${JUNE}`, null).expect(401);
    await get(`/leaderboard?${JUNE}`, null).expect(401);
  });

  it('GET /figures: every unit for the office, auditors and admins, with rule and position', async () => {
    const lowest = h.runner.status().map((s) => s.checkpoint).reduce((a, b) => (a < b ? a : b));
    for (const actor of [supervisor, auditor, admin]) {
      const res = await get(`/figures?${JUNE}`, actor).expect(200);
      expect(res.body).toMatchObject({
        period: { label: '2021年6月', start: '2021-06-01T00:00:00+08:00', end: '2021-07-01T00:00:00+08:00' },
        asOf: '2021-06-30T23:59:59.999+08:00',
        position: lowest.toString(),
        rule: { id: 'duban-score', version: 2, name: 'duban-score-v2' },
        definitions: 'duban-figures-v2',
      });
      expect(res.body.units).toHaveLength(16);
      // 85 + 15 × min(1, 120/100) = 100; 25 + 15 × 50/100 − 2 = 30.5
      expect(res.body.units[0]).toMatchObject({ unitId: AIRPORT_ZONE, due: 1, closedOnTime: 1, targetCompletion: 1, targets: 1, score: 100, rank: 1, red: true });
      expect(res.body.units[1]).toMatchObject({ unitId: ZHENGDONG, due: 1, overdue: 1, targetCompletion: 0.5, targets: 1, score: 30.5, rank: 2, black: true });
    }
    // the rule v1 bulletins were published under stays computable: target completion shown, not scored
    const v1 = await get(`/figures?${JUNE}&rule=duban-score-v1`, supervisor).expect(200);
    expect(v1.body.rule.name).toBe('duban-score-v1');
    expect(v1.body.units.slice(0, 2).map((u: { score: number; targetCompletion: number }) => [u.score, u.targetCompletion])).toEqual([
      [85, 1],
      [23, 0.5],
    ]);
  });

  it('GET /figures: a unit sees only its own row', async () => {
    const res = await get(`/figures?${JUNE}`, zhengdong).expect(200);
    expect(res.body.units.map((u: { unitId: string }) => u.unitId)).toEqual([ZHENGDONG]);
  });

  it('GET /leaderboard: ranked within groups, red and black lists, filtered by group', async () => {
    const res = await get(`/leaderboard?${JUNE}&group=${encodeURIComponent('开发区')}`, supervisor).expect(200);
    expect(res.body.groups).toHaveLength(1);
    expect(res.body.groups[0]).toMatchObject({ group: '开发区', scoredUnits: 2, listsDrawn: true, red: [AIRPORT_ZONE], black: [ZHENGDONG] });
    expect(res.body.groups[0].entries.map((e: { unitId: string; rank: number | null }) => [e.unitId, e.rank])).toEqual([
      [AIRPORT_ZONE, 1],
      [ZHENGDONG, 2],
      ['郑州高新区', null],
      ['郑州经开区', null],
    ]);
    expect(res.body.rule.name).toBe('duban-score-v2');
    expect(res.body.groups[0].entries.slice(0, 2).map((e: { score: number; targetCompletion: number | null }) => [e.score, e.targetCompletion])).toEqual([
      [100, 1],
      [30.5, 0.5],
    ]);
    expect(res.body.groups[0].entries[2]).toMatchObject({ unitId: '郑州高新区', targetCompletion: null, score: null });
  });

  it('GET /leaderboard: a unit sees a period that has ended, not the one still running', async () => {
    const res = await get(`/leaderboard?${JUNE}`, zhengdong).expect(200);
    expect(res.body.groups.map((g: { group: string }) => g.group)).toEqual(['开发区', '县市', '市内区']);
    const [year, month] = shanghaiIso(Date.now()).split('-').map(Number);
    const current = `period=month&year=${year}&index=${month}`;
    const refused = await get(`/leaderboard?${current}`, zhengdong).expect(403);
    expect(refused.body.message).toMatch(/published once the period has ended/);
    await get(`/leaderboard?${current}`, supervisor).expect(200);
    await get(`/leaderboard?period=year&year=${year}`, zhengdong).expect(403);
  });

  it('recomputes at a recorded position and rule', async () => {
    const first = await get(`/leaderboard?${JUNE}`, auditor).expect(200);
    const again = await get(`/leaderboard?${JUNE}&position=${first.body.position}&rule=${first.body.rule.name}&asOf=${encodeURIComponent(first.body.asOf)}`, auditor).expect(200);
    expect(again.body).toEqual(first.body);
    const v1 = await get(`/leaderboard?${JUNE}&rule=duban-score-v1`, auditor).expect(200);
    const v1Again = await get(`/leaderboard?${JUNE}&position=${v1.body.position}&rule=duban-score-v1&asOf=${encodeURIComponent(v1.body.asOf)}`, auditor).expect(200);
    expect(v1Again.body).toEqual(v1.body);
  });

  it.each([
    ['an unknown period kind', 'period=week&year=2021&index=1', /period must be one of month, quarter, half, year/],
    ['a month 13', 'period=month&year=2021&index=13', /index must not be greater than 12/],
    ['a quarter 5', 'period=quarter&year=2021&index=5', /index must be a whole number from 1 to 4 for a quarter/],
    ['a month without index', 'period=month&year=2021', /index must be a whole number/],
    ['a year out of range', 'period=year&year=1999', /year must not be less than 2000/],
    ['an unknown group', `${JUNE}&group=${encodeURIComponent('市直')}`, /group must be one of 开发区, 县市, 市内区/],
    ['an as-of without offset', `${JUNE}&asOf=2021-06-15T10:00:00`, /asOf must be an ISO 8601 date-time with an offset/],
    ['an as-of before the period', `${JUNE}&asOf=2021-05-01T10:00:00%2B08:00`, /asOf lies before the period 2021年6月 starts/],
    ['an unknown rule', `${JUNE}&rule=duban-score-v9`, /duban-score-v9 is not a known scoring rule/],
    ['a malformed position', `${JUNE}&position=abc`, /position must be a global position/],
    ['an unknown field', `${JUNE}&unit=${encodeURIComponent('郑东新区')}`, /property unit should not exist/],
  ])('400 for %s', async (_what, query, message) => {
    const res = await get(`/figures?${query}`, supervisor).expect(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('documents both endpoints in OpenAPI, with examples', () => {
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    for (const path of ['/figures', '/leaderboard']) {
      const op = doc.paths[path].get!;
      type Param = { name: string; required?: boolean; schema: { example?: unknown } };
      const params = Object.fromEntries((op.parameters as Param[]).map((p) => [p.name, p]));
      expect(Object.keys(params).sort()).toEqual(['asOf', 'group', 'index', 'period', 'position', 'rule', 'year']);
      expect(params.period).toMatchObject({ required: true, schema: { example: 'month', enum: ['month', 'quarter', 'half', 'year'] } });
      expect(params.year).toMatchObject({ required: true, schema: { example: 2021 } });
      expect(params.index).toMatchObject({ required: false, schema: { example: 6 } });
      expect(params.group).toMatchObject({ required: false, schema: { enum: ['开发区', '县市', '市内区'] } });
      expect(params.rule).toMatchObject({ schema: { example: 'duban-score-v2' } });
      expect(JSON.stringify(op.responses['200'])).toContain('duban-score-v2');
      expect(JSON.stringify(op.responses['200'])).toContain('targetCompletion');
    }
  });

  it('400 naming `position` (its parameter here, not minPosition) for a position beyond the head of the log', async () => {
    const head = h.runner.status()[0].checkpoint;
    const res = await get(`/figures?${JUNE}&position=${head + 1000n}`, supervisor).expect(400);
    expect(res.body).toMatchObject({ head: String(head), message: `position ${head + 1000n} lies beyond the head of the event log (position ${head}): no write has returned it` });
  });

  // last: it stops the runner
  it('503 when the read models do not reach the position in time', async () => {
    await h.runner.stop();
    const written = await h.ledger.task(registerTask('http-t2', { responsibleUnits: [ZHENGDONG], deadline: '2021-06-30T23:59:59+08:00' }));
    const res = await get(`/figures?${JUNE}&position=${written.position}`, supervisor).expect(503);
    expect(res.body.message).toMatch(/^the figures read model has not reached position/);
  });
});
