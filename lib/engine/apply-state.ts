/**
 * The state an apply keeps up to date: one entry per managed object, saved after every
 * successful action. Saves are serialised and coalesced: while one save runs, later actions
 * wait for the next save, which includes all of them — state is never behind by more than the
 * actions in flight and those waiting for that save.
 *
 * A save also waits after the one before it for SAVE_SPACING times as long as that one took, so
 * that writing the state takes at most a fifth of an apply's time: a large state (11,000 objects,
 * 3.7 MB, ~0.15 s to write and sync) was otherwise written back to back, 124 times in the first
 * apply of the bench tree — seconds of CPU and most of the process's garbage. A small state's
 * saves take milliseconds, so its waits do too. `flush()` (the apply's last save) does not wait.
 */
import type { StateEntry, StateFile } from './state-types';

export interface StateSink {
  write(state: StateFile): Promise<void>;
}

/** The clock the spacing of saves reads and waits on (tests give their own). */
export interface SaveClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const SAVE_SPACING = 4;

const realClock: SaveClock = { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export class LiveState {
  private saving: Promise<void> | undefined;
  private dirty = false;
  private lastError: unknown;
  /** When the next save may start (clock time). */
  private nextSaveAt = 0;
  /** Flushes under way: while there is one, no save waits for its turn. */
  private flushing = 0;

  constructor(private state: StateFile, private readonly sink: StateSink, private readonly clock: SaveClock = realClock) {}

  get current(): StateFile {
    return this.state;
  }

  entry(address: string): StateEntry | undefined {
    return this.state.resources[address];
  }

  set(entry: StateEntry): void {
    this.state.resources[entry.address] = entry;
    this.dirty = true;
  }

  remove(address: string): void {
    if (this.state.resources[address]) {
      delete this.state.resources[address];
      this.dirty = true;
    }
  }

  /** Saves soon (after the save in progress, and its spacing). Resolves when the change is on disk. */
  async save(): Promise<void> {
    while (this.saving) await this.saving.catch(() => undefined);
    if (!this.dirty) return;
    this.saving = this.write();
    try {
      await this.saving;
    } finally {
      this.saving = undefined;
    }
  }

  /** Saves now: a save waiting for its turn goes at once. Resolves when every change is on disk. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      await this.save();
    } finally {
      this.flushing--;
    }
  }

  private async write(): Promise<void> {
    // Waits in steps, so that a flush() arriving meanwhile cuts the wait short.
    for (let wait = this.nextSaveAt - this.clock.now(); wait > 0 && !this.flushing; wait = this.nextSaveAt - this.clock.now()) await this.clock.sleep(Math.min(wait, 50));
    this.dirty = false;
    // The resources object is shared, not copied: anything added while the write is under way is
    // an action that already completed, so a snapshot taken later is still a true state.
    const next: StateFile = { ...this.state, serial: this.state.serial + 1 };
    const started = this.clock.now();
    try {
      await this.sink.write(next);
      this.state = { ...this.state, serial: next.serial };
    } catch (e) {
      this.dirty = true;
      this.lastError = e;
      throw e;
    } finally {
      const ended = this.clock.now();
      this.nextSaveAt = ended + SAVE_SPACING * (ended - started);
    }
  }

  get saveError(): unknown {
    return this.lastError;
  }
}
