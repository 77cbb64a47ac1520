/**
 * "Every write goes through the command bus and ONE executor": outside the
 * tests, a CommandExecutor is built in exactly two places — the api's
 * ApplicationModule (the provider every handler, the unit registry and the
 * import writer inject, with the write gate) and the CLI's cliExecutor (its own
 * process, behind a walk of the chains). A module that builds its own would write past the write gate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'testing' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('one CommandExecutor per process', () => {
  it('is built only by ApplicationModule and the CLI\'s cliExecutor', () => {
    const builders = ['apps', 'libs']
      .flatMap((d) => sources(join(ROOT, d)))
      .filter((file) => /new CommandExecutor\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file))
      .sort();
    expect(builders).toEqual(['apps/cli/src/cli-executor.ts', 'libs/application/src/nest/application.module.ts']);
  });
});
