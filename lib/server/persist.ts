/**
 * Durable storage for the embedded server (`--data DIR`): the documents (one JSON value per
 * object) and content-addressed blobs, kept in a snapshot plus a write-ahead journal.
 *
 *   DIR/snapshot.kfs         every document and where each packed blob lies, as of generation G
 *   DIR/journal-<N>.kfj      what changed after it (N > G): whole documents put or removed, blobs
 *   DIR/blobs/pack-<N>.kfp   blobs moved out of journal N when it was compacted
 *   DIR/blobs/<sha256>       blobs of data folders written before the journal (still read)
 *
 * Every file is a sequence of framed records (journal.ts). A change is appended to the journal
 * and becomes durable with the next group fdatasync (`durable()`); the server answers a request
 * — a read too — only once everything appended before its answer is durable (steps.ts
 * `awaitDurable`), so whatever was acknowledged or shown survives a kill -9, and a record a kill
 * cut short is a torn tail, dropped on the next open. One process at a time has a folder
 * (DIR/journal.owner, taken over from a process that is gone).
 *
 * Compaction writes the documents as of one instant into a new snapshot (temp file, fsync,
 * rename, folder fsync) after moving the blobs of the old journals into a pack, then deletes
 * those journals; the records appended meanwhile go to the next journal. A kill at any point
 * leaves either the old snapshot with every journal, or the new one with the journals after it.
 * It runs when the journal outgrows the snapshot (and a floor), and on a clean close when the
 * journal is more than a small share of the snapshot.
 *
 * A data folder of the previous layout (one `<kind>/<sha>.json` file per document) is read and
 * migrated on open: its documents go into a first snapshot, then its document files are removed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { sweepAtomicTemps, syncDirectory, tempNameFor, writeFileAtomic } from '../util/atomic-write';
import { processAlive } from '../util/process';
import {
  BLOB_DATA_OFFSET,
  FRAME_BYTES,
  GroupCommitLog,
  JournalFile,
  RECORD,
  blobRecord,
  jsonRecord,
  readExactly,
  scanRecords,
  textRecord,
  type ScannedRecord,
} from './journal';

/** The kinds of document, one per kind of object (and the folders of the previous layout). */
const DOC_KINDS = ['flows', 'files', 'kv', 'dirs', 'apps', 'tests', 'dashboards', 'namespaces', 'secrets'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

const FORMAT_VERSION = 1;
const SNAPSHOT = 'snapshot.kfs';
const JOURNAL = /^journal-(\d+)\.kfj$/;
const OWNER = 'journal.owner';
const journalName = (generation: number) => `journal-${generation}.kfj`;
const packName = (generation: number) => `pack-${generation}.kfp`;

const MiB = 1024 * 1024;

export interface DiskStoreOptions {
  /** Compact once the journals hold this many bytes, or the snapshot's size if larger (default 64 MiB). */
  compactBytes?: number;
  /** On close, compact when the journals hold more than this, or a quarter of the snapshot if more (default 1 MiB). */
  closeCompactBytes?: number;
  /** Where notes about recovery and compaction go (default: stderr). */
  warn?: (message: string) => void;
  /** Tests: called at each point of a compaction where a kill may land, the folder as a kill would leave it. */
  onCompactionStep?: (step: CompactionStep) => void;
}

/** The points of a compaction: old journal rotated out, its blobs packed, the snapshot renamed in, old journals deleted. */
export type CompactionStep = 'rotated' | 'packed' | 'snapshot' | 'done';

type BlobPlace =
  /** In journal `generation` at `offset`; `bytes` until the record is written. */
  | { where: 'journal'; generation: number; offset: number; length: number; seq: number; bytes?: Buffer }
  | { where: 'pack'; pack: string; offset: number; length: number };

interface Header {
  format: string;
  version: number;
  generation: number;
}

export class DiskStore {
  private readonly docs = new Map<DocKind, Map<string, unknown>>(DOC_KINDS.map((k) => [k, new Map()]));
  private readonly blobs = new Map<string, BlobPlace>();
  /** The blobs a data folder written before the journal holds as files (blobs/<sha256>), listed once at open: none is written any more. */
  private readonly fileBlobs = new Set<string>();
  /** Blobs appended but not yet written to their journal (their bytes are held until then). */
  private unwritten: Array<{ seq: number; place: BlobPlace & { where: 'journal' } }> = [];
  /** Every journal file present, by generation (the last one is written). */
  private readonly journals = new Map<number, JournalFile>();
  private readonly log: GroupCommitLog;
  private snapshotBytes = 0;
  private compacting: Promise<void> | undefined;
  /** After a failed compaction, the next one waits for the journal to grow this far. */
  private compactRetryAt = 0;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly warn: (message: string) => void;
  private readonly compactFloor: number;

  constructor(readonly dir: string, private readonly opts: DiskStoreOptions = {}) {
    this.warn = opts.warn ?? ((m) => void process.stderr.write(`kestraform server: ${m}\n`));
    this.compactFloor = opts.compactBytes ?? compactBytesFromEnv() ?? 64 * MiB;
    try {
      fs.mkdirSync(path.join(dir, 'blobs'), { recursive: true });
      this.takeOwnership();
    } catch (e) {
      throw unusable(dir, e);
    }
    try {
      sweepAtomicTemps(dir);
      sweepAtomicTemps(path.join(dir, 'blobs'));
      for (const name of fs.readdirSync(path.join(dir, 'blobs'))) if (/^[0-9a-f]{64}$/.test(name)) this.fileBlobs.add(name);
      const snapshot = this.loadSnapshot();
      // Migrate before any journal is replayed: the first snapshot holds the old documents only.
      if (snapshot === undefined && this.loadPreviousLayout()) this.writeSnapshotSync(0);
      // Once their documents are in a snapshot (also when a kill came right after it), the old files go.
      this.removePreviousLayout();
      const current = this.replayJournals(snapshot ?? 0);
      this.log = new GroupCommitLog(current, {
        onWritten: (seq) => this.releaseWritten(seq),
        onFlushed: () => this.maybeCompact(),
        describeFailure: (e) => new Error(`the data folder ${dir} could not be written (${describeIoError(e)}): the server keeps no more changes; free disk space or fix the folder, then restart it (what was acknowledged before is kept)`),
      });
    } catch (e) {
      this.releaseOwnership();
      throw unusable(dir, e);
    }
    this.maybeCompact();
  }

  static keyName(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\u0000')).digest('hex') + '.json';
  }

  // -------------------------------------------------------------------------------------------
  // documents and blobs (synchronous: durable once `durable()` resolves)

  writeDoc(kind: DocKind, name: string, doc: unknown): void {
    this.docs.get(kind)!.set(name, doc);
    this.append(textRecord(RECORD.put, `[${JSON.stringify(kind)},${JSON.stringify(name)},${JSON.stringify(doc)}]`));
  }

  removeDoc(kind: DocKind, name: string): void {
    if (!this.docs.get(kind)!.delete(name)) return;
    this.append(jsonRecord(RECORD.remove, [kind, name]));
  }

  /** The documents of a kind as loaded (the store reads them once, when it opens). */
  readAll<T>(kind: DocKind): T[] {
    return [...this.docs.get(kind)!.values()] as T[];
  }

  /** Stores bytes under their sha256 (idempotent) and returns the hash. */
  putBlob(bytes: Buffer): string {
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (this.blobs.has(sha) || this.fileBlobs.has(sha)) return sha;
    const record = blobRecord(sha, bytes);
    const at = this.append(record);
    const place = { where: 'journal' as const, generation: at.generation, offset: at.offset + FRAME_BYTES + BLOB_DATA_OFFSET, length: bytes.length, seq: at.seq, bytes: record.subarray(FRAME_BYTES + BLOB_DATA_OFFSET) };
    this.blobs.set(sha, place);
    this.unwritten.push({ seq: at.seq, place });
    return sha;
  }

  getBlob(sha: string): Buffer {
    const place = this.blobs.get(sha);
    if (!place) {
      try {
        return fs.readFileSync(path.join(this.dir, 'blobs', sha));
      } catch (e) {
        throw new Error(`blob ${sha} is not in the data folder ${this.dir} (${describeIoError(e)}): the folder was changed by hand or is damaged`);
      }
    }
    if (place.where === 'journal') {
      if (place.bytes) return Buffer.from(place.bytes);
      const out = Buffer.allocUnsafe(place.length);
      readExactly(this.journals.get(place.generation)!.fd!, out, place.offset);
      return out;
    }
    const fd = fs.openSync(path.join(this.dir, 'blobs', place.pack), 'r');
    try {
      const out = Buffer.allocUnsafe(place.length);
      readExactly(fd, out, place.offset);
      return out;
    } finally {
      fs.closeSync(fd);
    }
  }

  // -------------------------------------------------------------------------------------------
  // durability

  /** Resolves once every change made so far is on disk; rejects when the folder cannot be written. */
  durable(): Promise<void> {
    return this.log.durable();
  }

  /**
   * Waits for the pending changes, compacts if the journal is more than a small share of the
   * snapshot, closes the files and lets the folder go. Idempotent.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      try {
        await this.compacting;
        await this.log.durable();
        const floor = Math.max(this.opts.closeCompactBytes ?? MiB, this.snapshotBytes / 4);
        if (this.journalBytes() > floor) await this.compact();
      } finally {
        for (const j of this.journals.values()) j.close();
        this.releaseOwnership();
      }
    })();
    return this.closed;
  }

  /** Writes a new snapshot now (waits for one under way first). */
  async compactNow(): Promise<void> {
    await this.compacting;
    this.compacting = this.compact();
    try {
      await this.compacting;
    } finally {
      this.compacting = undefined;
    }
  }

  private append(record: Buffer) {
    const current = this.log.current;
    // A journal's first record says what it is.
    if (current.reserved === 0) this.log.append(jsonRecord(RECORD.header, { format: 'kestraform-journal', version: FORMAT_VERSION, generation: current.generation } satisfies Header));
    return this.log.append(record);
  }

  private releaseWritten(seq: number): void {
    if (!this.unwritten.length || this.unwritten[0].seq > seq) return;
    const still = [];
    for (const u of this.unwritten) {
      if (u.seq <= seq) u.place.bytes = undefined;
      else still.push(u);
    }
    this.unwritten = still;
  }

  private journalBytes(): number {
    let n = 0;
    for (const j of this.journals.values()) n += j.reserved;
    return n;
  }

  private maybeCompact(): void {
    if (this.compacting || this.closing || this.log.failed) return;
    const bytes = this.journalBytes();
    if (bytes < Math.max(this.compactFloor, this.snapshotBytes, this.compactRetryAt)) return;
    this.compacting = this.compact()
      .catch((e) => {
        this.compactRetryAt = bytes * 2;
        this.warn(`compacting the data folder ${this.dir} failed (${describeIoError(e)}); nothing is lost (the journal is kept), it is tried again later`);
      })
      .finally(() => (this.compacting = undefined));
  }

  /**
   * A new snapshot of everything up to now: the instant is this call (documents serialised and
   * the journal rotated before the first await); then the old journals' blobs go into a pack,
   * the snapshot replaces the old one, and the old journals are deleted.
   */
  private async compact(): Promise<void> {
    const old = this.log.current;
    const generation = old.generation;
    const next = new JournalFile(generation + 1, path.join(this.dir, journalName(generation + 1)));
    this.journals.set(next.generation, next);
    const lastOld = this.log.rotate(next);
    const retired = [...this.journals.values()].filter((j) => j.generation <= generation);
    const documents = this.documentRecords();
    const pack = packName(generation);
    const moving: Array<{ sha: string; from: BlobPlace & { where: 'journal' }; to: BlobPlace & { where: 'pack' } }> = [];
    const refs: Buffer[] = [];
    let packBytes = 0;
    for (const [sha, place] of this.blobs) {
      if (place.where === 'pack') refs.push(jsonRecord(RECORD.blobRef, [sha, place.pack, place.offset, place.length]));
      else if (place.generation <= generation) {
        const to = { where: 'pack' as const, pack, offset: packBytes + FRAME_BYTES + BLOB_DATA_OFFSET, length: place.length };
        packBytes += FRAME_BYTES + BLOB_DATA_OFFSET + place.length;
        moving.push({ sha, from: place, to });
        refs.push(jsonRecord(RECORD.blobRef, [sha, pack, to.offset, to.length]));
      }
    }
    // The old journal whole on disk first: its blobs are read back from it.
    await this.log.durable(lastOld);
    this.opts.onCompactionStep?.('rotated');
    if (moving.length) await this.writePack(path.join(this.dir, 'blobs', pack), moving.map((m) => ({ sha: m.sha, bytes: () => this.getBlob(m.sha) })));
    this.opts.onCompactionStep?.('packed');
    this.snapshotBytes = await writeRecordsAtomically(path.join(this.dir, SNAPSHOT), [this.snapshotHeader(generation), ...documents, ...refs]);
    this.opts.onCompactionStep?.('snapshot');
    for (const m of moving) if (this.blobs.get(m.sha) === m.from) this.blobs.set(m.sha, m.to);
    for (const j of retired) {
      j.close();
      fs.rmSync(j.file, { force: true });
      this.journals.delete(j.generation);
    }
    this.opts.onCompactionStep?.('done');
  }

  private snapshotHeader(generation: number): Buffer {
    return jsonRecord(RECORD.header, { format: 'kestraform-snapshot', version: FORMAT_VERSION, generation } satisfies Header);
  }

  private documentRecords(): Buffer[] {
    const out: Buffer[] = [];
    for (const [kind, docs] of this.docs) {
      const prefix = `[${JSON.stringify(kind)},`;
      for (const [name, doc] of docs) out.push(textRecord(RECORD.put, `${prefix}${JSON.stringify(name)},${JSON.stringify(doc)}]`));
    }
    return out;
  }

  private async writePack(file: string, blobs: Array<{ sha: string; bytes: () => Buffer }>): Promise<void> {
    const handle = await fs.promises.open(file, 'w', 0o644);
    try {
      let batch: Buffer[] = [];
      let size = 0;
      for (const b of blobs) {
        batch.push(blobRecord(b.sha, b.bytes()));
        size += batch[batch.length - 1].length;
        if (size >= 4 * MiB || batch.length >= 512) {
          await writeAllTo(handle, batch);
          batch = [];
          size = 0;
        }
      }
      await writeAllTo(handle, batch);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await syncDirectory(path.dirname(file));
  }

  // -------------------------------------------------------------------------------------------
  // opening

  /** Loads the snapshot; returns its generation, undefined when there is none. */
  private loadSnapshot(): number | undefined {
    const file = path.join(this.dir, SNAPSHOT);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      let header: Header | undefined;
      const result = scanRecords(fd, (r) => {
        if (!header) {
          header = this.readHeader(r, file, 'kestraform-snapshot');
          return;
        }
        if (r.type === RECORD.put && 'text' in r) {
          const [kind, name, doc] = JSON.parse(r.text) as [DocKind, string, unknown];
          this.docsOf(kind, file).set(name, doc);
        } else if (r.type === RECORD.blobRef && 'text' in r) {
          const [sha, pack, offset, length] = JSON.parse(r.text) as [string, string, number, number];
          this.blobs.set(sha, { where: 'pack', pack, offset, length });
        } else {
          throw damaged(file, `an unexpected record (type ${r.type}) at byte ${r.offset}`);
        }
      });
      // A snapshot is renamed into place only once whole and synced: a bad record is damage, not a torn write.
      if (result.torn || !header) throw damaged(file, result.torn ? `${result.tornReason} at byte ${result.end}` : 'no header');
      this.snapshotBytes = result.end;
      return header.generation;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Replays the journals after `base` in order; returns the journal to write next. */
  private replayJournals(base: number): JournalFile {
    const found = fs
      .readdirSync(this.dir)
      .map((name) => ({ name, m: JOURNAL.exec(name) }))
      .filter((x) => x.m)
      .map((x) => ({ file: path.join(this.dir, x.name), generation: Number(x.m![1]) }))
      .sort((a, b) => a.generation - b.generation);
    let last: JournalFile | undefined;
    for (const j of found) {
      // Compacted into the snapshot (a kill came before their deletion).
      if (j.generation <= base) {
        fs.rmSync(j.file, { force: true });
        continue;
      }
      const fd = fs.openSync(j.file, 'r+');
      let header: Header | undefined;
      const result = scanRecords(fd, (r) => {
        if (!header) header = this.readHeader(r, j.file, 'kestraform-journal', j.generation);
        else this.replay(r, j.generation, j.file);
      });
      if (result.torn) {
        // What a kill (or power loss) cut off was never acknowledged: the group's fdatasync had not returned.
        fs.ftruncateSync(fd, result.end);
        fs.fsyncSync(fd);
        this.warn(`dropped the torn end of ${j.file} (${result.torn} bytes: ${result.tornReason}), writes a kill interrupted before they were acknowledged`);
      }
      if (!header) {
        // Killed before its first record was whole: nothing in it.
        fs.closeSync(fd);
        fs.rmSync(j.file, { force: true });
        continue;
      }
      last = new JournalFile(j.generation, j.file, { fd, size: result.end });
      this.journals.set(j.generation, last);
    }
    if (last) return last;
    const fresh = new JournalFile(base + 1, path.join(this.dir, journalName(base + 1)));
    this.journals.set(fresh.generation, fresh);
    return fresh;
  }

  private replay(r: ScannedRecord, generation: number, file: string): void {
    if (r.type === RECORD.blob && 'sha' in r) {
      if (!this.blobs.has(r.sha)) this.blobs.set(r.sha, { where: 'journal', generation, offset: r.dataOffset, length: r.dataLength, seq: 0 });
    } else if (r.type === RECORD.put && 'text' in r) {
      const [kind, name, doc] = JSON.parse(r.text) as [DocKind, string, unknown];
      this.docsOf(kind, file).set(name, doc);
    } else if (r.type === RECORD.remove && 'text' in r) {
      const [kind, name] = JSON.parse(r.text) as [DocKind, string];
      this.docsOf(kind, file).delete(name);
    } else {
      throw damaged(file, `an unexpected record (type ${r.type}) at byte ${r.offset}`);
    }
  }

  private readHeader(r: ScannedRecord, file: string, format: string, generation?: number): Header {
    const h = r.type === RECORD.header && 'text' in r ? (JSON.parse(r.text) as Header) : undefined;
    if (!h || h.format !== format) throw damaged(file, 'it does not start with its header');
    if (h.version > FORMAT_VERSION) throw new Error(`${file} was written by a newer kestraform (format ${h.version}; this one reads ${FORMAT_VERSION}): upgrade kestraform, or use another data folder`);
    if (generation !== undefined && h.generation !== generation) throw damaged(file, `its header names generation ${h.generation}`);
    return h;
  }

  private docsOf(kind: DocKind, file: string): Map<string, unknown> {
    const m = this.docs.get(kind);
    if (!m) throw damaged(file, `a document of unknown kind "${kind}"`);
    return m;
  }

  /** The previous layout's documents (`<kind>/*.json`); true when there were any. */
  private loadPreviousLayout(): boolean {
    let any = false;
    for (const kind of DOC_KINDS) {
      const folder = path.join(this.dir, kind);
      let names: string[];
      try {
        names = fs.readdirSync(folder);
      } catch {
        continue;
      }
      for (const name of names) {
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        const file = path.join(folder, name);
        try {
          this.docs.get(kind)!.set(name, JSON.parse(fs.readFileSync(file, 'utf8')));
        } catch (e) {
          throw new Error(`cannot read ${file} of the data folder (${e instanceof SyntaxError ? `not JSON: ${e.message}` : describeIoError(e)}): move it away to start without it`);
        }
        any = true;
      }
    }
    return any;
  }

  private removePreviousLayout(): void {
    for (const kind of DOC_KINDS) {
      const folder = path.join(this.dir, kind);
      let names: string[];
      try {
        names = fs.readdirSync(folder);
      } catch {
        continue;
      }
      sweepAtomicTemps(folder);
      for (const name of names) {
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        try {
          fs.unlinkSync(path.join(folder, name));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
      try {
        fs.rmdirSync(folder);
      } catch {
        // not empty (a file someone put there): left alone
      }
    }
  }

  /** The documents loaded so far as snapshot `generation` (opening only: the migration). */
  private writeSnapshotSync(generation: number): void {
    const file = path.join(this.dir, SNAPSHOT);
    const records = [this.snapshotHeader(generation), ...this.documentRecords()];
    for (const [sha, place] of this.blobs) if (place.where === 'pack') records.push(jsonRecord(RECORD.blobRef, [sha, place.pack, place.offset, place.length]));
    const bytes = Buffer.concat(records);
    writeFileAtomic(file, bytes);
    this.snapshotBytes = bytes.length;
  }

  /** One server process per data folder: two would append to the same journal. */
  private takeOwnership(): void {
    const file = path.join(this.dir, OWNER);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
        throw new Error(`the data folder ${this.dir} is in use by ${pid === process.pid ? 'this process (another server on it was not closed)' : `process ${pid}`}: stop that server first, or give this one another folder`);
      }
      // Its owner was killed: the folder is free.
      fs.rmSync(file, { force: true });
    }
    throw new Error(`could not take the data folder ${this.dir}: ${file} keeps coming back`);
  }

  private releaseOwnership(): void {
    fs.rmSync(path.join(this.dir, OWNER), { force: true });
  }
}

/** Writes the records to a temp file beside `file`, syncs it and renames it over `file`; returns the bytes. */
async function writeRecordsAtomically(file: string, records: Buffer[]): Promise<number> {
  const tmp = tempNameFor(file);
  let size = 0;
  try {
    const handle = await fs.promises.open(tmp, 'wx', 0o644);
    try {
      for (let i = 0; i < records.length; i += 512) {
        const batch = records.slice(i, i + 512);
        await writeAllTo(handle, batch);
        for (const r of batch) size += r.length;
      }
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  await syncDirectory(path.dirname(file));
  return size;
}

async function writeAllTo(handle: fs.promises.FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers.filter((b) => b.length);
  while (rest.length) {
    const { bytesWritten } = await handle.writev(rest);
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) skip -= b.length;
      else {
        next.push(skip ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    rest = next;
  }
}

/**
 * KESTRAFORM_DATA_COMPACT_BYTES: a smaller compaction floor, for the kill tests (a kill must be
 * able to land in a compaction). Not a user setting.
 */
function compactBytesFromEnv(): number | undefined {
  const raw = process.env.KESTRAFORM_DATA_COMPACT_BYTES;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`KESTRAFORM_DATA_COMPACT_BYTES must be a whole number of bytes, not "${raw}" (unset it to compact at 64 MiB)`);
  return n;
}

/** A system error while opening the folder, said with the folder and what to check; the store's own errors as they are. */
function unusable(dir: string, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (!err?.code) return e as Error;
  return new Error(`cannot open the data folder ${dir} (${describeIoError(e)}): check that it is a folder this user may read and write`);
}

function damaged(file: string, what: string): Error {
  return new Error(`the data folder's ${path.basename(file)} (${file}) is damaged: ${what}. Restore the folder from a backup, or move it away to start empty`);
}

function describeIoError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message}` : String((e as Error)?.message ?? e);
}
