import { createConnection } from 'node:net';

/**
 * Runs once before the suites. Tests that need Redis use the real server at
 * REDIS_URL (default redis://127.0.0.1:6379); when none answers, say plainly
 * how to start one instead of letting those tests fail obscurely.
 */
export default async function globalSetup(): Promise<void> {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  const ok = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port });
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
  process.env.DUBAN_TEST_REDIS = ok ? `redis://${host}:${port}` : '';
  if (!ok) {
    process.stdout.write(
      `\n[test setup] No Redis answers at ${host}:${port}. Tests that need Redis will fail.\n` +
        `[test setup] Start one with: redis-server --daemonize yes --port 6379 --save "" --appendonly no\n` +
        `[test setup] or point REDIS_URL at a running server.\n\n`,
    );
  }
}
