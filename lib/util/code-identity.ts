/**
 * kestraform's own code as it is on disk, for caches of what that code computed (the read of a
 * synth, the tree index): the size, modification and change times and inode of every file of its
 * code folder (lib/ in a checkout, dist/ when installed) — of the one bundled file when the
 * installed CLI runs from it — and of the package's lockfile. A checkout whose code was edited
 * since gets a new identity; so does a reinstalled package (npm gives every installed file the
 * same modification time, but writing the files anew changes their change time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CODE_DIR, PACKAGE_ROOT } from '../package-files';

let identity: string | undefined;

export function codeIdentity(): string {
  if (identity !== undefined) return identity;
  const h = createHash('sha256');
  // The installed CLI runs from one bundled file (dist/cli.js): that file is all of its reading code.
  if (path.dirname(__filename) === CODE_DIR && path.basename(__filename) === 'cli.js') {
    const lock = fs.statSync(path.join(PACKAGE_ROOT, 'package-lock.json'), { throwIfNoEntry: false });
    identity = h.update(`bundle\0${stamp(fs.statSync(__filename))}\nlock\0${lock ? stamp(lock) : '-'}`).digest('hex');
    return identity;
  }
  const tree = CODE_DIR;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) {
        const st = fs.statSync(file);
        h.update(`${path.relative(tree, file)}\0${stamp(st)}\n`);
      }
    }
  };
  walk(tree);
  const lock = fs.statSync(path.join(PACKAGE_ROOT, 'package-lock.json'), { throwIfNoEntry: false });
  h.update(`lock\0${lock ? stamp(lock) : '-'}`);
  identity = h.digest('hex');
  return identity;
}

const stamp = (st: fs.Stats) => `${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}`;
