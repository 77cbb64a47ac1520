import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { CommandExecutor, issueStream } from '@duban/application';
import { parkStream } from '@duban/application/parks';
import type { Actor } from '@duban/domain/decider';
import type { RegisterPark } from '@duban/domain/park';
import { issueIdForFinding, parkDecider, parkFindingId } from '@duban/domain/park';
import { NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { VERIFIED_HEAD_FILE } from '../../apps/api/src/health/integrity.monitor';
import { RestartableApp } from './support/restartable-app';
import { smallParksTaskBody } from './support/test-app';

/**
 * An event changed behind the store's back: the api must not call itself ready, must refuse writes and
 * must mark what it still serves. Before, it started, /ready said ok and served the altered value.
 */
describe('a broken hash chain is not served as if intact', () => {
  let api: RestartableApp;
  afterEach(() => api.close());

  const task = () => smallParksTaskBody({ responsibleUnits: ['郑东新区'], deadline: '2030-12-31T00:00:00+08:00' });
  /** /ready once the chain has been walked (it is 503 'verifying' until then). */
  const readyAfterVerification = async (): Promise<Response> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await api.as(null).get('/ready');
      if (r.body.details?.integrity?.chain !== 'verifying' || Date.now() > deadline) return r;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const tamperTitle = () => {
    const db = new Database(join(api.dataDir, 'duban.db'));
    const changed = db.prepare(`UPDATE events SET data = replace(data, '20个以上', '2个以上') WHERE position = 1`).run().changes;
    db.close();
    expect(changed).toBe(1);
  };
  const expectBroken = async (taskId: string) => {
    const ready = await readyAfterVerification();
    expect(ready.status).toBe(503);
    expect(ready.body.details.integrity).toMatchObject({
      status: 'down',
      chain: 'broken',
      brokenEvent: { kind: 'altered', stream: expect.stringContaining('task-'), streamVersion: '0', globalPosition: '1' },
    });

    const write = await api.as('supervisor').post('/api/v1/tasks').send({ ...task(), itemPath: '三/2', title: '另一项工作任务' });
    expect(write.status).toBe(503);
    expect(write.body).toMatchObject({ statusCode: 503, brokenEvent: { globalPosition: '1', streamVersion: '0' } });
    expect(write.body.message).toMatch(/^the event log failed verification at stream task-.*, version 0 \(global position 1\)/);

    const read = await api.as('supervisor').get(`/api/v1/tasks/${encodeURIComponent(taskId)}`);
    expect(read.status).toBe(200);
    expect(read.headers['x-duban-integrity']).toBe('broken');
    const health = await api.as(null).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.info.integrity).toMatchObject({ chain: 'broken', brokenEvent: { globalPosition: '1' } });
  };

  it('found by the walk at start: /ready 503 naming the event, writes 503, reads marked', async () => {
    api = await new RestartableApp().start();
    const created = await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    await api.app.close();
    tamperTitle();
    await api.start();
    await expectBroken(created.body.item.taskId);
  });

  it('found behind a kept verified head too (the complete walk after the incremental one)', async () => {
    api = await new RestartableApp({ DUBAN_VERIFY_INTERVAL_SECONDS: '1' }).start();
    const created = await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    const file = join(api.dataDir, VERIFIED_HEAD_FILE);
    const deadline = Date.now() + 10_000;
    while (!(existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).position !== undefined) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ store: 'sqlite', position: expect.stringMatching(/^\d+$/) });
    await api.app.close();
    tamperTitle();
    await api.start();
    await expectBroken(created.body.item.taskId);
  });

  it('a kept head the log no longer reaches is a break, not a licence to skip', async () => {
    api = await new RestartableApp().start();
    await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    await api.app.close();
    writeFileSync(join(api.dataDir, VERIFIED_HEAD_FILE), JSON.stringify({ store: 'sqlite', position: '99', hash: 'a'.repeat(64) }));
    await api.start();
    const ready = await readyAfterVerification();
    expect(ready.status).toBe(503);
    expect(ready.body.details.integrity.brokenEvent).toMatchObject({ kind: 'removed', globalPosition: '99' });
  });

  const district = '中牟县';
  const staff: Actor = { userId: '中牟县-联络员', unitId: district, role: 'unit' };
  /** A park below the size threshold, registered by another process on the same store (a CLI, a second api). */
  const registerSmallPark = (store: SqliteEventStore, parkId: string) => {
    const register: RegisterPark = {
      type: 'RegisterPark',
      at: new Date().toISOString(),
      actor: staff,
      data: {
        parkId, name: '中牟县汽车零部件小微企业园', district, type: 'manufacturing', landUse: 'industrial',
        landAreaMu: 60, floorAreaM2: 60_000, leadIndustry: '汽车零部件', nonProductionLandPercent: 6, nonProductionFloorPercent: 20,
      },
    };
    const envelope = { commandId: parkId, correlationId: 'c', causationId: 'c', actor: staff, receivedAt: register.at };
    return new CommandExecutor(store).execute(parkDecider, parkStream(parkId), register, envelope, { creates: true });
  };
  const sizeIssueOf = (parkId: string) => issueStream(issueIdForFinding(parkFindingId(parkId, 'park.size', 'registration')));
  /** /ready once the park rules processor's lastError matches (or after 10 s). */
  const parkRulesHeldBy = async (pattern: RegExp): Promise<Response> => {
    const deadline = Date.now() + 10_000;
    let ready = await api.as(null).get('/ready');
    while (!pattern.test(ready.body.details?.processors?.['park-rules']?.lastError ?? '') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await api.as(null).get('/ready');
    }
    return ready;
  };

  it('a restart on a log altered while the api was down: the processors do not act before the first walk has judged it', async () => {
    api = await new RestartableApp().start();
    await api.app.close();
    // while the api is down: a park event the processor has not seen, then enough events that the walk takes a while,
    // the last of them altered (the walk meets it last; the processor meets the park first)
    const other = new SqliteEventStore({ file: join(api.dataDir, 'duban.db') });
    try {
      await registerSmallPark(other, 'park-while-down');
      for (let batch = 0; batch < 40; batch++) {
        const events = Array.from({ length: 500 }, (_, i) => ({
          id: randomUUID(),
          type: 'test.filler.v1',
          data: { n: batch * 500 + i, text: '填充事件，用于拉长校验时间' },
          metadata: { actorUserId: 'filler', actorUnitId: null, actorRole: 'admin' as const, commandId: randomUUID(), correlationId: 'f', causationId: 'f', occurredAt: new Date().toISOString() },
        }));
        await other.appendToStream(`filler-${batch}`, events, { expectedVersion: NO_STREAM });
      }
      const last = await other.headPosition();
      const db = new Database(join(api.dataDir, 'duban.db'));
      expect(db.prepare(`UPDATE events SET data = replace(data, '填充', '篡改') WHERE position = ?`).run(last).changes).toBe(1);
      db.close();

      await api.start();
      const heldBy = new RegExp(`^the event log failed verification at stream filler-39, version 499 \\(global position ${last}\\)`);
      const ready = await parkRulesHeldBy(heldBy);
      expect(ready.body.details.integrity).toMatchObject({ chain: 'broken', brokenEvent: { globalPosition: String(last) } });
      expect(ready.body.details.processors['park-rules']).toMatchObject({ state: 'failed', lastError: expect.stringMatching(heldBy) });
      expect(await other.readStream(sizeIssueOf('park-while-down'))).toEqual([]);
      expect(await other.headPosition()).toBe(last);
    } finally {
      await other.close();
    }
  });

  it("the processors write nothing either: a park event another writer appends after the break holds the park rules processor", async () => {
    api = await new RestartableApp().start();
    await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    await api.app.close();
    tamperTitle();
    await api.start();
    expect((await readyAfterVerification()).body.details.integrity.chain).toBe('broken');

    // another process on the same store (a CLI, a second api that has not verified) registers a park below the size
    // threshold: the api's park rules processor sees it and decides ReportIssue + AssignIssue on the altered log
    const other = new SqliteEventStore({ file: join(api.dataDir, 'duban.db') });
    try {
      const parked = await registerSmallPark(other, 'park-after-break');

      // the processor is held at that event, and says why on /ready and /health
      const heldBy = /^the event log failed verification at stream task-.*, version 0 \(global position 1\)/;
      const ready = await parkRulesHeldBy(heldBy);
      expect(ready.body.details.processors['park-rules']).toMatchObject({ state: 'failed', lastError: expect.stringMatching(heldBy) });
      expect(BigInt(ready.body.details.processors['park-rules'].position)).toBeLessThan(parked.position);
      const health = await api.as(null).get('/health');
      expect(health.status).toBe(200);
      expect(health.body.info.processors['park-rules']).toMatchObject({ state: 'failed', lastError: expect.stringMatching(heldBy) });

      // nothing was chained onto the altered log: no issue, the park's registration is still the last event
      expect(await other.readStream(sizeIssueOf('park-after-break'))).toEqual([]);
      expect(await other.headPosition()).toBe(parked.position);

      // the api's other writers are refused by the same gate: a park command, the unit registry
      const park = await api.as('unit', district).post('/api/v1/parks/park-after-break/milestones').send({ milestone: 'land_supplied', date: '2026-01-05' });
      expect(park.status).toBe(503);
      expect(park.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', brokenEvent: { kind: 'altered', globalPosition: '1' } });
      const unit = await api.as('admin', '市政府办公厅').post('/api/v1/units').send({ id: '市文化广电和旅游局', kind: 'department', parent: '郑州市人民政府' });
      expect(unit.status).toBe(503);
      expect(unit.body.message).toMatch(heldBy);
      expect(await other.headPosition()).toBe(parked.position);
    } finally {
      await other.close();
    }
  });

  it('an intact log: /ready 200 once verified, no integrity header', async () => {
    api = await new RestartableApp().start();
    await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    await api.restart();
    const ready = await readyAfterVerification();
    expect(ready.status).toBe(200);
    expect(ready.body.info.integrity).toMatchObject({ chain: 'ok', verifiedUpTo: expect.stringMatching(/^[0-9a-f]{64}@\d+$/) });
    const read = await api.as('supervisor').get('/api/v1/items');
    expect(read.headers['x-duban-integrity']).toBeUndefined();
  });
});
