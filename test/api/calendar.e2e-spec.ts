import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import official from '../../libs/domain/src/calendar/data/cn-official.json';
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
});
