import { jwtSecret, loadConfig } from '@duban/config';
import { ROLES } from '@duban/domain/decider';
import { DEFAULT_TOKEN_LIFETIME, isRole, mintToken } from '@duban/access/tokens';

export interface TokenCommandOptions {
  role?: string;
  unit?: string;
  user?: string;
  /** seconds, or 30m / 12h / 7d; default 12h */
  expiresIn?: string | number;
}

/**
 * `duban token --role R --unit U --user NAME [--expires-in 12h]`: prints one
 * HS256 bearer token signed with the api's secret (JWT_SECRET, or the one
 * generated in DUBAN_DATA_DIR — run it with the same environment as the api).
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
    const secret = jwtSecret(loadConfig(process.env));
    const now = new Date();
    const token = mintToken({ userId: user!, unitId: unit!, role }, secret, {
      expiresIn: options.expiresIn ?? DEFAULT_TOKEN_LIFETIME,
      now,
    });
    process.stdout.write(`${token}\n`);
    if (process.stderr.isTTY) {
      const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).exp as number;
      process.stderr.write(`token for ${user} (${role}, ${unit}), valid until ${new Date(exp * 1000).toISOString()}\n`);
    }
    return 0;
  } catch (err) {
    return fail((err as Error).message);
  }
}
