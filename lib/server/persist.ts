/**
 * Durable storage for the embedded server: one small JSON document per object and
 * content-addressed blobs, each written atomically (lib/util/atomic-write), so a kill -9 in
 * the middle of a write leaves the previous version or the new one, never a torn object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { sweepAtomicTemps, writeFileAtomic } from '../util/atomic-write';

// Thousands of small documents: the folder is not fsynced after each (a lost rename loses one
// emulated write, never tears one).
const WRITE = { syncDirectory: false };

/** The document folders, one per kind of object. */
const DOC_KINDS = ['flows', 'files', 'kv', 'dirs', 'apps', 'tests', 'dashboards', 'namespaces', 'secrets'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export class DiskStore {
  constructor(readonly dir: string) {
    for (const sub of [...DOC_KINDS, 'blobs']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    this.sweepTemps();
  }

  static keyName(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\u0000')).digest('hex') + '.json';
  }

  writeDoc(kind: DocKind, name: string, doc: unknown): void {
    writeFileAtomic(path.join(this.dir, kind, name), JSON.stringify(doc), WRITE);
  }

  removeDoc(kind: DocKind, name: string): void {
    fs.rmSync(path.join(this.dir, kind, name), { force: true });
  }

  readAll<T>(kind: DocKind): T[] {
    const dir = path.join(this.dir, kind);
    const out: T[] = [];
    for (const name of fs.readdirSync(dir)) {
      if (!name.endsWith('.json')) continue;
      out.push(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as T);
    }
    return out;
  }

  /** Stores bytes under their sha256 (idempotent) and returns the hash. */
  putBlob(bytes: Buffer): string {
    const sha = createHash('sha256').update(bytes).digest('hex');
    const file = path.join(this.dir, 'blobs', sha);
    if (!fs.existsSync(file)) writeFileAtomic(file, bytes, WRITE);
    return sha;
  }

  getBlob(sha: string): Buffer {
    return fs.readFileSync(path.join(this.dir, 'blobs', sha));
  }

  /** Temp files of writes that a crash interrupted are garbage: the renamed documents are whole. */
  private sweepTemps(): void {
    for (const sub of [...DOC_KINDS, 'blobs']) sweepAtomicTemps(path.join(this.dir, sub));
  }
}
