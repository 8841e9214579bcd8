/**
 * Secret calls: the listing of exactly one namespace (all pages, read-only flag, 1.3 fallback),
 * writes and deletes — and a value that travels only in the PUT body, never in a path, a query,
 * an instrumentation event or an error message.
 */
import { KestraApiError, KestraUsageError, type KestraClient, type KestraRequestEvent } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

const VALUE = 's3cr3t-value-that-must-not-leak';

let scripted: ScriptedServer | undefined;
afterEach(async () => scripted?.close());

describe.each([2, 1] as const)('secrets on a %i.x EE server', (major) => {
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

  it('puts, lists exactly one namespace (all pages) and deletes', async () => {
    for (const key of ['A', 'B', 'C']) await client.putSecret('company.team', { key, value: VALUE, description: `about ${key}`, tags: [{ key: 'k', value: key }] });
    await client.putSecret('company.team.child', { key: 'CHILD', value: VALUE });
    await client.putSecret('company', { key: 'PARENT', value: VALUE });
    const listed = await client.listSecrets('company.team');
    expect(listed).toEqual({
      readOnly: false,
      secrets: ['A', 'B', 'C'].map((key) => ({ key, description: `about ${key}`, tags: [{ key: 'k', value: key }] })),
    });
    await client.putSecret('company.team', { key: 'B', value: 'new' });
    expect((await client.listSecrets('company.team')).secrets[1]).toEqual({ key: 'B', tags: [] });
    await client.deleteSecret('company.team', 'A');
    await client.deleteSecret('company.team', 'A'); // already gone: fine
    expect((await client.listSecrets('company.team')).secrets.map((s) => s.key)).toEqual(['B', 'C']);
    const listings = events.filter((e) => e.operation === 'listSecrets');
    expect(listings[0]).toMatchObject({ path: '/api/v1/main/secrets', query: 'filters%5Bnamespace%5D%5BEQUALS%5D=company.team&page=1&size=2' });
    expect(listings.length).toBe(2 + 2 + 1);
    expect(JSON.stringify(events)).not.toContain(VALUE);
  });

  it('refuses an empty key or value before sending, without repeating the value', async () => {
    expect(await failureOf(client.putSecret('ns', { key: '', value: VALUE }))).toBeInstanceOf(KestraUsageError);
    const empty = await failureOf(client.putSecret('ns', { key: 'K', value: '' }));
    expect([empty instanceof KestraUsageError, empty.message]).toEqual([true, 'secret ns/K has an empty value: Kestra requires one']);
    expect(events).toEqual([]);
  });
});

describe.each([2, 1] as const)('secrets on a %i.x open-source server', (major) => {
  let kestra: RunningKestraServer;
  let client: KestraClient;
  beforeAll(async () => {
    kestra = await startKestraServer({ port: 0, kestraMajor: major, ossSecrets: ['GITHUB_TOKEN', 'DB'] });
    ({ client } = testClient(kestra.url, { retry: { retries: 0 } }));
  });
  afterAll(async () => {
    await client.close();
    await kestra.close();
  });

  it('lists the read-only keys, and words a write as an edition matter without the value', async () => {
    expect(await client.listSecrets('any.ns')).toEqual({ readOnly: true, secrets: [{ key: 'DB', tags: [] }, { key: 'GITHUB_TOKEN', tags: [] }] });
    const refused = await failureOf(client.putSecret('any.ns', { key: 'K', value: VALUE }));
    expect(refused).toBeInstanceOf(KestraApiError);
    expect(refused.message).toContain('open-source Kestra reads them from its SECRET_* environment variables');
    expect(refused.message).not.toContain(VALUE);
    // 2.x says no route matched its 404 (X-Kestra-Route-Matched: false): not "already gone". 1.x cannot tell.
    if (major === 2) expect((await failureOf(client.deleteSecret('any.ns', 'K'))).message).toMatch(/HTTP 404.*cannot store secrets/);
    else await client.deleteSecret('any.ns', 'K');
  });
});

describe('listSecrets on a server without GET /secrets', () => {
  it("falls back to 1.3's namespace listing, and keeps only that namespace's secrets", async () => {
    scripted = await startScriptedServer((req, res) => {
      if (req.path === '/api/v1/main/secrets') return sendJson(res, 404, { message: 'Not Found' });
      if (req.path === '/api/v1/main/namespaces/company.team/secrets') {
        const page = Number(req.query.get('page'));
        const results = page === 1 ? [{ key: 'A', namespace: 'company.team', tags: [] }, { key: 'X', namespace: 'other', tags: [] }] : [{ key: 'B', namespace: 'company.team', description: 'b', tags: [{ key: 't', value: 'v' }] }];
        return sendJson(res, 200, { readOnly: false, results, total: 3 });
      }
      sendJson(res, 500, { message: `unexpected ${req.path}` });
    });
    const { client, events } = testClient(scripted.url, { pageSize: 2, retry: { retries: 0 } });
    expect(await client.listSecrets('company.team')).toEqual({ readOnly: false, secrets: [{ key: 'A', tags: [] }, { key: 'B', description: 'b', tags: [{ key: 't', value: 'v' }] }] });
    // Remembered: the next listing goes straight to the namespace listing.
    await client.listSecrets('company.team');
    expect(events.map((e) => e.operation)).toEqual(['listSecrets', 'listNamespaceSecrets', 'listNamespaceSecrets', 'listNamespaceSecrets', 'listNamespaceSecrets']);
    await client.close();
  });

  it('refuses a listing whose items are not secrets', async () => {
    scripted = await startScriptedServer((_req, res) => sendJson(res, 200, { readOnly: false, results: [{ key: 'A', tags: 'x' }], total: 1 }));
    const { client } = testClient(scripted.url);
    expect((await failureOf(client.listSecrets('ns'))).message).toContain('"tags" should be a list');
    await client.close();
  });
});
