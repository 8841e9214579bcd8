/**
 * The embedded server's write-ahead journal: append-only files of framed records, written in
 * groups with one fdatasync per group (group commit), so that a thousand writes a second cost a
 * few hundred fsyncs, not a thousand.
 *
 * A record on disk is `[u32 length][u32 crc32][payload]` (little-endian), the checksum taken over
 * the four length bytes and the payload: a record a kill (or a power loss) cut short, or the zeros
 * a file system may leave after an unsynced end, fails the check, and reading stops there — the
 * torn tail is what was never acknowledged.
 *
 * The writer hands out sequence numbers; `durable()` resolves once every record appended before
 * the call is on disk. One write+fdatasync runs at a time; whatever is appended meanwhile goes in
 * the next one. The log writes to one journal file at a time and can be `rotate`d to a new one
 * (compaction: persist.ts), its records still flushed in order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { syncDirectory } from '../util/atomic-write';

/** Bytes before a record's payload: its length and checksum. */
export const FRAME_BYTES = 8;

/** Payload types (the payload's first byte). */
export const RECORD = {
  /** JSON: what the file is (format, version, generation). Always the first record. */
  header: 0x48,
  /** JSON `[kind, name, document]`: a document's whole new value. */
  put: 0x50,
  /** JSON `[kind, name]`: a document removed. */
  remove: 0x44,
  /** 32 bytes of sha256, then the blob's bytes. */
  blob: 0x42,
  /** JSON `[sha256, pack file, offset, length]` (snapshots): where a blob of a pack file lies. */
  blobRef: 0x52,
} as const;

const SHA_BYTES = 32;
/** A blob record's bytes start this far into its payload (type byte, sha256). */
export const BLOB_DATA_OFFSET = 1 + SHA_BYTES;
/** Payloads up to this size are read whole when scanning; larger blob records are checked in chunks. */
const READ_WHOLE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// checksum

type Crc = (data: Uint8Array, value?: number) => number;
const nativeCrc32 = (zlib as unknown as { crc32?: Crc }).crc32;
let table: Uint32Array | undefined;

/** CRC-32 (IEEE) computed with a table: what `crc32` is on a Node without zlib.crc32 (before 20.15). */
export const tableCrc32: Crc = (data, value = 0) => {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
};

/** CRC-32 (IEEE), continued from `value`: zlib's where Node has it (20.15+), the table otherwise. */
export const crc32: Crc = nativeCrc32 ? (data, value = 0) => nativeCrc32(data, value) : tableCrc32;

// ---------------------------------------------------------------------------------------------
// encoding

/** One framed record of `type` whose payload after the type byte is `text` (UTF-8). */
export function textRecord(type: number, text: string): Buffer {
  const length = 1 + Buffer.byteLength(text);
  const buf = Buffer.allocUnsafe(FRAME_BYTES + length);
  buf[FRAME_BYTES] = type;
  buf.write(text, FRAME_BYTES + 1, 'utf8');
  return seal(buf, length);
}

export function jsonRecord(type: number, value: unknown): Buffer {
  return textRecord(type, JSON.stringify(value));
}

/** A blob record: type, the 32 bytes of `sha` (hex), the bytes. */
export function blobRecord(sha: string, bytes: Uint8Array): Buffer {
  const length = BLOB_DATA_OFFSET + bytes.length;
  const buf = Buffer.allocUnsafe(FRAME_BYTES + length);
  buf[FRAME_BYTES] = RECORD.blob;
  buf.write(sha, FRAME_BYTES + 1, SHA_BYTES, 'hex');
  buf.set(bytes, FRAME_BYTES + BLOB_DATA_OFFSET);
  return seal(buf, length);
}

function seal(buf: Buffer, length: number): Buffer {
  buf.writeUInt32LE(length, 0);
  buf.writeUInt32LE(crc32(buf.subarray(FRAME_BYTES), crc32(buf.subarray(0, 4))), 4);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// reading

export type ScannedRecord =
  | { type: number; offset: number; size: number; text: string }
  /** A blob: its bytes lie at `dataOffset` in the file, `dataLength` of them. */
  | { type: typeof RECORD.blob; offset: number; size: number; sha: string; dataOffset: number; dataLength: number };

export interface ScanResult {
  /** Where the whole records end: the file's valid length. */
  end: number;
  /** Bytes after `end` (a torn tail), 0 when the file ends on a whole record. */
  torn: number;
  /** Why reading stopped before the end of the file. */
  tornReason?: string;
}

/**
 * Reads the records of an open file in order, calling `onRecord` for each whole one, and stops at
 * the first that is cut short or fails its checksum.
 */
export function scanRecords(fd: number, onRecord: (r: ScannedRecord) => void): ScanResult {
  const size = fs.fstatSync(fd).size;
  const head = Buffer.alloc(FRAME_BYTES);
  let at = 0;
  const stop = (reason: string): ScanResult => ({ end: at, torn: size - at, tornReason: reason });
  while (at < size) {
    if (size - at < FRAME_BYTES) return stop('a record header cut short');
    readExactly(fd, head, at);
    const length = head.readUInt32LE(0);
    const expected = head.readUInt32LE(4);
    if (length < 1) return stop('an empty record');
    if (length > size - at - FRAME_BYTES) return stop('a record cut short');
    const first = Buffer.alloc(Math.min(length, READ_WHOLE_BYTES));
    readExactly(fd, first, at + FRAME_BYTES);
    const type = first[0];
    if (!Object.values(RECORD).includes(type as never)) return stop(`a record of unknown type ${type}`);
    let crc = crc32(first, crc32(head.subarray(0, 4)));
    if (length > first.length) {
      // A large blob: checked chunk by chunk, never held whole.
      const chunk = Buffer.alloc(CHUNK_BYTES);
      for (let pos = first.length; pos < length; ) {
        const n = Math.min(CHUNK_BYTES, length - pos);
        readExactly(fd, chunk.subarray(0, n), at + FRAME_BYTES + pos);
        crc = crc32(chunk.subarray(0, n), crc);
        pos += n;
      }
    }
    if (crc !== expected) return stop('a record whose checksum does not match');
    const recordSize = FRAME_BYTES + length;
    if (type === RECORD.blob) {
      if (length < BLOB_DATA_OFFSET) return stop('a blob record too short');
      onRecord({ type, offset: at, size: recordSize, sha: first.toString('hex', 1, BLOB_DATA_OFFSET), dataOffset: at + FRAME_BYTES + BLOB_DATA_OFFSET, dataLength: length - BLOB_DATA_OFFSET });
    } else {
      onRecord({ type, offset: at, size: recordSize, text: first.toString('utf8', 1) });
    }
    at += recordSize;
  }
  return { end: at, torn: 0 };
}

export function readExactly(fd: number, into: Buffer, position: number): void {
  for (let done = 0; done < into.length; ) {
    const n = fs.readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += n;
  }
}

// ---------------------------------------------------------------------------------------------
// writing: group commit

/** One journal file the log writes to. */
export class JournalFile {
  /** Open for reading and writing once created (or reopened). */
  fd: number | undefined;
  /** Bytes handed out so far, written or still pending: the next record's offset. */
  reserved: number;
  /** Bytes known to be written (page cache) and to be synced once `synced` catches up. */
  written: number;
  /** Whether the folder must be fsynced once, so the new file's name survives a power loss. */
  private nameSynced: boolean;

  constructor(readonly generation: number, readonly file: string, existing?: { fd: number; size: number }) {
    this.fd = existing?.fd;
    this.reserved = existing?.size ?? 0;
    this.written = existing?.size ?? 0;
    this.nameSynced = !!existing;
  }

  /** Creates the file on disk (its header is the first record appended to it). */
  ensureOpen(): number {
    this.fd ??= fs.openSync(this.file, 'wx+', 0o644);
    return this.fd;
  }

  async syncName(): Promise<void> {
    if (this.nameSynced) return;
    await syncDirectory(path.dirname(this.file));
    this.nameSynced = true;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

interface Segment {
  file: JournalFile;
  buffers: Buffer[];
  /** The sequence number of the last record appended to this segment. */
  lastSeq: number;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface Appended {
  seq: number;
  generation: number;
  /** The record's offset in its journal file. */
  offset: number;
}

export class GroupCommitLog {
  private readonly segments: Segment[];
  private appendedSeq = 0;
  private syncedSeq = 0;
  private readonly waiters: Waiter[] = [];
  private running = false;
  private failure: Error | undefined;
  /** Groups committed, and the records and bytes in them (tests). */
  readonly stats = { flushes: 0, records: 0, bytes: 0 };

  /**
   * @param file the journal written first
   * @param onFlushed after each group is synced (compaction checks there)
   * @param describeFailure words an I/O error of the journal for the reply it fails
   */
  constructor(
    file: JournalFile,
    private readonly hooks: { onWritten?: (seq: number) => void; onFlushed?: () => void; describeFailure: (e: unknown) => Error },
  ) {
    this.segments = [{ file, buffers: [], lastSeq: 0 }];
  }

  get current(): JournalFile {
    return this.segments[this.segments.length - 1].file;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues a framed record for the current file; it reaches the disk with the next group. */
  append(record: Buffer): Appended {
    const seg = this.segments[this.segments.length - 1];
    const offset = seg.file.reserved;
    seg.file.reserved += record.length;
    seg.buffers.push(record);
    seg.lastSeq = ++this.appendedSeq;
    this.schedule();
    return { seq: this.appendedSeq, generation: seg.file.generation, offset };
  }

  /**
   * From now on records go to `next`; the ones already appended are still written to the file
   * they were given. Returns the last sequence number of the old file.
   */
  rotate(next: JournalFile): number {
    this.segments.push({ file: next, buffers: [], lastSeq: this.appendedSeq });
    return this.appendedSeq;
  }

  /** Resolves once every record appended so far is on disk; rejects if the journal failed. */
  durable(seq = this.appendedSeq): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (seq <= this.syncedSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  private settle(upto: number): void {
    let kept = 0;
    for (const w of this.waiters) {
      if (w.seq <= upto) w.resolve();
      else this.waiters[kept++] = w;
    }
    this.waiters.length = kept;
  }

  private schedule(): void {
    if (this.running || this.failure) return;
    this.running = true;
    // After this turn of the event loop, so the records of the requests it handles go together.
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const seg = this.segments[0];
        if (!seg.buffers.length) {
          if (this.segments.length > 1) {
            this.segments.shift();
            continue;
          }
          break;
        }
        const buffers = seg.buffers;
        const upto = seg.lastSeq;
        seg.buffers = [];
        const fd = seg.file.ensureOpen();
        // A small group is copied to the page cache at once (microseconds), sparing a trip through
        // the thread pool before the sync; a large one (big blobs) is written off the event loop.
        const bytes = sizeOf(buffers) <= SYNC_WRITE_BYTES ? writeAllSync(fd, buffers, seg.file.written) : await writeAll(fd, buffers, seg.file.written);
        seg.file.written += bytes;
        this.hooks.onWritten?.(upto);
        await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
        await seg.file.syncName();
        this.stats.flushes++;
        this.stats.records += buffers.length;
        this.stats.bytes += bytes;
        this.syncedSeq = upto;
        this.settle(upto);
        this.hooks.onFlushed?.();
      }
    } catch (e) {
      this.failure = this.hooks.describeFailure(e);
      for (const w of this.waiters.splice(0)) w.reject(this.failure);
    } finally {
      this.running = false;
    }
    // Appended while the last group was being synced and not picked up by the loop above.
    if (!this.failure && this.segments.some((s) => s.buffers.length)) this.schedule();
  }
}

/** Groups up to this size are written synchronously. */
const SYNC_WRITE_BYTES = 1024 * 1024;

function sizeOf(buffers: Buffer[]): number {
  let total = 0;
  for (const b of buffers) total += b.length;
  return total;
}

/** Writes every buffer at `position` (a writev, continued if the system wrote less); returns the bytes. */
async function writeAll(fd: number, buffers: Buffer[], position: number): Promise<number> {
  const total = sizeOf(buffers);
  let done = 0;
  let rest = buffers;
  while (done < total) {
    const n = await new Promise<number>((resolve, reject) => fs.writev(fd, rest, position + done, (e, written) => (e ? reject(e) : resolve(written))));
    if (n <= 0) throw new Error(`wrote nothing at byte ${position + done}`);
    done += n;
    rest = unwritten(rest, n);
  }
  return total;
}

function writeAllSync(fd: number, buffers: Buffer[], position: number): number {
  const total = sizeOf(buffers);
  let done = 0;
  let rest = buffers;
  while (done < total) {
    const n = fs.writevSync(fd, rest, position + done);
    if (n <= 0) throw new Error(`wrote nothing at byte ${position + done}`);
    done += n;
    rest = unwritten(rest, n);
  }
  return total;
}

/** `buffers` without their first `n` bytes (a buffer written in part keeps its rest). */
function unwritten(buffers: Buffer[], n: number): Buffer[] {
  let skip = n;
  const next: Buffer[] = [];
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    next.push(skip ? b.subarray(skip) : b);
    skip = 0;
  }
  return next;
}

