/**
 * Contract of the embedded server with Kestra's own OpenAPI specs (2.0 for the 2.x emulation, 1.3
 * for the 1.x one): every route it serves exists there with the same method and operationId,
 * every query parameter it reads is declared, every JSON body it sends in a realistic scenario
 * validates against the spec's schema — and every path and method of both specs is either served
 * as that operation or answered as Kestra answers an operation it does not offer (its 404, or
 * Micronaut's 405 when the path is served for other methods), never taken by another route.
 */
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { fullTemplate } from '../../lib/server/router';
import { describeWithShared } from '../support/shared';
import { OpenApiValidator } from './openapi-validator';
import { SPEC_DIR } from './client-spec';
import * as path from 'node:path';

const yaml = (id: string, msg = 'hi', ns = 'company.team') => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${msg}\n`;

describeWithShared('kestra-api', 'embedded server ⇄ Kestra OpenAPI spec', () => {
  let servers: Record<1 | 2, RunningKestraServer>;
  let specs: Record<1 | 2, OpenApiValidator>;
  beforeAll(async () => {
    specs = { 2: new OpenApiValidator('openapi-ee.yml'), 1: new OpenApiValidator('openapi-ee-1.3.yml') };
    servers = { 2: await startKestraServer({ port: 0 }), 1: await startKestraServer({ port: 0, kestraMajor: 1 }) };
  });
  afterAll(() => Promise.all([servers[1].close(), servers[2].close()]));

  it.each([2, 1] as const)('%i.x serves only routes its spec has, with the same operationId and declared query parameters', (major) => {
    const [own, other] = major === 2 ? [specs[2], specs[1]] : [specs[1], specs[2]];
    const problems: string[] = [];
    for (const r of servers[major].routes) {
      const template = fullTemplate(r);
      const op = own.operation(template, r.method);
      if (!op) {
        problems.push(`${r.method} ${template} is not in Kestra's ${major}.x spec`);
        continue;
      }
      if (op.operationId !== r.operationId) problems.push(`${r.method} ${template}: operationId ${r.operationId} ≠ spec ${String(op.operationId)}`);
      // A parameter one of the lines declares (OSS binds `q` on the namespace search, which the 2.0 EE spec replaced by filters).
      const declared = new Set([own, other].flatMap((s) => ((s.operation(template, r.method)?.parameters ?? []) as Array<{ name: string; in: string }>).filter((p) => p.in === 'query').map((p) => p.name)));
      for (const q of r.query) if (!declared.has(q)) problems.push(`${r.method} ${template}: query parameter "${q}" is not declared by the spec`);
    }
    expect(problems).toEqual([]);
    expect(servers[major].routes.length).toBeGreaterThanOrEqual(25);
  });

  // Both specs against both emulations: a 1.3-only operation on the 2.x server (GET /namespaces/{ns}/kv)
  // is not offered there, and must not be taken by a neighbour either.
  describe.each([
    [2, 'openapi-ee.yml'],
    [2, 'openapi-ee-1.3.yml'],
    [1, 'openapi-ee-1.3.yml'],
    [1, 'openapi-ee.yml'],
  ] as const)('every path of the spec on the %i.x server (%s)', (major, file) => {
    it('is served as that operation, or answered as an operation Kestra does not offer', async () => {
      const server = servers[major];
      const spec = file === 'openapi-ee.yml' ? specs[2] : specs[1];
      const shape = (t: string) => t.replace(/\{[^}]+\}/g, '{}');
      const served = new Map(server.routes.map((r) => [`${r.method} ${shape(fullTemplate(r))}`, r.operationId]));
      const ops: Array<{ method: string; template: string; operationId: string }> = [];
      for (const template of spec.templates()) {
        for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
          const op = spec.operation(template, method);
          if (op) ops.push({ method: method.toUpperCase(), template, operationId: String(op.operationId) });
        }
      }
      expect(ops.length).toBeGreaterThan(400);
      const problems: string[] = [];
      for (let i = 0; i < ops.length; i += 32) {
        await Promise.all(ops.slice(i, i + 32).map(async ({ method, template, operationId }): Promise<void> => {
          // Variables get values that are no literal of any Kestra path.
          const concrete = template.replace('{tenant}', 'main').replace(/\{([^}]+)\}/g, (_m, name: string) => `x-${name}`);
          const res = await fetch(`${server.url}${concrete}`, { method });
          const body = await res.text();
          const entry = server.log.entries().find((e) => e.method === method && e.path === concrete);
          const label = `${method} ${template}`;
          const servedAs = served.get(`${method} ${shape(template)}`);
          if (servedAs !== undefined) {
            if (servedAs !== operationId) problems.push(`${label}: served as ${servedAs}, the spec says ${operationId}`);
            if (entry?.operationId !== servedAs) problems.push(`${label}: the request reached ${entry?.operationId || 'no route'}`);
            return;
          }
          if (entry?.operationId) {
            problems.push(`${label} (${operationId}, not offered) was taken by ${entry.operationId}`);
            return;
          }
          const allowed = server.routes.filter((r) => shape(fullTemplate(r)) === shape(template)).map((r) => r.method);
          if (allowed.length) {
            if (res.status !== 405 || (res.headers.get('allow') ?? '').split(',').sort().join() !== [...allowed].sort().join()) problems.push(`${label}: ${res.status} Allow ${res.headers.get('allow')}, expected 405 Allow ${allowed}`);
            const doc = JSON.parse(body);
            if ((major === 2 ? doc.title : doc.message) !== (major === 2 ? 'Method not allowed' : 'Method Not Allowed')) problems.push(`${label}: 405 body ${body}`);
            return;
          }
          const expected = major === 2
            ? { type: 'https://kestra.io/docs/api-reference/problems/not-found', title: 'Resource not found', status: 404, detail: 'Resource not found', instance: concrete }
            : { message: 'Not Found', _links: { self: { href: concrete, templated: false } } };
          if (res.status !== 404 || body !== JSON.stringify(expected)) problems.push(`${label}: ${res.status} ${body}`);
        }));
      }
      expect(problems).toEqual([]);
    });
  });

  it('answers with JSON bodies that validate against the spec', async () => {
    const server = servers[2];
    const spec = specs[2];
    const base = `${server.url}/api/v1/main`;
    const call = (method: string, p: string, body?: RequestInit['body'], type?: string) => fetch(`${base}${p}`, { method, body, headers: type ? { 'Content-Type': type } : {} });
    await call('POST', '/flows', yaml('a'), 'application/x-yaml');
    await call('PUT', '/flows/company.team/a', yaml('a', 'changed'), 'application/x-yaml');
    await call('POST', '/flows', yaml('b'), 'application/x-yaml');
    await call('POST', '/flows', yaml('c', 'hi', 'company.other'), 'application/x-yaml');
    await call('POST', '/flows', 'id: bad\nnamespace: company.team\n', 'application/x-yaml');
    const form = new FormData();
    form.append('fileContent', new Blob([Buffer.from('print(1)\n')]), 'x.py');
    await call('POST', '/namespaces/company.team/files?path=/scripts/x.py', form);
    await call('PUT', '/namespaces/company.team/kv/K', '"v"', 'text/plain');
    await call('PUT', '/namespaces/company/kv/P', '"parent"', 'text/plain');
    const reads = [
      '/flows/company.team',
      '/flows/company.team/a?source=true',
      '/flows/company.team/a/revisions',
      '/flows/search?page=1&size=1&filters[namespace][EQUALS]=company.team',
      '/flows/source?q=changed&page=1&size=10',
      '/flows/distinct-namespaces',
      '/flows/company.team/missing',
      '/namespaces/company.team/files/directory?path=/scripts',
      '/namespaces/company.team/files/stats?path=/scripts/x.py',
      '/namespaces/company.team/files/revisions?path=/scripts/x.py',
      '/namespaces/company.team/files/search?q=x',
      '/namespaces/company.team/kv/K',
      '/namespaces/company.team/kv/inheritance',
      '/kv?page=1&size=10&filters[namespace][EQUALS]=company.team',
      '/namespaces/search?page=1&size=10',
    ];
    for (const r of reads) await call('GET', r);
    await call('DELETE', '/namespaces/company.team/kv/K');

    const problems: string[] = [];
    let validated = 0;
    const check = (label: string, template: string, method: string, status: number, body: unknown) => {
      const errors = spec.validate(template, method, status, body);
      if (errors === null) return;
      validated++;
      if (errors.length) problems.push(`${label} → ${status}: ${errors.join('; ')}`);
    };
    for (const e of server.log.entries()) {
      if (!e.route || e.method !== 'GET' || e.status >= 400) continue;
      // Bodies are not kept in the log: replay idempotent reads to get them.
      const res = await fetch(`${server.url}${e.path}${e.query ? `?${e.query}` : ''}`);
      if (!(res.headers.get('content-type') ?? '').includes('application/json')) continue;
      check(`${e.method} ${e.path}`, e.route, e.method, e.status, await res.json());
    }
    // Writes answered with JSON: validate (YAML and multipart), the by-ids operations.
    const V = '/api/v1/{tenant}/flows/validate';
    const yamlAnswer = await call('POST', '/flows/validate', `${yaml('a')}---\n${yaml('c', 'x')}---\ntasks: [`, 'application/x-yaml');
    check('POST validate (YAML)', V, 'POST', yamlAnswer.status, await yamlAnswer.json());
    const parts = new FormData();
    parts.append('flows', new Blob([`# header\n---\n${yaml('m')}`]), 'm.yml');
    const multipartAnswer = await call('POST', '/flows/validate', parts);
    check('POST validate (multipart)', V, 'POST', multipartAnswer.status, await multipartAnswer.json());
    const ids = JSON.stringify([{ namespace: 'company.team', id: 'b' }]);
    for (const [method, p, template] of [
      ['POST', '/flows/disable/by-ids', '/api/v1/{tenant}/flows/disable/by-ids'],
      ['POST', '/flows/enable/by-ids', '/api/v1/{tenant}/flows/enable/by-ids'],
      ['DELETE', '/flows/delete/by-ids', '/api/v1/{tenant}/flows/delete/by-ids'],
    ]) {
      const r = await call(method, p, ids, 'application/json');
      check(`${method} ${p}`, template, method, r.status, await r.json());
    }
    expect(problems).toEqual([]);
    expect(validated).toBeGreaterThanOrEqual(17);
  });
}, path.join(SPEC_DIR, 'openapi-ee-1.3.yml'));
