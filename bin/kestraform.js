#!/usr/bin/env node
let cli;
try {
  // In a checkout, kestraform's own TypeScript goes through a small cached compiler instead of tsx.
  const sources = require('node:path').join(__dirname, '..', 'lib');
  if (require('node:fs').existsSync(sources)) require('./ts-source-loader').registerTsSources(require('node:path').dirname(sources));
  cli = require('./load-kestraform').loadKestraform('cli/main');
} catch (e) {
  if (!e || !e.userFacing) throw e;
  process.stderr.write(`Error: ${e.message}\n`);
  process.exit(1);
}
cli.main(process.argv.slice(2));
