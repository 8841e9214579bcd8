// Requires the installed CLI's one-file build (dist/cli.js) with V8's code cache: the functions a
// command compiled in its first run are kept, in a private per-user folder, and later runs of that
// command skip their parsing and compiling. Without it the bundle's 3.5 MB cost more to load than
// the few modules a small command needs one by one. Node 22's module.enableCompileCache does the
// same for every module; kestraform runs on Node 20 too, so it uses V8's API (vm.Script) directly.
//
// An entry is named by the command, the file's place, its stat (size, inode, times; the sha256 of
// its text while it is newly changed), Node's version and the platform, so a changed build can
// never run another's cache; V8 checks its own version and flags, and a cache it rejects is
// written again. A cache is written only by a run that ended well (exit 0 or 2: it compiled what
// that command needs), once. `KESTRAFORM_CODE_CACHE=0` turns it off.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { privateCacheDir, writePrivateFile } = require('./private-cache-dir');

const CACHE_PREFIX = 'kestraform-code';
/** How long after its last change a file's stat is trusted to name its text. */
const RACY_MS = 3000;

/**
 * @param {string} file absolute path of a CommonJS file
 * @param {string} tag what this process runs (the command), one cache entry per tag
 * @returns {unknown} the file's exports
 */
function requireWithCodeCache(file, tag) {
  if (process.env.KESTRAFORM_CODE_CACHE === '0') return require(file);
  const resolved = path.resolve(file);
  if (Module._cache[resolved]) return Module._cache[resolved].exports;
  // The stat before the text: a file replaced in between is then named by the stat it had, which
  // no later run sees again, never by a stat that would name the new text.
  const st = fs.statSync(resolved, { bigint: true });
  const source = fs.readFileSync(resolved, 'utf8');
  const cache = privateCacheDir(CACHE_PREFIX);
  // One entry per command and installed file: two projects' installs keep theirs side by side,
  // and a new build at the same place replaces its predecessor.
  const name = `${safeTag(tag)}-${crypto.createHash('sha256').update(resolved).digest('hex').slice(0, 16)}-`;
  const digest = identityOf(st, source);
  const entry = path.join(cache.dir, `${name}${digest}.v8`);
  let cachedData;
  if (cache.trusted) {
    try {
      cachedData = fs.readFileSync(entry);
    } catch {
      // none yet
    }
  }
  const options = { filename: resolved, cachedData };
  if (vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER) options.importModuleDynamically = vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const script = new vm.Script(Module.wrap(source), options);
  const mod = new Module(resolved, module);
  mod.filename = resolved;
  mod.paths = Module._nodeModulePaths(path.dirname(resolved));
  Module._cache[resolved] = mod;
  try {
    script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(resolved), mod, resolved, path.dirname(resolved));
  } catch (e) {
    delete Module._cache[resolved];
    throw e;
  }
  mod.loaded = true;
  if (cache.writable && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (code !== 0 && code !== 2) return;
      try {
        cache.ensure();
        writePrivateFile(entry, script.createCachedData());
        // The same command's entries of other builds of this file (an upgrade, another Node) go.
        const same = new RegExp(`^${name}[0-9a-f]{40}\\.v8$`);
        for (const f of fs.readdirSync(cache.dir)) if (same.test(f) && path.join(cache.dir, f) !== entry) fs.rmSync(path.join(cache.dir, f), { force: true });
      } catch {
        // no cache this time; the next run tries again
      }
    });
  }
  return mod.exports;
}

/**
 * What names the file's text in its entry: its stat (size, inode, modification and change times,
 * as Git's index knows a file), instead of hashing its 3.5 MB on every run; any rewrite moves the
 * change time. A file changed within the last few seconds is named by the sha256 of its text: a
 * rewrite within one tick of the file system's clock could leave its stat as it was.
 */
function identityOf(st, source) {
  const runtime = `${process.version}\0${process.platform}\0${process.arch}\0`;
  const settled = BigInt(Date.now() - RACY_MS) * 1000000n;
  const hash = crypto.createHash('sha256').update(runtime);
  if (st.ctimeNs < settled && st.mtimeNs < settled) hash.update(`stat\0${st.size}\0${st.ino}\0${st.dev}\0${st.mtimeNs}\0${st.ctimeNs}`);
  else hash.update('text\0').update(source);
  return hash.digest('hex').slice(0, 40);
}

/** The tag as a file-name part: letters, digits and dashes, anything else one 'other'. */
function safeTag(tag) {
  return /^[a-z][a-z0-9-]{0,30}$/.test(tag) ? tag : 'other';
}

module.exports = { requireWithCodeCache };
