#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts, a bench script) with tsx's CommonJS loader,
// so no build step stands between a fresh `npm ci` and a working command.
// cdktf, the large plain-CommonJS dependency every app needs, loads first at native speed: once
// tsx's hook is in place it inspects every file required (cdktf alone is some 300 files).
try {
  // Modules cdktf requires as it loads but uses only for zip assets and binary version checks.
  const { deferModule } = require('./defer-module');
  deferModule('archiver', require.resolve('cdktf/lib/private/fs'));
  deferModule('semver', require.resolve('cdktf/lib/validations/validate-binary-version'));
  require('cdktf');
} catch {
  // cdktf not installed here: the entry point will say so if it needs it
}
const path = require('node:path');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: run-ts.js FILE.ts [ARGS...]');
  process.exit(1);
}
preloadCompiledKestraform(path.dirname(path.resolve(entry)));
require('tsx/cjs');
process.argv.splice(1, 2, path.resolve(entry));
require(path.resolve(entry));

/**
 * kestraform's library, when the entry point imports this very package and it runs compiled
 * (installed: dist/, no sources), loads before tsx's hook too: its ~170 files, each inspected by
 * the hook, would take about twice as long.
 */
function preloadCompiledKestraform(entryDir) {
  const fs = require('node:fs');
  const ownRoot = path.resolve(__dirname, '..');
  try {
    if (fs.existsSync(path.join(ownRoot, 'lib', 'index.ts')) || !fs.existsSync(path.join(ownRoot, 'dist', 'index.js'))) return;
    const imported = require.resolve('kestraform', { paths: [entryDir] });
    if (imported === path.join(ownRoot, 'index.js')) require(imported);
  } catch {
    // not imported from there, or failing to load: the entry point's own import says why
  }
}
