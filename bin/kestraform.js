#!/usr/bin/env node
let cli;
try {
  cli = require('./load-kestraform').loadKestraform('cli/main');
} catch (e) {
  if (!e || !e.userFacing) throw e;
  process.stderr.write(`Error: ${e.message}\n`);
  process.exit(1);
}
cli.main(process.argv.slice(2));
