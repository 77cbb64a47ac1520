import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryBus } from '@nestjs/cqrs';
import official from '../../libs/domain/src/calendar/data/cn-official.json';
import { CommandExecutor, GetIssueQuery, issueStream } from '@duban/application';
import { WORKING_CALENDAR } from '@duban/application/nest/handlers';
import { recountCommandId } from '@duban/domain/closure-loop';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { RecountIssueDeadline } from '@duban/domain/issue';
import { dueIssueDeadlineRecount, issueDecider } from '@duban/domain/issue';
import { LADDER_ACTOR } from '@duban/domain/ladder';
import { OFFICE, startTestApp } from './support/test-app';

/**
 * Default issue deadlines count working days on the official calendar. A
 * deadline that would fall in a year the calendar does not cover is refused
 * (422, naming the year) rather than guessed; DUBAN_CALENDAR_FILE supplies a
 * newer calendar without a code change.
 */
describe('issue deadlines and the working-day calendar', () => {
  const report = { title: '复杂问题', description: '需多部门协调', category: '协调', urgency: 'complex', reportingUnit: '上街区', effectiveAt: '2021-09-01T09:00:00+08:00' }; // reported before every assignment below

  it('counts the default deadline in working days on the official calendar', async () => {
    const t = await startTestApp();
    try {
      const sup = t.as('supervisor', OFFICE);
      const id = (await sup.post('/api/v1/issues').send(report).expect(201)).body.item.issueId;
      const r = await sup.post(`/api/v1/issues/${id}/assign`).send({ unitId: '上街区', effectiveAt: '2021-09-20T09:00:00+08:00' }).expect(200);
      // complex: 30 working days after Monday 2021-09-20, across 中秋 (09-21) and 国庆 (10-01..07, with 09-26 and 10-09 worked)
      expect(r.body.item.deadline).toBe('2021-11-05T23:59:59+08:00');
    } finally {
      await t.close();
    }
  });

  it('refuses a default deadline beyond the covered years with a 422 naming the year, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-cal-'));
    const data = JSON.parse(JSON.stringify(official));
    data.years = [2021];
    data.calendar = { 2021: data.calendar['2021'] };
    const file = join(dir, 'calendar-2021.json');
    writeFileSync(file, JSON.stringify(data));
    const t = await startTestApp({ DUBAN_CALENDAR_FILE: file });
    try {
      const sup = t.as('supervisor', OFFICE);
      const id = (await sup.post('/api/v1/issues').send(report).expect(201)).body.item.issueId;
      const r = await sup.post(`/api/v1/issues/${id}/assign`).send({ unitId: '上街区', effectiveAt: '2021-12-20T09:00:00+08:00' }).expect(422);
      expect(r.body.message).toContain('2022');
      expect((await sup.get(`/api/v1/issues/${id}`).expect(200)).body.version).toBe(0);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the calendar in DUBAN_CALENDAR_FILE when set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-cal-'));
    // the shipped data with every day of November 2026 after the 1st made a holiday (a made-up calendar for the test)
    const data = JSON.parse(JSON.stringify(official));
    for (let d = 2; d <= 30; d++) data.calendar['2026'].holidays.push({ date: `2026-11-${String(d).padStart(2, '0')}`, name: '测试假期' });
    const file = join(dir, 'calendar.json');
    writeFileSync(file, JSON.stringify(data));
    const t = await startTestApp({ DUBAN_CALENDAR_FILE: file });
    try {
      const sup = t.as('supervisor', OFFICE);
      const id = (await sup.post('/api/v1/issues').send({ ...report, urgency: 'urgent' }).expect(201)).body.item.issueId;
      const r = await sup.post(`/api/v1/issues/${id}/assign`).send({ unitId: '上街区', effectiveAt: '2026-11-01T09:00:00+08:00' }).expect(200);
      // no working day in November after the 1st: the 5th working day after it is Monday 2026-12-07
      expect(r.body.item.deadline).toBe('2026-12-07T23:59:59+08:00');
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the start with a clear error when DUBAN_CALENDAR_FILE is not a valid calendar', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-cal-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ years: [2027] }));
    try {
      await expect(startTestApp({ DUBAN_CALENDAR_FILE: file })).rejects.toThrow(`DUBAN_CALENDAR_FILE=${file}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The shipped data through 2026 only (so the test does not depend on the release shipping 2027), plus `extra` years. */
  const calendarFile = (dir: string, name: string, extra: Record<string, unknown> = {}) => {
    const data = JSON.parse(JSON.stringify(official)) as { years: number[]; calendar: Record<string, unknown> };
    data.years = [...data.years.filter((y) => y <= 2026), ...Object.keys(extra).map(Number)];
    data.calendar = Object.fromEntries(Object.entries({ ...data.calendar, ...extra }).filter(([y]) => data.years.includes(Number(y))));
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(data));
    return file;
  };

  it('a default deadline counted into a year without the notice (2027) is accepted, flagged provisional, and recounted on the record when the notice arrives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-cal-'));
    const dataDir = join(dir, 'data');
    const through2026 = calendarFile(dir, 'through-2026.json');
    // a MADE-UP 2027 notice (test data): 元旦 01-01..01-04 off
    const with2027 = calendarFile(dir, 'with-2027.json', {
      2027: { notices: ['测试用：虚构的2027年节假日安排'], holidays: ['01', '02', '03', '04'].map((d) => ({ date: `2027-01-${d}`, name: '元旦' })), makeupWorkdays: [] },
    });
    let id: string;
    const before = await startTestApp({ DUBAN_CALENDAR_FILE: through2026, DUBAN_DATA_DIR: dataDir });
    try {
      const sup = before.as('supervisor', OFFICE);
      id = (await sup.post('/api/v1/issues').send(report).expect(201)).body.item.issueId;
      const r = await sup.post(`/api/v1/issues/${id}/assign`).send({ unitId: '上街区', effectiveAt: '2026-12-07T09:00:00+08:00' }).expect(200);
      // complex: 30 working days after Monday 2026-12-07; provisional 2027 has 元旦 01-01 off and no 调休
      expect(r.body.item.deadline).toBe('2027-01-19T23:59:59+08:00');
      const counted = { from: '2026-12-07T09:00:00+08:00', workingDays: 30, provisionalYears: [2027], lastOfficialYear: 2026, provisional: true };
      expect(r.body.item.deadlineCount).toEqual(counted);
      expect((await sup.get(`/api/v1/issues/${id}`).expect(200)).body.item).toMatchObject({ deadline: '2027-01-19T23:59:59+08:00', deadlineCount: counted });
      const history = (await sup.get(`/api/v1/issues/${id}/history`).expect(200)).body;
      const assigned = (history.events ?? history).find((e: { type: string }) => e.type === 'issue.assigned.v1');
      expect(assigned.data).toMatchObject({ deadline: '2027-01-19T23:59:59+08:00', provisional: true, deadlineCount: { provisionalYears: [2027] } });
      // nothing to recount on the calendar it was counted with
      const { state } = await before.app.get(QueryBus).execute(new GetIssueQuery(id));
      expect(dueIssueDeadlineRecount(state, before.app.get<symbol, WorkingCalendar>(WORKING_CALENDAR))).toBeNull();
    } finally {
      await before.close();
    }
    // the notice arrives (DUBAN_CALENDAR_FILE): the recount is due, and recorded through the one executor
    const after = await startTestApp({ DUBAN_CALENDAR_FILE: with2027, DUBAN_DATA_DIR: dataDir });
    try {
      const sup = after.as('supervisor', OFFICE);
      const { state } = await after.app.get(QueryBus).execute(new GetIssueQuery(id));
      const due = dueIssueDeadlineRecount(state, after.app.get<symbol, WorkingCalendar>(WORKING_CALENDAR))!;
      expect(due).toMatchObject({ previousDeadline: '2027-01-19T23:59:59+08:00', deadline: '2027-01-20T23:59:59+08:00', moved: true, nowOfficialYears: [2027], provisionalYears: [] });
      const at = new Date().toISOString();
      const command: RecountIssueDeadline = { type: 'RecountIssueDeadline', actor: LADDER_ACTOR, at, data: due };
      const stream = issueStream(id);
      const envelope = { commandId: recountCommandId(stream, due.previousDeadline, due.lastOfficialYear), correlationId: 'calendar', causationId: 'calendar', actor: LADDER_ACTOR, receivedAt: at };
      await after.app.get(CommandExecutor).execute(issueDecider, stream, command, envelope, { creates: false });
      const item = (await sup.get(`/api/v1/issues/${id}`).expect(200)).body.item;
      expect(item.deadline).toBe('2027-01-20T23:59:59+08:00');
      expect(item.deadlineCount).toMatchObject({ provisional: false, provisionalYears: [], lastOfficialYear: 2027 });
      expect(item.deadlineHistory.map((h: { cause: string }) => h.cause)).toEqual(['assigned', 'recounted']);
      const history = (await sup.get(`/api/v1/issues/${id}/history`).expect(200)).body;
      const recounted = (history.events ?? history).find((e: { type: string }) => e.type === 'issue.deadline_recounted.v1');
      expect(recounted.data).toMatchObject({
        previousDeadline: '2027-01-19T23:59:59+08:00',
        deadline: '2027-01-20T23:59:59+08:00',
        reclassifiedDays: [{ date: '2027-01-04', before: 'workday', after: 'holiday', holiday: '元旦' }],
      });
    } finally {
      await after.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
