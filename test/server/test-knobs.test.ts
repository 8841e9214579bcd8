/**
 * The test knobs wrap the plain handler: latency, holds, overrides and injected faults (before
 * or after the route's effect), logged with their fault labels; startKestraServer puts them in
 * only when asked for (options or first use of `knobs`).
 */
import { createKestraHandler, listen, startKestraServer, withTestKnobs, type KnobbedHandler, type Listening } from '../../lib/server';
import { FaultInjector } from '../../lib/server/faults';

const FLOW = (id: string) => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const yaml = { 'Content-Type': 'application/x-yaml' };
const settled = (p: Promise<unknown>) => Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);

describe('withTestKnobs', () => {
  let handler: KnobbedHandler;
  let server: Listening;
  let base: string;
  beforeEach(async () => {
    handler = withTestKnobs(createKestraHandler());
    server = await listen((req, res) => void handler.handle(req, res));
    base = `${server.url}/api/v1/main`;
  });
  afterEach(() => server.close());
  afterEach(() => jest.restoreAllMocks());

  it('puts latency and holds after the body is read, overrides and faults once the route is known', () => {
    const plain = createKestraHandler();
    const wrapped = withTestKnobs(plain);
    expect(wrapped.steps.map((s) => s.name)).toEqual(['sendReply', 'answerErrors', 'readBody', 'injectLatency', 'waitWhileHeld', 'checkApiPrefix', 'authenticate', 'matchRoute', 'overrideResponses', 'injectFaults', 'checkTenant', 'invokeRoute']);
    expect(plain.steps).toHaveLength(8); // the plain handler is left as it was
    expect(wrapped.log).toBe(plain.log);
    expect(wrapped.routes).toBe(plain.routes);
  });

  it('delays every answer by the latency set', async () => {
    handler.knobs.setLatency({ fixedMs: 60 });
    const t0 = Date.now();
    expect((await fetch(`${base}/flows/company.team`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    expect(handler.log.entries()[0].ms).toBeGreaterThanOrEqual(55);
  });

  it("fails the Nth request in the 'after' phase: the write happened, the client saw the error", async () => {
    handler.knobs.failNth({ operationId: 'createFlow', nth: 1, status: 503, phase: 'after' });
    const failed = await fetch(`${base}/flows`, { method: 'POST', body: FLOW('after'), headers: yaml });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ title: 'Service unavailable', detail: 'injected 503 (test fault)' });
    expect((await fetch(`${base}/flows/company.team/after`)).status).toBe(200);
    expect(handler.log.entries()).toEqual([
      expect.objectContaining({ method: 'POST', route: '/api/v1/{tenant}/flows', operationId: 'createFlow', status: 503, fault: 'rule:nth=1:503' }),
      expect.objectContaining({ operationId: 'getFlow', status: 200, fault: undefined }),
    ]);
    expect(handler.log.writes().map((w) => w.operationId)).toEqual(['createFlow']);
  });

  it("fails in the 'before' phase without the write, and replaces a refusal in the 'after' phase", async () => {
    handler.knobs.failNth({ operationId: 'createFlow', nth: 1, status: 502 });
    expect((await fetch(`${base}/flows`, { method: 'POST', body: FLOW('before'), headers: yaml })).status).toBe(502);
    expect((await fetch(`${base}/flows/company.team/before`)).status).toBe(404);
    handler.knobs.failNth({ operationId: 'updateFlow', nth: 1, status: 504, phase: 'after' });
    expect((await fetch(`${base}/flows/company.team/missing`, { method: 'PUT', body: FLOW('missing'), headers: yaml })).status).toBe(504);
  });

  it('answers 429 with Retry-After, and resets connections, each logged with its label', async () => {
    handler.knobs.setFaults({ tooManyRequestsRate: 1, retryAfterSeconds: 3 });
    const limited = await fetch(`${base}/flows/company.team`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    handler.knobs.clearFaults();
    handler.knobs.failNth({ operationId: 'listFlowsByNamespace', nth: 1, reset: true });
    await expect(fetch(`${base}/flows/company.team`)).rejects.toThrow();
    expect((await fetch(`${base}/flows/company.team`)).status).toBe(200);
    expect(handler.log.entries().map((e) => [e.status, e.fault])).toEqual([
      [429, 'random:429'],
      [0, 'rule:nth=1:reset'],
      [200, undefined],
    ]);
  });

  it('holds requests until released', async () => {
    const release = handler.knobs.hold();
    const pending = fetch(`${base}/flows/company.team`);
    expect(await settled(pending)).toBe(false);
    expect(handler.log.entries()).toEqual([]);
    release();
    expect((await pending).status).toBe(200);
    expect((await fetch(`${base}/flows/company.team`)).status).toBe(200); // released holds stay released
  });

  it('lets an override write the answer, and restores the real one', async () => {
    handler.knobs.override('listFlowsByNamespace', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>');
    });
    expect(await (await fetch(`${base}/flows/company.team`)).text()).toBe('<html>Sign in</html>');
    handler.knobs.override('listFlowsByNamespace', undefined);
    expect(await (await fetch(`${base}/flows/company.team`)).json()).toEqual([]);
    expect(handler.log.entries().map((e) => [e.operationId, e.status, e.fault])).toEqual([
      ['listFlowsByNamespace', 200, 'override'],
      ['listFlowsByNamespace', 200, undefined],
    ]);
  });
});

describe('startKestraServer', () => {
  afterEach(() => jest.restoreAllMocks());

  it('serves the plain pipeline until the knobs are used, then the wrapped one', async () => {
    const pick = jest.spyOn(FaultInjector.prototype, 'pick');
    const s = await startKestraServer({ port: 0 });
    try {
      const list = () => fetch(`${s.url}/api/v1/main/flows/company.team`);
      expect((await list()).status).toBe(200);
      expect(pick).not.toHaveBeenCalled();
      s.knobs.failNth({ operationId: 'listFlowsByNamespace', nth: 1, status: 503 });
      expect((await list()).status).toBe(503);
      expect(pick).toHaveBeenCalledTimes(1);
      expect(s.log.entries().map((e) => e.fault)).toEqual([undefined, 'rule:nth=1:503']);
    } finally {
      await s.close();
    }
  });

  it('starts with the knobs when latency or faults are given', async () => {
    const s = await startKestraServer({ port: 0, latency: { fixedMs: 60 } });
    try {
      const t0 = Date.now();
      await fetch(`${s.url}/api/v1/main/flows/company.team`);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    } finally {
      await s.close();
    }
  });
});
