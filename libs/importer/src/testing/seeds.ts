/**
 * The five real seed documents (/work/shared/seeds, checked out beside the
 * repository as shared/seeds). A missing folder fails the test that reads it;
 * it is never skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEEDS = join(__dirname, '../../../../../shared/seeds');

/** The path of seed `prefix` ("000" … "004"). */
export function seedFile(prefix: string): string {
  if (!existsSync(SEEDS)) {
    throw new Error(
      `The seed documents are missing: expected the folder ${SEEDS} (the repository is checked out with shared/ beside it, ` +
        'shared/seeds holding 000_….txt to 004_….txt). These tests read the real documents; they are not skipped.',
    );
  }
  const file = readdirSync(SEEDS).find((f) => f.startsWith(`${prefix}_`));
  if (file === undefined) throw new Error(`no seed document ${prefix}_*.txt in ${SEEDS}`);
  return join(SEEDS, file);
}

/** The text of seed `prefix` ("000" … "004"). */
export function seed(prefix: string): string {
  return readFileSync(seedFile(prefix), 'utf8');
}
