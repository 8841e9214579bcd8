/**
 * Contract: every request the Kestra client sends, in a scenario that calls every public method
 * (and takes each fallback path), hits an operation of Kestra's OpenAPI spec with that method,
 * only declared query parameters (required ones present), a declared body media type and, for
 * multipart bodies, declared part names. Requests made only as fallbacks for older servers are
 * checked against the 1.3 spec; all others against 2.0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Response } from 'undici';
import { zipSync, strToU8 } from 'fflate';
import { KestraClient, type KestraRequestEvent } from '../../lib/kestra';
import { sendJson, startScriptedServer, type RecordedRequest, type ScriptedServer } from '../kestra/support/scripted-server';
import { SPEC_DIR, declaredParameterFor, loadSpec, matchOperation, type Spec } from './client-spec';
import { describeWithShared } from '../support/shared';

const describeContract = (name: string, fn: () => void) => describeWithShared('kestra-api', name, fn, path.join(SPEC_DIR, 'openapi-ee-1.3.yml'));

/** Routes the client calls only on servers older than the 2.0 spec. */
const LEGACY_ONLY = new Set(['GET /api/v1/{tenant}/namespaces/{namespace}/kv']);

const flowSource = (id: string) => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

/** Plausible answers for each route the client uses; `modern` false plays a pre-1.2 server. */
function kestraLike(state: { modern: boolean }) {
  return async (req: RecordedRequest, res: import('node:http').ServerResponse) => {
    const p = req.path.replace(/^\/api\/v1\/main/, '');
    const ok = () => {
      res.writeHead(200);
      res.end();
    };
    if (req.method === 'GET' && p === '/flows/distinct-namespaces') return sendJson(res, 200, ['company.team']);
    if (req.method === 'GET' && p === '/namespaces/search') return sendJson(res, 200, { results: [{ id: 'company' }, { id: 'company.team' }], total: 2 });
    if (req.method === 'GET' && p === '/flows/export/by-query') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.from(zipSync({ 'company.team-hello.yml': strToU8(flowSource('hello')) })));
    }
    if (req.method === 'POST' && p === '/flows/validate') {
      const type = String(req.headers['content-type']);
      const count = type.startsWith('multipart/')
        ? (await new Response(req.body, { headers: { 'content-type': type } }).formData()).getAll('flows').length
        : req.body.toString('utf8').split(/\n+---\n*?/).length;
      return sendJson(res, 200, Array.from({ length: count }, (_, index) => ({ index, outdated: false })));
    }
    if (req.method === 'POST' && p === '/flows') return sendJson(res, 200, { id: 'hello', namespace: 'company.team', revision: 1, source: req.body.toString('utf8') });
    if (p === '/flows/company.team') return sendJson(res, 200, [{ id: 'hello', namespace: 'company.team', revision: 1 }]);
    if (p === '/flows/company.team/hello') {
      if (req.method === 'DELETE') {
        res.writeHead(204);
        return res.end();
      }
      return sendJson(res, 200, { id: 'hello', namespace: 'company.team', revision: 2, source: flowSource('hello') });
    }
    if (p === '/namespaces/company.team/files/directory') {
      if (req.method === 'POST') return ok();
      const dir = req.query.get('path');
      return sendJson(res, 200, dir === null ? [{ fileName: 'scripts', type: 'Directory' }, { fileName: 'a.txt', type: 'File', size: 1 }] : [{ fileName: 'b.py', type: 'File', size: 2 }]);
    }
    if (p === '/namespaces/company.team/files/stats') return sendJson(res, 200, { fileName: 'b.py', type: 'File', size: 2, lastModifiedTime: 1, creationTime: 1, metadata: {} });
    if (p === '/namespaces/company.team/files') {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end('x');
      }
      return ok();
    }
    if (p === '/kv') return state.modern ? sendJson(res, 200, { results: [{ namespace: 'company.team', key: 'k', revision: 1 }], total: 1 }) : sendJson(res, 404, { message: 'Not Found' });
    if (p === '/namespaces/company.team/kv') return sendJson(res, 200, [{ key: 'k' }]);
    if (p === '/namespaces/company.team/kv/k') {
      if (req.method === 'GET') return sendJson(res, 200, { type: 'STRING', value: 'v' });
      if (req.method === 'DELETE') return sendJson(res, 200, true);
      return ok();
    }
    sendJson(res, 404, { message: `no scripted answer for ${req.method} ${req.path}` });
  };
}

const serverEntry = path.resolve(__dirname, '..', '..', 'lib', 'server', 'index.ts');

/** The same scenario against the embedded server, when it exists, recorded through onRequest. */
async function embeddedServerRequests(): Promise<KestraRequestEvent[]> {
  if (!fs.existsSync(serverEntry)) {
    console.warn(`client-requests: ${serverEntry} is absent; the scenario runs against the scripted server only`);
    return [];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startKestraServer } = require(serverEntry) as { startKestraServer: (o: { port: number }) => Promise<{ url: string; close(): Promise<void> }> };
  const server = await startKestraServer({ port: 0 });
  const events: KestraRequestEvent[] = [];
  const client = new KestraClient({ url: server.url, retry: { retries: 0 }, onRequest: (e) => events.push(e) });
  try {
    await client.uploadFile('company.team', '/a.txt', Buffer.from('a'));
    await client.putKv('company.team', 'k', { type: 'STRING', value: 'v' });
    await scenario(client);
  } finally {
    await client.close();
    await server.close();
  }
  return events;
}

async function scenario(client: KestraClient): Promise<void> {
  await client.listNamespaces();
  await client.listFlows('company.team');
  await client.getFlow('company.team', 'hello');
  await client.exportFlowSources('company.team');
  await client.createFlow(flowSource('hello'));
  await client.updateFlow('company.team', 'hello', flowSource('hello'));
  // The third source holds a `---` line: it goes in the multipart form (part `flows`).
  await client.validateFlows([flowSource('a'), flowSource('b'), `# header\n---\n${flowSource('c')}`]);
  await client.deleteFlow('company.team', 'hello');
  await client.listFiles('company.team');
  await client.readFile('company.team', '/a.txt');
  await client.uploadFile('company.team', '/scripts/b.py', Buffer.from('print(1)\n'));
  await client.createDirectory('company.team', '/scripts');
  await client.statFile('company.team', '/scripts/b.py');
  await client.listDirectory('company.team', '/scripts');
  await client.deleteFile('company.team', '/a.txt');
  await client.listKv('company.team');
  await client.getKv('company.team', 'k');
  await client.putKv('company.team', 'k', { type: 'JSON', value: '{"a":1}' }, { ttl: 'PT1H', description: 'd' });
  await client.deleteKv('company.team', 'k');
}

describeContract('client requests against the Kestra OpenAPI spec', () => {
  let v2: Spec;
  let v13: Spec;
  const recorded: RecordedRequest[] = [];
  const servers: ScriptedServer[] = [];
  let embedded: KestraRequestEvent[] = [];

  beforeAll(async () => {
    v2 = loadSpec('openapi-ee.yml');
    v13 = loadSpec('openapi-ee-1.3.yml');
    for (const modern of [true, false]) {
      const server = await startScriptedServer(kestraLike({ modern }));
      servers.push(server);
      const client = new KestraClient({ url: server.url, retry: { retries: 0 } });
      await scenario(client);
      await client.close();
      recorded.push(...server.requests);
    }
    embedded = await embeddedServerRequests();
  });

  afterAll(async () => Promise.all(servers.map((s) => s.close())));

  it('exercises every route the client knows', () => {
    const routes = new Set(recorded.map((r) => `${r.method} ${matchOperation(v2, r.method, r.path)?.template ?? matchOperation(v13, r.method, r.path)?.template}`));
    expect([...routes].sort()).toEqual(
      [
        'DELETE /api/v1/{tenant}/flows/{namespace}/{id}',
        'DELETE /api/v1/{tenant}/namespaces/{namespace}/files',
        'DELETE /api/v1/{tenant}/namespaces/{namespace}/kv/{key}',
        'GET /api/v1/{tenant}/flows/distinct-namespaces',
        'GET /api/v1/{tenant}/flows/export/by-query',
        'GET /api/v1/{tenant}/flows/{namespace}',
        'GET /api/v1/{tenant}/flows/{namespace}/{id}',
        'GET /api/v1/{tenant}/kv',
        'GET /api/v1/{tenant}/namespaces/search',
        'GET /api/v1/{tenant}/namespaces/{namespace}/files',
        'GET /api/v1/{tenant}/namespaces/{namespace}/files/directory',
        'GET /api/v1/{tenant}/namespaces/{namespace}/files/stats',
        'GET /api/v1/{tenant}/namespaces/{namespace}/kv',
        'GET /api/v1/{tenant}/namespaces/{namespace}/kv/{key}',
        'POST /api/v1/{tenant}/flows',
        'POST /api/v1/{tenant}/flows/validate',
        'POST /api/v1/{tenant}/namespaces/{namespace}/files',
        'POST /api/v1/{tenant}/namespaces/{namespace}/files/directory',
        'PUT /api/v1/{tenant}/flows/{namespace}/{id}',
        'PUT /api/v1/{tenant}/namespaces/{namespace}/kv/{key}',
      ].sort(),
    );
  });

  it('sends only requests the spec declares', async () => {
    const problems: string[] = [];
    for (const request of recorded) {
      const label = `${request.method} ${request.path}?${request.query.toString()}`;
      const legacy = matchOperation(v13, request.method, request.path);
      const modern = matchOperation(v2, request.method, request.path);
      const operation = modern ?? (legacy && LEGACY_ONLY.has(`${request.method} ${legacy.template}`) ? legacy : undefined);
      if (!operation) {
        problems.push(`${label}: no such operation in ${v2.file}`);
        continue;
      }
      const spec = modern ? v2 : v13;
      for (const key of new Set(request.query.keys())) {
        if (!declaredParameterFor(key, operation.queryParameters)) problems.push(`${label}: query parameter "${key}" is not declared by ${operation.operationId} (${spec.file})`);
      }
      for (const parameter of operation.queryParameters.filter((p) => p.required)) {
        if (![...request.query.keys()].some((key) => declaredParameterFor(key, [parameter]))) problems.push(`${label}: required query parameter "${parameter.name}" is missing`);
      }
      const contentType = request.headers['content-type'];
      if (request.body.length > 0 || contentType) {
        const mediaType = String(contentType ?? '').split(';')[0].trim();
        if (!operation.bodyMediaTypes.includes(mediaType)) problems.push(`${label}: body media type "${mediaType}" is not one of ${JSON.stringify(operation.bodyMediaTypes)}`);
        if (mediaType === 'multipart/form-data' && operation.multipartParts) {
          const form = await new Response(request.body, { headers: { 'content-type': String(contentType) } }).formData();
          for (const name of new Set(form.keys())) {
            if (!operation.multipartParts.includes(name)) problems.push(`${label}: multipart part "${name}" is not declared (${operation.multipartParts.join(', ')})`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('sends only declared paths and query parameters to the embedded server too', () => {
    if (fs.existsSync(serverEntry)) {
      expect(embedded.length).toBeGreaterThan(15);
      // The multipart validate is served: one YAML batch and one multipart batch, both answered (no 415, no fallback).
      expect(embedded.filter((e) => e.operation === 'validateFlows').map((e) => e.status)).toEqual([200, 200]);
    }
    const problems: string[] = [];
    for (const event of embedded) {
      const operation = matchOperation(v2, event.method, event.path);
      if (!operation) {
        problems.push(`${event.method} ${event.path}: no such operation in ${v2.file}`);
        continue;
      }
      for (const key of new Set(new URLSearchParams(event.query).keys())) {
        if (!declaredParameterFor(key, operation.queryParameters)) problems.push(`${event.method} ${event.path}?${event.query}: "${key}" is not declared`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds a wrong request (the check itself can fail)', () => {
    expect(matchOperation(v2, 'PATCH', '/api/v1/main/flows/company.team/hello')).toBeUndefined();
    expect(matchOperation(v2, 'GET', '/api/v1/main/namespaces/company.team/kv')).toBeUndefined(); // removed in 2.0
    const kvList = matchOperation(v2, 'GET', '/api/v1/main/kv')!;
    expect(declaredParameterFor('filters[namespace][EQUALS]', kvList.queryParameters)).toBeDefined();
    expect(declaredParameterFor('namespace', kvList.queryParameters)).toBeUndefined();
    expect(matchOperation(v2, 'GET', '/api/v1/main/flows/export/by-query')!.operationId).toBe('exportFlowsByQuery');
  });
});
