import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import official from '../../libs/domain/src/calendar/data/cn-official.json';
import { ParkRulesProcessor } from '@duban/application/parks';
import { toShanghaiIso, WorkingCalendar } from '@duban/domain/calendar';
import { issueIdForFinding, parkFindingId } from '@duban/domain/park';
import { targetIdFor } from '@duban/domain/target';
import { enc, OFFICE, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/**
 * Parks (小微企业园) and targets (目标任务) over HTTP on the real stack: the park
 * lifecycle, star awards, rule findings that become issues on the ledger
 * (assigned to the district by the park rules processor), park reports that
 * feed the district's targets, role checks, and bad input that writes nothing.
 */

/**
 * The shipped calendar ends in 2026, and a 'complex' finding's deadline (30
 * working days) from late 2026 falls in 2027: the test adds a made-up 2027
 * with no holidays (a real deployment supplies the State Council notice via
 * DUBAN_CALENDAR_FILE).
 */
function calendarWith2027(): { file: string; dir: string; calendar: WorkingCalendar } {
  const data = JSON.parse(JSON.stringify(official));
  if (!data.years.includes(2027)) {
    data.years.push(2027);
    data.calendar['2027'] = { notices: ['测试用：无节假日'], holidays: [], makeupWorkdays: [] };
  }
  const dir = mkdtempSync(join(tmpdir(), 'duban-cal-'));
  const file = join(dir, 'calendar.json');
  writeFileSync(file, JSON.stringify(data));
  return { file, dir, calendar: WorkingCalendar.fromData(data) };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('parks and targets over HTTP', () => {
  let t: TestApp;
  let cal: ReturnType<typeof calendarWith2027>;
  beforeAll(async () => {
    cal = calendarWith2027();
    t = await startTestApp({ DUBAN_CALENDAR_FILE: cal.file });
  });
  afterAll(async () => {
    await t.close();
    rmSync(cal.dir, { recursive: true, force: true });
  });

  const sup = () => t.as('supervisor', OFFICE, '张督查');
  const unit = (u: string) => t.as('unit', u, `${u}-联络员`);
  const miit = () => t.as('unit', '市工信局', '工信局-园区科');

  /** A compliant manufacturing park: ≥100 亩, plot ratio 1.875, non-production 6 % / 20 %. */
  const parkBody = (parkId: string, district: string, extra: Record<string, unknown> = {}) => ({
    parkId,
    name: `${district}智能终端小微企业园`,
    district,
    type: 'manufacturing',
    landUse: 'industrial',
    landAreaMu: 120,
    floorAreaM2: 150_000,
    leadIndustry: '智能终端',
    nonProductionLandPercent: 6,
    nonProductionFloorPercent: 20,
    ...extra,
  });
  /** The last full month (reports for a month that has not begun are refused). */
  const lastMonth = (() => {
    const d = new Date(Date.now() + 8 * 3600_000); // Beijing
    const m = d.getUTCMonth(); // 0-based: the previous month, 1-based
    return m === 0 ? { year: d.getUTCFullYear() - 1, month: 12 } : { year: d.getUTCFullYear(), month: m };
  })();
  const period = `${lastMonth.year}-${String(lastMonth.month).padStart(2, '0')}`;
  const daysAgo = (n: number) => new Date(Date.now() + 8 * 3600_000 - n * 86400_000).toISOString().slice(0, 10);
  const figures = (extra: Record<string, unknown> = {}) => ({
    year: lastMonth.year,
    month: lastMonth.month,
    cumulativeInvestmentWan: 32_000,
    enterpriseCount: 86,
    specializedCount: 6,
    taxPerMuWan: 12.5,
    techCount: 21,
    ...extra,
  });

  it('runs a park from registration through milestones, a monthly report and its correction, 认定 and 星级', async () => {
    const D = '郑州航空港区';
    const reg = await unit(D).post('/api/v1/parks').send(parkBody('park-e2e-life', D)).expect(201);
    expect(reg.body).toMatchObject({ stream: 'park-park-e2e-life', version: 0, events: ['park.registered.v1'], replayed: false });
    expect(reg.body.item).toMatchObject({ status: 'registered', district: D, plotRatio: 1.875, plotRatioSource: 'computed', sizeRelaxations: [] });
    expect(reg.headers.etag).toBe('"0"');
    const findings = await unit(D).get('/api/v1/parks/park-e2e-life/findings').expect(200);
    expect(findings.body).toMatchObject({ parkId: 'park-e2e-life', version: 0, findings: [] });

    const ms = (milestone: string, date: string) => unit(D).post('/api/v1/parks/park-e2e-life/milestones').send({ milestone, date });
    await ms('land_supplied', daysAgo(20)).expect(200);
    const outOfOrder = await ms('completed', daysAgo(10)).expect(409);
    expect(outOfOrder.body).toMatchObject({ refusal: 'MilestoneOutOfOrder', currentMilestone: 'land_supplied', expectedMilestone: 'construction_started' });
    const started = await ms('construction_started', daysAgo(10)).set('If-Match', '"1"').expect(200);
    expect(started.body.item).toMatchObject({ currentMilestone: 'construction_started' });

    const submitted = await unit(D).post('/api/v1/parks/park-e2e-life/monthly-reports').send(figures()).expect(200);
    const reportId = `park-e2e-life:${period}:r1`;
    expect(submitted.body.item.reports[period]).toMatchObject({ reportId, revision: 1, enterpriseCount: 86 });
    const twice = await unit(D).post('/api/v1/parks/park-e2e-life/monthly-reports').send(figures()).expect(409);
    expect(twice.body).toMatchObject({ refusal: 'MonthlyReportAlreadySubmitted', period, reportId });

    const { year: _y, month: _m, ...corrected } = figures({ enterpriseCount: 88 });
    const correction = await unit(D)
      .post(`/api/v1/parks/park-e2e-life/monthly-reports/${enc(reportId)}/corrections`)
      .send({ ...corrected, reason: '入园企业数按工商登记更正' })
      .expect(200);
    expect(correction.body.events).toEqual(['park.monthly_report_corrected.v1']);
    expect(correction.body.item.reports[period]).toMatchObject({ reportId: `park-e2e-life:${period}:r2`, revision: 2, enterpriseCount: 88, replaces: [reportId] });
    // correcting the superseded revision again is a conflict naming the current one
    const stale = await unit(D)
      .post(`/api/v1/parks/park-e2e-life/monthly-reports/${enc(reportId)}/corrections`)
      .send({ ...corrected, reason: '重复更正' })
      .expect(409);
    expect(stale.body).toMatchObject({ refusal: 'MonthlyReportSuperseded', reportId, currentReportId: `park-e2e-life:${period}:r2` });
    await unit(D).post(`/api/v1/parks/park-e2e-life/monthly-reports/${enc('park-other:2021-01:r1')}/corrections`).send({ ...corrected, reason: 'x' }).expect(404);

    // 认定 and 星级 belong to the supervision office or 市工信局, never to the district
    const own = await unit(D).post('/api/v1/parks/park-e2e-life/certification').send({}).expect(403);
    expect(own.body.refusal).toBe('WrongUnit');
    const notYet = await miit().post('/api/v1/parks/park-e2e-life/stars').send({ stars: 1 }).expect(409);
    expect(notYet.body.refusal).toBe('ParkNotCertified');
    const certified = await miit().post('/api/v1/parks/park-e2e-life/certification').send({ docNumber: '郑工信〔2026〕58号' }).expect(200);
    expect(certified.body.item.certification).toMatchObject({ docNumber: '郑工信〔2026〕58号' });
    await sup().post('/api/v1/parks/park-e2e-life/certification').send({}).expect(409);

    const rated = await miit().post('/api/v1/parks/park-e2e-life/stars').send({ stars: 2, docNumber: '郑工信〔2026〕60号' }).expect(200);
    expect(rated.body.item).toMatchObject({ stars: 2, highestAwardedStars: 2, awardsDueWan: 80 });

    const got = await miit().get('/api/v1/parks/park-e2e-life').expect(200);
    expect(got.body).toMatchObject({ version: rated.body.version, item: { stars: 2, milestones: [{ milestone: 'land_supplied' }, { milestone: 'construction_started' }] } });
    expect(got.headers.etag).toBe(`"${rated.body.version}"`);
    const history = await t.as('auditor', '市审计局').get('/api/v1/parks/park-e2e-life/history').expect(200);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual([
      'park.registered.v1',
      'park.milestone_recorded.v1',
      'park.milestone_recorded.v1',
      'park.monthly_report_submitted.v1',
      'park.monthly_report_corrected.v1',
      'park.certified.v1',
      'park.stars_rated.v1',
    ]);
  });

  it('pays star awards by seed 001 item 23: 50/80/100 for a first rating, the difference for an upgrade, nothing for a downgrade or a level already rewarded', async () => {
    const D = '郑东新区';
    await sup().post('/api/v1/parks').send(parkBody('park-e2e-stars', D)).expect(201);
    await sup().post('/api/v1/parks/park-e2e-stars/certification').send({}).expect(200);
    const rate = async (stars: number) => (await miit().post('/api/v1/parks/park-e2e-stars/stars').send({ stars }).expect(200)).body.item;
    const history = async () => (await sup().get('/api/v1/parks/park-e2e-stars/history').expect(200)).body.filter((e: { type: string }) => e.type === 'park.stars_rated.v1').map((e: { data: unknown }) => e.data);

    expect(await rate(1)).toMatchObject({ stars: 1, awardsDueWan: 50 });
    expect(await rate(3)).toMatchObject({ stars: 3, highestAwardedStars: 3, awardsDueWan: 100 }); // ★ → ★★★: 100 − 50
    expect(await rate(2)).toMatchObject({ stars: 2, highestAwardedStars: 3, awardsDueWan: 100 }); // downgrade: 0
    expect(await rate(3)).toMatchObject({ stars: 3, awardsDueWan: 100 }); // back to a level already rewarded: 0
    const unchanged = await miit().post('/api/v1/parks/park-e2e-stars/stars').send({ stars: 3 }).expect(409);
    expect(unchanged.body).toMatchObject({ refusal: 'StarRatingUnchanged', stars: 3 });
    expect((await history()).map((d: { change: string; awardDueWan: number }) => [d.change, d.awardDueWan])).toEqual([
      ['first', 50],
      ['upgrade', 50],
      ['downgrade', 0],
      ['upgrade', 0],
    ]);

    await sup().post('/api/v1/parks').send(parkBody('park-e2e-stars-2', D)).expect(201);
    await sup().post('/api/v1/parks/park-e2e-stars-2/certification').send({}).expect(200);
    const two = await sup().post('/api/v1/parks/park-e2e-stars-2/stars').send({ stars: 2 }).expect(200);
    expect(two.body.item.ratings).toEqual([expect.objectContaining({ stars: 2, change: 'first', awardDueWan: 80 })]);
    const up = await sup().post('/api/v1/parks/park-e2e-stars-2/stars').send({ stars: 3 }).expect(200);
    expect(up.body.item.ratings[1]).toMatchObject({ change: 'upgrade', awardDueWan: 20 });
  });

  it('a park registered below the size threshold becomes an issue assigned to its district, exactly once', async () => {
    const D = '中牟县';
    const body = parkBody('park-e2e-small', D, { name: '中牟县汽车零部件小微企业园', landAreaMu: 60, floorAreaM2: 60_000 });
    const reg = await unit(D).post('/api/v1/parks').set('Idempotency-Key', 'zm-park-1').send(body).expect(201);
    const issueId = issueIdForFinding(parkFindingId('park-e2e-small', 'park.size', 'registration'));

    const findings = await unit(D).get('/api/v1/parks/park-e2e-small/findings').expect(200);
    expect(findings.body.findings).toEqual([
      expect.objectContaining({ ruleId: 'park.size', unitId: D, urgency: 'complex', issueId, measured: { landAreaMu: 60, floorAreaM2: 60000 }, threshold: { landAreaMu: 100, floorAreaM2: 100000 } }),
    ]);

    const issue = await eventually(async () => {
      const r = await sup().get(`/api/v1/issues/${issueId}`);
      return r.status === 200 && r.body.item.status === 'assigned' ? r.body : undefined;
    }, 'the size issue to be assigned');
    const registeredAt = (await sup().get('/api/v1/parks/park-e2e-small/history').expect(200)).body[0].recordedAt;
    expect(issue.item).toMatchObject({ status: 'assigned', unitId: D, reportingUnit: OFFICE, urgency: 'complex', category: '园区规模', parkId: 'park-e2e-small' });
    expect(issue.item.title).toBe('中牟县汽车零部件小微企业园规模未达标准');
    expect(issue.item.deadline).toBe(toShanghaiIso(cal.calendar.addWorkingDays(registeredAt, 30))); // Beijing time, as task deadlines
    const issueHistory = await unit(D).get(`/api/v1/issues/${issueId}/history`).expect(200);
    expect(issueHistory.body.map((e: { type: string; actor: { userId: string } }) => [e.type, e.actor.userId])).toEqual([
      ['issue.reported.v1', 'duban-rules'],
      ['issue.assigned.v1', 'duban-rules'],
    ]);
    expect(issueHistory.body[0].causationId).toBe((await sup().get('/api/v1/parks/park-e2e-small/history')).body[0].eventId);

    // on the ledger and in the district's inbox
    const items = await unit(D).get(`/api/v1/items?kind=issue&minPosition=${issue.position}`).expect(200);
    expect(items.body.rows.filter((r: { key: string }) => r.key === `issue:${issueId}`)).toHaveLength(1);
    expect((await unit(D).get('/api/v1/parks/park-e2e-small/findings').expect(200)).body.findings[0].issueStatus).toBe('assigned');

    // a retried registration, and a processor restart, change nothing
    const again = await unit(D).post('/api/v1/parks').set('Idempotency-Key', 'zm-park-1').send(body).expect(201);
    expect(again.body).toMatchObject({ replayed: true, position: reg.body.position });
    const processor = t.app.get(ParkRulesProcessor);
    await processor.stop();
    await processor.start();
    const later = await unit(D).post('/api/v1/parks/park-e2e-small/milestones').send({ milestone: 'land_supplied', date: daysAgo(1) }).expect(200);
    await processor.waitFor(BigInt(later.body.position), 5000);
    expect((await sup().get(`/api/v1/issues/${issueId}/history`).expect(200)).body).toHaveLength(2);
    expect(processor.status()).toMatchObject({ state: 'running', failures: 0 });
  });

  it("a monthly report flags enterprises under 1万元/亩 for 整改 and feeds the district's targets", async () => {
    const D = '郑州经开区';
    const set = (metric: string, value: number, unitOfMeasure = '家') =>
      sup()
        .post('/api/v1/targets')
        .send({ unitId: D, year: lastMonth.year, metric, value, unitOfMeasure, sourceDocument: { docNumber: '郑政办〔2021〕34号', annex: '附件' } })
        .expect(201);
    const enterprises = await set('集聚入园企业', 200);
    const targetId = targetIdFor(D, lastMonth.year, '集聚入园企业');
    expect(enterprises.body).toMatchObject({ stream: `target-${targetId}`, item: { targetId, value: 200, completion: { achieved: 0, ratio: 0, met: false, remaining: 200 } } });
    await set('专精特新企业', 15);
    const twice = await sup()
      .post('/api/v1/targets')
      .send({ unitId: D, year: lastMonth.year, metric: '集聚入园企业', value: 220, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2021〕34号' } })
      .expect(409);
    expect(twice.body).toMatchObject({ refusal: 'IllegalTransition', currentStatus: 'set' });

    await unit(D).post('/api/v1/parks').send(parkBody('park-e2e-jk-1', D)).expect(201);
    await unit(D).post('/api/v1/parks').send(parkBody('park-e2e-jk-2', D, { name: '郑州经开区汽车电子小微企业园' })).expect(201);
    await unit(D).post('/api/v1/parks/park-e2e-jk-1/monthly-reports').send(figures({ enterpriseCount: 120, specializedCount: 9 })).expect(200);
    const low = [
      { name: '郑州某精密机械有限公司', creditCode: '91410100MA46XXXX2Y', taxPerMuWan: 0.6 },
      { name: '郑州某汽车配件有限公司', taxPerMuWan: 4.2 },
    ];
    const r2 = await unit(D).post('/api/v1/parks/park-e2e-jk-2/monthly-reports').send(figures({ enterpriseCount: 70, specializedCount: 4, enterpriseTaxes: low })).expect(200);

    const target = await eventually(async () => {
      const r = await unit(D).get(`/api/v1/targets/${targetId}`).expect(200);
      return r.body.item.completion.achieved === 190 ? r.body : undefined;
    }, 'the district target to reach 190');
    expect(target.item.completion).toMatchObject({ target: 200, achieved: 190, ratio: 0.95, cappedRatio: 0.95, met: false, remaining: 10 });
    expect(target.item.progress.map((p: { value: number; source: { ref: string } }) => [p.value, p.source.ref])).toEqual([
      [120, `park-e2e-jk-1:${period}:r1`],
      [190, `park-e2e-jk-2:${period}:r1`],
    ]);
    const specialized = await unit(D).get(`/api/v1/targets/${targetIdFor(D, lastMonth.year, '专精特新企业')}`).expect(200);
    expect(specialized.body.item.completion).toMatchObject({ achieved: 13, remaining: 2 });

    const taxIssue = issueIdForFinding(parkFindingId('park-e2e-jk-2', 'park.tax_per_mu', String(lastMonth.year), '91410100MA46XXXX2Y'));
    const issue = await eventually(async () => {
      const r = await unit(D).get(`/api/v1/issues/${taxIssue}`);
      return r.status === 200 ? r.body : undefined;
    }, 'the 亩均税收 issue');
    expect(issue.item).toMatchObject({ status: 'assigned', unitId: D, urgency: 'normal', category: '亩均税收整改' });
    expect(issue.item.description).toContain('郑州某精密机械有限公司');
    expect(Number(r2.body.position)).toBeLessThan(Number(issue.position));

    // the district records its own figure by hand; another district may neither read nor write it
    const manual = await unit(D).post(`/api/v1/targets/${targetId}/progress`).set('Idempotency-Key', 'jk-manual-1').send({ value: 205, note: '含园外集聚企业' }).expect(200);
    expect(manual.body.item.completion).toMatchObject({ achieved: 205, met: true });
    const retried = await unit(D).post(`/api/v1/targets/${targetId}/progress`).set('Idempotency-Key', 'jk-manual-1').send({ value: 205, note: '含园外集聚企业' }).expect(200);
    expect(retried.body.replayed).toBe(true);
    const wrong = await unit('巩义市').post(`/api/v1/targets/${targetId}/progress`).send({ value: 1 }).expect(403);
    expect(wrong.body.refusal).toBe('WrongUnit');
    await unit('巩义市').get(`/api/v1/targets/${targetId}`).expect(403);
    const sourced = await sup()
      .post(`/api/v1/targets/${targetId}/progress`)
      .send({ value: 210, source: { kind: 'task_progress', ref: '郑政办〔2021〕34号-三-2/郑州经开区' } })
      .expect(200);
    expect(sourced.body.item.completion).toMatchObject({ achieved: 210, ratio: 1.05, cappedRatio: 1 });
    const sameSource = await sup()
      .post(`/api/v1/targets/${targetId}/progress`)
      .send({ value: 211, source: { kind: 'task_progress', ref: '郑政办〔2021〕34号-三-2/郑州经开区' } })
      .expect(409);
    expect(sameSource.body.refusal).toBe('ProgressAlreadyRecorded');
  });

  it('checks roles: who registers, reports, certifies, rates and sets targets, and who reads', async () => {
    const D = '登封市';
    const auditor = t.as('auditor', '市审计局');
    const admin = t.as('admin', OFFICE);
    await auditor.post('/api/v1/parks').send(parkBody('park-e2e-roles', D)).expect(403);
    await admin.post('/api/v1/parks').send(parkBody('park-e2e-roles', D)).expect(403);
    await t.as(null).post('/api/v1/parks').send(parkBody('park-e2e-roles', D)).expect(401);
    const otherDistrict = await unit('巩义市').post('/api/v1/parks').send(parkBody('park-e2e-roles', D)).expect(403);
    expect(otherDistrict.body).toMatchObject({ refusal: 'WrongUnit', expectedUnitId: D });
    await unit(D).post('/api/v1/parks').send(parkBody('park-e2e-roles', D)).expect(201);

    await unit('巩义市').post('/api/v1/parks/park-e2e-roles/milestones').send({ milestone: 'land_supplied', date: daysAgo(3) }).expect(403);
    await unit('巩义市').post('/api/v1/parks/park-e2e-roles/monthly-reports').send(figures()).expect(403);
    await unit('巩义市').get('/api/v1/parks/park-e2e-roles').expect(403);
    await unit('巩义市').get('/api/v1/parks/park-e2e-roles/findings').expect(403);
    await miit().get('/api/v1/parks/park-e2e-roles').expect(200);
    await auditor.get('/api/v1/parks/park-e2e-roles/findings').expect(200);
    await admin.get('/api/v1/parks/park-e2e-roles').expect(200);
    await auditor.post('/api/v1/parks/park-e2e-roles/certification').send({}).expect(403);
    await unit('市科技局').post('/api/v1/parks/park-e2e-roles/certification').send({}).expect(403);
    // a supervisor records facts for any district
    await sup().post('/api/v1/parks/park-e2e-roles/milestones').send({ milestone: 'land_supplied', date: daysAgo(3) }).expect(200);

    const target = { unitId: D, year: lastMonth.year, metric: '科技型企业', value: 30, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2021〕34号' } };
    await unit(D).post('/api/v1/targets').send(target).expect(403);
    await miit().post('/api/v1/targets').send(target).expect(403);
    await auditor.post('/api/v1/targets').send(target).expect(403);
    const set = await sup().post('/api/v1/targets').send(target).expect(201);
    const id = set.body.item.targetId;
    await auditor.post(`/api/v1/targets/${id}/progress`).send({ value: 3 }).expect(403);
    await auditor.get(`/api/v1/targets/${id}/history`).expect(200);

    // a unit may not back-date its facts (a supervisor may, for paper records)
    const backdated = await unit(D).post('/api/v1/parks/park-e2e-roles/milestones').send({ milestone: 'construction_started', date: daysAgo(2), effectiveAt: '2021-05-01T09:00:00+08:00' }).expect(403);
    expect(backdated.body.message).toContain('back-date');
  });

  it('refuses bad input (400 / 404 / 409 / 412 / 422) and writes nothing', async () => {
    const D = '新密市';
    const park = await unit(D).post('/api/v1/parks').send(parkBody('park-e2e-bad', D)).expect(201);
    expect(park.body.version).toBe(0);
    const absent = async (parkId: string) => sup().get(`/api/v1/parks/${parkId}`).expect(404);

    // 400: shapes and types (ValidationPipe, whitelist)
    await unit(D).post('/api/v1/parks').send({ ...parkBody('park-e2e-x1', D), owner: '某公司' }).expect(400);
    await unit(D).post('/api/v1/parks').send({ ...parkBody('park-e2e-x1', D), landAreaMu: '120' }).expect(400);
    await unit(D).post('/api/v1/parks').send({ ...parkBody('park-e2e-x1', D), type: 'logistics' }).expect(400);
    await unit(D).post('/api/v1/parks').send({ ...parkBody('park-e2e-x1', D), sizeRelaxations: ['because'] }).expect(400);
    await unit(D).post('/api/v1/parks').send({ ...parkBody('park-e2e-x1', D), parkId: 'a:b' }).expect(400);
    await unit(D).post('/api/v1/parks/park-e2e-bad/milestones').send({ milestone: '开工', date: daysAgo(1) }).expect(400);
    await unit(D).post('/api/v1/parks/park-e2e-bad/monthly-reports').send(figures({ month: 'June' })).expect(400);
    await unit(D).post('/api/v1/parks/park-e2e-bad/stars').send({ stars: 2.5 }).expect(400);
    await unit(D).post('/api/v1/parks/park-e2e-bad/milestones').set('If-Match', 'yesterday').send({ milestone: 'land_supplied', date: daysAgo(1) }).expect(400);
    await sup().post('/api/v1/targets/x/progress').send({ value: 1, source: { kind: 'park_report', ref: 'park-e2e-bad:2021-01:r1' } }).expect(400);

    // 422: the domain's rules, naming the field
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ landAreaMu: 0 }, { refusal: 'InvalidCommandData', field: 'landAreaMu' }],
      [{ nonProductionFloorPercent: 101 }, { refusal: 'InvalidCommandData', field: 'nonProductionFloorPercent' }],
      [{ district: '市工信局' }, { refusal: 'InvalidCommandData', field: 'district' }],
      [{ sizeRelaxations: ['urban_idle_land'] }, { refusal: 'SizeRelaxationNotApplicable', basis: 'urban_idle_land', district: D }],
    ];
    for (const [extra, expected] of cases) {
      const actor = extra.district ? sup() : unit(D);
      const r = await actor.post('/api/v1/parks').send({ ...parkBody('park-e2e-x2', D), ...extra }).expect(422);
      expect(r.body).toMatchObject(expected);
    }
    const unknown = await sup().post('/api/v1/parks').send(parkBody('park-e2e-x2', '火星区')).expect(422);
    expect(unknown.body).toMatchObject({ unknownUnits: ['火星区'] });
    const tooMany = await unit(D).post('/api/v1/parks/park-e2e-bad/monthly-reports').send(figures({ specializedCount: 90 })).expect(422);
    expect(tooMany.body).toMatchObject({ refusal: 'InvalidCommandData', field: 'specializedCount' });
    const fractional = await unit(D).post('/api/v1/parks/park-e2e-bad/monthly-reports').send(figures({ enterpriseCount: 86.5 })).expect(422);
    expect(fractional.body).toMatchObject({ field: 'enterpriseCount' });
    const future = await unit(D).post('/api/v1/parks/park-e2e-bad/monthly-reports').send(figures({ year: 2099, month: 1 })).expect(422);
    expect(future.body.refusal).toBe('DateAfterEffectiveTime');
    const tomorrow = new Date(Date.now() + 8 * 3600_000 + 2 * 86400_000).toISOString().slice(0, 10);
    const late = await unit(D).post('/api/v1/parks/park-e2e-bad/milestones').send({ milestone: 'land_supplied', date: tomorrow }).expect(422);
    expect(late.body.refusal).toBe('DateAfterEffectiveTime');
    const notADate = await unit(D).post('/api/v1/parks/park-e2e-bad/milestones').send({ milestone: 'land_supplied', date: '2021-02-30' }).expect(422);
    expect(notADate.body).toMatchObject({ field: 'date' });
    await unit(D).post('/api/v1/parks/park-e2e-bad/stars').send({ stars: 4 }).expect(403); // a district never rates (checked before the figure)
    const stars = await sup().post('/api/v1/parks/park-e2e-bad/certification').send({}).expect(200);
    const badStars = await sup().post('/api/v1/parks/park-e2e-bad/stars').send({ stars: 4 }).expect(422);
    expect(badStars.body).toMatchObject({ field: 'stars' });
    await sup().post('/api/v1/targets').send({ unitId: '火星区', year: 2021, metric: '集聚入园企业', value: 1, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2021〕34号' } }).expect(422);
    const negative = await sup().post('/api/v1/targets').send({ unitId: D, year: 2021, metric: '集聚入园企业', value: -1, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2021〕34号' } }).expect(422);
    expect(negative.body).toMatchObject({ field: 'value' });

    // 409: registering the same park twice; 404: unknown park or target; 412: a stale If-Match
    const again = await unit(D).post('/api/v1/parks').send(parkBody('park-e2e-bad', D)).expect(409);
    expect(again.body).toMatchObject({ refusal: 'IllegalTransition', currentStatus: 'registered' });
    await unit(D).post('/api/v1/parks/park-e2e-nowhere/milestones').send({ milestone: 'land_supplied', date: daysAgo(1) }).expect(404);
    await sup().get('/api/v1/parks/park-e2e-nowhere/findings').expect(404);
    await sup().get(`/api/v1/targets/${targetIdFor(D, 2031, '集聚入园企业')}`).expect(404);
    await sup().post(`/api/v1/targets/${targetIdFor(D, 2031, '集聚入园企业')}/progress`).send({ value: 1 }).expect(404);
    const stale = await sup().post('/api/v1/parks/park-e2e-bad/stars').set('If-Match', '"0"').send({ stars: 1 }).expect(412);
    expect(stale.body).toMatchObject({ expectedVersion: 0, currentVersion: stars.body.version });

    expect((await sup().get('/api/v1/parks/park-e2e-bad').expect(200)).body.version).toBe(stars.body.version);
    await absent('park-e2e-x1');
    await absent('park-e2e-x2');
    // the failed attempts above wrote nothing before the certification either
    const history = (await sup().get('/api/v1/parks/park-e2e-bad/history').expect(200)).body.map((e: { type: string }) => e.type);
    expect(history).toEqual(['park.registered.v1', 'park.certified.v1']);
  });

  it("a share's progress report with measured values feeds its unit's target and the leaderboard's 目标完成率", async () => {
    const D = '荥阳市';
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
    const targetId = targetIdFor(D, year, '新开工市级小微企业园');
    await sup()
      .post('/api/v1/targets')
      .send({ unitId: D, year, metric: '新开工市级小微企业园', value: 4, unitOfMeasure: '个', sourceDocument: { docNumber: '郑政办〔2021〕34号', annex: '附件' } })
      .expect(201);
    const reg = await sup()
      .post('/api/v1/tasks')
      .send(smallParksTaskBody({ responsibleUnits: [D], deadline: `${year}-12-31T23:59:59+08:00` }))
      .expect(201);
    const id = reg.body.item.taskId;
    await sup().post(`/api/v1/tasks/${id}/shares/${enc(D)}/assign`).send({}).expect(200);
    await unit(D).post(`/api/v1/tasks/${id}/shares/${enc(D)}/acknowledge`).send({}).expect(200);
    const board = async () => {
      const res = await sup().get(`/api/v1/leaderboard?period=year&year=${year}&group=${enc('县市')}`).expect(200);
      return res.body.groups[0].entries.find((e: { unitId: string }) => e.unitId === D);
    };
    // the leaderboard reads the targets read model, a moment behind the SetTarget just written
    await eventually(async () => ((await board()).targetCompletion === 0 ? true : undefined), 'the target to reach the leaderboard');

    const reported = await unit(D)
      .post(`/api/v1/tasks/${id}/shares/${enc(D)}/progress`)
      .send({ percent: 60, narrative: '已开工3个园区', metricValues: [{ metric: '新开工市级小微企业园', value: 3, unit: '个' }, { metric: '开工面积', value: 12.5, unit: '万平方米' }] })
      .expect(200);
    const target = await eventually(async () => {
      const r = await unit(D).get(`/api/v1/targets/${targetId}`).expect(200);
      return r.body.item.completion.achieved === 3 ? r.body : undefined;
    }, 'the task progress to reach the target');
    expect(target.item.completion).toMatchObject({ target: 4, achieved: 3, ratio: 0.75, met: false, remaining: 1 });
    expect(target.item.progress).toEqual([
      expect.objectContaining({ value: 3, source: { kind: 'task_progress', ref: `${id}/${D}@${reported.body.version}` } }),
    ]);
    const entry = await eventually(async () => {
      const e = await board();
      return e.targetCompletion === 0.75 ? e : undefined;
    }, "the leaderboard's target completion to move");
    expect(entry).toMatchObject({ unitId: D, targetCompletion: 0.75 });
  });
});
