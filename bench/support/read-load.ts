/**
 * GET load for projections.bench.ts, run in a child process (forked with IPC) so autocannon does not share the
 * api's event loop. Parent → child: ReadLoadRequest; child → parent: ReadLoadResult; { exit: true } ends it.
 */
import autocannon from 'autocannon';

export interface ReadLoadRequest {
  url: string;
  path: string;
  token: string;
  connections: number;
  durationS: number;
}

export interface ReadLoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  /** Every response's latency in ms (hrtime resolution). */
  latenciesMs: number[];
}

function run(req: ReadLoadRequest): Promise<ReadLoadResult> {
  const latenciesMs: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: req.url + req.path,
        connections: req.connections,
        pipelining: 1,
        duration: req.durationS,
        headers: { authorization: `Bearer ${req.token}` },
        timeout: 30,
      },
      (err, r) => (err ? reject(err) : resolve({ ok: r['2xx'], non2xx: r.non2xx, errors: r.errors + r.timeouts, durationS: r.duration, latenciesMs })),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latenciesMs.push(ms));
  });
}

process.on('message', (msg: ReadLoadRequest | { exit: true }) => {
  if ('exit' in msg) return process.disconnect();
  run(msg).then(
    (result) => process.send!(result),
    (err: Error) => process.send!({ error: err.stack ?? String(err) }),
  );
});
