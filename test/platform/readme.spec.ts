import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '@duban/config';

/** The README's promises: two commands, and a configuration table that names every variable the code reads. */
describe('README', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('documents every configuration variable', () => {
    const table = readme.slice(readme.indexOf('## Configuration'));
    for (const v of CONFIG_VARIABLES) expect({ variable: v.name, documented: table.includes(`| \`${v.name}\` |`) }).toEqual({ variable: v.name, documented: true });
  });

  it('shows the start command and the test command that CI runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
    expect(readFileSync(join(__dirname, '..', '..', '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });
});
