/**
 * The kestra-kv state backend (lib/engine/state/kestra-kv) against an in-memory KvStore that
 * answers as Kestra's KV API does through the client: null for a missing key, a JSON value back
 * as parsed JSON, and — once a key's ttl has passed — KestraKvExpiredError (HTTP 410), after
 * which the key is gone.
 */
import * as os from 'node:os';
import { KestraKvStateBackend } from '../../../lib/engine/state/kestra-kv';
import { StateError, StateLockedError, type KvStore, type StateLockInfo } from '../../../lib/engine/state/types';
import type { StateFile } from '../../../lib/engine/state-types';
import { KestraKvExpiredError } from '../../../lib/kestra/errors';
import { KestraClient } from '../../../lib/kestra';
import { startKestraServer } from '../../../lib/server';

interface StoredKv {
  type: string;
  value: unknown;
  ttl?: string;
  description?: string;
  /** Epoch ms after which Kestra answers 410. */
  expiresAt?: number;
}

/** ISO-8601 durations of the form PTnHnMnS, in milliseconds. */
function durationMs(iso: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso);
  if (!m) throw new Error(`the in-memory KV store does not understand the ttl ${iso}`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

class InMemoryKvStore implements KvStore {
  readonly entries = new Map<string, StoredKv>();
  /** Runs after every put: lets a test slip another writer's put in before the backend reads back. */
  afterPut?: (ns: string, key: string) => void;

  async getKv(ns: string, key: string): Promise<{ type: string; value: unknown } | null> {
    const entry = this.entries.get(`${ns}/${key}`);
    if (!entry) return null;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(`${ns}/${key}`);
      throw new KestraKvExpiredError({ method: 'GET', path: `/api/v1/main/namespaces/${ns}/kv/${key}`, target: `read KV ${ns}/${key}`, status: 410, kestraMessage: 'The requested value has expired' });
    }
    return { type: entry.type, value: entry.value };
  }

  async putKv(ns: string, key: string, v: { type: 'JSON' | 'STRING'; value: string }, o: { ttl?: string; description?: string } = {}): Promise<void> {
    this.entries.set(`${ns}/${key}`, {
      type: v.type,
      value: v.type === 'JSON' ? JSON.parse(v.value) : v.value,
      ttl: o.ttl,
      description: o.description,
      expiresAt: o.ttl === undefined ? undefined : Date.now() + durationMs(o.ttl),
    });
    this.afterPut?.(ns, key);
  }

  async deleteKv(ns: string, key: string): Promise<boolean> {
    return this.entries.delete(`${ns}/${key}`);
  }

  /** Stores a value directly, as another tool (or an accident) would. */
  setRaw(key: string, entry: StoredKv): void {
    this.entries.set(`${NS}/${key}`, entry);
  }

  raw(key: string): StoredKv | undefined {
    return this.entries.get(`${NS}/${key}`);
  }
}

const NS = 'company.team';
const STATE_KEY = 'kestraform_state_prod';
const LOCK_KEY = `${STATE_KEY}_lock`;
const DESCRIPTION = `Kestra KV ${NS}/${STATE_KEY}`;
const THIRTY_MINUTES = 30 * 60_000;

const backendOn = (kv: KvStore, stack = 'prod') => new KestraKvStateBackend({ kv, namespace: NS, key: STATE_KEY, stack });

function stateAt(serial: number, lineage = 'lineage-a', stack = 'prod'): StateFile {
  return {
    version: 1,
    stack,
    lineage,
    serial,
    resources: {
      'flow.company.team.hello': {
        address: 'flow.company.team.hello',
        appliedHash: `applied-${serial}`,
        live: { kind: 'flow', revision: serial, sourceHash: `source-${serial}` },
        applied: { source: 'id: hello\nnamespace: company.team\n' },
        updatedAt: '2025-01-01T00:00:00.000Z',
      },
    },
  };
}

/** A lock as another run stores it, expiring `expiresInMs` from now (none when undefined). */
function lockOfAnotherRun(expiresInMs: number | undefined): StateLockInfo {
  return {
    id: 'lock-of-alice',
    operation: 'apply',
    who: 'alice@ci-runner-7',
    pid: 4242,
    host: 'ci-runner-7',
    created: '2025-03-01T10:00:00.000Z',
    ...(expiresInMs === undefined ? {} : { expires: new Date(Date.now() + expiresInMs).toISOString() }),
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, the promise resolved');
}

/** Moves Date.now() forward by `ms` for the rest of the test (timers keep running in real time). */
function advanceClock(ms: number): void {
  const realNow = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
}

afterEach(() => jest.restoreAllMocks());

describe('kestra-kv state backend: state', () => {
  it('reads no state when the key does not exist', async () => {
    await expect(backendOn(new InMemoryKvStore()).read()).resolves.toBeUndefined();
  });

  it('reads back what it wrote, stored as a JSON value without ttl', async () => {
    const kv = new InMemoryKvStore();
    await backendOn(kv).write(stateAt(1));
    expect(await backendOn(kv).read()).toEqual(stateAt(1));
    expect(kv.raw(STATE_KEY)).toMatchObject({ type: 'JSON', ttl: undefined, expiresAt: undefined, description: 'kestraform state of stack prod' });
  });

  it('reads a state stored as JSON text in a STRING value', async () => {
    const kv = new InMemoryKvStore();
    kv.setRaw(STATE_KEY, { type: 'STRING', value: JSON.stringify(stateAt(4)) });
    expect(await backendOn(kv).read()).toEqual(stateAt(4));
  });

  it('writes each next serial of the same lineage', async () => {
    const kv = new InMemoryKvStore();
    const backend = backendOn(kv);
    await backend.write(stateAt(1));
    await backend.write(stateAt(2));
    await backend.write(stateAt(3));
    expect(await backend.read()).toEqual(stateAt(3));
  });

  it('refuses a first write at a serial other than 0 or 1, storing nothing', async () => {
    const kv = new InMemoryKvStore();
    const error = await rejectionOf(backendOn(kv).write(stateAt(5)));
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toBe(`${DESCRIPTION}: refusing to write serial 5 where no state exists (expected 1)`);
    expect(kv.raw(STATE_KEY)).toBeUndefined();
  });

  it('refuses a stale serial (another run wrote meanwhile) and keeps what is stored', async () => {
    const kv = new InMemoryKvStore();
    const backend = backendOn(kv);
    await backend.write(stateAt(1));
    await backend.write(stateAt(2));
    const staleRun = stateAt(2);
    staleRun.resources['flow.company.team.hello'].appliedHash = 'from-the-stale-run';
    const error = await rejectionOf(backend.write(staleRun));
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toBe(`${DESCRIPTION} is at serial 2, but this run expected 1: another process wrote the state meanwhile — nothing was overwritten; run the command again`);
    expect(await backend.read()).toEqual(stateAt(2));
  });

  it('refuses a state of another lineage and keeps what is stored', async () => {
    const kv = new InMemoryKvStore();
    const backend = backendOn(kv);
    await backend.write(stateAt(1, 'lineage-a'));
    const error = await rejectionOf(backend.write(stateAt(2, 'lineage-b')));
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toBe(`${DESCRIPTION} belongs to lineage lineage-a, not lineage-b: another state was written there — it was not overwritten; make sure two stacks do not share one state location`);
    expect(await backend.read()).toEqual(stateAt(1, 'lineage-a'));
  });

  it("refuses the state of another stack stored under this stack's key", async () => {
    const kv = new InMemoryKvStore();
    await backendOn(kv, 'staging').write(stateAt(1, 'lineage-a', 'staging'));
    const error = await rejectionOf(backendOn(kv, 'prod').read());
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toBe(`${DESCRIPTION} holds the state of stack "staging", not "prod" — it was not changed; check the backend settings of the stack`);
  });

  it('refuses a corrupt stored value on read and on write, leaving it untouched', async () => {
    const kv = new InMemoryKvStore();
    kv.setRaw(STATE_KEY, { type: 'STRING', value: '{"version": 1, "stack": "pr' });
    const backend = backendOn(kv);
    const corrupt = /^Kestra KV company\.team\/kestraform_state_prod is corrupt \(not JSON: .+\) — it was not changed; restore it from a saved copy \(kestraform never overwrote it\)$/;
    const onRead = await rejectionOf(backend.read());
    expect(onRead).toBeInstanceOf(StateError);
    expect(onRead.message).toMatch(corrupt);
    const onWrite = await rejectionOf(backend.write(stateAt(1)));
    expect(onWrite).toBeInstanceOf(StateError);
    expect(onWrite.message).toMatch(corrupt);
    expect(kv.raw(STATE_KEY)?.value).toBe('{"version": 1, "stack": "pr');
  });

  it('refuses stored JSON that is not a kestraform state, naming the wrong field', async () => {
    const kv = new InMemoryKvStore();
    kv.setRaw(STATE_KEY, { type: 'JSON', value: { ...stateAt(3), version: 2 } });
    const error = await rejectionOf(backendOn(kv).read());
    expect(error).toBeInstanceOf(StateError);
    expect(error.message.startsWith(`${DESCRIPTION} is not a kestraform state (version 1): version: `)).toBe(true);
  });
});

describe('kestra-kv state backend: lock', () => {
  it('takes a free lock, stored under <key>_lock with its holder, an expiry and a ttl', async () => {
    const kv = new InMemoryKvStore();
    const before = Date.now();
    const lock = await backendOn(kv).lock({ operation: 'apply', who: 'bob@laptop' });
    const stored = kv.raw(LOCK_KEY);
    expect(stored).toMatchObject({ type: 'JSON', ttl: 'PT30M', description: 'kestraform state lock' });
    const info = stored!.value as StateLockInfo;
    expect(info).toMatchObject({ id: lock.id, operation: 'apply', who: 'bob@laptop', pid: process.pid, host: os.hostname() });
    expect(Date.parse(info.expires!)).toBeGreaterThanOrEqual(before + THIRTY_MINUTES);
    expect(Date.parse(info.expires!)).toBeLessThanOrEqual(Date.now() + THIRTY_MINUTES);
  });

  it('names the local user and host as holder when no one is given', async () => {
    const kv = new InMemoryKvStore();
    await backendOn(kv).lock({ operation: 'plan' });
    expect((kv.raw(LOCK_KEY)!.value as StateLockInfo).who).toBe(`${os.userInfo().username}@${os.hostname()}`);
  });

  it('refuses a lock held by another run, naming the holder and the key to delete', async () => {
    const kv = new InMemoryKvStore();
    const holder = lockOfAnotherRun(10 * 60_000);
    kv.setRaw(LOCK_KEY, { type: 'JSON', value: holder });
    const error = await rejectionOf(backendOn(kv).lock({ operation: 'apply', who: 'bob@laptop' }));
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as StateLockedError).holder).toEqual(holder);
    expect(error.message).toBe(
      `the state of stack "prod" (${DESCRIPTION}) is locked by alice@ci-runner-7 (pid 4242 on ci-runner-7, operation apply, since 2025-03-01T10:00:00.000Z, lock id lock-of-alice)` +
        ` — wait for it to finish (or pass --lock-timeout); it expires by itself at ${holder.expires}, or delete the KV key ${NS}/${LOCK_KEY} if that run is gone`,
    );
    expect(kv.raw(LOCK_KEY)!.value).toEqual(holder);
  });

  it('takes over at once, with a warning, a lock of this host whose process is gone; a live one of this host stays', async () => {
    const kv = new InMemoryKvStore();
    const { spawnSync } = await import('node:child_process');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const dead = { ...lockOfAnotherRun(10 * 60_000), host: os.hostname(), pid: Number(gone.stdout), who: 'carol@this-host' };
    kv.setRaw(LOCK_KEY, { type: 'JSON', value: dead });
    const warnings: string[] = [];
    const backend = new KestraKvStateBackend({ kv, namespace: NS, key: STATE_KEY, stack: 'prod', warn: (m) => warnings.push(m) });
    const lock = await backend.lock({ operation: 'destroy', who: 'bob@this-host' });
    expect((kv.raw(LOCK_KEY)!.value as StateLockInfo).id).toBe(lock.id);
    expect(warnings).toEqual([`Warning: taking over the state lock of carol@this-host (pid ${dead.pid}, operation apply, since 2025-03-01T10:00:00.000Z): that process is gone.\n`]);
    await lock.release();

    const alive = { ...dead, pid: process.pid };
    kv.setRaw(LOCK_KEY, { type: 'JSON', value: alive });
    expect(await rejectionOf(backend.lock({ operation: 'apply' }))).toBeInstanceOf(StateLockedError);
    expect(kv.raw(LOCK_KEY)!.value).toEqual(alive);
  });

  it('refuses a lock another backend instance holds, until that one releases it', async () => {
    const kv = new InMemoryKvStore();
    const first = await backendOn(kv).lock({ operation: 'apply', who: 'ci-job-1' });
    const refused = await rejectionOf(backendOn(kv).lock({ operation: 'apply', who: 'ci-job-2' }));
    expect(refused).toBeInstanceOf(StateLockedError);
    expect((refused as StateLockedError).holder).toMatchObject({ id: first.id, who: 'ci-job-1' });
    await first.release();
    const second = await backendOn(kv).lock({ operation: 'apply', who: 'ci-job-2' });
    expect((kv.raw(LOCK_KEY)!.value as StateLockInfo).id).toBe(second.id);
  });

  it('respects a lock without expiry, saying it goes with its ttl', async () => {
    const kv = new InMemoryKvStore();
    kv.setRaw(LOCK_KEY, { type: 'JSON', value: lockOfAnotherRun(undefined) });
    const error = await rejectionOf(backendOn(kv).lock({ operation: 'apply' }));
    expect(error).toBeInstanceOf(StateLockedError);
    expect(error.message).toContain('it expires by itself at its ttl, or delete the KV key');
  });

  it('takes over a lock whose recorded expiry has passed', async () => {
    const kv = new InMemoryKvStore();
    kv.setRaw(LOCK_KEY, { type: 'JSON', value: lockOfAnotherRun(-1000) });
    const lock = await backendOn(kv).lock({ operation: 'apply', who: 'bob@laptop' });
    expect(kv.raw(LOCK_KEY)!.value).toMatchObject({ id: lock.id, who: 'bob@laptop' });
  });

  it('takes over a lock whose ttl Kestra has expired (the key answers 410)', async () => {
    const kv = new InMemoryKvStore();
    const crashed = await backendOn(kv).lock({ operation: 'apply', who: 'crashed-runner' });
    advanceClock(THIRTY_MINUTES + 60_000);
    const next = await backendOn(kv).lock({ operation: 'apply', who: 'next-runner' });
    expect(next.id).not.toBe(crashed.id);
    expect(kv.raw(LOCK_KEY)!.value).toMatchObject({ id: next.id, who: 'next-runner' });
  });

  it('releases only its own lock, not one that took over from it', async () => {
    const kv = new InMemoryKvStore();
    const mine = await backendOn(kv).lock({ operation: 'apply', who: 'slow-runner' });
    const takenOver = lockOfAnotherRun(10 * 60_000);
    kv.setRaw(LOCK_KEY, { type: 'JSON', value: takenOver });
    await mine.release();
    expect(kv.raw(LOCK_KEY)!.value).toEqual(takenOver);
  });

  it('releases its lock, and a second release does nothing', async () => {
    const kv = new InMemoryKvStore();
    const lock = await backendOn(kv).lock({ operation: 'apply' });
    await lock.release();
    expect(kv.raw(LOCK_KEY)).toBeUndefined();
    const other = await backendOn(kv).lock({ operation: 'apply', who: 'other' });
    await lock.release();
    expect((kv.raw(LOCK_KEY)!.value as StateLockInfo).id).toBe(other.id);
  });

  it.each([
    ['text that is not JSON', { type: 'STRING', value: 'locked by bob' }],
    ['JSON that is not a lock', { type: 'JSON', value: { owner: 'bob' } }],
    ['a JSON number', { type: 'JSON', value: 42 }],
  ])('refuses a lock key holding %s, with a clear message, and leaves it', async (_what, entry) => {
    const kv = new InMemoryKvStore();
    kv.setRaw(LOCK_KEY, entry);
    const error = await rejectionOf(backendOn(kv).lock({ operation: 'apply' }));
    expect(error).toBeInstanceOf(StateError);
    expect(error).not.toBeInstanceOf(StateLockedError);
    expect(error.message).toBe(`the state lock ${NS}/${LOCK_KEY} is not readable — delete that KV key if no kestraform run is active`);
    expect(kv.raw(LOCK_KEY)).toEqual(entry);
  });

  it('loses a race decided after its put: the read-back shows the other writer, who is named', async () => {
    const kv = new InMemoryKvStore();
    const winner = lockOfAnotherRun(THIRTY_MINUTES);
    kv.afterPut = (_ns, key) => {
      if (key !== LOCK_KEY) return;
      kv.afterPut = undefined;
      kv.setRaw(LOCK_KEY, { type: 'JSON', value: winner, ttl: 'PT30M' });
    };
    const error = await rejectionOf(backendOn(kv).lock({ operation: 'apply', who: 'bob@laptop' }));
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as StateLockedError).holder).toEqual(winner);
    expect(kv.raw(LOCK_KEY)!.value).toEqual(winner);
  });

  it('waits for the holder to release, within the wait it was given', async () => {
    const kv = new InMemoryKvStore();
    const holder = await backendOn(kv).lock({ operation: 'apply', who: 'first' });
    setTimeout(() => void holder.release(), 200);
    const started = Date.now();
    const waiter = await backendOn(kv).lock({ operation: 'apply', who: 'second' }, { waitMs: 5000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((kv.raw(LOCK_KEY)!.value as StateLockInfo).id).toBe(waiter.id);
  });

  it('gives up once the wait is over, naming the holder', async () => {
    const kv = new InMemoryKvStore();
    const holder = await backendOn(kv).lock({ operation: 'apply', who: 'first' });
    const started = Date.now();
    const error = await rejectionOf(backendOn(kv).lock({ operation: 'plan', who: 'second' }, { waitMs: 700 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(error).toBeInstanceOf(StateLockedError);
    expect((error as StateLockedError).holder).toMatchObject({ id: holder.id, who: 'first' });
    expect(error.message).toContain(`is locked by first (pid ${process.pid} on ${os.hostname()}, operation apply`);
  });
});

describe('kestra-kv state backend on the embedded Kestra server, through the real client', () => {
  let server: Awaited<ReturnType<typeof startKestraServer>>;
  let client: KestraClient;

  beforeAll(async () => {
    server = await startKestraServer({ port: 0 });
    client = new KestraClient({ url: server.url, timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('writes and reads back the state, and takes over a lock whose ttl has passed', async () => {
    const backend = new KestraKvStateBackend({ kv: client, namespace: NS, key: 'kestraform_state_embedded', stack: 'prod' });
    await backend.write(stateAt(1));
    expect(await backend.read()).toEqual(stateAt(1));
    const crashed = await backend.lock({ operation: 'apply', who: 'crashed-runner' });
    await expect(backend.lock({ operation: 'apply', who: 'next-runner' })).rejects.toBeInstanceOf(StateLockedError);
    advanceClock(THIRTY_MINUTES + 60_000);
    const next = await backend.lock({ operation: 'apply', who: 'next-runner' });
    expect(next.id).not.toBe(crashed.id);
    await next.release();
    await expect(client.getKv(NS, 'kestraform_state_embedded_lock')).resolves.toBeNull();
  });
});
