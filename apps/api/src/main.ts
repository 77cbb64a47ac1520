import { ConfigError } from '@duban/config';
import { startApi } from './bootstrap';

startApi().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`duban: ${err.message}\n`);
  } else {
    process.stderr.write(`duban: the api could not start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
