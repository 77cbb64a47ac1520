import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/** Two refusals that used to be slow or bodiless. */
describe('refusals at the edge of the api', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('minPosition beyond the head of the log: 400 at once, naming the head', async () => {
    const created = await t
      .as('supervisor')
      .post('/api/v1/tasks')
      .send(smallParksTaskBody({ responsibleUnits: ['郑东新区'], deadline: '2030-12-31T00:00:00+08:00' }))
      .expect(201);
    const head = String(created.body.position);
    const started = Date.now();
    const res = await t.as('supervisor').get(`/api/v1/items?minPosition=${BigInt(head) + 1n}`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', head });
    expect(res.body.message).toContain(`beyond the head of the event log (position ${head})`);
    // the head itself is reachable: read-your-writes as before
    await t.as('supervisor').get(`/api/v1/items?minPosition=${head}`).expect(200);

    // the figures take the position as `position` (recompute at a recorded one): the 400 names that parameter
    const figures = await t.as('supervisor').get(`/api/v1/figures?period=year&year=2021&position=${BigInt(head) + 1n}`);
    expect(figures.status).toBe(400);
    expect(figures.body).toMatchObject({ head, message: `position ${BigInt(head) + 1n} lies beyond the head of the event log (position ${head}): no write has returned it` });
  });

  it('a 100 KB Authorization header: 431 with a JSON body, over a real socket', async () => {
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('utf8')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.write(`GET /api/v1/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'a'.repeat(100 * 1024)}\r\n\r\n`);
    });
    server.close();
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(body)).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message: expect.stringMatching(/headers are larger than \d+ bytes/),
    });
  });
});
