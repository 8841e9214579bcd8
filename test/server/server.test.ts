/**
 * The embedded server behaves like Kestra for what kestraform uses: revisions, byte-exact
 * sources and files (with plain curl), typed KV, Kestra's errors, auth, persistence across
 * restarts and kill -9, and the fault knobs.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';

jest.setTimeout(60_000);
const FLOW = (id: string, extra = '') => `# comment kept\nid: ${id}\nnamespace: company.team\n${extra}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const yamlPost = (url: string, body: string, method = 'POST') => fetch(url, { method, body, headers: { 'Content-Type': 'application/x-yaml' } });

describe('embedded Kestra server', () => {
  let s: RunningKestraServer;
  let base: string;
  beforeEach(async () => {
    s = await startKestraServer({ port: 0 });
    base = `${s.url}/api/v1/main`;
  });
  afterEach(() => s.close());

  it('creates at revision 1, keeps the source byte for byte, bumps on change, not on an identical body', async () => {
    const created = await (await yamlPost(`${base}/flows`, FLOW('a'))).json();
    expect(created).toMatchObject({ id: 'a', namespace: 'company.team', revision: 1, source: FLOW('a'), deleted: false });
    const changed = await (await yamlPost(`${base}/flows/company.team/a`, FLOW('a', 'description: v2\n'), 'PUT')).json();
    expect(changed.revision).toBe(2);
    const same = await (await yamlPost(`${base}/flows/company.team/a`, FLOW('a', 'description: v2\n'), 'PUT')).json();
    expect(same.revision).toBe(2);
    const withRevisionLine = await (await yamlPost(`${base}/flows/company.team/a`, `revision: 7\n${FLOW('a', 'description: v2\n')}`, 'PUT')).json();
    expect(withRevisionLine.revision).toBe(2);
    const whitespace = await (await yamlPost(`${base}/flows/company.team/a`, FLOW('a', 'description: v2\n') + '\n', 'PUT')).json();
    expect(whitespace.revision).toBe(3);
    const dup = await yamlPost(`${base}/flows`, FLOW('a'));
    expect(dup.status).toBe(422);
    expect((await dup.json()).detail).toContain('Flow id already exists');
  });

  it('soft-deletes, 404s afterwards, and continues the numbering on re-create', async () => {
    await yamlPost(`${base}/flows`, FLOW('d'));
    expect((await fetch(`${base}/flows/company.team/d`, { method: 'DELETE' })).status).toBe(204);
    const gone = await fetch(`${base}/flows/company.team/d`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
    expect(await gone.json()).toMatchObject({ type: 'https://kestra.io/docs/api-reference/problems/not-found', status: 404, instance: '/api/v1/main/flows/company.team/d' });
    expect((await (await yamlPost(`${base}/flows`, FLOW('d'))).json()).revision).toBe(3);
  });

  it('answers broken flows with 422 naming the problem (and 2.0 removed constructs)', async () => {
    const cases: Array<[string, RegExp]> = [
      ['id: x\nnamespace: company.team\ntasks: [\n', /Illegal flow yaml/],
      ['namespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n', /id/],
      ['id: x\nnamespace: company.team\n', /tasks/],
      ['id: x\nnamespace: company.team\ntasks:\n  - id: a\n    type: Log\n', /fully-qualified/],
      [`${FLOW('x')}pluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values: {level: WARN}\n`, /pluginDefaults/],
    ];
    for (const [body, pattern] of cases) {
      const r = await yamlPost(`${base}/flows`, body);
      expect(r.status).toBe(422);
      expect(JSON.stringify(await r.json())).toMatch(pattern);
    }
  });

  it('speaks Kestra 1.x errors when asked', async () => {
    const one = await startKestraServer({ port: 0, kestraMajor: 1 });
    try {
      const r = await fetch(`${one.url}/api/v1/main/flows/a/b`);
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ message: expect.stringMatching(/^Not Found/), _links: expect.anything() });
      expect((await fetch(`${one.url}/api/v1/main/namespaces/x/kv`)).status).toBe(200);
    } finally {
      await one.close();
    }
  });

  // curl runs asynchronously: the server lives in this same process.
  const curl = async (args: string[]) => (await promisify(execFile)('curl', ['-s', '-S', ...args], { encoding: 'buffer' })).stdout as Buffer;
  it('takes a multipart upload from plain curl, lists it with its size, reads it back byte for byte', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-curl-'));
    const file = path.join(dir, 'x.py');
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x0d, 0x0a, 0x00, 0xff, 0x41, 0x0d, 0x0a]);
    fs.writeFileSync(file, bytes);
    await curl(['-F', `fileContent=@${file}`, `${base}/namespaces/company.team/files?path=/x.py`]);
    const listing = JSON.parse((await curl([`${base}/namespaces/company.team/files/directory?path=/`])).toString());
    expect(listing).toEqual([expect.objectContaining({ fileName: 'x.py', type: 'File', size: bytes.length })]);
    expect((await curl([`${base}/namespaces/company.team/files?path=/x.py`])).equals(bytes)).toBe(true);
    await curl(['-F', `fileContent=@${file}`, `${base}/namespaces/company.team/files?path=/x.py`]);
    expect(JSON.parse((await curl([`${base}/namespaces/company.team/files/revisions?path=/x.py`])).toString())).toEqual([{ revision: 1 }, { revision: 2 }]);
    fs.rmSync(dir, { recursive: true });
  });

  it('types KV values as Kestra does and expires them', async () => {
    const put = (k: string, body: string, headers: Record<string, string> = {}) => fetch(`${base}/namespaces/ns/kv/${k}`, { method: 'PUT', body, headers: { 'Content-Type': 'text/plain', ...headers } });
    const get = async (k: string) => (await fetch(`${base}/namespaces/ns/kv/${k}`)).json();
    const cases: Array<[string, string, unknown]> = [
      ['"hello"', 'STRING', 'hello'],
      ['42', 'NUMBER', 42],
      ['true', 'BOOLEAN', true],
      ['2026-03-01', 'DATE', '2026-03-01'],
      ['2026-03-01T06:00:00.000Z', 'DATETIME', '2026-03-01T06:00:00Z'],
      ['"PT30M"', 'DURATION', 'PT30M'],
      ['{"a":[1,2]}', 'JSON', { a: [1, 2] }],
    ];
    for (const [body, type, value] of cases) {
      expect((await put('K', body)).status).toBe(200);
      expect(await get('K')).toMatchObject({ type, value });
    }
    await put('T', '"x"', { ttl: 'PT0.2S', description: 'short-lived' });
    const listed = await (await fetch(`${base}/kv?filters[namespace][EQUALS]=ns&page=1&size=10`)).json();
    expect(listed.results.find((e: { key: string }) => e.key === 'T')).toMatchObject({ description: 'short-lived', expirationDate: expect.any(String) });
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${base}/namespaces/ns/kv/T`)).status).toBe(410);
    expect((await fetch(`${base}/namespaces/ns/kv/missing`)).status).toBe(404);
  });

  it('pages searches with page, size, results and total', async () => {
    for (let i = 0; i < 25; i++) await yamlPost(`${base}/flows`, FLOW(`p${i}`));
    const p3 = await (await fetch(`${base}/flows/search?page=3&size=10&filters[namespace][EQUALS]=company.team`)).json();
    expect(p3.total).toBe(25);
    expect(p3.results).toHaveLength(5);
  });

  it('injects latency, faults before or after the effect, and logs every request', async () => {
    s.knobs.setLatency({ fixedMs: 50 });
    const t0 = Date.now();
    await fetch(`${base}/flows/company.team`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    s.knobs.setLatency({});
    s.knobs.failNth({ operationId: 'createFlow', nth: 1, status: 503, phase: 'after' });
    expect((await yamlPost(`${base}/flows`, FLOW('f'))).status).toBe(503);
    expect((await fetch(`${base}/flows/company.team/f`)).status).toBe(200); // the write happened
    s.knobs.setFaults({ tooManyRequestsRate: 1, retryAfterSeconds: 3 });
    const limited = await fetch(`${base}/flows/company.team`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    s.knobs.setFaults({ resetRate: 1 });
    await expect(fetch(`${base}/flows/company.team`)).rejects.toThrow();
    s.knobs.clearFaults();
    expect(s.log.countsByOperation().createFlow).toBe(1);
    expect(s.log.writes().map((w) => w.operationId)).toEqual(['createFlow']);
  });
});

describe('authentication', () => {
  it('answers 401 without valid credentials and serves with them', async () => {
    const s = await startKestraServer({ port: 0, basicAuth: { username: 'admin', password: 'pw' }, tokens: ['tok'] });
    try {
      const url = `${s.url}/api/v1/main/flows/company.team`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { Authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } })).status).toBe(401);
      expect((await fetch(url, { headers: { Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` } })).status).toBe(200);
      expect((await fetch(url, { headers: { Authorization: 'Bearer tok' } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('persistence', () => {
  it('keeps everything across a restart on the same data folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-data-'));
    let s = await startKestraServer({ port: 0, dataDir: dir });
    const base = () => `${s.url}/api/v1/main`;
    await yamlPost(`${base()}/flows`, FLOW('keep'));
    const form = new FormData();
    form.append('fileContent', new Blob([Buffer.from([1, 2, 3])]), 'blob');
    await fetch(`${base()}/namespaces/company.team/files?path=/bin/x`, { method: 'POST', body: form });
    await fetch(`${base()}/namespaces/company.team/kv/K`, { method: 'PUT', body: '42', headers: { 'Content-Type': 'text/plain' } });
    await s.close();
    s = await startKestraServer({ port: 0, dataDir: dir });
    try {
      expect((await (await fetch(`${base()}/flows/company.team/keep?source=true`)).json()).source).toBe(FLOW('keep'));
      expect(Buffer.from(await (await fetch(`${base()}/namespaces/company.team/files?path=/bin/x`)).arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
      expect(await (await fetch(`${base()}/namespaces/company.team/kv/K`)).json()).toMatchObject({ type: 'NUMBER', value: 42 });
    } finally {
      await s.close();
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('never leaves a torn object when killed with SIGKILL during writes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-kill-'));
    const bin = path.resolve(__dirname, '../../bin/kestraform.js');
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      // A small compaction floor, so that kills also land in compactions (persist.ts).
      const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KESTRAFORM_DATA_COMPACT_BYTES: '65536' } });
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (b) => {
          out += b;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`server exited early: ${out}`)));
      });
      const closed = new Promise((r) => child.once('close', r));
      // Killed in the middle of the stream: once 10, 50, 90 of the round's 200 writes were answered.
      const killAt = 10 + round * 40;
      let answered = 0;
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) {
        const id = `k${round}-${i}`;
        writes.push(
          yamlPost(`${url}/api/v1/main/flows`, FLOW(id, `description: ${'x'.repeat(2000)}\n`)).then(
            (res) => {
              if (res.status === 200) acknowledged.push(id);
              if (++answered === killAt) child.kill('SIGKILL');
            },
            () => undefined,
          ),
        );
      }
      await Promise.all(writes);
      await closed;
    }
    // The server starts on what the kills left (a torn journal tail is dropped), sweeps the temp
    // files a kill may leave (`.<name>.<pid>.<hex>.tmp`), and every flow it answered for is whole.
    const s = await startKestraServer({ port: 0, dataDir: dir });
    try {
      expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const listed = (await (await fetch(`${s.url}/api/v1/main/flows/company.team`)).json()) as Array<{ id: string }>;
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(listed.length).toBeGreaterThanOrEqual(acknowledged.length);
      for (const id of acknowledged) {
        const got = await fetch(`${s.url}/api/v1/main/flows/company.team/${id}?source=true`);
        expect([id, got.status, ((await got.json()) as { source: string }).source]).toEqual([id, 200, FLOW(id, `description: ${'x'.repeat(2000)}\n`)]);
      }
    } finally {
      await s.close();
      fs.rmSync(dir, { recursive: true });
    }
  });
});
