/**
 * The one way kestraform replaces a file: write a temp file beside it, fsync it, rename it over
 * the target, fsync the folder. A reader sees the old bytes or the new ones, never a torn file;
 * a crash leaves at most a temp file, which the next writer of that folder sweeps once its
 * writer is known to be gone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeLeftoversOfDeadProcesses } from './process';

export interface AtomicWriteOptions {
  /** File mode of a new file (default 0o644; state and plan files use 0o600). */
  mode?: number;
  /**
   * Also fsync the folder, so the rename itself survives a power loss (default true). The
   * embedded server, which writes thousands of small documents, turns it off.
   */
  syncDirectory?: boolean;
  /** Create missing parent folders (default false). */
  makeParents?: boolean;
  /**
   * fsync the file before the rename (default true). A cache whose reader checks what it takes
   * turns it off: a reader still never sees a torn file, but a power loss may leave an empty one.
   */
  fsync?: boolean;
}

// Temp files are named .<base>.<pid>.<8 hex>.tmp: the pid tells the sweep whose they are.
const TEMP = /^\..*\.(\d+)\.[0-9a-f]{8}\.tmp$/;

export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export function writeFileAtomic(file: string, data: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  if (opts.makeParents) fs.mkdirSync(dir, { recursive: true });
  const tmp = tempNameFor(file);
  try {
    const fd = fs.openSync(tmp, 'wx', opts.mode ?? 0o644);
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (opts.fsync ?? true) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  if (opts.syncDirectory ?? true) syncDirectorySync(dir);
}

/**
 * writeFileAtomic with its I/O off the event loop: while the bytes are written and fsynced,
 * other work goes on (apply's state saves coalesce the actions that finish meanwhile).
 */
export async function writeFileAtomicAsync(file: string, data: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  if (opts.makeParents) await fs.promises.mkdir(dir, { recursive: true });
  const tmp = tempNameFor(file);
  try {
    const handle = await fs.promises.open(tmp, 'wx', opts.mode ?? 0o644);
    try {
      await handle.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  if (opts.syncDirectory ?? true) await syncDirectory(dir);
}

/**
 * Removes the temp files in `dir` that writers which are gone left behind — only those of `file`
 * when given (a folder shared by several owners, each sweeping its own).
 */
export function sweepAtomicTemps(dir: string, file?: string): void {
  const prefix = file === undefined ? '.' : `.${path.basename(file)}.`;
  removeLeftoversOfDeadProcesses(dir, prefix, (rest) => {
    const m = TEMP.exec(file === undefined ? `.${rest}` : `.x.${rest}`);
    return m ? Number(m[1]) : undefined;
  });
}

/** fsyncs a folder, so a file created or renamed in it stays after a power loss (where the file system allows it). */
export function syncDirectorySync(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic.
  }
}

/** syncDirectorySync off the event loop. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // as above
  } finally {
    await handle?.close();
  }
}
