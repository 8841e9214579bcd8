/**
 * validateFlows batching against a scripted validate endpoint that splits bodies exactly as
 * Kestra does (regex `\n+---\n*?`) and accepts, or not, the multipart form.
 */
import { Response } from 'undici';
import { parse } from 'yaml';
import { sendJson, startScriptedServer, type RecordedRequest, type ScriptedServer } from './support/scripted-server';
import { testClient } from './support/client';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

function judge(source: string, index: number, filename?: string) {
  let doc: Record<string, unknown> | undefined;
  try {
    doc = parse(source) as Record<string, unknown>;
  } catch {
    doc = undefined;
  }
  const result: Record<string, unknown> = { index, outdated: false, deprecationPaths: [], warnings: [], infos: [] };
  if (filename) result.filename = filename;
  if (doc && typeof doc === 'object') {
    if (doc.id) result.flow = doc.id;
    if (doc.namespace) result.namespace = doc.namespace;
  }
  if (!doc || typeof doc !== 'object' || !doc.tasks) result.constraints = 'tasks: must not be empty';
  if (doc && typeof doc === 'object' && doc.description === 'old') result.warnings = ['uses a deprecated task'];
  return result;
}

async function validateServer(multipart: boolean) {
  server = await startScriptedServer(async (req: RecordedRequest, res) => {
    const type = String(req.headers['content-type']);
    if (type.startsWith('multipart/form-data')) {
      if (!multipart) return sendJson(res, 415, { message: 'Unsupported Media Type' });
      const form = await new Response(req.body, { headers: { 'content-type': type } }).formData();
      const files = form.getAll('flows') as File[];
      return sendJson(res, 200, await Promise.all(files.map(async (f, i) => judge(await f.text(), i, f.name))));
    }
    sendJson(res, 200, req.body.toString('utf8').split(/\n+---\n*?/).map((piece, i) => judge(piece, i)));
  });
  return server;
}

const flow = (i: number, extra = '') => `id: f${i}\nnamespace: company.team\n${extra}tasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "${i}"\n`;

it('validates many flows in few requests, results in input order', async () => {
  const s = await validateServer(true);
  const sources = Array.from({ length: 250 }, (_, i) => (i === 7 ? 'id: f7\nnamespace: company.team\n' : flow(i, i === 9 ? 'description: old\n' : '')));
  const { client, events } = testClient(s.url, { validateBatch: { maxFlowsPerRequest: 100 } });
  const results = await client.validateFlows(sources);
  expect(events.map((e) => `${e.method} ${e.path}`)).toEqual(Array(3).fill('POST /api/v1/main/flows/validate'));
  expect(s.requests.every((r) => r.headers['content-type'] === 'application/x-yaml')).toBe(true);
  expect(results).toHaveLength(250);
  expect(results.map((r) => r.index)).toEqual(sources.map((_, i) => i));
  expect(results.map((r) => r.flowId)).toEqual(sources.map((_, i) => `f${i}`));
  expect(results[7].errors).toBe('tasks: must not be empty');
  expect(results[9].warnings).toEqual(['uses a deprecated task']);
  expect(results.filter((r) => r.errors)).toHaveLength(1);
  expect(results[0]).toEqual({ index: 0, flowId: 'f0', namespace: 'company.team', warnings: [], infos: [], deprecationPaths: [], outdated: false });
  await client.close();
});

it('splits batches by size too', async () => {
  const s = await validateServer(true);
  const big = (i: number) => flow(i, `description: "${'x'.repeat(3000)}"\n`);
  const { client } = testClient(s.url, { validateBatch: { maxBytesPerRequest: 10_000 } });
  const results = await client.validateFlows(Array.from({ length: 10 }, (_, i) => big(i)));
  expect(s.requests.length).toBeGreaterThanOrEqual(4);
  expect(s.requests.every((r) => r.body.length <= 10_000)).toBe(true);
  expect(results.map((r) => r.flowId)).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}`));
  await client.close();
});

it('sends sources holding a "---" line as multipart parts, keeping every result in place', async () => {
  const s = await validateServer(true);
  const withHeader = `# Owned by the data team\n---\n${flow(1)}`;
  const withMarker = `---\n${flow(2)}`;
  const { client } = testClient(s.url);
  const results = await client.validateFlows([flow(0), withHeader, withMarker, flow(3)]);
  expect(results.map((r) => [r.index, r.flowId, r.errors])).toEqual([
    [0, 'f0', undefined],
    [1, 'f1', undefined],
    [2, 'f2', undefined],
    [3, 'f3', undefined],
  ]);
  expect(s.requests.map((r) => String(r.headers['content-type']).split(';')[0])).toEqual(['application/x-yaml', 'multipart/form-data']);
  await client.close();
});

it('falls back to one request per such source when multipart is refused, and says why errors look odd', async () => {
  const s = await validateServer(false);
  const withHeader = `# Owned by the data team\n---\n${flow(4)}`;
  const { client } = testClient(s.url);
  const results = await client.validateFlows([withHeader, `---\n${flow(5)}`]);
  expect(results[0].index).toBe(0);
  expect(results[0].flowId).toBe('f4');
  expect(results[0].errors).toMatch(/^Kestra's validation split this source at its "---" lines into 2 documents: /);
  expect(results[1]).toMatchObject({ index: 1, flowId: 'f5' });
  expect(s.requests.map((r) => String(r.headers['content-type']).split(';')[0])).toEqual(['multipart/form-data', 'application/x-yaml', 'application/x-yaml']);
  await client.close();
});

it('sends nothing for no sources', async () => {
  const s = await validateServer(true);
  const { client } = testClient(s.url);
  expect(await client.validateFlows([])).toEqual([]);
  expect(s.requests).toHaveLength(0);
  await client.close();
});

it('refuses an answer with the wrong number of results', async () => {
  server = await startScriptedServer((_req, res) => sendJson(res, 200, [judge(flow(0), 0)]));
  const { client } = testClient(server.url);
  await expect(client.validateFlows([flow(0), flow(1)])).rejects.toThrow(/answered for 1 flows when 2 were sent/);
  await client.close();
});
