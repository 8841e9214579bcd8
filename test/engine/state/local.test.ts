/** The local state backend's clean-up of what a killed process left behind. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalStateBackend } from '../../../lib/engine/state/local';

describe('local state backend', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('removes the temp files of dead writers when it takes the lock, and keeps live ones', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!; // exited by now
    const livePid = process.ppid;
    const orphan = path.join(dir, `.s.json.${deadPid}.0a1b2c3d.tmp`);
    const busy = path.join(dir, `.s.json.${livePid}.0a1b2c3d.tmp`);
    const unrelated = path.join(dir, `.other.json.${deadPid}.0a1b2c3d.tmp`);
    for (const f of [orphan, busy, unrelated]) fs.writeFileSync(f, '{"half":');
    const backend = new LocalStateBackend({ file: path.join(dir, 's.json'), stack: 's' });
    const lock = await backend.lock({ operation: 'apply' });
    try {
      expect(fs.existsSync(orphan)).toBe(false);
      expect(fs.existsSync(busy)).toBe(true);
      expect(fs.existsSync(unrelated)).toBe(true);
    } finally {
      await lock.release();
    }
  });
});
