/**
 * Reads tree files through one reused buffer. A tree of 10,000 small files then costs an open, a
 * few reads and a close per file, without fs.readFileSync's fstat and per-file allocation, and a
 * large namespace file is hashed in chunks instead of being held in memory whole.
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { sha256 } from '../util/hash';

const CHUNK = 256 * 1024;
let scratch = Buffer.allocUnsafe(CHUNK);

/** Size and sha256 (hex) of a file's bytes. */
export function hashFile(file: string): { size: number; sha256: string } {
  const fd = fs.openSync(file, 'r');
  try {
    let size = 0;
    for (let n; size < scratch.length && (n = fs.readSync(fd, scratch, size, scratch.length - size, null)) > 0; ) size += n;
    // The file ended before the buffer filled (most do): hashed at once (lib/util/hash).
    if (size < scratch.length) return { size, sha256: sha256(scratch.subarray(0, size)) };
    const hash = createHash('sha256').update(scratch.subarray(0, size));
    for (let n; (n = fs.readSync(fd, scratch, 0, scratch.length, null)) > 0; size += n) hash.update(scratch.subarray(0, n));
    return { size, sha256: hash.digest('hex') };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A file's bytes when it holds at most `limit` of them, else its size. The bytes are a view of
 * the shared buffer: use them before the next call.
 */
export function readUpTo(file: string, limit: number): { bytes: Buffer } | { tooLarge: number } {
  if (scratch.length < limit + 1) scratch = Buffer.allocUnsafe(limit + 1);
  const fd = fs.openSync(file, 'r');
  try {
    let size = 0;
    for (let n; size <= limit && (n = fs.readSync(fd, scratch, size, limit + 1 - size, null)) > 0; ) size += n;
    return size > limit ? { tooLarge: fs.fstatSync(fd).size } : { bytes: scratch.subarray(0, size) };
  } finally {
    fs.closeSync(fd);
  }
}
