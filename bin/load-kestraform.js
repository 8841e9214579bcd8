// Loads one of kestraform's own modules by its path below lib/ (e.g. 'cli/main'): the TypeScript
// source through tsx in a checkout of the repository, the compiled JavaScript of dist/ in an
// installed package (whose tarball holds dist/ and no sources) — for the CLI, its one-file build.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** @param {string} name module path below lib/, without extension */
function loadKestraform(name) {
  const source = path.join(ROOT, 'lib', `${name}.ts`);
  if (fs.existsSync(source)) {
    if (!require.extensions['.ts']) require('tsx/cjs');
    return require(source);
  }
  // The CLI's one-file build (scripts/build-dist.js), when the package has it, with V8's code
  // cache of the command being run (its first argument; options alone: 'options').
  const bundled = name === 'cli/main' ? path.join(ROOT, 'dist', 'cli.js') : undefined;
  if (bundled && fs.existsSync(bundled)) {
    const first = process.argv[2];
    return require('./code-cache').requireWithCodeCache(bundled, first === undefined || first.startsWith('-') ? 'options' : first);
  }
  const compiled = path.join(ROOT, 'dist', `${name}.js`);
  if (fs.existsSync(compiled)) return require(compiled);
  const error = new Error(
    `kestraform at ${ROOT} has neither its sources (lib/) nor its build (dist/): the package was installed without being built. ` +
      'Install it from a tarball made with `npm pack`, or let npm build it when installing from Git: ' +
      'allow its build in package.json (`npm pkg set allowScripts.kestraform=true --json`) and install it from Git again.',
  );
  error.userFacing = true;
  throw error;
}

module.exports = { loadKestraform };
