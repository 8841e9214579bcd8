// Builds dist/ (compiled JavaScript and type declarations of lib/): what the installed package
// runs, so a user's side needs no build step. Runs as the `prepare` script, which npm runs for
// `npm pack` and when it installs the package from a Git URL (npm 11: for a package the user's
// package.json allows in `allowScripts`); in a checkout the sources run, and dist/ is unused.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
// Plain JavaScript that tsc does not copy: the input recorder, loaded into the app's processes
// (NODE_OPTIONS=--require) before any TypeScript loader.
fs.copyFileSync(path.join(root, 'lib', 'project', 'input-recorder.js'), path.join(root, 'dist', 'project', 'input-recorder.js'));
// The CLI as one file (dist/cli.js): loading ~470 modules one by one — resolution, package.json
// reads, a compile each — is the largest part of a command's start; one bundle of the CLI and
// the libraries it uses loads in a fraction of that (with V8's code cache: bin/code-cache.js).
// cdktf and its kin stay outside (the CLI never loads them; the app does, in its own process). The library entry (dist/index.js, what a
// stack imports) stays as tsc wrote it. The bundle sits in dist/ as lib/package-files.ts does in
// lib/, so that its paths to the package and to dist/project/input-recorder.js hold.
const bundle = (entry, outfile) =>
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'dist', entry)],
    outfile: path.join(root, 'dist', outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['cdktf', 'constructs', '@cdktf/*', 'tsx', 'esbuild'],
    legalComments: 'eof',
    logLevel: 'warning',
  });
bundle('cli/main.js', 'cli.js');
// The thread that sends a plan's early GETs (lib/kestra/early-thread.ts) loads as one file too:
// it starts while the command's own thread is busy, and its first request waits for its load.
bundle('kestra/early-thread-main.js', 'early-thread.js');

