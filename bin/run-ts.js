#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts, a bench script) with tsx's CommonJS loader,
// so no build step stands between a fresh `npm ci` and a working command.
require('tsx/cjs');
const path = require('node:path');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: run-ts.js FILE.ts [ARGS...]');
  process.exit(1);
}
process.argv.splice(1, 2, path.resolve(entry));
require(path.resolve(entry));
