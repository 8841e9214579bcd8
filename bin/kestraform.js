#!/usr/bin/env node
// WebAssembly stays at V8's baseline tier (Liftoff). The HTTP client (undici) parses responses in
// WebAssembly; V8 would recompile that parser with its optimizing tier on a background thread,
// and a process may not end before that thread's work is done: ~100 ms of waiting at the end
// of every command, ~90 ms of CPU and ~28 MB of memory, for a parser whose time is a small share
// of a command's. Set first, before anything compiles WebAssembly (bench/README.md, 2026-12-03).
require('node:v8').setFlagsFromString('--liftoff-only');
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
