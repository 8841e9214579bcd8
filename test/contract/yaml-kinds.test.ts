/**
 * Contract of apps, test suites and dashboards with Kestra's OpenAPI specs, both ways and on both
 * lines (2.0 for the 2.x emulation, 1.3 for the 1.x one):
 * - the emulator (EE edition) serves each of these routes as the operation its line's spec has
 *   there, reading only query parameters that spec declares, and every JSON body it sends in a
 *   realistic scenario validates against the spec's response schema;
 * - every request the client sends for them (recorded through a proxy in front of the emulator,
 *   so with bodies and headers) is an operation of the 2.0 spec — path, method, the transport's
 *   operation name equal to the spec's operationId, only declared query parameters and the
 *   required ones, a declared body media type, a JSON body valid against its schema — and an
 *   operation of the 1.3 spec with the same operationId, where 1.3 differs only as listed below;
 * - the run result the client decodes (written from the spec's schemas) validates against both.
 */
import type { ServerResponse } from 'node:http';
import { KestraClient } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { describeWithShared } from '../support/shared';
import { OpenApiValidator } from './openapi-validator';
import { SPEC_DIR, declaredParameterFor, loadSpec, matchOperation, type Spec } from './client-spec';
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from '../kestra/support/scripted-server';
import { recordedRunResult } from '../kestra/support/test-run-result';
import * as path from 'node:path';

const YAML = { 'Content-Type': 'application/x-yaml' };
const MINE = /^\/(apps|tests|dashboards)(\/|$)/;

const app = (id: string, ns = 'company.team') =>
  `id: ${id}\ntype: io.kestra.plugin.ee.apps.Execution\ndisplayName: App ${id}\nnamespace: ${ns}\nflowId: get_data\ntags:\n  - ops\nlayout:\n  - on: OPEN\n    blocks:\n      - type: io.kestra.plugin.ee.apps.core.blocks.Markdown\n        content: hi\n`;
const suite = (id: string, ns = 'company.team') =>
  `id: ${id}\nnamespace: ${ns}\nflowId: hello\ndescription: greets\ntestCases:\n  - id: case_1\n    type: io.kestra.core.tests.flow.UnitTest\n    fixtures:\n      inputs:\n        user: Ada\n    assertions:\n      - value: "{{ outputs.hello.message }}"\n        equalTo: Hello Ada\n      - value: 3\n        taskId: hello\n        greaterThan: 1\n      - value: "{{ outputs.hello.list }}"\n        in: [a, b]\n`;
const dashboard = (title: string, id?: string) =>
  `${id ? `id: ${id}\n` : ''}title: ${title}\ndescription: d\ntimeWindow:\n  default: P7D\n  max: P365D\ncharts:\n  - id: executions\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n    chartOptions:\n      displayName: Executions\n`;

/**
 * Where the 1.3 spec declares less than the client sends, and why that is right there: 1.3's app
 * search has no `filters` (it takes a flat `namespace` prefix and ignores unknown parameters), so
 * a 1.x server answers every app and the client keeps the namespace's (lib/kestra/apps.ts).
 */
const ACCEPTED_ON_13 = new Set(['searchApps filters']);

/**
 * Where the specs' schemas cannot be met by what Kestra itself sends, the body is rewritten there
 * before it is checked (the rest of it still is):
 * - an assertion's Property fields (`value`, `equalTo`, … — Property_* schemas): the generated
 *   schema says `type: object` with oneOf object|string, but Kestra's PropertySerializer always
 *   writes the expression, a string (kestra-io/kestra core models/property/Property.java);
 * - AssertionResult `expected` and `actual`: Java `Object` fields the generator writes as
 *   `type: object`, while a run's values are whatever the assertion compared (text, numbers, null).
 */
const PROPERTY_FIELDS = new Set(['value', 'errorMessage', 'description', 'endsWith', 'startsWith', 'contains', 'equalTo', 'notEqualTo', 'greaterThan', 'greaterThanOrEqualTo', 'lessThan', 'lessThanOrEqualTo', 'in', 'notIn', 'isNull', 'isNotNull']);

function withoutSpecArtifacts(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(withoutSpecArtifacts);
  if (!body || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === 'assertions' && Array.isArray(v)) {
      out[k] = v.map((a) => Object.fromEntries(Object.entries(a as Record<string, unknown>).map(([f, x]) => [f, PROPERTY_FIELDS.has(f) && typeof x === 'string' ? { expression: x } : x])));
    } else if (k === 'assertionResults' && Array.isArray(v)) {
      out[k] = v.map((r) => ({ ...(r as Record<string, unknown>), expected: {}, actual: {} }));
    } else out[k] = withoutSpecArtifacts(v);
  }
  return out;
}

describeWithShared('kestra-api', 'apps, tests and dashboards ⇄ Kestra OpenAPI specs', () => {
  const specs = { 2: new OpenApiValidator('openapi-ee.yml'), 1: new OpenApiValidator('openapi-ee-1.3.yml') };

  describe.each([2, 1] as const)('the %i.x EE emulation', (major) => {
    let server: RunningKestraServer;
    beforeAll(async () => {
      server = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
    });
    afterAll(() => server.close());

    it('serves these routes as its spec\'s operations, reading only declared query parameters', () => {
      const spec = specs[major];
      const mine = server.routes.filter((r) => MINE.test(r.template));
      const problems: string[] = [];
      for (const r of mine) {
        const template = `/api/v1/{tenant}${r.template}`;
        const op = spec.operation(template, r.method);
        if (!op) {
          problems.push(`${r.method} ${template} is not in the ${major}.x spec`);
          continue;
        }
        if (op.operationId !== r.operationId) problems.push(`${r.method} ${template}: ${r.operationId} ≠ ${String(op.operationId)}`);
        const declared = new Set(((op.parameters ?? []) as Array<{ name: string; in: string }>).filter((p) => p.in === 'query').map((p) => p.name));
        for (const q of r.query) if (!declared.has(q)) problems.push(`${r.method} ${template}: "${q}" is not declared by the ${major}.x spec`);
      }
      expect(problems).toEqual([]);
      expect(mine.map((r) => r.operationId).sort()).toEqual(
        [
          'createApp', 'getApp', 'updateApp', 'deleteApp', 'searchApps', 'enableApp', 'disableApp',
          'createTestSuite', 'getTestSuite', 'updateTestSuite', 'deleteTestSuite', 'searchTestSuites', 'validateTestSuite', 'runTestSuite',
          'createDashboard', 'getDashboard', 'updateDashboard', 'deleteDashboard', 'searchDashboards', 'validateDashboard',
        ].sort(),
      );
    });

    it('answers with JSON bodies that validate against its spec', async () => {
      const spec = specs[major];
      const base = `${server.url}/api/v1/main`;
      const problems: string[] = [];
      const seen = new Set<string>();
      const check = async (method: string, p: string, template: string, init: RequestInit = {}) => {
        const res = await fetch(`${base}${p}`, { method, ...init });
        const text = await res.text();
        expect(res.status).toBeLessThan(300);
        if (!text) return undefined;
        const body = JSON.parse(text);
        const errors = spec.validate(`/api/v1/{tenant}${template}`, method, res.status, withoutSpecArtifacts(body));
        if (errors === null) return body;
        seen.add(`${method} ${template}`);
        if (errors.length) problems.push(`${method} ${p} → ${res.status}: ${errors.join('; ')}`);
        return body;
      };
      const yaml = (body: string) => ({ body, headers: YAML });

      const created = await check('POST', '/apps', '/apps', yaml(app('a1')));
      await check('POST', '/apps', '/apps', yaml(app('a2').replace('displayName: App a2\n', '').replace('flowId: get_data\n', '')));
      await check('GET', `/apps/${created.uid}`, '/apps/{uid}');
      await check('PUT', `/apps/${created.uid}`, '/apps/{uid}', yaml(app('a1').replace('content: hi', 'content: hey')));
      await check('POST', `/apps/${created.uid}/disable`, '/apps/{uid}/disable');
      await check('POST', `/apps/${created.uid}/enable`, '/apps/{uid}/enable');
      await check('GET', major === 2 ? '/apps/search?filters[namespace][EQUALS]=company.team&page=1&size=10' : '/apps/search?namespace=company&page=1&size=10', '/apps/search');

      await check('POST', '/tests', '/tests', yaml(suite('t1')));
      await check('GET', '/tests/company.team/t1', '/tests/{namespace}/{id}');
      await check('PUT', '/tests/company.team/t1', '/tests/{namespace}/{id}', yaml(suite('t1').replace('description: greets', 'description: says hi')));
      await check('GET', '/tests/search?namespace=company.team&page=1&size=10', '/tests/search');
      await check('POST', '/tests/validate', '/tests/validate', yaml(suite('t2')));
      await check('POST', '/tests/validate', '/tests/validate', yaml('id: t3\n'));

      const d = await check('POST', '/dashboards', '/dashboards', yaml(major === 2 ? dashboard('D1', 'd1') : dashboard('D1')));
      await check('POST', '/dashboards', '/dashboards', yaml(major === 2 ? 'id: d2\ntitle: Bare\n' : 'title: Bare\n'));
      await check('GET', `/dashboards/${d.id}`, '/dashboards/{id}');
      await check('PUT', `/dashboards/${d.id}`, '/dashboards/{id}', yaml(major === 2 ? dashboard('D1 renamed', 'd1') : dashboard('D1 renamed')));
      await check('GET', '/dashboards?page=1&size=10&q=d1', '/dashboards');
      await check('POST', '/dashboards/validate', '/dashboards/validate', yaml(dashboard('V', 'v')));
      await check('POST', '/dashboards/validate', '/dashboards/validate', yaml('description: no title\n'));
      await check('DELETE', `/dashboards/${d.id}`, '/dashboards/{id}');
      await check('DELETE', '/tests/company.team/t1', '/tests/{namespace}/{id}');
      await check('DELETE', `/apps/${created.uid}`, '/apps/{uid}');

      expect(problems).toEqual([]);
      expect(seen.size).toBeGreaterThanOrEqual(15);
      // Every request reached the route of its operation.
      const reached = server.log.entries().filter((e) => MINE.test(e.path.replace('/api/v1/main', ''))).map((e) => e.operationId);
      expect(reached.every((o) => o)).toBe(true);
    });
  });

  it('the run result the client decodes is a TestSuiteRunResult of both specs', () => {
    const run = '/api/v1/{tenant}/tests/{namespace}/{id}/run';
    for (const spec of [specs[2], specs[1]]) expect(spec.validate(run, 'POST', 200, withoutSpecArtifacts(recordedRunResult()))).toEqual([]);
    // The check itself can fail, the rewriting hides nothing else.
    expect(specs[2].validate(run, 'POST', 200, withoutSpecArtifacts({ ...recordedRunResult(), state: 'PASSED' }))).not.toEqual([]);
    const noOperator = recordedRunResult() as { results: Array<{ assertionResults: Array<Record<string, unknown>> }> };
    delete noOperator.results[0].assertionResults[0].operator;
    expect(specs[2].validate(run, 'POST', 200, withoutSpecArtifacts(noOperator))).not.toEqual([]);
  });

  describe('client requests', () => {
    let v2: Spec;
    let v13: Spec;
    let embedded: RunningKestraServer;
    let proxy: ScriptedServer;
    beforeAll(async () => {
      v2 = loadSpec('openapi-ee.yml');
      v13 = loadSpec('openapi-ee-1.3.yml');
      embedded = await startKestraServer({ port: 0, edition: 'ee' });
      // Forwards to the emulator, recording what the client sent; a run (which the emulator
      // cannot do) gets the spec-written result.
      proxy = await startScriptedServer(async (req: RecordedRequest, res: ServerResponse): Promise<void> => {
        if (/\/run$/.test(req.path)) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(recordedRunResult()));
          return;
        }
        const query = req.query.toString();
        const answer = await fetch(`${embedded.url}${req.path}${query ? `?${query}` : ''}`, {
          method: req.method,
          headers: req.headers['content-type'] ? { 'content-type': String(req.headers['content-type']) } : {},
          body: req.body.length ? req.body : undefined,
        });
        const headers: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (k === 'content-type' || k === 'allow') headers[k] = v;
        });
        res.writeHead(answer.status, headers);
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    afterAll(async () => {
      await proxy.close();
      await embedded.close();
    });

    it('match the 2.0 spec and, but for what is listed, the 1.3 spec', async () => {
      const operations: string[] = [];
      const client = new KestraClient({ url: proxy.url, retry: { retries: 0 }, pageSize: 2, onRequest: (e) => operations.push(e.operation) });
      try {
        const a = await client.createApp(app('c1'));
        await client.createApp(app('c2'));
        await client.createApp(app('c3'));
        await client.searchApps('company.team');
        await client.getApp(a.uid);
        await client.updateApp(a.uid, app('c1').replace('content: hi', 'content: ho'));
        await client.setAppEnabled(a.uid, false);
        await client.setAppEnabled(a.uid, true);
        await client.deleteApp(a.uid);
        await client.createTestSuite(suite('s1'));
        await client.searchTestSuites('company.team');
        await client.getTestSuite('company.team', 's1');
        await client.updateTestSuite('company.team', 's1', suite('s1').replace('greets', 'hi'));
        await client.validateTestSuite(suite('s2'));
        await client.runTestSuite('company.team', 's1');
        await client.deleteTestSuite('company.team', 's1');
        const d = await client.createDashboard(dashboard('Cd', 'cd'));
        await client.searchDashboards();
        await client.getDashboard(d.id);
        await client.updateDashboard(d.id, dashboard('Cd2', 'cd'));
        await client.validateDashboard(dashboard('V', 'v'));
        await client.deleteDashboard(d.id);
        // A delete of something gone: the error answer, then the read that confirms it.
        await client.deleteDashboard(d.id);
      } finally {
        await client.close();
      }

      const recorded = proxy.requests;
      expect(recorded).toHaveLength(operations.length);
      const problems: string[] = [];
      const specsByLine: Array<[Spec, OpenApiValidator]> = [
        [v2, specs[2]],
        [v13, specs[1]],
      ];
      recorded.forEach((request, i) => {
        const label = `${request.method} ${request.path}?${request.query.toString()}`;
        for (const [spec, validator] of specsByLine) {
          const operation = matchOperation(spec, request.method, request.path);
          if (!operation) {
            problems.push(`${label}: no such operation in ${spec.file}`);
            continue;
          }
          if (operation.operationId !== operations[i]) problems.push(`${label}: sent as "${operations[i]}", ${spec.file} calls it ${operation.operationId}`);
          for (const key of new Set(request.query.keys())) {
            const declared = declaredParameterFor(key, operation.queryParameters);
            const base = key.includes('[') ? key.slice(0, key.indexOf('[')) : key;
            if (!declared && !(spec === v13 && ACCEPTED_ON_13.has(`${operation.operationId} ${base}`))) problems.push(`${label}: "${key}" is not declared by ${operation.operationId} (${spec.file})`);
          }
          for (const parameter of operation.queryParameters.filter((p) => p.required)) {
            if (![...request.query.keys()].some((key) => declaredParameterFor(key, [parameter]))) problems.push(`${label}: required "${parameter.name}" is missing (${spec.file})`);
          }
          const contentType = request.headers['content-type'];
          if (request.body.length > 0 || contentType) {
            const mediaType = String(contentType ?? '').split(';')[0].trim();
            if (!operation.bodyMediaTypes.includes(mediaType)) problems.push(`${label}: body media type "${mediaType}" is not one of ${JSON.stringify(operation.bodyMediaTypes)} (${spec.file})`);
            if (mediaType === 'application/json') {
              const errors = validator.validateRequest(operation.template, request.method, JSON.parse(request.body.toString('utf8')));
              if (errors?.length) problems.push(`${label}: body ${errors.join('; ')} (${spec.file})`);
            }
          }
        }
      });
      expect(problems).toEqual([]);
      expect(new Set(operations)).toEqual(
        new Set([
          'createApp', 'searchApps', 'getApp', 'updateApp', 'disableApp', 'enableApp', 'deleteApp',
          'createTestSuite', 'searchTestSuites', 'getTestSuite', 'updateTestSuite', 'validateTestSuite', 'runTestSuite', 'deleteTestSuite',
          'createDashboard', 'searchDashboards', 'getDashboard', 'updateDashboard', 'validateDashboard', 'deleteDashboard',
        ]),
      );
    });

    it('finds a wrong request (the check itself can fail)', () => {
      expect(matchOperation(v2, 'PATCH', '/api/v1/main/apps/abc')).toBeUndefined();
      const search = matchOperation(v2, 'GET', '/api/v1/main/apps/search')!;
      expect(search.queryParameters.find((p) => p.name === 'filters')?.required).toBe(true);
      expect(declaredParameterFor('namespace', search.queryParameters)).toBeUndefined();
      expect(matchOperation(v2, 'GET', '/api/v1/main/tests/search')!.operationId).toBe('searchTestSuites');
      expect(specs[2].validateRequest('/api/v1/{tenant}/tests/{namespace}/{id}/run', 'POST', { testCases: 'all' })).not.toEqual([]);
    });
  });
}, path.join(SPEC_DIR, 'openapi-ee-1.3.yml'));
