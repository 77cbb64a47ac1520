import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taskIdFor } from '@duban/application';
import { OFFICE, startTestApp, TestApp } from './support/test-app';

/**
 * The README's "Using the API" example, as written, against the real api: the
 * body its curl sends registers the task an import of the document would find
 * (the item path in the importer's form, so the same task id).
 */
describe("README's API example", () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('registers the item under the path an import gives it', async () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Using the API'), readme.indexOf('## The `duban` command'));
    const body = /-d '([^']+)'/.exec(section)?.[1];
    expect(body).toBeDefined();
    const sent = JSON.parse(body!) as { docNumber: string; itemPath: string };

    const r = await t.as('supervisor', OFFICE, '张三').post('/api/v1/tasks').set('Content-Type', 'application/json').send(body!).expect(201);
    expect(r.body.item).toMatchObject({ itemPath: '一/（三）/1', taskId: taskIdFor(sent.docNumber, '一/（三）/1') });
    expect(sent.itemPath).toBe(r.body.item.itemPath); // written as stored: nothing for the normaliser to fix
  });
});
