/**
 * KV listing (paged search, fallback to the pre-1.2 listing), reads, writes and deletes, against
 * a scripted server that checks what the client sends.
 */
import { KestraKvExpiredError, KestraProtocolError, KestraUsageError } from '../../lib/kestra';
import { sendJson, startScriptedServer, type RecordedRequest, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const entry = (i: number, namespace = 'company.team') => ({
  namespace,
  key: `key-${String(i).padStart(4, '0')}`,
  revision: 1,
  creationDate: '2026-01-01T00:00:00Z',
  updateDate: '2026-01-02T00:00:00Z',
});

/** Answers GET /kv like Kestra: filters[namespace][EQUALS], 1-based page, size capped at `cap`. */
function pagedSearch(all: object[], cap = Infinity) {
  return (req: RecordedRequest) => {
    const namespace = req.query.get('filters[namespace][EQUALS]');
    const page = Number(req.query.get('page') ?? 1);
    const size = Math.min(Number(req.query.get('size') ?? 10), cap);
    const matching = all.filter((e) => (e as { namespace: string }).namespace === namespace);
    return { results: matching.slice((page - 1) * size, page * size), total: matching.length };
  };
}

describe('listKv', () => {
  it('fetches every page of the search', async () => {
    const all = Array.from({ length: 250 }, (_, i) => entry(i)).reverse();
    const answer = pagedSearch([...all, entry(1, 'other.ns')]);
    server = await startScriptedServer((req, res) => sendJson(res, 200, answer(req)));
    const { client, events } = testClient(server.url, { pageSize: 100 });
    const listed = await client.listKv('company.team');
    expect(listed).toHaveLength(250);
    expect(listed[0]).toEqual({ key: 'key-0000', revision: 1, creationDate: '2026-01-01T00:00:00Z', updateDate: '2026-01-02T00:00:00Z' });
    expect(listed.map((e) => e.key)).toEqual([...listed.map((e) => e.key)].sort());
    expect(events.map((e) => e.query)).toEqual([1, 2, 3].map((p) => `filters%5Bnamespace%5D%5BEQUALS%5D=company.team&page=${p}&size=100`));
    await client.close();
  });

  it('copes with a server that caps the page size below the one asked', async () => {
    const answer = pagedSearch(Array.from({ length: 95 }, (_, i) => entry(i)), 20);
    server = await startScriptedServer((req, res) => sendJson(res, 200, answer(req)));
    const { client, events } = testClient(server.url, { pageSize: 100 });
    expect(await client.listKv('company.team')).toHaveLength(95);
    expect(events).toHaveLength(5);
    await client.close();
  });

  it('reads 1.2-1.3 `version` as the revision and drops other namespaces a server failed to filter', async () => {
    server = await startScriptedServer((_req, res) =>
      sendJson(res, 200, { results: [{ namespace: 'company.team', key: 'a', version: 7 }, { namespace: 'elsewhere', key: 'b', version: 1 }], total: 2 }),
    );
    const { client } = testClient(server.url);
    expect(await client.listKv('company.team')).toEqual([{ key: 'a', revision: 7 }]);
    await client.close();
  });

  it('falls back to GET /namespaces/{ns}/kv when the search route is missing, and remembers it', async () => {
    server = await startScriptedServer((req, res) => {
      if (req.path === '/api/v1/main/kv') return sendJson(res, 404, { message: 'Page Not Found' });
      sendJson(res, 200, [{ key: 'z', creationDate: '2025-01-01T00:00:00Z' }, { key: 'a', description: 'first', expirationDate: '2030-01-01T00:00:00Z' }]);
    });
    const { client, events } = testClient(server.url);
    expect(await client.listKv('company.team')).toEqual([
      { key: 'a', description: 'first', expirationDate: '2030-01-01T00:00:00Z' },
      { key: 'z', creationDate: '2025-01-01T00:00:00Z' },
    ]);
    await client.listKv('other.ns');
    expect(events.map((e) => `${e.status} ${e.path}`)).toEqual([
      '404 /api/v1/main/kv',
      '200 /api/v1/main/namespaces/company.team/kv',
      '200 /api/v1/main/namespaces/other.ns/kv',
    ]);
    await client.close();
  });

  it('does not fall back once the search route answered', async () => {
    server = await startScriptedServer((_req, res, n) => (n === 1 ? sendJson(res, 200, { results: [], total: 0 }) : sendJson(res, 404, { message: 'Not Found' })));
    const { client } = testClient(server.url);
    await client.listKv('a');
    await expect(client.listKv('b')).rejects.toThrow(/HTTP 404/);
    await client.close();
  });
});

describe('getKv', () => {
  it('returns the type, the JSON value and the revision', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, { type: 'JSON', value: { a: [1] }, revision: 3, updated: '2026-02-02T00:00:00Z' }));
    const { client } = testClient(server.url);
    expect(await client.getKv('company.team', 'cfg')).toEqual({ type: 'JSON', value: { a: [1] }, revision: 3, updated: '2026-02-02T00:00:00Z' });
    expect(server.requests[0].path).toBe('/api/v1/main/namespaces/company.team/kv/cfg');
    await client.close();
  });

  it('returns null for a missing key', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 404, { message: "Not Found: No value found for key 'k' in namespace 'n'" }));
    const { client } = testClient(server.url);
    expect(await client.getKv('n', 'k')).toBeNull();
    await client.close();
  });

  it('reports an expired key distinctly', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 410, { message: 'Resource has expired: The requested value has expired' }));
    const { client, events } = testClient(server.url);
    const error = await failureOf(client.getKv('n', 'k'));
    expect(error).toBeInstanceOf(KestraKvExpiredError);
    expect(error.message).toContain('read KV n/k failed with HTTP 410');
    expect(error.message).toContain('The requested value has expired');
    expect(error.message).toContain('put it again');
    expect(events).toHaveLength(1);
    await client.close();
  });

  it('refuses a type it does not know', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, { type: 'BLOB', value: 'x' }));
    const { client } = testClient(server.url);
    await expect(client.getKv('n', 'k')).rejects.toThrow(KestraProtocolError);
    await client.close();
  });
});

describe('putKv and deleteKv', () => {
  it('sends the typed text/plain body with the ttl and description headers', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const { client } = testClient(server.url);
    await client.putKv('company.team', 'answer', { type: 'STRING', value: '42' }, { ttl: 'PT1H', description: 'the answer' });
    await client.putKv('company.team', 'when', { type: 'DATETIME', value: '2026-03-01T12:00:00+01:00' });
    const [first, second] = server.requests;
    expect(first.method).toBe('PUT');
    expect(first.path).toBe('/api/v1/main/namespaces/company.team/kv/answer');
    expect(first.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(first.headers.ttl).toBe('PT1H');
    expect(first.headers.description).toBe('the answer');
    expect(first.body.toString('utf8')).toBe('"42"');
    expect(second.body.toString('utf8')).toBe('2026-03-01T11:00:00Z');
    expect(second.headers.ttl).toBeUndefined();
    await client.close();
  });

  it('sends non-ASCII strings as UTF-8', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const { client } = testClient(server.url);
    await client.putKv('n', 'k', { type: 'STRING', value: 'Grüße 👋' });
    expect(server.requests[0].body.toString('utf8')).toBe('"Grüße 👋"');
    await client.close();
  });

  it('refuses values and headers it cannot send faithfully, before any request', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, true));
    const { client } = testClient(server.url);
    await expect(client.putKv('n', 'k', { type: 'NUMBER', value: 'forty-two' })).rejects.toThrow(KestraUsageError);
    await expect(client.putKv('n', 'k', { type: 'STRING', value: 'x' }, { description: 'déjà vu' })).rejects.toThrow(/printable ASCII/);
    await expect(client.putKv('n', 'k', { type: 'STRING', value: 'x' }, { description: 'two\nlines' })).rejects.toThrow(KestraUsageError);
    await expect(client.putKv('n', 'k', { type: 'STRING', value: 'x' }, { ttl: '1 hour' })).rejects.toThrow(/ISO-8601 duration/);
    expect(server.requests).toHaveLength(0);
    await client.close();
  });

  it('deleteKv tells whether there was something to delete', async () => {
    server = await startScriptedServer((_req, res, n) => sendJson(res, 200, n === 1));
    const { client } = testClient(server.url);
    expect(await client.deleteKv('n', 'k')).toBe(true);
    expect(await client.deleteKv('n', 'k')).toBe(false);
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    await client.close();
  });
});
