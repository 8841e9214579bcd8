// A per-user cache folder under the system's temporary folder, for code kestraform runs (compiled
// TypeScript in a checkout, V8's code cache of the installed CLI). Code is read from it only when
// the folder is this user's own and nobody else may write to it: a folder someone else made first,
// or one others may write to, is neither read nor written.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * @param {string} prefix the folder's name before the user id (e.g. 'kestraform-ts')
 * @returns {{ dir: string, trusted: boolean, writable: boolean, ensure(): void }} `trusted`: its
 * files may be run; `writable`: entries may be written (false when the folder is not to be
 * trusted; a folder not there yet is made by `ensure`, and trusted from the next run on)
 */
function privateCacheDir(prefix) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = path.join(os.tmpdir(), `${prefix}-${uid ?? 'user'}`);
  let trusted = false;
  let writable = true;
  try {
    const st = fs.statSync(dir);
    trusted = st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
    writable = trusted;
  } catch {
    // not there yet
  }
  return { dir, trusted, writable, ensure: () => fs.mkdirSync(dir, { recursive: true, mode: 0o700 }) };
}

/** Writes `data` to `file` in one step (a temporary file renamed), readable by its owner alone. */
function writePrivateFile(file, data) {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, data, { mode: 0o600 });
  fs.renameSync(temp, file);
}

module.exports = { privateCacheDir, writePrivateFile };
