/**
 * The edition the embedded server plays: which operations an `oss` server does not offer (the
 * EE-marked ones of its line, and on 2.x the dashboard writes open-source 2.0 dropped), that the
 * router withholds such a route whoever registers it, the edition header of 404s, and
 * `GET /api/v1/configs`.
 */
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { Router, type Route } from '../../lib/server/router';
import { KESTRA_PATHS } from '../../lib/server/kestra-paths';
import { EMULATED_VERSION, eeOperations, notOfferedOperations, offerGate, parseEdition, OSS_2X_WITHDRAWN } from '../../lib/server/edition';

const route = (method: string, template: string, operationId: string): Route => ({ method, template, operationId, query: [], handler: () => ({ status: 200, json: operationId }) });

describe('which operations an edition offers', () => {
  it('parses oss and ee, in any case, and nothing else', () => {
    expect(['oss', 'EE', ' Ee '].map(parseEdition)).toEqual(['oss', 'ee', 'ee']);
    expect(['', 'enterprise', 'os'].map(parseEdition)).toEqual([undefined, undefined, undefined]);
  });

  it('takes the EE operations of each line from the reserved paths', () => {
    const v2 = eeOperations(KESTRA_PATHS, 2);
    const v1 = eeOperations(KESTRA_PATHS, 1);
    for (const op of ['POST /api/v1/{tenant}/namespaces', 'PUT /api/v1/{tenant}/namespaces/{id}', 'PUT /api/v1/{tenant}/namespaces/{namespace}/secrets', 'POST /api/v1/{tenant}/apps']) {
      expect([op, v2.has(op), v1.has(op)]).toEqual([op, true, true]);
    }
    for (const op of ['GET /api/v1/{tenant}/namespaces/{id}', 'GET /api/v1/{tenant}/secrets', 'GET /api/v1/configs', 'POST /api/v1/{tenant}/flows', 'POST /api/v1/{tenant}/dashboards']) {
      expect([op, v2.has(op), v1.has(op)]).toEqual([op, false, false]);
    }
    // 1.3-only EE operations, and a 2.0-only one.
    expect(v1.has('GET /api/v1/{tenant}/namespaces/{id}/inherited-plugindefaults')).toBe(true);
    expect(v2.has('GET /api/v1/{tenant}/namespaces/{id}/inherited-plugindefaults')).toBe(false);
    expect(v1.has('GET /api/v1/{tenant}/namespaces/{namespace}/secrets')).toBe(false);
    expect(v2.size).toBe(321);
  });

  it('withholds the dashboard writes from open-source 2.x only', () => {
    const writes = OSS_2X_WITHDRAWN.map(([m, t]) => `${m} ${t}`);
    expect(writes).toEqual(['POST /api/v1/{tenant}/dashboards', 'PUT /api/v1/{tenant}/dashboards/{id}', 'DELETE /api/v1/{tenant}/dashboards/{id}']);
    const has = (set: Set<string>) => writes.map((w) => set.has(w));
    expect(has(notOfferedOperations(KESTRA_PATHS, 'oss', 2))).toEqual([true, true, true]);
    expect(has(notOfferedOperations(KESTRA_PATHS, 'oss', 1))).toEqual([false, false, false]);
    expect(notOfferedOperations(KESTRA_PATHS, 'ee', 2).size).toBe(0);
    expect(offerGate(KESTRA_PATHS, 'oss', 2)('GET', '/api/v1/{tenant}/dashboards/{id}')).toBe(true);
    expect(offerGate(KESTRA_PATHS, 'oss', 2)('DELETE', '/api/v1/{tenant}/dashboards/{id}')).toBe(false);
  });

  it('never serves a route the edition does not offer, whoever registers it', () => {
    for (const [edition, served] of [['oss', ['getNamespace']], ['ee', ['getNamespace', 'updateNamespace', 'createNamespace']]] as const) {
      const router = new Router(KESTRA_PATHS, offerGate(KESTRA_PATHS, edition, 2));
      router.add(route('GET', '/namespaces/{id}', 'getNamespace'));
      router.add(route('PUT', '/namespaces/{id}', 'updateNamespace'));
      router.add(route('POST', '/namespaces', 'createNamespace'));
      expect(router.list().map((r) => r.operationId)).toEqual(served);
      if (edition === 'oss') {
        expect(router.listWithheld().map((r) => r.operationId)).toEqual(['updateNamespace', 'createNamespace']);
        // Kestra's path stays reserved: not offered (405 with GET allowed; 404 where nothing is served).
        expect(router.resolve('PUT', '/api/v1/main/namespaces/a', 'main')).toEqual({ kind: 'not-offered', template: '/api/v1/{tenant}/namespaces/{id}', allowed: ['GET'] });
        expect(router.resolve('POST', '/api/v1/main/namespaces', 'main')).toEqual({ kind: 'not-offered', template: '/api/v1/{tenant}/namespaces', allowed: [] });
      } else {
        expect(router.resolve('PUT', '/api/v1/main/namespaces/a', 'main')).toMatchObject({ kind: 'route', route: { operationId: 'updateNamespace' }, params: { id: 'a' } });
      }
    }
  });

  it('routes an instance route outside the tenant, as the served tenant', () => {
    const router = new Router(KESTRA_PATHS);
    router.add({ ...route('GET', '/configs', 'getConfiguration'), instance: true });
    expect(router.resolve('GET', '/api/v1/configs', 'acme')).toMatchObject({ kind: 'route', route: { operationId: 'getConfiguration' }, tenant: 'acme', params: {} });
    expect(router.resolve('GET', '/api/v1/acme/configs', 'acme')).toEqual({ kind: 'miss', allowed: [] });
  });
});

describe.each([2, 1] as const)('the %i.x server in each edition', (major) => {
  const servers: Partial<Record<'oss' | 'ee', RunningKestraServer>> = {};
  beforeAll(async () => {
    servers.oss = await startKestraServer({ port: 0, kestraMajor: major, tenant: 'acme' });
    servers.ee = await startKestraServer({ port: 0, kestraMajor: major, tenant: 'acme', edition: 'ee' });
  });
  afterAll(() => Promise.all([servers.oss?.close(), servers.ee?.close()]));

  it.each(['oss', 'ee'] as const)('%s: GET /api/v1/configs names the edition and the line, outside the tenant', async (edition) => {
    const res = await fetch(`${servers[edition]!.url}/api/v1/configs`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ edition: edition === 'ee' ? 'EE' : 'OSS', version: EMULATED_VERSION[major], systemNamespace: 'system', isCustomDashboardsEnabled: edition === 'ee' || major === 1 });
    expect(typeof body.uuid).toBe('string');
    expect(servers[edition]!.log.entries().at(-1)).toMatchObject({ route: '/api/v1/configs', operationId: 'getConfiguration' });
  });

  it('oss: an EE write is not offered (404, or 405 where the path serves other methods); ee serves it', async () => {
    const post = (edition: 'oss' | 'ee') => fetch(`${servers[edition]!.url}/api/v1/acme/namespaces`, { method: 'POST', body: JSON.stringify({ id: 'company' }), headers: { 'Content-Type': 'application/json' } });
    const put = (edition: 'oss' | 'ee') => fetch(`${servers[edition]!.url}/api/v1/acme/namespaces/company`, { method: 'PUT', body: JSON.stringify({ id: 'company' }), headers: { 'Content-Type': 'application/json' } });
    const ossPost = await post('oss');
    expect(ossPost.status).toBe(404);
    const ossPut = await put('oss');
    expect([ossPut.status, ossPut.headers.get('allow')]).toEqual([405, 'GET']);
    expect((await post('ee')).status).toBe(200);
    expect((await put('ee')).status).toBe(200);
    expect(servers.oss!.log.entries().filter((e) => e.method !== 'GET').map((e) => e.operationId)).toEqual(['', '']);
  });

  it('dashboard writes: open-source 2.x does not offer them (405, GET allowed); 1.x and EE route them', async () => {
    for (const edition of ['oss', 'ee'] as const) {
      const res = await fetch(`${servers[edition]!.url}/api/v1/acme/dashboards/d1`, { method: 'DELETE' });
      const withheld = edition === 'oss' && major === 2;
      if (withheld) expect([res.status, res.headers.get('allow')]).toEqual([405, 'GET']);
      else expect(res.status).not.toBe(405);
      expect(servers[edition]!.log.entries().at(-1)!.operationId).toBe(withheld ? '' : 'deleteDashboard');
    }
  });

  it("says the edition on a 2.x 404 (X-Kestra-Edition), and nothing on 1.x", async () => {
    for (const edition of ['oss', 'ee'] as const) {
      const res = await fetch(`${servers[edition]!.url}/api/v1/acme/flows/company/missing`);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-kestra-edition')).toBe(major === 2 ? (edition === 'ee' ? 'EE' : 'OSS') : null);
      const ok = await fetch(`${servers[edition]!.url}/api/v1/configs`);
      expect(ok.headers.get('x-kestra-edition')).toBeNull();
    }
  });
});
