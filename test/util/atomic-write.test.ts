/** The one atomic writer: whole files only, and the sweep of what dead writers left. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sweepAtomicTemps, tempNameFor, writeFileAtomic } from '../../lib/util/atomic-write';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-atomic-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces a file whole, with the mode asked for, and leaves no temp file', () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, 'old');
    writeFileAtomic(file, '{"new":true}', { mode: 0o600 });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"new":true}');
    writeFileAtomic(path.join(dir, 'fresh.json'), Buffer.from('x'), { mode: 0o600 });
    expect(fs.statSync(path.join(dir, 'fresh.json')).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['fresh.json', 'state.json']);
  });

  it('makes parent folders only when asked', () => {
    const file = path.join(dir, 'a', 'b', 'flow.yml');
    expect(() => writeFileAtomic(file, 'id: x')).toThrow(/ENOENT/);
    writeFileAtomic(file, 'id: x', { makeParents: true });
    expect(fs.readFileSync(file, 'utf8')).toBe('id: x');
  });

  it('keeps the old bytes and cleans up its temp file when the write fails', () => {
    const file = path.join(dir, 'target');
    fs.mkdirSync(file); // renaming a file over a folder fails
    expect(() => writeFileAtomic(file, 'x')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['target']);
  });

  it('sweeps the temp files of dead writers — of one file, or of all — and keeps live ones', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const mine = path.basename(tempNameFor(path.join(dir, 'a.json')));
    const names = [`.a.json.${deadPid}.0a1b2c3d.tmp`, `.b.json.${deadPid}.0a1b2c3d.tmp`, `.a.json.${process.ppid}.0a1b2c3d.tmp`, mine, 'a.json', `.a.json.${deadPid}.tmp`];
    for (const n of names) fs.writeFileSync(path.join(dir, n), '{');
    sweepAtomicTemps(dir, path.join(dir, 'a.json'));
    expect(fs.readdirSync(dir).sort()).toEqual(names.filter((n) => n !== `.a.json.${deadPid}.0a1b2c3d.tmp`).sort());
    sweepAtomicTemps(dir);
    expect(fs.readdirSync(dir).sort()).toEqual([`.a.json.${process.ppid}.0a1b2c3d.tmp`, mine, 'a.json', `.a.json.${deadPid}.tmp`].sort());
  });
});
