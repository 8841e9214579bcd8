/**
 * The kestra-kv backend: state kept in the target Kestra's own KV store, so CI runners share it.
 * The lock is a second key with an owner and an expiry (written with a ttl too). Kestra's KV has
 * no compare-and-set: a writer takes the lock when it is absent or expired, then reads it back
 * and proceeds only if the stored lock is its own. Two writers racing inside one round trip can
 * both write; the read-back leaves only the last one holding it — the window is one request long.
 */
import * as os from 'node:os';
import { randomUUID } from 'node:crypto';
import { processAlive } from '../../util/process';
import type { StateFile } from '../state-types';
import { StateError, StateLockedError, type KvStore, type StateBackend, type StateLock, type StateLockInfo } from './types';
import { checkSuccession, parseState } from './validate';
import { KestraKvExpiredError } from '../../kestra/errors';

const LOCK_TTL_MINUTES = 30;

export interface KestraKvBackendOptions {
  kv: KvStore;
  namespace: string;
  key: string;
  stack: string;
  /** Where warnings go (a taken-over lock of a process that is gone). */
  warn?: (message: string) => void;
}

export class KestraKvStateBackend implements StateBackend {
  readonly description: string;
  private readonly lockKey: string;

  constructor(private readonly opts: KestraKvBackendOptions) {
    this.description = `Kestra KV ${opts.namespace}/${opts.key}`;
    this.lockKey = `${opts.key}_lock`;
  }

  async read(): Promise<StateFile | undefined> {
    const v = await this.opts.kv.getKv(this.opts.namespace, this.opts.key);
    if (!v) return undefined;
    const text = typeof v.value === 'string' ? v.value : JSON.stringify(v.value);
    return parseState(text, this.description, this.opts.stack, 'restore it from a saved copy (kestraform never overwrote it)');
  }

  async write(state: StateFile): Promise<void> {
    checkSuccession(await this.read(), state, this.description);
    await this.opts.kv.putKv(this.opts.namespace, this.opts.key, { type: 'JSON', value: JSON.stringify(state) }, { description: `kestraform state of stack ${state.stack}` });
  }

  async lock(info: { operation: string; who?: string }, opts: { waitMs?: number } = {}): Promise<StateLock> {
    const deadline = Date.now() + (opts.waitMs ?? 0);
    const now = () => new Date();
    for (;;) {
      const held = await this.readLock();
      // A lock left by a process of this host that is gone (killed mid-apply) is taken over at
      // once, as the local backend does; another host's lock waits for its ttl.
      const orphaned = !!held && held.host === os.hostname() && !processAlive(held.pid);
      if (orphaned) this.opts.warn?.(`Warning: taking over the state lock of ${held.who} (pid ${held.pid}, operation ${held.operation}, since ${held.created}): that process is gone.\n`);
      if (!held || orphaned || Date.parse(held.expires ?? '') <= Date.now()) {
        const mine: StateLockInfo = {
          id: randomUUID(),
          operation: info.operation,
          who: info.who ?? `${os.userInfo().username}@${os.hostname()}`,
          pid: process.pid,
          host: os.hostname(),
          created: now().toISOString(),
          expires: new Date(Date.now() + LOCK_TTL_MINUTES * 60_000).toISOString(),
        };
        await this.opts.kv.putKv(this.opts.namespace, this.lockKey, { type: 'JSON', value: JSON.stringify(mine) }, { ttl: `PT${LOCK_TTL_MINUTES}M`, description: 'kestraform state lock' });
        const check = await this.readLock();
        if (check?.id === mine.id) return { id: mine.id, release: () => this.release(mine.id) };
        // Someone else won the race; fall through and wait for them.
      }
      if (Date.now() >= deadline) {
        const holder = await this.readLock();
        throw new StateLockedError(holder, `stack "${this.opts.stack}" (${this.description})`, `wait for it to finish (or pass --lock-timeout); it expires by itself at ${holder?.expires ?? 'its ttl'}, or delete the KV key ${this.opts.namespace}/${this.lockKey} if that run is gone`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async readLock(): Promise<StateLockInfo | undefined> {
    let v: { type: string; value: unknown } | null;
    try {
      v = await this.opts.kv.getKv(this.opts.namespace, this.lockKey);
    } catch (e) {
      // The lock's ttl has passed: Kestra answers 410 (and deletes the key) — the lock is free.
      if (e instanceof KestraKvExpiredError) return undefined;
      throw e;
    }
    if (!v) return undefined;
    let lock: unknown;
    try {
      lock = typeof v.value === 'string' ? JSON.parse(v.value) : v.value;
    } catch {
      lock = undefined;
    }
    if (!isLockInfo(lock)) {
      throw new StateError(`the state lock ${this.opts.namespace}/${this.lockKey} is not readable — delete that KV key if no kestraform run is active`);
    }
    return lock;
  }

  private async release(id: string): Promise<void> {
    const held = await this.readLock();
    if (held?.id === id) await this.opts.kv.deleteKv(this.opts.namespace, this.lockKey);
  }
}

/** What every kestraform lock holds; anything else under the lock key cannot be trusted or named. */
function isLockInfo(v: unknown): v is StateLockInfo {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const l = v as Record<string, unknown>;
  return ['id', 'operation', 'who', 'host', 'created'].every((k) => typeof l[k] === 'string') && typeof l.pid === 'number' && (l.expires === undefined || typeof l.expires === 'string');
}
