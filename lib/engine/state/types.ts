import type { StateFile } from '../state-types';
import { UserFacingError } from '../../util/errors';

export interface StateLockInfo {
  id: string;
  operation: string;
  who: string;
  pid: number;
  host: string;
  created: string;
  /** kestra-kv locks expire (a crashed CI runner must not hold them forever). */
  expires?: string;
}

export interface StateLock {
  id: string;
  release(): Promise<void>;
}

export interface StateBackend {
  /** In words, for messages: e.g. `local file .kestraform/state/example.json`. */
  readonly description: string;
  /** The stored state; undefined when there is none yet. Refuses a corrupt or foreign one. */
  read(): Promise<StateFile | undefined>;
  /** Stores `state` atomically; refuses when the stored serial is not `state.serial - 1` or its lineage differs. */
  write(state: StateFile): Promise<void>;
  /** Takes the state lock, waiting up to `waitMs`; fails naming the holder. */
  lock(info: { operation: string; who?: string }, opts?: { waitMs?: number }): Promise<StateLock>;
}

/** The KV calls the kestra-kv backend needs (the Kestra client implements them). */
export interface KvStore {
  getKv(ns: string, key: string): Promise<{ type: string; value: unknown } | null>;
  putKv(ns: string, key: string, v: { type: 'JSON' | 'STRING'; value: string }, o?: { ttl?: string; description?: string }): Promise<void>;
  deleteKv(ns: string, key: string): Promise<unknown>;
}

export class StateError extends UserFacingError {
}

export class StateLockedError extends StateError {
  constructor(readonly holder: StateLockInfo | undefined, where: string, hint: string) {
    super(
      holder
        ? `the state of ${where} is locked by ${holder.who} (pid ${holder.pid} on ${holder.host}, operation ${holder.operation}, since ${holder.created}, lock id ${holder.id}) — ${hint}`
        : `the state of ${where} is locked — ${hint}`,
    );
  }
}
