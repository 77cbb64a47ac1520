/**
 * The load generator of commands.bench.ts, run in a child process (forked with IPC) so that autocannon does not
 * share the event loop of the api it measures. Every connection runs issue lifecycles one request after the other
 * with autocannon's request sequence: report (POST /api/v1/issues, the new id is taken from the 201 body into the
 * connection's context) → assign → acknowledge → progress → submit → approve, then a new issue.
 *
 * Parent → child: a LoadRequest; child → parent: a LoadResult; { exit: true } ends the child.
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  url: string;
  connections: number;
  durationS: number;
  unitId: string;
  deadline: string;
  tokens: { unit: string; supervisor: string };
}

export interface LoadResult {
  durationS: number;
  responses: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Every response's latency in ms (hrtime resolution, unlike autocannon's integer histogram). */
  latenciesMs: number[];
  /** Status codes per step, e.g. { report: { 201: 812 }, assign: { 200: 810 } }. */
  byStep: Record<string, Record<number, number>>;
  /** The first non-2xx body seen, for the report. */
  firstFailure?: string;
}

interface Ctx {
  issueId?: string;
}

function run(req: LoadRequest): Promise<LoadResult> {
  const byStep: LoadResult['byStep'] = {};
  let firstFailure: string | undefined;
  const saw = (step: string) => (status: number, body: string, context: Ctx) => {
    const counts = (byStep[step] ??= {});
    counts[status] = (counts[status] ?? 0) + 1;
    if (status >= 300) {
      firstFailure ??= `${step} → ${status} ${body.slice(0, 300)}`;
      if (step === 'report') delete context.issueId;
    } else if (step === 'report') {
      context.issueId = (JSON.parse(body) as { item: { issueId: string } }).item.issueId;
    }
  };
  const json = { 'content-type': 'application/json' };
  const as = (who: 'unit' | 'supervisor') => ({ ...json, authorization: `Bearer ${req.tokens[who]}` });
  // a step on the issue the connection reported; without one (its report failed) the sequence starts over
  const step = (name: string, who: 'unit' | 'supervisor', body: object): autocannon.Request => ({
    method: 'POST',
    headers: as(who),
    body: JSON.stringify(body),
    setupRequest: (r, context) => {
      const id = (context as Ctx).issueId;
      return (id ? { ...r, path: `/api/v1/issues/${id}/${name}` } : undefined) as autocannon.Request;
    },
    onResponse: saw(name) as autocannon.Request['onResponse'],
  });
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/api/v1/issues',
      headers: as('unit'),
      body: JSON.stringify({ title: '园区施工许可证办理滞后', description: '建规证、施工许可证办理等问题影响园区按期开工。', category: '施工许可', urgency: 'normal' }),
      onResponse: saw('report') as autocannon.Request['onResponse'],
    },
    step('assign', 'supervisor', { unitId: req.unitId, deadline: req.deadline }),
    step('acknowledge', 'unit', {}),
    step('progress', 'unit', { percent: 100, narrative: '已取得施工许可证，园区已开工建设。' }),
    step('submit', 'unit', { summary: '已办结', evidence: [{ ref: 'archive://2026/11/施工许可证.pdf', title: '施工许可证' }] }),
    step('approve', 'supervisor', {}),
  ];
  const latenciesMs: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: req.url, connections: req.connections, pipelining: 1, duration: req.durationS, requests, timeout: 30 },
      (err, r) => {
        if (err) return reject(err);
        resolve({
          durationS: r.duration,
          responses: r.requests.total,
          ok: r['2xx'],
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          latenciesMs,
          byStep,
          firstFailure,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, ms) => latenciesMs.push(ms));
  });
}

process.on('message', (msg: LoadRequest | { exit: true }) => {
  if ('exit' in msg) return process.disconnect();
  run(msg).then(
    (result) => process.send!(result),
    (err: Error) => process.send!({ error: err.stack ?? String(err) }),
  );
});
