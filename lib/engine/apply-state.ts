/**
 * The state an apply keeps up to date: one entry per managed object, saved after every
 * successful action. Saves are serialised and coalesced: while one save runs, later actions
 * wait for the next save, which includes all of them — state is never behind by more than the
 * actions in flight.
 */
import type { StateEntry, StateFile } from './state-types';

export interface StateSink {
  write(state: StateFile): Promise<void>;
}

export class LiveState {
  private saving: Promise<void> | undefined;
  private dirty = false;
  private lastError: unknown;

  constructor(private state: StateFile, private readonly sink: StateSink) {}

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

  /** Saves now (or right after the save in progress). Resolves when the change is on disk. */
  async save(): Promise<void> {
    while (this.saving) await this.saving.catch(() => undefined);
    if (!this.dirty) return;
    this.dirty = false;
    // The resources object is shared, not copied: anything added while the write is under way is
    // an action that already completed, so a snapshot taken later is still a true state.
    const next: StateFile = { ...this.state, serial: this.state.serial + 1 };
    this.saving = this.sink.write(next).then(
      () => {
        this.state = { ...this.state, serial: next.serial };
      },
      (e) => {
        this.dirty = true;
        this.lastError = e;
        throw e;
      },
    );
    try {
      await this.saving;
    } finally {
      this.saving = undefined;
    }
  }

  get saveError(): unknown {
    return this.lastError;
  }
}
