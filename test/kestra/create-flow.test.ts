/**
 * createFlow is not idempotent: after a failure that may hide a success it reads the flow back
 * instead of blindly repeating the POST. A scripted server plays the lost-answer cases.
 */
import { KestraApiError, KestraFlowCreateConflictError, KestraUsageError } from '../../lib/kestra';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

const source = '# a comment Kestra keeps\nid: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
const stored = (text: string, revision = 1) => ({ id: 'hello', namespace: 'company.team', revision, disabled: false, deleted: false, source: text });

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

type Step = 'store-and-reset' | 'reset' | '503' | '422' | 'ok';

/** A server holding at most one flow; POST attempt n behaves as steps[n-1]. */
async function flowServer(steps: Step[], existing?: string) {
  let flowSource = existing;
  let posts = 0;
  server = await startScriptedServer((req, res) => {
    if (req.method === 'GET' && req.path === '/api/v1/main/flows/company.team/hello') {
      expect(req.query.get('source')).toBe('true');
      return flowSource === undefined ? sendJson(res, 404, { message: 'Not Found' }) : sendJson(res, 200, stored(flowSource));
    }
    if (req.method === 'POST' && req.path === '/api/v1/main/flows') {
      expect(req.headers['content-type']).toBe('application/x-yaml');
      const step = steps[posts++] ?? 'ok';
      if (step === 'store-and-reset') {
        flowSource = req.body.toString('utf8');
        return void res.socket?.destroy();
      }
      if (step === 'reset') return void res.socket?.destroy();
      if (step === '503') return sendJson(res, 503, { message: 'Service Unavailable' });
      if (step === '422' || flowSource !== undefined) return sendJson(res, 422, { message: 'Invalid entity: flow.id: Flow id already exists' });
      flowSource = req.body.toString('utf8');
      return sendJson(res, 200, stored(flowSource));
    }
    sendJson(res, 404, { message: 'Not Found' });
  });
  return server;
}

const calls = (s: ScriptedServer) => s.requests.map((r) => `${r.method} ${r.path.replace('/api/v1/main', '')}`);

it('creates a flow with one POST of the exact source', async () => {
  const s = await flowServer(['ok']);
  const { client } = testClient(s.url);
  const created = await client.createFlow(source);
  expect(created).toMatchObject({ id: 'hello', namespace: 'company.team', revision: 1, source });
  expect(s.requests[0].body.toString('utf8')).toBe(source);
  expect(calls(s)).toEqual(['POST /flows']);
  await client.close();
});

it('treats a create whose answer was lost as done when the flow holds the sent source', async () => {
  const s = await flowServer(['store-and-reset']);
  const { client } = testClient(s.url);
  const created = await client.createFlow(source);
  expect(created.source).toBe(source);
  expect(calls(s)).toEqual(['POST /flows', 'GET /flows/company.team/hello']); // no second POST
  await client.close();
});

it('posts again when the failed create did not happen', async () => {
  const s = await flowServer(['reset', '503', 'ok']);
  const { client } = testClient(s.url);
  await client.createFlow(source);
  expect(calls(s)).toEqual(['POST /flows', 'GET /flows/company.team/hello', 'POST /flows', 'GET /flows/company.team/hello', 'POST /flows']);
  await client.close();
});

it('refuses to claim success when the flow appeared with another source', async () => {
  let posted = false;
  server = await startScriptedServer((req, res) => {
    if (req.method === 'POST') {
      posted = true;
      return void res.socket?.destroy();
    }
    return posted ? sendJson(res, 200, stored('id: hello\nnamespace: company.team\ntasks: []\n', 4)) : sendJson(res, 404, {});
  });
  const { client } = testClient(server.url);
  const error = await failureOf(client.createFlow(source));
  expect(error).toBeInstanceOf(KestraFlowCreateConflictError);
  expect(error.message).toContain('create flow company.team/hello');
  expect(error.message).toContain('exists with a different source (revision 4)');
  expect(error.message).toContain('Run plan again');
  await client.close();
});

it('does not retry a rejected create', async () => {
  const s = await flowServer(['422']);
  const { client } = testClient(s.url);
  const error = await failureOf(client.createFlow(source));
  expect(error).toBeInstanceOf(KestraApiError);
  expect((error as KestraApiError).status).toBe(422);
  expect(error.message).toContain('Flow id already exists');
  expect(calls(s)).toEqual(['POST /flows']);
  await client.close();
});

it('gives up after the retry budget', async () => {
  const s = await flowServer(['503', '503', '503', '503']);
  const { client } = testClient(s.url, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
  const error = await failureOf(client.createFlow(source));
  expect((error as KestraApiError).status).toBe(503);
  expect(calls(s).filter((c) => c === 'POST /flows')).toHaveLength(3);
  await client.close();
});

it('needs a source that names its id and namespace', async () => {
  const { client } = testClient('http://127.0.0.1:9');
  await expect(client.createFlow('tasks: []\n')).rejects.toThrow(KestraUsageError);
  await client.close();
});
