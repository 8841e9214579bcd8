/**
 * Contract of the embedded server with Kestra's own OpenAPI spec (2.0): every route it serves
 * exists there with the same method and operationId, every query parameter it reads is declared,
 * and every JSON body it sends in a realistic scenario validates against the spec's schema.
 */
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { describeWithShared } from '../support/shared';
import { OpenApiValidator } from './openapi-validator';

describeWithShared('kestra-api', 'embedded server ⇄ Kestra OpenAPI spec', () => {
  let server: RunningKestraServer;
  let spec: OpenApiValidator;
  beforeAll(async () => {
    spec = new OpenApiValidator('openapi-ee.yml');
    server = await startKestraServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('serves only routes the spec has, with the same operationId and declared query parameters', () => {
    const problems: string[] = [];
    for (const r of server.routes) {
      const template = `/api/v1/{tenant}${r.template}`;
      const op = spec.operation(template, r.method);
      if (!op) {
        problems.push(`${r.method} ${template} is not in Kestra's spec`);
        continue;
      }
      if (op.operationId !== r.operationId) problems.push(`${r.method} ${template}: operationId ${r.operationId} ≠ spec ${String(op.operationId)}`);
      const declared = new Set(((op.parameters ?? []) as Array<{ name: string; in: string }>).filter((p) => p.in === 'query').map((p) => p.name));
      for (const q of r.query) if (!declared.has(q)) problems.push(`${r.method} ${template}: query parameter "${q}" is not declared by the spec`);
    }
    expect(problems).toEqual([]);
    expect(server.routes.length).toBeGreaterThanOrEqual(20);
  });

  it('answers with JSON bodies that validate against the spec', async () => {
    const base = `${server.url}/api/v1/main`;
    const yaml = (id: string, msg = 'hi') => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${msg}\n`;
    const call = (method: string, path: string, body?: RequestInit["body"], type?: string) => fetch(`${base}${path}`, { method, body, headers: type ? { 'Content-Type': type } : {} });
    await call('POST', '/flows', yaml('a'), 'application/x-yaml');
    await call('PUT', '/flows/company.team/a', yaml('a', 'changed'), 'application/x-yaml');
    await call('POST', '/flows', yaml('b'), 'application/x-yaml');
    await call('POST', '/flows', 'id: bad\nnamespace: company.team\n', 'application/x-yaml');
    await call('POST', '/flows/validate', `${yaml('a')}---\n${yaml('c', 'x')}`, 'application/x-yaml');
    const form = new FormData();
    form.append('fileContent', new Blob([Buffer.from('print(1)\n')]), 'x.py');
    await call('POST', '/namespaces/company.team/files?path=/scripts/x.py', form);
    await call('PUT', '/namespaces/company.team/kv/K', '"v"', 'text/plain');
    const reads = [
      '/flows/company.team',
      '/flows/company.team/a?source=true',
      '/flows/company.team/a/revisions',
      '/flows/search?page=1&size=1&filters[namespace][EQUALS]=company.team',
      '/flows/distinct-namespaces',
      '/flows/company.team/missing',
      '/namespaces/company.team/files/directory?path=/scripts',
      '/namespaces/company.team/files/stats?path=/scripts/x.py',
      '/namespaces/company.team/files/revisions?path=/scripts/x.py',
      '/namespaces/company.team/files/search?q=x',
      '/namespaces/company.team/kv/K',
      '/kv?page=1&size=10&filters[namespace][EQUALS]=company.team',
      '/namespaces/search?page=1&size=10',
    ];
    for (const r of reads) await call('GET', r);
    await call('DELETE', '/namespaces/company.team/kv/K');

    const problems: string[] = [];
    let validated = 0;
    for (const e of server.log.entries()) {
      if (!e.route) continue;
      const res = await replayBodyOf(e);
      if (res === undefined) continue;
      const errors = spec.validate(e.route, e.method, e.status, res);
      if (errors === null) continue;
      validated++;
      if (errors.length) problems.push(`${e.method} ${e.path} → ${e.status}: ${errors.join('; ')}`);
    }
    expect(problems).toEqual([]);
    expect(validated).toBeGreaterThanOrEqual(10);

    // Bodies are not kept in the log: replay idempotent reads to get them; writes are checked by status only.
    async function replayBodyOf(e: { method: string; path: string; query: string; status: number }): Promise<unknown> {
      if (e.method !== 'GET' || e.status >= 400) return undefined;
      const res = await fetch(`${server.url}${e.path}${e.query ? `?${e.query}` : ''}`);
      if (!(res.headers.get('content-type') ?? '').includes('application/json')) return undefined;
      return res.json();
    }
  });
});
