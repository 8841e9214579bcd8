/**
 * Durable storage for the embedded server: one small JSON document per object and
 * content-addressed blobs, each written atomically (temp file, fsync, rename), so a kill -9 in
 * the middle of a write leaves the previous version or the new one, never a torn object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

export class DiskStore {
  constructor(readonly dir: string) {
    for (const sub of ['flows', 'files', 'kv', 'dirs', 'blobs']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    this.sweepTemps();
  }

  static keyName(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\u0000')).digest('hex') + '.json';
  }

  writeDoc(kind: 'flows' | 'files' | 'kv' | 'dirs', name: string, doc: unknown): void {
    atomicWrite(path.join(this.dir, kind, name), Buffer.from(JSON.stringify(doc)));
  }

  removeDoc(kind: 'flows' | 'files' | 'kv' | 'dirs', name: string): void {
    fs.rmSync(path.join(this.dir, kind, name), { force: true });
  }

  readAll<T>(kind: 'flows' | 'files' | 'kv' | 'dirs'): T[] {
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
    if (!fs.existsSync(file)) atomicWrite(file, bytes);
    return sha;
  }

  getBlob(sha: string): Buffer {
    return fs.readFileSync(path.join(this.dir, 'blobs', sha));
  }

  /** Temp files of writes that a crash interrupted are garbage: the renamed documents are whole. */
  private sweepTemps(): void {
    for (const sub of ['flows', 'files', 'kv', 'dirs', 'blobs']) {
      const dir = path.join(this.dir, sub);
      for (const name of fs.readdirSync(dir)) if (name.includes('.tmp-')) fs.rmSync(path.join(dir, name), { force: true });
    }
  }
}

let counter = 0;
export function atomicWrite(file: string, bytes: Buffer): void {
  const tmp = `${file}.tmp-${process.pid}-${++counter}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
