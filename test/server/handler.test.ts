/**
 * The plain pipeline (createKestraHandler + listen): it answers as Kestra does, logs every
 * request, and has no test machinery in it — no latency, hold, override or fault code runs.
 */
import { createKestraHandler, listen, type KestraHandler, type KestraHandlerOptions, type Listening } from '../../lib/server';
import { FaultInjector } from '../../lib/server/faults';
import { assembleHandler, type Step } from '../../lib/server/pipeline';
import { answerErrors, sendReply } from '../../lib/server/steps';

const FLOW = (id: string) => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const yaml = { 'Content-Type': 'application/x-yaml' };

async function serve(handler: KestraHandler): Promise<Listening> {
  return listen((req, res) => void handler.handle(req, res));
}

describe('the plain Kestra handler', () => {
  let handler: KestraHandler;
  let server: Listening;
  let base: string;
  const start = async (opts: KestraHandlerOptions = {}) => {
    handler = createKestraHandler(opts);
    server = await serve(handler);
    base = `${server.url}/api/v1/${opts.tenant ?? 'main'}`;
  };
  afterEach(() => server?.close());
  afterEach(() => jest.restoreAllMocks());

  it('is made of Kestra steps only', () => {
    handler = createKestraHandler();
    expect(handler.steps.map((s) => s.name)).toEqual(['sendReply', 'answerErrors', 'readBody', 'checkApiPrefix', 'authenticate', 'matchRoute', 'checkTenant', 'invokeRoute']);
  });

  it('serves flows without running any latency, hold or fault code, and logs each request', async () => {
    const knobCalls = (['delayMs', 'held', 'pick'] as const).map((m) => jest.spyOn(FaultInjector.prototype, m));
    await start();
    const created = await fetch(`${base}/flows`, { method: 'POST', body: FLOW('a'), headers: yaml });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ id: 'a', namespace: 'company.team', revision: 1 });
    expect((await fetch(`${base}/flows/company.team/a?source=true`)).status).toBe(200);
    for (const spy of knobCalls) expect(spy).not.toHaveBeenCalled();
    expect(handler.log.entries()).toEqual([
      expect.objectContaining({ method: 'POST', path: '/api/v1/main/flows', route: '/api/v1/{tenant}/flows', operationId: 'createFlow', status: 200, bytesIn: FLOW('a').length, fault: undefined }),
      expect.objectContaining({ method: 'GET', query: 'source=true', route: '/api/v1/{tenant}/flows/{namespace}/{id}', operationId: 'getFlow', status: 200 }),
    ]);
  });

  it("answers what no route serves with Kestra's 404, 405 and 400 problem documents", async () => {
    await start();
    const missing = await fetch(`${base}/flows/company.team/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.headers.get('x-kestra-edition')).toBe('OSS');
    expect(missing.headers.get('x-kestra-route-matched')).toBe('true');
    // The controller returns null: the 404 status route's document, its detail the title (kestra-io/kestra#19181 shows one).
    expect(await missing.json()).toEqual({ type: 'https://kestra.io/docs/api-reference/problems/not-found', title: 'Resource not found', status: 404, detail: 'Resource not found', instance: '/api/v1/main/flows/company.team/nope' });
    const elsewhere = await fetch(`${server.url}/elsewhere`);
    expect(elsewhere.headers.get('x-kestra-route-matched')).toBe('false');
    expect(await elsewhere.json()).toEqual({ type: 'https://kestra.io/docs/api-reference/problems/not-found', title: 'Resource not found', status: 404, detail: 'Resource not found', instance: '/elsewhere' });
    expect(await (await fetch(`${base}/no/such/route`)).json()).toMatchObject({ status: 404, detail: 'Resource not found', instance: '/api/v1/main/no/such/route' });
    const patch = await fetch(`${base}/flows/company.team/a?x=1`, { method: 'PATCH' });
    expect(patch.headers.get('allow')).toBe('DELETE,PUT,GET');
    expect(await patch.json()).toEqual({
      type: 'https://kestra.io/docs/api-reference/problems/method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      detail: 'Method [PATCH] not allowed for URI [/api/v1/main/flows/company.team/a?x=1]. Allowed methods: [DELETE, PUT, GET]',
      instance: '/api/v1/main/flows/company.team/a',
      errors: [{ detail: 'Method [PATCH] not allowed for URI [/api/v1/main/flows/company.team/a?x=1]. Allowed methods: [DELETE, PUT, GET]' }],
    });
    expect(await (await fetch(`${server.url}/api/v1/other/flows/company.team`)).json()).toMatchObject({ status: 400, detail: "Tenant must be 'main' for OSS version" });
    expect(handler.log.entries().map((e) => [e.status, e.operationId])).toEqual([
      [404, 'getFlow'],
      [404, ''],
      [404, ''],
      [405, ''],
      [400, 'listFlowsByNamespace'],
    ]);
  });

  it('routes paths without a tenant as OSS Kestra does: an alias of the served tenant, or a 404', async () => {
    await start();
    await fetch(`${base}/flows`, { method: 'POST', body: FLOW('a'), headers: yaml });
    // TenantAliasingRooter: a path that matches nothing is tried again below /api/v1/main.
    const aliased = await fetch(`${server.url}/api/v1/flows/company.team`);
    expect(aliased.status).toBe(200);
    expect((await aliased.json()).map((f: { id: string }) => f.id)).toEqual(['a']);
    // Instance paths are no tenant: /api/v1/me (EE) is not tenant "me" (400) but an operation this server lacks.
    for (const p of ['/api/v1/me', '/api/v1/configs/login', '/api/v1/users/u1', '/login']) {
      const r = await fetch(`${server.url}${p}`);
      expect([p, r.status]).toEqual([p, 404]);
      expect(await r.json()).toMatchObject({ title: 'Resource not found', detail: 'Resource not found' });
    }
    // …and /api/v1/configs, which the server has, is the instance's, never the tenant alias's.
    expect(await (await fetch(`${server.url}/api/v1/configs`)).json()).toMatchObject({ edition: 'OSS', version: '2.0.0' });
    expect((await fetch(`${server.url}/api/v1/main/configs`)).status).toBe(404);
  });

  it('speaks Kestra 1.x errors and serves another tenant when configured so', async () => {
    await start({ kestraMajor: 1, tenant: 'acme' });
    const r = await fetch(`${base}/flows/company.team/nope?source=true`);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('x-kestra-edition')).toBeNull();
    // ErrorController's 404 status route (1.x): the reason only, the request URI as self link.
    expect(await r.json()).toEqual({ message: 'Not Found', _links: { self: { href: '/api/v1/acme/flows/company.team/nope?source=true', templated: false } } });
    expect(await (await fetch(`${server.url}/api/v1/me`)).json()).toEqual({ message: 'Not Found', _links: { self: { href: '/api/v1/me', templated: false } } });
    // Micronaut's own 405 body (DefaultJsonErrorResponseBodyProvider, errors always a list).
    const patch = await fetch(`${base}/flows/company.team/a`, { method: 'PATCH' });
    expect(patch.status).toBe(405);
    expect(await patch.json()).toEqual({
      message: 'Method Not Allowed',
      _links: { self: { href: '/api/v1/acme/flows/company.team/a', templated: false } },
      _embedded: { errors: [{ message: 'Method [PATCH] not allowed for URI [/api/v1/acme/flows/company.team/a]. Allowed methods: [DELETE, PUT, GET]' }] },
    });
    expect(await (await fetch(`${server.url}/api/v1/main/flows/company.team`)).json()).toMatchObject({ message: "Bad Request: Tenant must be 'acme' for OSS version" });
  });

  it('asks for credentials before routing, and serves with them', async () => {
    await start({ basicAuth: { username: 'admin', password: 'pw' }, tokens: ['tok'] });
    const refused = await fetch(`${base}/no/such/route`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="Kestra"');
    expect((await fetch(`${base}/flows/company.team`, { headers: { Authorization: 'Bearer tok' } })).status).toBe(200);
  });

  it('refuses a body over the limit with 413, without reading the rest', async () => {
    await start({ maxBodyBytes: 1024 });
    // The server stops reading and drops the connection: the client may see the 413 or a reset.
    const answer = await fetch(`${base}/flows`, { method: 'POST', body: 'x'.repeat(64 * 1024), headers: yaml }).then((r) => r.status, () => 'reset');
    expect([413, 'reset']).toContain(answer);
    expect(handler.log.entries()).toEqual([expect.objectContaining({ status: 413, operationId: '', bytesIn: 0 })]);
  });

  it('answers an unexpected exception in a step with a 500', async () => {
    const crash: Step = {
      name: 'crash',
      run: async () => {
        throw new Error('boom');
      },
    };
    handler = assembleHandler([sendReply(), answerErrors(2), crash], createKestraHandler().log, []);
    server = await serve(handler);
    const r = await fetch(`${server.url}/api/v1/main/flows`);
    expect(r.status).toBe(500);
    expect(await r.json()).toMatchObject({ title: 'Internal server error', detail: 'unexpected failure: boom' });
  });
});
