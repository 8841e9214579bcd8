/**
 * Contract of the edition with Kestra's specs:
 * - every operation the line's spec has only in the Enterprise Edition (and, on 2.x, the dashboard
 *   writes open-source 2.0 dropped) is answered by an `oss` server as an operation it lacks — its
 *   404, or Micronaut's 405 where the path is served for other methods — never by a route;
 * - an `ee` server routes the EE operations the emulator implements (namespace objects, secrets);
 * - the JSON of namespace objects, secrets and the configuration validates against the spec, both
 *   lines, both editions; the emulator's Namespace fields are the spec's;
 * - the client's namespace, secret and edition requests hit the spec's operations, with declared
 *   query parameters and JSON bodies that validate against the request schemas.
 */
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { fullTemplate } from '../../lib/server/router';
import { KESTRA_PATHS } from '../../lib/server/kestra-paths';
import { notOfferedOperations } from '../../lib/server/edition';
import { NAMESPACE_FIELDS } from '../../lib/server/routes/namespaces';
import { KestraClient } from '../../lib/kestra';
import { describeWithShared } from '../support/shared';
import { OpenApiValidator } from './openapi-validator';
import { SPEC_DIR, declaredParameterFor, loadSpec, matchOperation } from './client-spec';
import { sendJson, startScriptedServer, type RecordedRequest } from '../kestra/support/scripted-server';

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const SPEC_FILE = { 2: 'openapi-ee.yml', 1: 'openapi-ee-1.3.yml' } as const;

describeWithShared('kestra-api', 'the edition ⇄ Kestra OpenAPI spec', () => {
  const specs = {} as Record<1 | 2, OpenApiValidator>;
  beforeAll(() => {
    specs[2] = new OpenApiValidator(SPEC_FILE[2]);
    specs[1] = new OpenApiValidator(SPEC_FILE[1]);
  });

  describe.each([2, 1] as const)('the %i.x line', (major) => {
    const servers = {} as Record<'oss' | 'ee', RunningKestraServer>;
    beforeAll(async () => {
      servers.oss = await startKestraServer({ port: 0, kestraMajor: major });
      servers.ee = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
    });
    afterAll(() => Promise.all([servers.oss.close(), servers.ee.close()]));

    it('oss: every EE operation of the spec is answered as not offered', async () => {
      const spec = specs[major];
      const withheld = [...notOfferedOperations(KESTRA_PATHS, 'oss', major)]
        .map((key) => ({ method: key.slice(0, key.indexOf(' ')), template: key.slice(key.indexOf(' ') + 1) }))
        .filter(({ method, template }) => spec.operation(template, method));
      expect(withheld.length).toBeGreaterThan(major === 2 ? 320 : 250);
      const server = servers.oss;
      const shape = (t: string) => t.replace(/\{[^}]+\}/g, '{}');
      const problems: string[] = [];
      for (let i = 0; i < withheld.length; i += 32) {
        await Promise.all(withheld.slice(i, i + 32).map(async ({ method, template }) => {
          const concrete = template.replace('{tenant}', 'main').replace(/\{([^}]+)\}/g, (_m, name: string) => `x-${name}`);
          const res = await fetch(`${server.url}${concrete}`, { method });
          await res.arrayBuffer();
          const entry = server.log.entries().find((e) => e.method === method && e.path === concrete);
          const label = `${method} ${template}`;
          if (entry?.operationId) return void problems.push(`${label} (EE) was taken by ${entry.operationId}`);
          const allowed = server.routes.filter((r) => shape(fullTemplate(r)) === shape(template)).map((r) => r.method).sort();
          const expected = allowed.length ? 405 : 404;
          if (res.status !== expected) problems.push(`${label}: ${res.status}, expected ${expected}`);
          if (expected === 405 && (res.headers.get('allow') ?? '').split(',').sort().join() !== allowed.join()) problems.push(`${label}: Allow ${res.headers.get('allow')}, expected ${allowed}`);
        }));
      }
      expect(problems).toEqual([]);
      // None of the routes an oss server serves is an EE operation.
      const ee = notOfferedOperations(KESTRA_PATHS, 'oss', major);
      expect(server.routes.filter((r) => ee.has(`${r.method} ${fullTemplate(r)}`)).map((r) => r.operationId)).toEqual([]);
    });

    it('ee: the EE operations the emulator implements are routed, as the spec names them', async () => {
      const served = new Map(servers.ee.routes.map((r) => [`${r.method} ${fullTemplate(r)}`, r.operationId]));
      for (const key of [
        'POST /api/v1/{tenant}/namespaces',
        'PUT /api/v1/{tenant}/namespaces/{id}',
        'DELETE /api/v1/{tenant}/namespaces/{id}',
        'PUT /api/v1/{tenant}/namespaces/{namespace}/secrets',
        'PATCH /api/v1/{tenant}/namespaces/{namespace}/secrets/{key}',
        'DELETE /api/v1/{tenant}/namespaces/{namespace}/secrets/{key}',
      ]) {
        const [method, template] = key.split(' ');
        expect([key, served.get(key)]).toEqual([key, specs[major].operation(template, method)?.operationId]);
      }
      for (const r of servers.ee.routes) {
        const op = specs[major].operation(fullTemplate(r), r.method);
        expect([r.method, fullTemplate(r), r.operationId]).toEqual([r.method, fullTemplate(r), op?.operationId]);
      }
    });

    it("the emulator's Namespace fields are the spec's", () => {
      expect([...NAMESPACE_FIELDS[major], 'deleted', 'id'].sort()).toEqual(specs[major].schemaProperties('Namespace'));
    });

    it.each(['ee', 'oss'] as const)('%s: namespace, secret and configuration bodies validate against the spec', async (edition) => {
      const server = edition === 'ee' ? servers.ee : servers.oss;
      const spec = specs[major];
      const base = `${server.url}/api/v1/main`;
      const problems: string[] = [];
      let validated = 0;
      const call = async (method: string, p: string, template: string, body?: unknown, type = 'application/json') => {
        const init: RequestInit = { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), headers: body === undefined ? {} : { 'Content-Type': type } };
        const res = await fetch(p.startsWith('/api/') ? `${server.url}${p}` : `${base}${p}`, init);
        const text = await res.text();
        if (type === 'application/json' && body !== undefined) {
          const reqErrors = spec.validateRequest(template, method, body);
          if (reqErrors?.length) problems.push(`request ${method} ${p}: ${reqErrors.join('; ')}`);
        }
        if (res.status >= 400 || !(res.headers.get('content-type') ?? '').includes('application/json')) return res.status;
        const errors = spec.validate(template, method, res.status, JSON.parse(text));
        if (errors === null) return res.status;
        validated++;
        if (errors.length) problems.push(`${method} ${p} → ${res.status}: ${errors.join('; ')}`);
        return res.status;
      };
      const T = '/api/v1/{tenant}';
      await call('POST', '/flows', `${T}/flows`, FLOW('a', 'company.team'), 'application/x-yaml');
      const fields = major === 2 ? { concurrency: { limit: 2, behavior: 'QUEUE' } } : { pluginDefaults: [{ type: 'io.kestra.plugin.core.log.Log', forced: false }] };
      const ns = { id: 'company.team', deleted: false, description: 'Team', variables: { a: 1 }, allowedNamespaces: [{ namespace: 'company' }], ...fields };
      const statuses = [
        await call('GET', '/api/v1/configs', '/api/v1/configs'),
        await call('POST', '/namespaces', `${T}/namespaces`, ns),
        await call('GET', '/namespaces/company.team', `${T}/namespaces/{id}`),
        await call('PUT', '/namespaces/company.team', `${T}/namespaces/{id}`, { ...ns, description: 'Changed' }),
        await call('GET', '/namespaces/search?page=1&size=10&filters[existingOnly][EQUALS]=false', `${T}/namespaces/search`),
        await call('GET', '/namespaces/search?page=1&size=10&existing=true', `${T}/namespaces/search`),
        await call('PUT', '/namespaces/company.team/secrets', `${T}/namespaces/{namespace}/secrets`, { key: 'K', value: 'v', description: 'd', tags: [{ key: 't', value: 'x' }] }),
        await call('PATCH', '/namespaces/company.team/secrets/K', `${T}/namespaces/{namespace}/secrets/{key}`, { key: 'K', tags: [{ key: 't', value: 'y' }] }),
        await call('GET', '/secrets?page=1&size=10&filters[namespace][EQUALS]=company.team', `${T}/secrets`),
        await call('GET', '/namespaces/company.team/inherited-secrets', `${T}/namespaces/{namespace}/inherited-secrets`),
        ...(major === 1 ? [await call('GET', '/namespaces/company.team/secrets?page=1&size=10', `${T}/namespaces/{namespace}/secrets`)] : []),
      ];
      expect(problems).toEqual([]);
      // Every answer validated (and the flow's): on oss, all but the three writes it does not offer.
      if (edition === 'ee') {
        expect(statuses.every((s) => s === 200)).toBe(true);
        expect(validated).toBe(statuses.length + 1);
      } else {
        expect(statuses.filter((s) => s !== 200)).toEqual([404, 405, major === 1 ? 405 : 404, 404]);
        expect(validated).toBe(statuses.length - 4 + 1);
      }
    });
  });

  it("the client's namespace, secret and edition requests are the spec's, with bodies its schemas take", async () => {
    const recorded: RecordedRequest[] = [];
    const server = await startScriptedServer((req, res) => {
      recorded.push(req);
      const p = req.path;
      if (p === '/api/v1/configs') return sendJson(res, 200, { edition: 'EE', version: '2.0.0' });
      if (p === '/api/v1/main/namespaces/search') return sendJson(res, 200, { results: [{ id: 'company', deleted: false }], total: 1 });
      if (p === '/api/v1/main/secrets') return req.query.get('legacy') ? sendJson(res, 404, {}) : sendJson(res, 200, { readOnly: false, results: [{ key: 'K', namespace: 'company', tags: [] }], total: 1 });
      if (p.startsWith('/api/v1/main/namespaces') && req.method !== 'DELETE' && !p.includes('/secrets')) return sendJson(res, 200, { id: 'company', deleted: false });
      if (req.method === 'PUT') return sendJson(res, 200, [{ key: 'K', namespace: 'company', tags: [] }]);
      res.writeHead(req.method === 'DELETE' && !p.includes('/secrets') ? 204 : 200);
      res.end();
    });
    const client = new KestraClient({ url: server.url, retry: { retries: 0 } });
    try {
      await client.getEdition();
      await client.getNamespace('company');
      await client.createNamespace({ id: 'company', description: 'd', variables: { a: 1 }, allowedNamespaces: [{ namespace: 'other' }], concurrency: { limit: 1, behavior: 'QUEUE' } });
      await client.updateNamespace({ id: 'company', description: 'e' });
      await client.searchNamespaceObjects('company');
      await client.deleteNamespace('company');
      await client.listSecrets('company');
      await client.putSecret('company', { key: 'K', value: 'v', description: 'd', tags: [{ key: 't', value: 'x' }] });
      await client.putSecret('company', { key: 'K2', value: 'v' });
      await client.deleteSecret('company', 'K');
    } finally {
      await client.close();
      await server.close();
    }
    const v2 = loadSpec(SPEC_FILE[2]);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const req of recorded) {
      const label = `${req.method} ${req.path}?${req.query}`;
      const op = matchOperation(v2, req.method, req.path);
      if (!op) {
        problems.push(`${label}: no such operation in ${v2.file}`);
        continue;
      }
      seen.add(op.operationId);
      for (const key of new Set(req.query.keys())) if (!declaredParameterFor(key, op.queryParameters)) problems.push(`${label}: "${key}" is not declared by ${op.operationId}`);
      for (const p of op.queryParameters.filter((q) => q.required)) if (![...req.query.keys()].some((k) => declaredParameterFor(k, [p]))) problems.push(`${label}: required "${p.name}" is missing`);
      if (req.body.length) {
        const type = String(req.headers['content-type']).split(';')[0];
        if (!op.bodyMediaTypes.includes(type)) problems.push(`${label}: body type ${type} is not one of ${op.bodyMediaTypes}`);
        for (const [line, spec] of [[2, specs[2]], [1, specs[1]]] as const) {
          // 1.3's Namespace has no concurrency: that body is for 2.x only.
          const body = JSON.parse(req.body.toString('utf8'));
          if (line === 1 && 'concurrency' in body) continue;
          const errors = spec.validateRequest(op.template, req.method, body);
          if (errors === null) problems.push(`${label}: ${line}.x declares no JSON body`);
          else if (errors.length) problems.push(`${label} (${line}.x): ${errors.join('; ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual(['createNamespace', 'deleteNamespace', 'deleteSecret', 'getConfiguration', 'getNamespace', 'listSecrets', 'putSecrets', 'searchNamespaces', 'updateNamespace']);
  });

  it('the request check itself can fail', () => {
    expect(specs[2].validateRequest('/api/v1/{tenant}/namespaces/{namespace}/secrets', 'PUT', { key: 'K' })).not.toEqual([]);
    expect(specs[2].validateRequest('/api/v1/{tenant}/namespaces', 'POST', { id: 'Bad Id', deleted: false })).not.toEqual([]);
    expect(specs[2].validateRequest('/api/v1/{tenant}/namespaces', 'POST', { id: 'good', deleted: false })).toEqual([]);
  });
}, path.join(SPEC_DIR, 'openapi-ee-1.3.yml'));
