#!/usr/bin/env node
// The `duban` command: runs the compiled CLI (built by `npm ci` through the prepare script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write(`duban: ${cli} is missing; run \`npm run build\` (npm ci does it for you)\n`);
  process.exit(2);
}
require(cli).runCli(process.argv);
