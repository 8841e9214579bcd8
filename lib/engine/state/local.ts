/**
 * The local backend: `.kestraform/state/<stack>.json`, written atomically (lib/util/atomic-write) with the state as the command found it kept as `<stack>.json.backup`, and a
 * lock file created exclusively. A lock left by a process that died on this host is taken over.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { StateFile } from '../state-types';
import { StateError, StateLockedError, type StateBackend, type StateLock, type StateLockInfo } from './types';
import { checkSuccession, parseState } from './validate';
import { processAlive } from '../../util/process';
import { sweepAtomicTemps, writeFileAtomicAsync } from '../../util/atomic-write';

export interface LocalBackendOptions {
  file: string;
  stack: string;
  /** Where warnings go (a taken-over stale lock). */
  warn?: (message: string) => void;
}

export class LocalStateBackend implements StateBackend {
  readonly description: string;
  private readonly lockFile: string;

  constructor(private readonly opts: LocalBackendOptions) {
    this.description = `local file ${path.relative(process.cwd(), opts.file) || opts.file}`;
    this.lockFile = opts.file.replace(/\.json$/, '') + '.lock';
  }

  async read(): Promise<StateFile | undefined> {
    let text: string;
    try {
      text = fs.readFileSync(this.opts.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateError(`cannot read state ${this.opts.file}: ${(e as NodeJS.ErrnoException).code} — check its permissions`);
    }
    return parseState(text, this.opts.file, this.opts.stack, `restore it from ${path.basename(this.opts.file)}.backup or from version control`);
  }

  async write(state: StateFile): Promise<void> {
    checkSuccession(await this.storedHead(), state, this.opts.file);
    const dir = path.dirname(this.opts.file);
    fs.mkdirSync(dir, { recursive: true });
    // The backup is the state as this process found it (before its first write), not the state of
    // one action ago: copied once, it costs nothing per save.
    if (!this.backedUp) {
      if (fs.existsSync(this.opts.file)) await fs.promises.copyFile(this.opts.file, `${this.opts.file}.backup`);
      this.backedUp = true;
    }
    try {
      // Off the event loop: actions finishing meanwhile are coalesced into the next save.
      await writeFileAtomicAsync(this.opts.file, JSON.stringify(state), { mode: 0o600 });
    } catch (e) {
      throw new StateError(`cannot write state ${this.opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} — the previous state is intact; free disk space or fix permissions and run again`);
    }
    const st = fs.statSync(this.opts.file);
    this.lastWritten = { state: { ...state, resources: {} }, mtimeMs: st.mtimeMs, size: st.size };
  }

  private lastWritten: { state: StateFile; mtimeMs: number; size: number } | undefined;
  private backedUp = false;

  /** What is stored, without re-reading a file this process wrote last and nobody touched since. */
  private async storedHead(): Promise<StateFile | undefined> {
    if (this.lastWritten) {
      try {
        const st = fs.statSync(this.opts.file);
        if (st.mtimeMs === this.lastWritten.mtimeMs && st.size === this.lastWritten.size) return this.lastWritten.state;
      } catch {
        // fall through to a full read, which reports the problem
      }
    }
    return this.read();
  }

  async lock(info: { operation: string; who?: string }, opts: { waitMs?: number } = {}): Promise<StateLock> {
    const deadline = Date.now() + (opts.waitMs ?? 0);
    const mine: StateLockInfo = { id: randomUUID(), operation: info.operation, who: info.who ?? `${os.userInfo().username}@${os.hostname()}`, pid: process.pid, host: os.hostname(), created: new Date().toISOString() };
    fs.mkdirSync(path.dirname(this.lockFile), { recursive: true });
    for (;;) {
      try {
        fs.writeFileSync(this.lockFile, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
        this.removeOrphanedTemps();
        return { id: mine.id, release: async () => this.release(mine.id) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateError(`cannot create lock ${this.lockFile}: ${(e as NodeJS.ErrnoException).code}`);
      }
      const holder = readLock(this.lockFile);
      if (holder && holder.host === os.hostname() && !processAlive(holder.pid)) {
        this.opts.warn?.(`Warning: taking over the state lock of ${holder.who} (pid ${holder.pid}, operation ${holder.operation}, since ${holder.created}): that process is gone.\n`);
        fs.rmSync(this.lockFile, { force: true });
        continue;
      }
      if (!holder) {
        // Half-written by a process that is creating it right now, or empty after a crash.
        const age = Date.now() - safeMtime(this.lockFile);
        if (age > 10_000) {
          fs.rmSync(this.lockFile, { force: true });
          continue;
        }
      }
      if (Date.now() >= deadline) {
        throw new StateLockedError(holder, `stack "${this.opts.stack}" (${this.lockFile})`, `wait for it to finish (or pass --lock-timeout); if that process is gone, delete ${this.lockFile}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * A process killed while writing state leaves its temp file (the state itself is intact: the
   * rename never happened). Holding the lock, remove those of processes that are gone.
   */
  private removeOrphanedTemps(): void {
    sweepAtomicTemps(path.dirname(this.opts.file), this.opts.file);
  }

  private async release(id: string): Promise<void> {
    const holder = readLock(this.lockFile);
    if (holder?.id === id) fs.rmSync(this.lockFile, { force: true });
  }
}

function readLock(file: string): StateLockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as StateLockInfo;
  } catch {
    return undefined;
  }
}

function safeMtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return Date.now();
  }
}
