/** Whole-file reads through the shared buffer give exactly the bytes and hashes of a plain read. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { hashFile, readUpTo } from '../../lib/gittree/read-bytes';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-read-bytes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('hashFile', () => {
  // Around the 256 KiB chunk and the 1 MiB buffer readUpTo may grow it to.
  it.each([0, 1, 4095, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 1024 * 1024 + 1, 3 * 1024 * 1024 + 17])('gives size and sha256 of %i bytes', (size) => {
    const bytes = randomBytes(size);
    expect(hashFile(file(`h${size}`, bytes))).toEqual({ size, sha256: sha256(bytes) });
  });

  it('throws for a missing file (the tree reader reports it)', () => {
    expect(() => hashFile(path.join(dir, 'absent'))).toThrow(/ENOENT/);
  });
});

describe('readUpTo', () => {
  it('returns the bytes up to the limit and the size beyond it', () => {
    const limit = 1000;
    for (const size of [0, 1, limit - 1, limit]) {
      const bytes = randomBytes(size);
      expect(readUpTo(file(`r${size}`, bytes), limit)).toEqual({ bytes });
    }
    expect(readUpTo(file('big', randomBytes(limit + 1)), limit)).toEqual({ tooLarge: limit + 1 });
    expect(readUpTo(file('bigger', randomBytes(5 * limit)), limit)).toEqual({ tooLarge: 5 * limit });
  });

  it('hands out a view that the next read reuses (callers copy what they keep)', () => {
    const a = readUpTo(file('a', Buffer.from('first')), 100) as { bytes: Buffer };
    const kept = a.bytes.toString();
    readUpTo(file('b', Buffer.from('XXXXX')), 100);
    expect(kept).toBe('first');
  });
});
