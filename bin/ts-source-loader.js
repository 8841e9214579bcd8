// Compiles kestraform's own TypeScript sources (lib/**/*.ts) when the CLI runs from a checkout of
// the repository: an installed package runs the compiled dist/ and never loads this file. It does
// what tsx's CommonJS hook does for these files — esbuild's transform, with the options tsx uses —
// minus what they never need (tsconfig path lookup, ESM interop, hooks on every other module
// required), which made tsx cost about as much as loading the modules themselves. Each compiled
// file is cached by its content, esbuild's version and these options, so a cache entry can never
// be stale; without a writable cache folder every file is compiled each time (slower, still right).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { privateCacheDir, writePrivateFile } = require('./private-cache-dir');

/**
 * Compiles every `.ts` file required from now on in this process.
 * @param {string} root the checkout (for resolving esbuild from it)
 */
function registerTsSources(root) {
  if (require.extensions['.ts']) return; // a TypeScript loader is already in place
  const esbuildPath = require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/package.json', { paths: [root] }))] });
  const esbuildVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(esbuildPath), '..', 'package.json'), 'utf8')).version;
  const options = {
    loader: 'ts',
    format: 'cjs',
    platform: 'node',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcesContent: false,
    minifyWhitespace: true,
    keepNames: true,
    // kestraform's tsconfig.json, as far as it changes the output (tsc's dist/ and ts-jest compile the same way).
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: true, alwaysStrict: true } },
  };
  const key = JSON.stringify([esbuildVersion, options]);
  // Only a folder of this user's that nobody else may write to is trusted with compiled code.
  const cache = privateCacheDir('kestraform-ts');
  let cacheWritable = cache.writable;
  let esbuild;
  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const cached = path.join(cache.dir, `${crypto.createHash('sha256').update(key).update('\0').update(filename).update('\0').update(source).digest('hex')}.js`);
    let code;
    try {
      if (!cache.trusted) throw new Error('cache not trusted');
      code = fs.readFileSync(cached, 'utf8');
    } catch {
      esbuild ??= require(esbuildPath);
      code = esbuild.transformSync(source, { ...options, sourcefile: filename }).code;
      if (cacheWritable) {
        try {
          cache.ensure();
          writePrivateFile(cached, code);
        } catch {
          cacheWritable = false;
        }
      }
    }
    module._compile(code, filename);
  };
  // As tsx: errors' stacks name the TypeScript lines.
  process.setSourceMapsEnabled(true);
}

module.exports = { registerTsSources };
