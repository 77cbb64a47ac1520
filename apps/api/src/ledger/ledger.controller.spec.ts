/**
 * GET /api/v1/ledger over HTTP: the real write path (tasks and issues
 * controllers, deciders, SQLite store), the real runner with the ledger
 * projection, real tokens and guards. The application module is built here
 * (AppModule is wired elsewhere) with the same global settings as createApi.
 */
import { installBigIntJson } from '../common/bigint-json';
import 'reflect-metadata';
import { Module, RequestMethod, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type Database from 'better-sqlite3';
import { AccessModule, mintToken } from '@duban/access';
import { ApplicationModule } from '@duban/application/nest/application.module';
import { DubanConfigModule } from '@duban/config';
import type { Role } from '@duban/domain/decider';
import { EventStoreModule } from '@duban/eventstore/nest/event-store.module';
import { ProjectionsModule, READ_MODEL_DB } from '@duban/projections';
import { HttpErrorsFilter } from '../common/http-errors.filter';
import { IssuesController } from '../issues/issues.controller';
import { TasksController } from '../tasks/tasks.controller';
import { UnitsModule } from '../units/units.module';
import { LedgerController } from './ledger.controller';

const SECRET = 'duban-ledger-spec-secret-0123456789-abcdef';
const OFFICE = '市政府办公厅四处';
const enc = encodeURIComponent;

@Module({
  imports: [
    DubanConfigModule,
    EventStoreModule,
    ProjectionsModule.forRoot({ runner: { flushDelayMs: 5 } }),
    AccessModule,
    UnitsModule,
    ApplicationModule,
  ],
  controllers: [TasksController, IssuesController, LedgerController],
  providers: [{ provide: APP_FILTER, useClass: HttpErrorsFilter }],
})
class LedgerTestModule {}

describe('GET /api/v1/ledger', () => {
  let app: NestExpressApplication;
  let dir: string;
  let saved: NodeJS.ProcessEnv;
  let last: string;
  let afterAssign: string;
  const as = (role: Role | null, unitId = OFFICE) => {
    const token = role ? mintToken({ role, unitId, userId: `${role}-user` }, SECRET) : null;
    return (url: string) => {
      const t = request(app.getHttpServer()).get(url);
      return token ? t.set('Authorization', `Bearer ${token}`) : t;
    };
  };
  const post = (url: string, body: object) =>
    request(app.getHttpServer()).post(url).set('Authorization', `Bearer ${mintToken({ role: 'supervisor', unitId: OFFICE, userId: 'li' }, SECRET)}`).send(body);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-ledger-api-'));
    saved = { ...process.env };
    Object.assign(process.env, { DUBAN_DATA_DIR: dir, JWT_SECRET: SECRET, LOG_LEVEL: 'silent' });
    app = await NestFactory.create<NestExpressApplication>(LedgerTestModule, { logger: false, abortOnError: false });
    installBigIntJson();
    app.setGlobalPrefix('api/v1', { exclude: [{ path: 'health', method: RequestMethod.GET }] });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    await app.init();

    const reg = await post('/api/v1/tasks', {
      docNumber: '郑政办〔2021〕34号',
      itemPath: '三/1',
      title: '全年新开工20个以上小微企业园',
      text: '全年新开工20个以上小微企业园。',
      leadUnits: ['市工信局'],
      responsibleUnits: ['中牟县', '郑东新区'],
      cooperatingUnits: ['市人社局'],
      deadline: '2021-12-31T23:59:59+08:00',
      effectiveAt: '2021-04-30T10:00:00+08:00',
    }).expect(201);
    const taskId = reg.body.item.taskId as string;
    const assigned = await post(`/api/v1/tasks/${taskId}/shares/${enc('中牟县')}/assign`, {
      deadline: '2021-06-25T23:59:59+08:00',
      effectiveAt: '2021-05-06T09:00:00+08:00',
    }).expect(200);
    afterAssign = assigned.body.position;
    const issue = await post('/api/v1/issues', {
      title: '施工许可证办理滞后',
      description: '补录',
      category: '施工许可',
      urgency: 'normal',
      reportingUnit: '中牟县',
      effectiveAt: '2021-03-01T09:00:00+08:00',
    }).expect(201);
    const issueAssigned = await post(`/api/v1/issues/${issue.body.item.issueId}/assign`, {
      unitId: '荥阳市',
      deadline: '2021-03-31T23:59:59+08:00',
      effectiveAt: '2021-03-02T09:00:00+08:00',
    }).expect(200);
    last = issueAssigned.body.position;
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the live ledger to the supervision office, an auditor and an admin; nothing without a token', async () => {
    for (const role of ['supervisor', 'auditor', 'admin'] as const) {
      const r = await as(role)(`/api/v1/ledger?minPosition=${last}`).expect(200);
      expect(r.body).toMatchObject({ axis: 'position', position: last, total: 3, limit: 100, offset: 0, incomplete: false });
      const mine = r.body.rows.find((row: { unitId: string; kind: string }) => row.unitId === '中牟县' && row.kind === 'task');
      expect(mine).toMatchObject({ status: 'assigned', deadline: '2021-06-25T23:59:59+08:00', validFromPosition: afterAssign, group: '县市' });
      // viewed now (years later): black, 10+ working days overdue
      expect(mine.view).toMatchObject({ overdue: true, colour: 'black', step: 'listed' });
    }
    await as(null)('/api/v1/ledger').expect(401);
  });

  it('a unit sees only the rows it is responsible for, leads or cooperates on', async () => {
    const zhongmu = await as('unit', '中牟县')(`/api/v1/ledger?minPosition=${last}`).expect(200);
    expect(zhongmu.body.rows.map((r: { key: string }) => r.key)).toEqual([expect.stringMatching(/:中牟县$/)]);
    const lead = await as('unit', '市工信局')(`/api/v1/ledger?minPosition=${last}`).expect(200);
    expect(lead.body.total).toBe(2);
    const other = await as('unit', '荥阳市')(`/api/v1/ledger?minPosition=${last}&kind=task`).expect(200);
    expect(other.body.total).toBe(0);
  });

  it('travels in time on each axis', async () => {
    // exact to the event: right after the assignment, before the issue existed
    const exact = await as('auditor', '市审计局')(`/api/v1/ledger?position=${afterAssign}`).expect(200);
    expect(exact.body).toMatchObject({ axis: 'position', position: afterAssign, total: 2 });
    // effective: in March 2021 only the back-filled issue was in effect, assigned to 荥阳市 and due 03-31
    const march = await as('auditor', '市审计局')(`/api/v1/ledger?asOf=${enc('2021-03-10T18:00+08:00')}&axis=effective`).expect(200);
    expect(march.body).toMatchObject({ axis: 'effective', total: 1 });
    expect(march.body.rows[0]).toMatchObject({ kind: 'issue', status: 'assigned', unitId: '荥阳市' });
    expect(march.body.rows[0].view).toMatchObject({ workingDaysLeft: 15, colour: 'green' });
    // recorded: in 2021 the system knew nothing yet (everything was recorded today)
    const recorded = await as('auditor', '市审计局')('/api/v1/ledger?asOf=2021-06-30&group=县市').expect(200);
    expect(recorded.body).toMatchObject({ axis: 'recorded', position: '0', total: 0, instant: '2021-06-30T15:59:59.999Z' });
    // filters
    const filtered = await as('supervisor')(`/api/v1/ledger?asOf=${enc('2021-05-07T12:00+08:00')}&axis=effective&unit=${enc('中牟县')}&status=assigned&document=${enc('郑政办〔2021〕34号')}`).expect(200);
    expect(filtered.body.rows.map((r: { unitId: string; view: { colour: string } }) => [r.unitId, r.view.colour])).toEqual([['中牟县', 'green']]);
  });

  it('refuses bad requests with 400', async () => {
    const sup = as('supervisor');
    await sup('/api/v1/ledger?asOf=yesterday').expect(400);
    await sup('/api/v1/ledger?asOf=2021-06-30T18:00').expect(400);
    await sup(`/api/v1/ledger?asOf=2021-06-30&position=3`).expect(400);
    await sup('/api/v1/ledger?axis=effective').expect(400);
    await sup('/api/v1/ledger?status=done').expect(400);
    await sup('/api/v1/ledger?group=省直').expect(400);
    await sup(`/api/v1/ledger?unit=${enc('火星市')}`).expect(400);
    await sup('/api/v1/ledger?format=pdf').expect(400);
    await sup('/api/v1/ledger?format=xlsx&limit=5').expect(400);
    await sup('/api/v1/ledger?colour=red').expect(400);
  });

  it('exports the ledger as .xlsx with a Content-Disposition', async () => {
    const r = await as('supervisor')(`/api/v1/ledger?asOf=${enc('2021-06-30T18:00+08:00')}&axis=effective&format=xlsx`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(r.headers['content-disposition']).toBe(
      `attachment; filename="ledger-20210630T1000Z.xlsx"; filename*=UTF-8''${enc('督查事项台账-20210630T1000Z.xlsx')}`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.body as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('台账')!;
    expect(sheet.getCell('A1').value).toBe('督查事项台账（截至2021年6月30日18:00，按事项生效时间）');
    expect(sheet.rowCount).toBe(2 + 3);
    const zhongmu = [3, 4, 5].map((n) => sheet.getRow(n)).find((row) => row.getCell(4).value === '中牟县')!;
    expect(zhongmu.getCell(7).value).toBe('已交办，逾期3个工作日');
  });
});
