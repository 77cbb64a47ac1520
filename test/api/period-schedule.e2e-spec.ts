import { enc, OFFICE, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/**
 * Periods close by themselves: the api (DUBAN_PROCESSORS on, the default) closes at start every period that
 * ended since the first assignment and has no close — the catch-up after a downtime across a month end, which
 * BullMQ would never backfill — and registers the monthly schedule for the ones to come.
 */
const ZHONGMU = '中牟县';

async function statusOf(t: TestApp, id: string): Promise<string> {
  return (await t.as('supervisor').get(`/api/v1/periods/${id}`).expect(200)).body.status as string;
}

async function eventually(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('not within the time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('periods close by the clock', () => {
  it('a downtime across month ends: the months that ended close on the next start, once', async () => {
    const first = await startTestApp();
    const dataDir = first.dataDir;
    let second: TestApp | null = null;
    try {
      const supervisor = first.as('supervisor', OFFICE, '张督查');
      const reg = await supervisor
        .post('/api/v1/tasks')
        .send(smallParksTaskBody({ responsibleUnits: [ZHONGMU], deadline: '2026-11-20T23:59:59+08:00', effectiveAt: '2026-10-09T09:00:00+08:00' }))
        .expect(201);
      const taskId = reg.body.item.taskId as string;
      await supervisor.post(`/api/v1/tasks/${taskId}/shares/${enc(ZHONGMU)}/assign`).send({ effectiveAt: '2026-10-09T10:00:00+08:00' }).expect(200);
      // the first api started on an empty log: nothing was due then, and nothing closed since
      expect(await statusOf(first, '2026-10')).toBe('ended-unclosed');
      await first.app.close();

      // the next start on the same data: October and November have ended, December has not
      second = await startTestApp({ DUBAN_DATA_DIR: dataDir });
      const t = second;
      await eventually(async () => (await statusOf(t, '2026-10')) === 'closed' && (await statusOf(t, '2026-11')) === 'closed');
      const october = (await t.as('supervisor').get('/api/v1/periods/2026-10').expect(200)).body;
      expect(october.revisions ?? october.close?.revision).toBeDefined();
      expect(await statusOf(t, '2026-12')).not.toBe('closed');
      expect(await statusOf(t, '2026-Q4')).not.toBe('closed');
      const closes = async () => (await t.as('auditor').get('/api/v1/periods?kind=month&year=2026').expect(200)).body.periods.filter((p: { status: string }) => p.status === 'closed').length;
      expect(await closes()).toBe(2);
    } finally {
      await second?.close();
      await first.close().catch(() => undefined);
    }
  }, 90_000);
});
