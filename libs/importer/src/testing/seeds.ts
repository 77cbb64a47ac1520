/**
 * The real seed documents (000_….txt to 004_….txt) live outside the repository:
 * the project does not ship other people's text. Tests on them read the folder
 * named by DUBAN_SEEDS_DIR (.ci/run sets it when the folder exists beside the
 * clone) and, without it, say so in one line on stdout and skip — the way the
 * KurrentDB contract suite does without KURRENTDB_URL. The behaviour they check
 * is also checked on the project's own documents (./examples.ts), always.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The seed folder, or null when DUBAN_SEEDS_DIR is not set. */
export const SEEDS_DIR: string | null = process.env.DUBAN_SEEDS_DIR ? resolve(process.env.DUBAN_SEEDS_DIR) : null;

const SKIPPED = 'skipped: no seed documents (set DUBAN_SEEDS_DIR to the folder holding 000_….txt to 004_….txt to run the seed suites)';

/** The path of seed `prefix` ("000" … "004"). A set DUBAN_SEEDS_DIR that does not hold it fails: a wrong path is not a skip. */
export function seedFile(prefix: string): string {
  if (SEEDS_DIR === null) throw new Error(`DUBAN_SEEDS_DIR is not set: seed ${prefix} cannot be read (use describeWithSeeds)`);
  if (!existsSync(SEEDS_DIR)) throw new Error(`DUBAN_SEEDS_DIR=${SEEDS_DIR}: no such folder`);
  const file = readdirSync(SEEDS_DIR).find((f) => f.startsWith(`${prefix}_`));
  if (file === undefined) throw new Error(`no seed document ${prefix}_*.txt in DUBAN_SEEDS_DIR=${SEEDS_DIR}`);
  return join(SEEDS_DIR, file);
}

/** The text of seed `prefix` ("000" … "004"). */
export function seed(prefix: string): string {
  return readFileSync(seedFile(prefix), 'utf8');
}

/**
 * `describe` when DUBAN_SEEDS_DIR is set; otherwise one line on stdout and a
 * skipped test carrying the same words, so the skip shows in the summary too.
 */
export function describeWithSeeds(name: string, body: () => void): void {
  if (SEEDS_DIR !== null) {
    describe(name, body);
    return;
  }
  process.stdout.write(`${name}: ${SKIPPED}\n`);
  describe(name, () => {
    it.skip(SKIPPED, () => undefined);
  });
}
