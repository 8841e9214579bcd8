/**
 * The data folder (persist.ts): documents and blobs through snapshot + journal, what a kill
 * leaves (a copy of the folder taken at that instant is what a kill -9 leaves: the page cache
 * survives the process), compaction at each of its crash points, the previous layout's
 * migration, one owner per folder, and a journal that cannot be written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskStore, type CompactionStep, type DiskStoreOptions } from '../../lib/server/persist';
import { startKestraServer } from '../../lib/server';
import { assembleHandler } from '../../lib/server/pipeline';
import { answerErrors, awaitDurable, sendReply } from '../../lib/server/steps';
import { listen } from '../../lib/server/listen';
import { RequestLog } from '../../lib/server/request-log';

let root: string;
beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-persist-'))));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const notes: string[] = [];
const open = (dir: string, opts: DiskStoreOptions = {}) => new DiskStore(dir, { warn: (m) => notes.push(m), ...opts });

/** What a kill at this instant leaves: the folder as the kernel has it (the owner file of a dead process included). */
function killCopy(dir: string, name: string): string {
  const to = path.join(root, name);
  fs.cpSync(dir, to, { recursive: true });
  fs.writeFileSync(path.join(to, 'journal.owner'), '999999999');
  return to;
}

/** Everything a store holds, to compare two opens of a folder. */
function contents(s: DiskStore): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kind of ['flows', 'files', 'kv', 'dirs'] as const) out[kind] = s.readAll(kind);
  return out;
}

const doc = (i: number, pad = 50) => ({ namespace: 'ns', key: `K${i}`, value: `v${i}-${'x'.repeat(pad)}` });

describe('DiskStore', () => {
  it('keeps documents, removals and blobs across a close and an open', async () => {
    const dir = path.join(root, 'data');
    let s = open(dir);
    for (let i = 0; i < 20; i++) s.writeDoc('kv', `k${i}`, doc(i));
    s.removeDoc('kv', 'k3');
    s.writeDoc('kv', 'k4', doc(44));
    const sha = s.putBlob(Buffer.from('bytes of a file'));
    expect(s.putBlob(Buffer.from('bytes of a file'))).toBe(sha);
    expect(s.getBlob(sha).toString()).toBe('bytes of a file');
    await s.close();
    s = open(dir);
    const kv = s.readAll<{ key: string; value: string }>('kv');
    expect(kv).toHaveLength(19);
    expect(kv.find((k) => k.key === 'K44')).toBeDefined();
    expect(kv.find((k) => k.key === 'K3')).toBeUndefined();
    expect(s.getBlob(sha).toString()).toBe('bytes of a file');
    await s.close();
  });

  it('has every change on disk once durable() resolved: a kill then loses nothing', async () => {
    const dir = path.join(root, 'data');
    const s = open(dir);
    for (let i = 0; i < 50; i++) s.writeDoc('kv', `k${i}`, doc(i));
    const sha = s.putBlob(Buffer.from('blob'));
    await s.durable();
    const copy = open(killCopy(dir, 'killed'));
    expect(copy.readAll('kv')).toHaveLength(50);
    expect(copy.getBlob(sha).toString()).toBe('blob');
    await copy.close();
    await s.close();
  });

  it('drops a torn tail on open, says so, and goes on appending after the whole records', async () => {
    const dir = path.join(root, 'data');
    const s = open(dir);
    for (let i = 0; i < 5; i++) s.writeDoc('kv', `k${i}`, doc(i));
    await s.durable();
    const killed = killCopy(dir, 'killed');
    await s.close();
    const journal = fs.readdirSync(killed).find((n) => n.startsWith('journal-'))!;
    // Half a record: a group's write a kill cut off.
    fs.appendFileSync(path.join(killed, journal), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 0x50, 0x5b]));
    notes.length = 0;
    let again = open(killed, { closeCompactBytes: Number.MAX_SAFE_INTEGER });
    expect(notes.join('\n')).toMatch(/dropped the torn end of .*journal-1\.kfj \(10 bytes: a record cut short\)/);
    expect(again.readAll('kv')).toHaveLength(5);
    again.writeDoc('kv', 'k9', doc(9));
    await again.close();
    notes.length = 0;
    again = open(killed);
    expect([again.readAll('kv').length, notes]).toEqual([6, []]);
    await again.close();
  });

  it('compacts when the journal outgrows its floor, while writes go on, losing none', async () => {
    const dir = path.join(root, 'data');
    const s = open(dir, { compactBytes: 20_000 });
    const shas: string[] = [];
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 20; i++) s.writeDoc('kv', `k${i}`, doc(i * 1000 + round, 100));
      shas.push(s.putBlob(Buffer.from(`blob ${round}`)));
      await s.durable();
    }
    const packs = fs.readdirSync(path.join(dir, 'blobs'));
    expect(packs.length).toBeGreaterThan(0);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('journal-')).length).toBeLessThanOrEqual(2);
    for (const [round, sha] of shas.entries()) expect(s.getBlob(sha).toString()).toBe(`blob ${round}`);
    const before = contents(s);
    await s.close();
    const again = open(dir);
    expect(contents(again)).toEqual(before);
    for (const [round, sha] of shas.entries()) expect(again.getBlob(sha).toString()).toBe(`blob ${round}`);
    await again.close();
  });

  it('loses nothing durable whichever point of a compaction a kill lands on', async () => {
    const dir = path.join(root, 'data');
    const copies: Array<{ step: CompactionStep; dir: string; durableKeys: number }> = [];
    let durableKeys = 0;
    const s = open(dir, { onCompactionStep: (step) => copies.push({ step, dir: killCopy(dir, `at-${step}-${copies.length}`), durableKeys }) });
    for (let i = 0; i < 40; i++) s.writeDoc('kv', `k${i}`, doc(i));
    const oldBlob = s.putBlob(Buffer.from('packed blob'));
    await s.durable();
    durableKeys = 40;
    const compaction = s.compactNow();
    // Written while the compaction runs: they go to the next journal.
    for (let i = 40; i < 60; i++) s.writeDoc('kv', `k${i}`, doc(i));
    const newBlob = s.putBlob(Buffer.from('journal blob'));
    await s.durable();
    durableKeys = 60;
    await compaction;
    expect(copies.map((c) => c.step)).toEqual(['rotated', 'packed', 'snapshot', 'done']);
    for (const c of copies) {
      const k = open(c.dir);
      const keys = k.readAll<{ key: string }>('kv').map((d) => d.key);
      expect([c.step, keys.length >= c.durableKeys, keys.length <= 60]).toEqual([c.step, true, true]);
      expect([c.step, k.getBlob(oldBlob).toString()]).toEqual([c.step, 'packed blob']);
      if (keys.length === 60) expect(k.getBlob(newBlob).toString()).toBe('journal blob');
      await k.close();
    }
    const after = killCopy(dir, 'after');
    await s.close();
    const k = open(after);
    expect(k.readAll('kv')).toHaveLength(60);
    await k.close();
  });

  it('compacts on close only when the journal is more than a small share of the snapshot', async () => {
    const dir = path.join(root, 'data');
    let s = open(dir, { closeCompactBytes: 100_000 });
    for (let i = 0; i < 200; i++) s.writeDoc('kv', `k${i}`, doc(i, 2000));
    await s.close();
    const journals = () => fs.readdirSync(dir).filter((n) => n.startsWith('journal-'));
    expect([fs.existsSync(path.join(dir, 'snapshot.kfs')), journals()]).toEqual([true, []]);
    s = open(dir, { closeCompactBytes: 100_000 });
    s.writeDoc('kv', 'k1', doc(1));
    await s.close();
    // One small change: kept in the journal, replayed on the next open.
    expect(journals()).toHaveLength(1);
    s = open(dir);
    expect(s.readAll<{ value: string }>('kv').find((d) => d.value.startsWith('v1-'))!.value).toBe(doc(1).value);
    await s.close();
  });

  it('lets one store at a time have a folder, and takes over the folder of a killed one', async () => {
    const dir = path.join(root, 'data');
    const s = open(dir);
    expect(() => open(dir)).toThrow(/data folder .* is in use by this process \(another server on it was not closed\)/);
    await s.close();
    fs.writeFileSync(path.join(dir, 'journal.owner'), '999999999');
    const t = open(dir);
    await t.close();
    expect(fs.existsSync(path.join(dir, 'journal.owner'))).toBe(false);
  });

  it('says which folder it cannot use, and why', () => {
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'x');
    expect(() => open(file)).toThrow(/^cannot open the data folder .*a-file \((EEXIST|ENOTDIR): .*\): check that it is a folder this user may read and write$/);
  });

  it('refuses a damaged snapshot with what to do', async () => {
    const dir = path.join(root, 'data');
    const s = open(dir, { closeCompactBytes: 0 });
    s.writeDoc('kv', 'k', doc(1));
    await s.close();
    const snap = path.join(dir, 'snapshot.kfs');
    const bytes = fs.readFileSync(snap);
    bytes[bytes.length - 2] ^= 1;
    fs.writeFileSync(snap, bytes);
    expect(() => open(dir)).toThrow(/snapshot\.kfs .* is damaged: a record whose checksum does not match at byte \d+\. Restore the folder from a backup, or move it away to start empty/);
  });

  it('fails every later commit when the journal cannot be written, naming the folder and what to do', async () => {
    const dir = path.join(root, 'data');
    const s = open(dir);
    s.writeDoc('kv', 'a', doc(1));
    await s.durable();
    const file = (s as unknown as { log: { current: { fd: number; file: string } } }).log.current;
    fs.closeSync(file.fd);
    file.fd = fs.openSync(file.file, 'r');
    s.writeDoc('kv', 'b', doc(2));
    await expect(s.durable()).rejects.toThrow(/the data folder .*data could not be written \(EBADF: .*\): the server keeps no more changes; free disk space or fix the folder, then restart it/);
    await expect(s.close()).rejects.toThrow(/could not be written/);
    const k = open(dir);
    expect(k.readAll<{ key: string }>('kv').map((d) => d.key)).toEqual(['K1']);
    await k.close();
  });
});

describe('a data folder of the previous layout (one file per document)', () => {
  /** What kestraform 0.2 wrote for one flow, one namespace file and one KV pair. */
  function previousLayout(dir: string): { sha: string } {
    const write = (kind: string, name: string, value: unknown) => {
      fs.mkdirSync(path.join(dir, kind), { recursive: true });
      fs.writeFileSync(path.join(dir, kind, name), JSON.stringify(value));
    };
    const source = 'id: old\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
    write('flows', DiskStore.keyName('company.team', 'old'), { namespace: 'company.team', id: 'old', revisions: [{ revision: 1, source, deleted: false, updated: '2026-11-01T00:00:00.000Z' }] });
    const bytes = Buffer.from('select 1;\n');
    const sha = require('node:crypto').createHash('sha256').update(bytes).digest('hex') as string;
    fs.mkdirSync(path.join(dir, 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'blobs', sha), bytes);
    write('files', DiskStore.keyName('company.team', '/sql/q.sql'), { namespace: 'company.team', path: '/sql/q.sql', creationTime: 1, revisions: [{ revision: 1, sha256: sha, size: bytes.length, modified: 2, deleted: false }] });
    write('dirs', DiskStore.keyName('company.team'), { namespace: 'company.team', dirs: ['/sql'] });
    write('kv', DiskStore.keyName('company.team', 'K'), { namespace: 'company.team', key: 'K', type: 'NUMBER', value: 42, creationDate: '2026-11-01T00:00:00Z', updateDate: '2026-11-01T00:00:00Z', revision: 1 });
    for (const kind of ['apps', 'tests', 'dashboards', 'namespaces', 'secrets']) fs.mkdirSync(path.join(dir, kind));
    return { sha };
  }

  it('keeps a blob it holds as a file once: the same bytes put again add nothing to the journal', async () => {
    const dir = path.join(root, 'old-blob');
    const { sha } = previousLayout(dir);
    const store = open(dir);
    const journalBytes = () => fs.readdirSync(dir).filter((f) => f.startsWith('journal-')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    const before = journalBytes();
    expect(store.putBlob(Buffer.from('select 1;\n'))).toBe(sha);
    await store.durable();
    expect(journalBytes()).toBe(before);
    expect(store.getBlob(sha).toString()).toBe('select 1;\n');
    expect(store.putBlob(Buffer.from('select 2;\n'))).not.toBe(sha);
    await store.durable();
    expect(journalBytes()).toBeGreaterThan(before);
    await store.close();
  });

  it('is served as it was, and migrated into a snapshot on open', async () => {
    const dir = path.join(root, 'old');
    previousLayout(dir);
    let s = await startKestraServer({ port: 0, dataDir: dir });
    const check = async () => {
      const base = `${s.url}/api/v1/main`;
      expect(((await (await fetch(`${base}/flows/company.team/old?source=true`)).json()) as { source: string }).source).toMatch(/^id: old\n/);
      expect(await (await fetch(`${base}/namespaces/company.team/files?path=/sql/q.sql`)).text()).toBe('select 1;\n');
      expect(await (await fetch(`${base}/namespaces/company.team/kv/K`)).json()).toMatchObject({ type: 'NUMBER', value: 42 });
      expect(((await (await fetch(`${base}/namespaces/company.team/files/directory?path=/`)).json()) as Array<{ fileName: string }>).map((e) => e.fileName)).toEqual(['sql']);
    };
    await check();
    expect(fs.readdirSync(dir).sort()).toEqual(['blobs', 'journal.owner', 'snapshot.kfs']);
    await s.close();
    s = await startKestraServer({ port: 0, dataDir: dir });
    await check();
    await s.close();
  });

  it('leaves no empty folders of the previous layout behind', async () => {
    const dir = path.join(root, 'old');
    for (const kind of ['flows', 'files', 'kv', 'dirs', 'blobs']) fs.mkdirSync(path.join(dir, kind), { recursive: true });
    const s = open(dir);
    await s.close();
    expect(fs.readdirSync(dir)).toEqual(['blobs']);
  });

  it('is not read twice when a kill came between the migration snapshot and the removal of the old files', async () => {
    const dir = path.join(root, 'old');
    previousLayout(dir);
    const first = open(dir);
    await first.close();
    // The old files back, as a kill right after the snapshot's rename leaves them.
    const leftovers = path.join(root, 'leftovers');
    previousLayout(leftovers);
    fs.cpSync(path.join(leftovers, 'flows'), path.join(dir, 'flows'), { recursive: true });
    const s = open(dir);
    expect(s.readAll('flows')).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'flows'))).toBe(false);
    await s.close();
  });
});

describe('awaitDurable', () => {
  it('answers a 500 naming the data folder when the commit fails, and only after the commit otherwise', async () => {
    let commit: (() => void) | undefined;
    let fail = false;
    const durable = () => (fail ? Promise.reject(new Error('the data folder /x could not be written (ENOSPC: no space left on device)')) : new Promise<void>((r) => (commit = r)));
    const route = { name: 'route', run: async (ex: { reply?: unknown }) => void (ex.reply = { status: 200, json: { ok: true } }) };
    const handler = assembleHandler([sendReply(), answerErrors(2), awaitDurable(durable), route as never], new RequestLog(), []);
    const server = await listen((req, res) => void handler.handle(req, res));
    try {
      let answered = false;
      const pending = fetch(server.url).then(async (r) => ((answered = true), r.status));
      while (!commit) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50));
      expect(answered).toBe(false);
      commit();
      expect(await pending).toBe(200);
      fail = true;
      const res = await fetch(server.url);
      expect([res.status, ((await res.json()) as { detail: string }).detail]).toEqual([500, 'unexpected failure: the data folder /x could not be written (ENOSPC: no space left on device)']);
    } finally {
      await server.close();
    }
  });
});
