/**
 * The file format of kestraform's caches (the read of a synth, the tree index): a header saying
 * what the body was made for — a UTF-8 key, its length first (4 bytes, big-endian) — then the body
 * in V8's structured serialization. Only a speed-up: reading gives undefined for a missing,
 * unreadable or unaccepted file, and a write that fails is ignored.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write';

/** The body of `file` when `accepts` its header, else undefined. */
export function readKeyedFile(file: string, accepts: (header: string) => boolean): unknown {
  try {
    const bytes = fs.readFileSync(file);
    const length = bytes.readUInt32BE(0);
    if (!accepts(bytes.toString('utf8', 4, 4 + length))) return undefined;
    return v8.deserialize(bytes.subarray(4 + length));
  } catch {
    return undefined;
  }
}

export function writeKeyedFile(file: string, header: string, body: unknown, opts: AtomicWriteOptions): void {
  try {
    const key = Buffer.from(header, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(key.length);
    writeFileAtomic(file, Buffer.concat([length, key, v8.serialize(body)]), opts);
  } catch {
    // the next reader does without
  }
}
