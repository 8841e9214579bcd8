/**
 * The namespace-object calls against the embedded server in both editions and lines: EE CRUD and
 * search, OSS's `{id}` answer and its missing writes worded as such, and what goes on the wire.
 */
import { KestraApiError, KestraUsageError, type KestraClient, type KestraRequestEvent } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { sendJson, startScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

describe.each([2, 1] as const)('namespace objects on a %i.x EE server', (major) => {
  let kestra: RunningKestraServer;
  let client: KestraClient;
  let events: KestraRequestEvent[];
  beforeEach(async () => {
    kestra = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
    ({ client, events } = testClient(kestra.url, { pageSize: 2, retry: { retries: 0 } }));
  });
  afterEach(async () => {
    await client.close();
    await kestra.close();
  });

  it('creates, reads, replaces and deletes one', async () => {
    expect(await client.getNamespace('company.team')).toBeNull();
    const created = await client.createNamespace({ id: 'company.team', description: 'Team', variables: { env: 'prod' }, allowedNamespaces: [{ namespace: 'company.other' }] });
    expect(created).toEqual({ id: 'company.team', description: 'Team', variables: { env: 'prod' }, allowedNamespaces: [{ namespace: 'company.other' }], deleted: false });
    expect(await client.getNamespace('company.team')).toEqual(created);
    expect(await client.updateNamespace({ id: 'company.team', variables: { env: 'dev' } })).toEqual({ id: 'company.team', variables: { env: 'dev' }, deleted: false });
    await client.deleteNamespace('company.team');
    await client.deleteNamespace('company.team'); // already gone: fine
    expect(await client.getNamespace('company.team')).toBeNull();
    expect(events.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'GET /api/v1/main/namespaces/company.team 404',
      'POST /api/v1/main/namespaces 200',
      'GET /api/v1/main/namespaces/company.team 200',
      'PUT /api/v1/main/namespaces/company.team 200',
      'DELETE /api/v1/main/namespaces/company.team 204',
      'DELETE /api/v1/main/namespaces/company.team 404',
      'GET /api/v1/main/namespaces/company.team 404',
    ]);
  });

  it("says what Kestra refused: a taken id, a namespace that holds flows, one that is gone", async () => {
    await client.createNamespace({ id: 'company' });
    const taken = await failureOf(client.createNamespace({ id: 'company' }));
    expect(taken).toBeInstanceOf(KestraApiError);
    expect([(taken as KestraApiError).status, taken.message]).toEqual([409, expect.stringContaining('namespace company already exists in Kestra: import it')]);
    await fetch(`${kestra.url}/api/v1/main/flows`, { method: 'POST', body: FLOW('a', 'company'), headers: { 'Content-Type': 'application/x-yaml' } });
    const busy = await failureOf(client.deleteNamespace('company'));
    expect(busy.message).toContain('while it holds flows');
    const gone = await failureOf(client.updateNamespace({ id: 'nothing' }));
    expect([(gone as KestraApiError).status, gone.message]).toEqual([404, expect.stringContaining('run plan again to create it')]);
    const bad = await failureOf(client.createNamespace({ id: 'Bad Id' }));
    expect((bad as KestraApiError).status).toBe(422);
    expect(await failureOf(client.getNamespace('..'))).toBeInstanceOf(KestraUsageError);
  });

  it('searches every object (all pages), of a prefix and below, without the namespaces of flows', async () => {
    await fetch(`${kestra.url}/api/v1/main/flows`, { method: 'POST', body: FLOW('a', 'flows.only'), headers: { 'Content-Type': 'application/x-yaml' } });
    for (const id of ['company', 'company.team', 'company.team.sub', 'companyx', 'other']) await client.createNamespace({ id, description: id });
    events.length = 0;
    const all = await client.searchNamespaceObjects();
    expect(all.map((n) => n.id)).toEqual(['company', 'company.team', 'company.team.sub', 'companyx', 'other']);
    expect(all[1]).toEqual({ id: 'company.team', description: 'company.team', deleted: false });
    expect((await client.searchNamespaceObjects('company')).map((n) => n.id)).toEqual(['company', 'company.team', 'company.team.sub']);
    expect((await client.searchNamespaceObjects('company.team.sub')).map((n) => n.id)).toEqual(['company.team.sub']);
    const searches = events.filter((e) => e.operation === 'searchNamespaces');
    expect(searches.length).toBe(9); // 3 pages of 2, thrice
    expect(searches[0].query).toBe('existing=true&filters%5BexistingOnly%5D%5BEQUALS%5D=true&page=1&size=2');
    expect(events.filter((e) => e.operation === 'getConfiguration')).toHaveLength(1);
  });
});

describe.each([2, 1] as const)('namespace objects on a %i.x open-source server', (major) => {
  let kestra: RunningKestraServer;
  let client: KestraClient;
  let events: KestraRequestEvent[];
  beforeAll(async () => {
    kestra = await startKestraServer({ port: 0, kestraMajor: major });
    ({ client, events } = testClient(kestra.url, { retry: { retries: 0 } }));
    await fetch(`${kestra.url}/api/v1/main/flows`, { method: 'POST', body: FLOW('a', 'company.team'), headers: { 'Content-Type': 'application/x-yaml' } });
  });
  afterAll(async () => {
    await client.close();
    await kestra.close();
  });

  it("returns OSS's answer for any id as it is, and finds no objects without searching", async () => {
    expect(await client.getNamespace('never.seen')).toEqual({ id: 'never.seen', deleted: false });
    events.length = 0;
    expect(await client.searchNamespaceObjects()).toEqual([]);
    expect(events.map((e) => e.operation)).toEqual(['getConfiguration']);
  });

  it('words the missing writes as an edition matter', async () => {
    for (const attempt of [client.createNamespace({ id: 'company.team' }), client.updateNamespace({ id: 'company.team' }), client.deleteNamespace('company.team')]) {
      const error = await failureOf(attempt);
      expect(error).toBeInstanceOf(KestraApiError);
      expect([404, 405]).toContain((error as KestraApiError).status);
      expect(error.message).toContain('Kestra Enterprise feature');
    }
  });
});

it('sends the spec\'s Namespace (deleted: false added) as JSON, and never retries a create', async () => {
  const bodies: unknown[] = [];
  const server = await startScriptedServer((req, res) => {
    bodies.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(req.body.toString('utf8')) });
    if (req.method === 'POST') return sendJson(res, 503, { message: 'busy' });
    sendJson(res, 200, { id: 'a', deleted: false });
  });
  const { client } = testClient(server.url);
  try {
    await client.updateNamespace({ id: 'a', deleted: true, concurrency: { limit: 1, behavior: 'QUEUE' } });
    expect((await failureOf(client.createNamespace({ id: 'a' }))).message).toContain('HTTP 503');
    expect(bodies).toEqual([
      { method: 'PUT', type: 'application/json', body: { id: 'a', deleted: false, concurrency: { limit: 1, behavior: 'QUEUE' } } },
      { method: 'POST', type: 'application/json', body: { id: 'a', deleted: false } },
    ]);
  } finally {
    await client.close();
    await server.close();
  }
});
