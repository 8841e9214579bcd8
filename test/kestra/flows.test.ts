/**
 * Flow reads against a scripted server: the ZIP export (entries matched by YAML id, whatever their
 * names; a 404 reported as the misrouting it is), reads of one flow, and deletes.
 */
import { zipSync, strToU8 } from 'fflate';
import { KestraApiError, KestraProtocolError } from '../../lib/kestra';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { testClient } from './support/client';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const src = (id: string, namespace = 'company.team', extra = '') => `${extra}id: ${id}\nnamespace: ${namespace}\ntasks: []\n`;

function sendZip(res: import('node:http').ServerResponse, entries: Record<string, string | Uint8Array>) {
  const zip = zipSync(Object.fromEntries(Object.entries(entries).map(([name, text]) => [name, typeof text === 'string' ? strToU8(text) : text])));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="flows.zip"' });
  res.end(Buffer.from(zip));
}

describe('exportFlowSources', () => {
  it('maps archive entries to flows by the id in their YAML, keeping the text exactly', async () => {
    const crlf = src('crlf').replace(/\n/g, '\r\n');
    const bom = `\ufeff# kept\n${src('bom')}`;
    const quoted = `id: "quoted"   # a comment\nnamespace: 'company.team'\ntasks: []\n`;
    server = await startScriptedServer((req, res) => {
      expect(req.path).toBe('/api/v1/main/flows/export/by-query');
      expect(req.query.get('filters[namespace][EQUALS]')).toBe('company.team');
      sendZip(res, { 'company.team.one.yml': src('hello'), 'company.team-crlf.yml': crlf, 'x/bom.yaml': bom, 'weird-name.yml': quoted, 'dir/': new Uint8Array() });
    });
    const { client } = testClient(server.url);
    const sources = await client.exportFlowSources('company.team');
    expect([...sources.keys()].sort()).toEqual(['bom', 'crlf', 'hello', 'quoted']);
    expect(sources.get('crlf')).toBe(crlf);
    expect(sources.get('bom')).toBe(bom);
    expect(sources.get('quoted')).toBe(quoted);
    await client.close();
  });

  it('ignores flows of other namespaces a server failed to filter out', async () => {
    server = await startScriptedServer((_req, res) => sendZip(res, { 'a.yml': src('a'), 'b.yml': src('b', 'company.team.child') }));
    const { client } = testClient(server.url);
    expect([...(await client.exportFlowSources('company.team')).keys()]).toEqual(['a']);
    await client.close();
  });

  // kestra-io/kestra#19181: the route is healthy on 2.0.0; a 404 there is a misrouted URL, reported
  // as such at once (no listing, no read per flow).
  it('reports a 404 from the export as a misrouted request: the URL, the status and what to check', async () => {
    server = await startScriptedServer((req, res) =>
      req.path.endsWith('/export/by-query')
        ? sendJson(res, 404, { type: 'https://kestra.io/docs/api-reference/problems/not-found', title: 'Resource not found', status: 404, detail: 'Resource not found' }, { 'x-kestra-route-matched': 'false' })
        : sendJson(res, 200, []),
    );
    const { client, events } = testClient(server.url);
    const error = await client.exportFlowSources('company.team').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KestraApiError);
    expect((error as KestraApiError).status).toBe(404);
    const message = (error as Error).message;
    expect(message).toContain('export the flows of namespace company.team failed with HTTP 404 (GET /api/v1/main/flows/export/by-query): Resource not found');
    expect(message).toContain('X-Kestra-Route-Matched: false');
    expect(message).toContain(`KESTRA_URL is Kestra's own address`);
    expect(message).toContain(server.url);
    expect(message).toContain('kestra-io/kestra#19181');
    expect(events.map((e) => e.operation)).toEqual(['exportFlows']);
    await client.close();
  });

  it('reads an empty namespace as the empty archive Kestra sends, in one request', async () => {
    server = await startScriptedServer((_req, res) => sendZip(res, {}));
    const { client } = testClient(server.url);
    expect((await client.exportFlowSources('empty')).size).toBe(0);
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it.each([
    ['not a ZIP', (res: import('node:http').ServerResponse) => res.end('PK but not really a zip')],
    ['an entry without id', (res: import('node:http').ServerResponse) => sendZip(res, { 'a.yml': 'namespace: company.team\ntasks: []\n' })],
    ['the same flow twice', (res: import('node:http').ServerResponse) => sendZip(res, { 'a.yml': src('a'), 'b.yml': src('a') })],
  ])('rejects an archive with %s', async (_what, answer) => {
    server = await startScriptedServer((_req, res) => answer(res));
    const { client } = testClient(server.url);
    await expect(client.exportFlowSources('company.team')).rejects.toThrow(KestraProtocolError);
    await client.close();
  });

  it('refuses an archive that expands beyond the size cap', async () => {
    server = await startScriptedServer((_req, res) => sendZip(res, { 'a.yml': src('a', 'company.team', `# ${'x'.repeat(200_000)}\n`) }));
    const { client } = testClient(server.url, { maxResponseBytes: 100_000 });
    await expect(client.exportFlowSources('company.team')).rejects.toThrow(/expands beyond 100000 bytes/);
    await client.close();
  });
});

describe('listFlows, getFlow, deleteFlow', () => {
  it('lists summaries without sources', async () => {
    server = await startScriptedServer((_req, res) =>
      sendJson(res, 200, [{ id: 'a', namespace: 'n', revision: 4, disabled: true, deleted: false, updated: '2026-05-01T10:00:00Z', tasks: [{ id: 't' }], tenantId: 'main' }]),
    );
    const { client } = testClient(server.url);
    expect(await client.listFlows('n')).toEqual([{ id: 'a', namespace: 'n', revision: 4, disabled: true, deleted: false, updated: '2026-05-01T10:00:00Z' }]);
    await client.close();
  });

  it('getFlow asks for the source and returns null on 404', async () => {
    server = await startScriptedServer((req, res) =>
      req.path.endsWith('/missing') ? sendJson(res, 404, { message: 'Not Found' }) : sendJson(res, 200, { id: 'a', namespace: 'n', revision: 1, source: src('a', 'n') }),
    );
    const { client } = testClient(server.url);
    expect(await client.getFlow('n', 'a')).toEqual({ id: 'a', namespace: 'n', revision: 1, source: src('a', 'n') });
    expect(server.requests[0].query.get('source')).toBe('true');
    expect(await client.getFlow('n', 'missing')).toBeNull();
    await client.close();
  });

  it('getFlow refuses an answer without the source', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, { id: 'a', namespace: 'n', revision: 1 }));
    const { client } = testClient(server.url);
    await expect(client.getFlow('n', 'a')).rejects.toThrow(/without its source/);
    await client.close();
  });

  it('deleteFlow tells a deletion from a flow already gone', async () => {
    server = await startScriptedServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(204);
        res.end();
      } else sendJson(res, 404, { message: 'Not Found' });
    });
    const { client } = testClient(server.url);
    expect(await client.deleteFlow('n', 'a')).toBe('deleted');
    expect(await client.deleteFlow('n', 'a')).toBe('already-absent');
    await client.close();
  });
});
