import { eventStoreFile, jwtSecret, loadConfig } from '@duban/config';
import { ROLES } from '@duban/domain/decider';
import { DEFAULT_TOKEN_LIFETIME, isRole, mintToken } from '@duban/access/tokens';
import { unitIdOfClaim } from '@duban/access/token-unit';
import { createEventStore, describeEventStore } from '@duban/eventstore';
import type { EventStoreSettings } from '@duban/eventstore';
import { registryOf } from '@duban/importer/commit/executor-writer';

export interface TokenCommandOptions {
  role?: string;
  unit?: string;
  user?: string;
  /** seconds, or 30m / 12h / 7d; default 12h; at most DUBAN_TOKEN_MAX_LIFETIME */
  expiresIn?: string | number;
}

/**
 * `duban token --role R --unit U --user NAME [--expires-in 12h]`: prints one
 * HS256 bearer token signed with the api's secret (JWT_SECRET, or the one
 * generated in DUBAN_DATA_DIR — run it with the same environment as the api).
 *
 * The unit must be a unit of the registry the api uses (the seed plus the
 * `unit-registry` stream of the configured store), named by its id or a global
 * alias; the token carries the id. An unknown unit, or a lifetime longer than
 * DUBAN_TOKEN_MAX_LIFETIME, is refused: the api would refuse the token anyway.
 *
 * Stdout carries only the token, so `TOKEN=$(npx duban token …)` works; on a
 * terminal a note about the token goes to stderr. Errors: stderr, exit code 2.
 */
export async function tokenCommand(options: TokenCommandOptions): Promise<number> {
  const fail = (message: string): number => {
    process.stderr.write(`duban token: ${message}\n`);
    return 2;
  };
  const { role, unit, user } = options;
  const missing = (['role', 'unit', 'user'] as const).filter((k) => options[k] === undefined || options[k] === '');
  if (missing.length > 0) {
    return fail(`missing ${missing.map((k) => `--${k}`).join(', ')} (usage: duban token --role <${ROLES.join('|')}> --unit <unit> --user <name> [--expires-in 12h])`);
  }
  if (!isRole(role)) return fail(`--role ${JSON.stringify(role)} is not one of ${ROLES.join(', ')}`);

  try {
    const config = loadConfig(process.env);
    const settings: EventStoreSettings = {
      kurrentDbUrl: config.kurrentDbUrl,
      sqliteFile: eventStoreFile(config),
      sqliteSynchronous: config.sqliteSynchronous,
    };
    const store = createEventStore(settings);
    let unitId: string | null;
    try {
      unitId = unitIdOfClaim(await registryOf(store), unit!);
    } finally {
      await store.close();
    }
    if (unitId === null) {
      return fail(
        `--unit ${JSON.stringify(unit)} is not a unit of the registry (seed + unit-registry stream of ${describeEventStore(settings)}): ` +
          'give a unit id or a global alias (local aliases such as 四处 name a unit only inside a document; write 市政府办公厅四处)',
      );
    }
    const secret = jwtSecret(config);
    const token = mintToken({ userId: user!, unitId, role }, secret, {
      expiresIn: options.expiresIn ?? DEFAULT_TOKEN_LIFETIME,
      now: new Date(),
      maxLifetimeSeconds: config.tokenMaxLifetimeSeconds,
    });
    process.stdout.write(`${token}\n`);
    if (process.stderr.isTTY) {
      const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).exp as number;
      const named = unitId === unit ? unitId : `${unitId}, written ${unit}`;
      process.stderr.write(`token for ${user} (${role}, ${named}), valid until ${new Date(exp * 1000).toISOString()}\n`);
    }
    return 0;
  } catch (err) {
    return fail((err as Error).message);
  }
}
