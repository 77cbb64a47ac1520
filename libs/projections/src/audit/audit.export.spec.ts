/**
 * The streaming exports: CSV (RFC 4180, UTF-8 with BOM, read back with an
 * independent parser — exceljs's) and JSON Lines; page by page, waiting for
 * the writer (backpressure), pinned to the trail's head when they start.
 */
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { ANY } from '@duban/eventstore';
import { Harness } from '../testing/harness';
import { command, registerTask, reportIssue, shareInProgress, staffOf, ZHONGMU } from '../testing/fixtures';
import type { AuditEntry } from './audit-entry';
import { AUDIT_CSV_COLUMNS, auditCsvRow, auditEntryJson, csvField } from './audit-format';
import { AuditProjection } from './audit.projection';
import { AuditQuery, InvalidAuditQueryError } from './audit.query';

const T = 'zzb-2021-34-3-1';
/** A narrative with everything CSV must quote: a comma, double quotes, a line break — and Chinese. */
const NARRATIVE = '已完成土地摘牌，"3个"园区已开工,\r\n下一步：推进"亩均税收"评价';

async function readCsv(text: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  const ws = await wb.csv.read(Readable.from([text]), { map: (value: unknown) => value } as never);
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v)))));
  return rows;
}

describe('audit exports', () => {
  let h: Harness;
  let q: AuditQuery;
  let all: AuditEntry[];

  beforeAll(async () => {
    h = await Harness.open({ projections: () => [new AuditProjection()] });
    q = new AuditQuery(h.db);
    await h.ledger.runAll([
      registerTask(T),
      ...shareInProgress(T, ZHONGMU),
      command('ReportShareProgress', staffOf(ZHONGMU), '2021-07-30T17:00:00+08:00', { taskId: T, unitId: ZHONGMU, percent: 60, narrative: NARRATIVE }),
      reportIssue('wt-2021-001'),
    ]);
    // an actor id a spreadsheet would run as a formula
    await h.store.appendToStream(
      'import-1',
      [
        {
          id: '5f0e8a8e-6a43-4a53-9a3c-4f1f3b1c2d01',
          type: 'import.batch_loaded.v1',
          data: { rows: 3 },
          metadata: {
            actorUserId: '=HYPERLINK("http://evil.example","点我")',
            actorUnitId: null,
            actorRole: 'system',
            commandId: 'c',
            correlationId: 'c',
            causationId: 'c',
            occurredAt: '2021-08-01T00:00:00+08:00',
            batch: '2021-08',
          },
        },
      ],
      { expectedVersion: ANY },
    );
    await h.settle();
    all = q.list({ limit: 1000 }).rows;
  });
  afterAll(async () => {
    await h.close();
  });

  it('CSV: BOM, English header, one CRLF-terminated record per event, quoting that an independent parser reads back exactly', async () => {
    const chunks: string[] = [];
    const result = await q.exportCsv({}, (c) => void chunks.push(c), { pageSize: 2 });
    const text = chunks.join('');
    expect(result).toEqual({ rows: all.length, untilPosition: all[all.length - 1].position, lastPosition: all[all.length - 1].position });
    expect(text.startsWith('\uFEFFposition,recorded_at,occurred_at,stream,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // header, then one chunk per page of 2
    expect(chunks).toHaveLength(1 + Math.ceil(all.length / 2));

    const rows = await readCsv(text);
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + all.length);
    const byName = rows.slice(1).map((r) => Object.fromEntries(AUDIT_CSV_COLUMNS.map((c, i) => [c, r[i]])));
    expect(byName.map((r) => r.position)).toEqual(all.map((e) => e.position.toString()));
    expect(byName.map((r) => r.hash)).toEqual(all.map((e) => e.hash));

    const report = byName.find((r) => r.data.includes('亩均税收'))!;
    expect(JSON.parse(report.data)).toMatchObject({ narrative: NARRATIVE, percent: 60 });
    expect(report).toMatchObject({ item_key: `task:${T}:${ZHONGMU}`, units: JSON.stringify([ZHONGMU]), actor_unit_id: ZHONGMU, actor_role: 'unit' });

    const imported = byName.find((r) => r.type === 'import.batch_loaded.v1')!;
    expect(imported.actor_user_id).toBe(`'=HYPERLINK("http://evil.example","点我")`); // not a formula any more
    expect(imported).toMatchObject({ actor_unit_id: '', item_key: '', units: '[]', extra_metadata: '{"batch":"2021-08"}' });
  });

  it('CSV fields: plain values stay bare, the rest quoted with doubled quotes', () => {
    expect(csvField('中牟县')).toBe('中牟县');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@sum')).toBe("'@sum");
    expect(csvField('')).toBe('');
    expect(auditCsvRow(all[0]).endsWith('\r\n')).toBe(true);
  });

  it('JSON Lines: one object per line, the list entry with positions as strings, no BOM', async () => {
    let text = '';
    await q.exportJsonLines({ item: `task:${T}:${ZHONGMU}` }, (c) => {
      text += c;
    });
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const share = q.list({ item: `task:${T}:${ZHONGMU}` }).rows;
    expect(lines.map((l) => JSON.parse(l))).toEqual(share.map((e) => JSON.parse(JSON.stringify(auditEntryJson(e)))));
    expect(JSON.parse(lines[0])).toMatchObject({ position: share[0].position.toString(), streamVersion: '0', type: 'task.registered.v1' });
    expect(text.charCodeAt(0)).toBe('{'.charCodeAt(0));
  });

  it('waits for the writer before reading the next page, and leaves out what is appended meanwhile', async () => {
    let inFlight = false;
    let writes = 0;
    let appended = false;
    const result = await q.exportJsonLines(
      {},
      async () => {
        expect(inFlight).toBe(false);
        inFlight = true;
        writes++;
        if (!appended) {
          appended = true;
          await h.ledger.run(reportIssue('wt-2021-999'));
          await h.settle();
        }
        await new Promise((r) => setTimeout(r, 5));
        inFlight = false;
      },
      { pageSize: 3 },
    );
    expect(writes).toBe(Math.ceil(all.length / 3));
    expect(result).toMatchObject({ rows: all.length, untilPosition: all[all.length - 1].position });
    expect(q.headPosition()).toBeGreaterThan(result.untilPosition); // the new event is in the trail, not in the export
  });

  it('refuses a bad filter before writing anything', async () => {
    const write = jest.fn();
    await expect(q.exportCsv({ from: '2021-13-01' }, write)).rejects.toBeInstanceOf(InvalidAuditQueryError);
    await expect(q.exportJsonLines({ item: 'nonsense' }, write)).rejects.toBeInstanceOf(InvalidAuditQueryError);
    expect(write).not.toHaveBeenCalled();
  });

  it('an export that matches nothing is a header alone (CSV) or empty (JSON Lines)', async () => {
    let csv = '';
    let jsonl = '';
    await q.exportCsv({ unit: '巩义市' }, (c) => void (csv += c));
    await q.exportJsonLines({ unit: '巩义市' }, (c) => void (jsonl += c));
    expect(csv).toBe(`\uFEFF${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
    expect(jsonl).toBe('');
  });
});
