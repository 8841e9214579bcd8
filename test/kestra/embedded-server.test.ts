/**
 * The client against the embedded Kestra server (lib/server) over loopback: flow revisions, file
 * round trips byte for byte, every KV type, KV pagination, namespaces and authentication.
 * Skipped, with a notice, while lib/server is not there.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as http from 'node:http';
import {
  KestraApiError,
  KestraProtocolError,
  KestraTimeoutError,
  expectedLiveKv,
  kvValueToCanonical,
  type KestraClient,
  type KvType,
} from '../../lib/kestra';
import { failureOf, testClient } from './support/client';
import { KestraNamespaceRequiredError } from '../../lib/kestra/errors';

/** The parts of lib/server's API these tests use. */
interface FailRule {
  operationId?: string;
  nth: number;
  status?: number;
  reset?: boolean;
  retryAfterSeconds?: number;
  phase?: 'before' | 'after';
}
interface EmbeddedServer {
  url: string;
  log: { entries(): Array<{ operationId: string; status: number; fault?: string }>; clear(): void; countsByOperation(): Record<string, number> };
  knobs: {
    setLatency(l: { fixedMs?: number }): void;
    setFaults(f: { errorRate?: number; resetRate?: number; tooManyRequestsRate?: number; retryAfterSeconds?: number; operations?: string[]; seed?: number }): void;
    failNth(rule: FailRule): void;
    clearFaults(): void;
    override(operationId: string, fn: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined): void;
  };
  close(): Promise<void>;
}
type StartServer = (options: {
  port: number;
  kestraMajor?: 1 | 2;
  requireExistingNamespace?: boolean;
  basicAuth?: { username: string; password: string };
  tokens?: string[];
}) => Promise<EmbeddedServer>;

const serverEntry = path.resolve(__dirname, '..', '..', 'lib', 'server', 'index.ts');
const startKestraServer: StartServer | undefined = fs.existsSync(serverEntry) ? require(serverEntry).startKestraServer : undefined;
if (!startKestraServer) console.warn(`embedded-server.test.ts skipped: ${serverEntry} does not exist yet`);
const describeServer = startKestraServer ? describe : describe.skip;

const flow = (id: string, body = 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n') => `# managed by kestraform\nid: ${id}\nnamespace: company.team\n${body}`;

describeServer.each([2, 1] as const)('against the embedded Kestra %i.x server', (kestraMajor) => {
  let server: EmbeddedServer;
  let client: KestraClient;
  let events: ReturnType<typeof testClient>['events'];

  beforeAll(async () => {
    server = await startKestraServer!({ port: 0, kestraMajor });
    ({ client, events } = testClient(server.url));
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('creates, updates (a byte-identical update keeps the revision), exports and deletes flows', async () => {
    const created = await client.createFlow(flow('rev'));
    expect(created).toMatchObject({ id: 'rev', namespace: 'company.team', revision: 1 });
    expect((await client.updateFlow('company.team', 'rev', flow('rev'))).revision).toBe(1);
    const changed = flow('rev', 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: changed\n');
    expect((await client.updateFlow('company.team', 'rev', changed)).revision).toBe(2);
    expect((await client.getFlow('company.team', 'rev'))?.source).toBe(changed); // comments and all
    const crlf = flow('crlf').replace(/\n/g, '\r\n');
    await client.createFlow(crlf);
    expect((await client.listFlows('company.team')).map((f) => [f.id, f.revision]).sort()).toEqual([
      ['crlf', 1],
      ['rev', 2],
    ]);
    const exported = await client.exportFlowSources('company.team');
    expect(exported.get('rev')).toBe(changed);
    expect(exported.get('crlf')).toBe(crlf);
    expect(await client.deleteFlow('company.team', 'rev')).toBe('deleted');
    expect(await client.deleteFlow('company.team', 'rev')).toBe('already-absent');
    expect(await client.getFlow('company.team', 'rev')).toBeNull();
    expect((await client.createFlow(flow('rev'))).revision).toBeGreaterThan(2); // numbering continues after a delete
  });

  it('refuses to update a flow that does not exist, with advice', async () => {
    const error = await failureOf(client.updateFlow('company.team', 'nope', flow('nope')));
    expect((error as KestraApiError).status).toBe(404);
    expect(error.message).toContain('it has to be created instead');
  });

  it('validates flows in one request, reporting only the broken one', async () => {
    const before = events.length;
    const results = await client.validateFlows([flow('ok1'), 'id: broken\nnamespace: company.team\n', flow('ok2')]);
    expect(events.length - before).toBe(1);
    expect(results.map((r) => [r.index, r.flowId, r.errors !== undefined])).toEqual([
      [0, 'ok1', false],
      [1, 'broken', true],
      [2, 'ok2', false],
    ]);
  });

  it('validates sources holding a "---" line through the multipart form, which the server takes', async () => {
    const before = events.length;
    const header = `# owned by the data team\n---\n${flow('mp1')}`;
    const marker = `---\n${flow('mp2')}`;
    const results = await client.validateFlows([flow('plain'), header, marker, '---\nid: mp3\nnamespace: company.team\n']);
    expect(results.map((r) => [r.index, r.flowId, r.errors !== undefined])).toEqual([
      [0, 'plain', false],
      [1, 'mp1', false],
      [2, 'mp2', false],
      [3, 'mp3', true],
    ]);
    // One YAML batch and one multipart batch, both answered: no 415, no source sent alone.
    expect(events.slice(before).map((e) => [e.operation, e.status])).toEqual([
      ['validateFlows', 200],
      ['validateFlows', 200],
    ]);
  });

  it('round-trips namespace files byte for byte and lists them recursively', async () => {
    const files: Record<string, Buffer> = {
      '/bin/random.bin': crypto.randomBytes(200_000),
      '/empty.txt': Buffer.alloc(0),
      '/scripts/crlf.py': Buffer.from('print("a")\r\nprint("b")\r\n'),
      '/scripts/deep/er/data.zip': Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]),
      '/unicode-ü.txt': Buffer.from('grüße\n'),
    };
    for (const [file, bytes] of Object.entries(files)) await client.uploadFile('company.files', file, bytes);
    const listed = await client.listFiles('company.files');
    expect(listed.map((f) => [f.path, f.size])).toEqual(Object.entries(files).map(([file, bytes]) => [file, bytes.length]).sort());
    for (const [file, bytes] of Object.entries(files)) expect((await client.readFile('company.files', file)).equals(bytes)).toBe(true);
    await client.deleteFile('company.files', '/scripts');
    expect((await client.listFiles('company.files')).map((f) => f.path)).toEqual(['/bin/random.bin', '/empty.txt', '/unicode-ü.txt']);
    expect(await client.listFiles('no.such.namespace')).toEqual([]);
  });

  it.each<[KvType, string]>([
    ['STRING', 'hello world'],
    ['STRING', '42'],
    ['STRING', 'true'],
    ['STRING', '2025-10-13'],
    ['STRING', 'PT5M'],
    ['NUMBER', '42'],
    ['NUMBER', '-3.25'],
    ['BOOLEAN', 'false'],
    ['DATE', '2025-10-13'],
    ['DATETIME', '2025-10-14T18:02:08.250Z'],
    ['DATETIME', '2025-10-14T20:02:08+02:00'],
    ['DURATION', 'PT1H30M'],
    ['DURATION', 'P1D'],
    ['JSON', '{"b":[1,2,{"c":null}],"a":"x"}'],
  ])('round-trips KV %s %j as Kestra reports it', async (type, value) => {
    await client.putKv('company.kv', 'roundtrip', { type, value }, { description: 'round trip' });
    const live = await client.getKv('company.kv', 'roundtrip');
    expect(live).not.toBeNull();
    expect({ type: live!.type, value: kvValueToCanonical(live!.type, live!.value) }).toEqual(expectedLiveKv(type, value));
  });

  it('lists every KV page, and deletes', async () => {
    const paged = testClient(server.url, { pageSize: 25 });
    await Promise.all(Array.from({ length: 130 }, (_, i) => paged.client.putKv('company.paged', `key-${String(i).padStart(3, '0')}`, { type: 'NUMBER', value: String(i) })));
    const listed = await paged.client.listKv('company.paged');
    expect(listed.map((e) => e.key)).toEqual(Array.from({ length: 130 }, (_, i) => `key-${String(i).padStart(3, '0')}`));
    expect(paged.events.filter((e) => e.operation === 'listKv' || e.operation === 'listKvLegacy').length).toBeGreaterThanOrEqual(kestraMajor === 2 ? 6 : 1);
    expect(await paged.client.deleteKv('company.paged', 'key-000')).toBe(true);
    expect(await paged.client.deleteKv('company.paged', 'key-000')).toBe(false);
    expect(await paged.client.getKv('company.paged', 'key-000')).toBeNull();
    await paged.client.close();
  });

  it('lists the namespaces that hold flows', async () => {
    expect(await client.listNamespaces()).toContain('company.team');
  });
});

describeServer.each([2, 1] as const)('against an embedded Kestra %i.x run with kestra.require-existing-namespace: true', (kestraMajor) => {
  let server: EmbeddedServer;
  let client: KestraClient;
  beforeAll(async () => {
    server = await startKestraServer!({ port: 0, kestraMajor, requireExistingNamespace: true });
    ({ client } = testClient(server.url));
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  const fresh = 'id: hello\nnamespace: company.fresh\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

  it('says what the setting is and what to do when the first flow of a namespace is refused (422)', async () => {
    const error = await failureOf(client.createFlow(fresh));
    expect(error).toBeInstanceOf(KestraNamespaceRequiredError);
    expect((error as KestraApiError).status).toBe(422);
    expect(error.message).toContain('create flow company.fresh/hello failed with HTTP 422 (POST /api/v1/main/flows)');
    expect(error.message).toContain("Namespace 'company.fresh' does not exist but is required to exist before a flow can be created in it");
    expect(error.message).toContain('kestra.require-existing-namespace: true');
    expect(error.message).toMatch(/Create namespace company\.fresh first .* or ask the operator to set kestra\.require-existing-namespace: false/);
    expect(error.message).not.toContain('fix it (`kestraform validate`');
  });

  it('explains it in the validation of that flow too, naming the flow and the status a create would get', async () => {
    const [result] = await client.validateFlows([fresh]);
    expect(result.errors).toContain("Namespace 'company.fresh' does not exist");
    expect(result.errors).toContain('(kestraform: creating flow company.fresh/hello would fail with HTTP 422: this Kestra runs with kestra.require-existing-namespace: true');
  });
});

describeServer('authentication against the embedded server', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await startKestraServer!({ port: 0, basicAuth: { username: 'admin@kestra.io', password: 'Correct-Horse1' } });
  });
  afterAll(async () => server?.close());

  it('says credentials are missing, wrong, or fine', async () => {
    const anonymous = testClient(server.url).client;
    const missing = await failureOf(anonymous.listFlows('company.team'));
    expect((missing as KestraApiError).status).toBe(401);
    expect(missing.message).toContain('no credentials are configured');

    const wrong = testClient(server.url, { auth: { kind: 'basic', username: 'admin@kestra.io', password: 'nope-nope' } }).client;
    const rejected = await failureOf(wrong.listFlows('company.team'));
    expect(rejected.message).toContain('rejected the configured username/password');
    expect(rejected.message).not.toContain('nope-nope');

    const right = testClient(server.url, { auth: { kind: 'basic', username: 'admin@kestra.io', password: 'Correct-Horse1' } }).client;
    await expect(right.listFlows('company.team')).resolves.toEqual([]);
    await Promise.all([anonymous.close(), wrong.close(), right.close()]);
  });
});

describeServer('faults injected by the embedded server', () => {
  let server: EmbeddedServer;
  let client: KestraClient;
  let events: ReturnType<typeof testClient>['events'];

  beforeAll(async () => {
    server = await startKestraServer!({ port: 0 });
    ({ client, events } = testClient(server.url, { retry: { retries: 6, baseDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: 300 } }));
    await client.createFlow(flow('stormy'));
    await client.uploadFile('company.team', '/dir/a.txt', Buffer.from('a'));
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.putKv('company.team', `k${i}`, { type: 'NUMBER', value: String(i) })));
  });

  afterEach(() => {
    server.knobs.clearFaults();
    server.knobs.setLatency({});
    server.log.clear();
    events.length = 0;
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('reads get through a storm of 503s, resets and 429s', async () => {
    server.knobs.setFaults({ errorRate: 0.15, resetRate: 0.1, tooManyRequestsRate: 0.1, retryAfterSeconds: 0, seed: 11 });
    for (let round = 0; round < 10; round++) {
      expect((await client.listFlows('company.team')).map((f) => f.id)).toEqual(['stormy']);
      expect([...(await client.exportFlowSources('company.team')).keys()]).toEqual(['stormy']);
      expect((await client.listFiles('company.team')).map((f) => f.path)).toEqual(['/dir/a.txt']);
      expect(await client.listKv('company.team')).toHaveLength(30);
      expect((await client.getKv('company.team', 'k7'))?.value).toBe(7);
    }
    const injected = server.log.entries().filter((e) => e.fault);
    expect(injected.length).toBeGreaterThan(10);
    expect(events.filter((e) => e.attempt > 1).length).toBeGreaterThanOrEqual(injected.length);
  });

  it('an upload whose answer was lost is repeated and stores the bytes once', async () => {
    server.knobs.failNth({ operationId: 'createNamespaceFile', nth: 1, reset: true, phase: 'after' });
    const bytes = Buffer.from([0, 1, 2, 3, 254, 255]);
    await client.uploadFile('company.team', '/lost.bin', bytes);
    expect(server.log.countsByOperation().createNamespaceFile).toBe(2);
    expect((await client.readFile('company.team', '/lost.bin')).equals(bytes)).toBe(true);
  });

  it('a create whose answer was lost is confirmed by reading the flow, not repeated', async () => {
    server.knobs.failNth({ operationId: 'createFlow', nth: 1, reset: true, phase: 'after' });
    const created = await client.createFlow(flow('lost-answer'));
    expect(created).toMatchObject({ id: 'lost-answer', revision: 1, source: flow('lost-answer') });
    expect(server.log.countsByOperation()).toMatchObject({ createFlow: 1, getFlow: 1 });
  });

  it('a create refused before it happened is posted again', async () => {
    server.knobs.failNth({ operationId: 'createFlow', nth: 1, status: 503 });
    expect((await client.createFlow(flow('second-try'))).revision).toBe(1);
    expect(server.log.countsByOperation()).toMatchObject({ createFlow: 2, getFlow: 1 });
  });

  it('waits as long as a 429 asks, within the cap', async () => {
    server.knobs.failNth({ operationId: 'listFlowsByNamespace', nth: 1, status: 429, retryAfterSeconds: 5 });
    const started = Date.now();
    await client.listFlows('company.team');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280); // the 300 ms cap, not the 1-4 ms backoff
    expect(elapsed).toBeLessThan(3000);
  });

  it('times out on a server slower than the timeout', async () => {
    server.knobs.setLatency({ fixedMs: 500 });
    const slow = testClient(server.url, { timeoutMs: 150, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await failureOf(slow.client.listFlows('company.team'));
    expect(error).toBeInstanceOf(KestraTimeoutError);
    expect(slow.events.map((e) => e.error)).toEqual(['timeout', 'timeout']);
    await slow.client.close();
  });

  it('reports hostile answers clearly', async () => {
    server.knobs.override('listFlowsByNamespace', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><title>Sign in</title></html>');
    });
    await expect(client.listFlows('company.team')).rejects.toThrow(KestraProtocolError);
    server.knobs.override('listFlowsByNamespace', undefined);

    server.knobs.override('getFileContent', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write('.')), 20);
      res.on('close', () => clearInterval(drip));
    });
    const dripping = testClient(server.url, { timeoutMs: 200, retry: { retries: 0 } });
    await expect(dripping.client.readFile('company.team', '/dir/a.txt')).rejects.toThrow(/waiting for the response body/);
    server.knobs.override('getFileContent', undefined);
    await dripping.client.close();
  });
});

describeServer('API tokens against the embedded server', () => {
  let server: EmbeddedServer;
  beforeAll(async () => {
    server = await startKestraServer!({ port: 0, tokens: ['tok-good'] });
  });
  afterAll(async () => server?.close());

  it('accepts a known bearer token and names the token setting when one is refused', async () => {
    const good = testClient(server.url, { auth: { kind: 'bearer', token: 'tok-good' } }).client;
    await expect(good.listKv('company.team')).resolves.toEqual([]);
    const bad = testClient(server.url, { auth: { kind: 'bearer', token: 'tok-bad' } }).client;
    const error = await failureOf(bad.listKv('company.team'));
    expect((error as KestraApiError).status).toBe(401);
    expect(error.message).toContain('rejected the configured API token (KESTRA_API_TOKEN)');
    expect(error.message).not.toContain('tok-bad');
    await Promise.all([good.close(), bad.close()]);
  });
});
