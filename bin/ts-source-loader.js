// Compiles kestraform's own TypeScript sources (lib/**/*.ts) when the CLI runs from a checkout of
// the repository: an installed package runs the compiled dist/ and never loads this file. It does
// what tsx's CommonJS hook does for these files — esbuild's transform, with the options tsx uses —
// minus what they never need (tsconfig path lookup, ESM interop, hooks on every other module
// required), which made tsx cost about as much as loading the modules themselves. Each compiled
// file is cached by its content, esbuild's version and these options, so a cache entry can never
// be stale; without a writable cache folder every file is compiled each time (slower, still right).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

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
  const cacheDir = path.join(os.tmpdir(), `kestraform-ts-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
  // Only a folder of this user's that nobody else may write to is trusted with compiled code.
  let cacheWritable = true;
  let cacheTrusted = true;
  try {
    const st = fs.statSync(cacheDir);
    cacheTrusted = st.isDirectory() && (typeof process.getuid !== 'function' || st.uid === process.getuid()) && (st.mode & 0o022) === 0;
    cacheWritable = cacheTrusted;
  } catch {
    cacheTrusted = false; // not there yet: made by the first write, trusted from the next run on
  }
  let esbuild;
  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const cached = path.join(cacheDir, `${crypto.createHash('sha256').update(key).update('\0').update(filename).update('\0').update(source).digest('hex')}.js`);
    let code;
    try {
      if (!cacheTrusted) throw new Error('cache not trusted');
      code = fs.readFileSync(cached, 'utf8');
    } catch {
      esbuild ??= require(esbuildPath);
      code = esbuild.transformSync(source, { ...options, sourcefile: filename }).code;
      if (cacheWritable) {
        try {
          fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
          const temp = `${cached}.${process.pid}.tmp`;
          fs.writeFileSync(temp, code, { mode: 0o600 });
          fs.renameSync(temp, cached);
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
