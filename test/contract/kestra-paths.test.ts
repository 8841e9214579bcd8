/**
 * lib/server/kestra-paths.ts is every path+method of Kestra's OpenAPI specs (2.0 EE and 1.3 EE),
 * the router's list of paths Kestra reserves, with the methods each line offers only in its
 * Enterprise Edition. It is generated from the specs: this test fails when it is out of date, and
 * `UPDATE_KESTRA_PATHS=1 npx jest test/contract/kestra-paths` rewrites it.
 *
 * Which operations are EE:
 * - 2.0: those the spec marks `x-kestra: {edition: ee}` (client-sdk kestra-ee.yml, main).
 * - 1.3: the 1.3 spec has no markers. An operation it shares with 2.0 (same path and method) is
 *   EE when 2.0 marks it so; an operation only 1.3 has is classified by hand below, from where it
 *   lives (kestra-io/kestra's open-source controllers, or an EE-only feature). A 1.3-only operation
 *   in neither list fails the test, so a new spec forces a decision.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPEC_DIR, loadSpec, type Spec } from './client-spec';
import { describeWithShared } from '../support/shared';
import { KESTRA_PATHS } from '../../lib/server/kestra-paths';

const TARGET = path.resolve(__dirname, '..', '..', 'lib', 'server', 'kestra-paths.ts');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** 1.3-only operations of the Enterprise Edition: EE features with no open-source controller. */
const EE_ONLY_13 = new Set([
  'GET /api/v1/forgotten-password', // EE password reset (tag Auths; 2.0 marks the rest of it ee)
  'GET /api/v1/instance/workergroups', // worker groups are EE (tag WorkerGroups; 2.0: worker-groups, marked ee)
  'POST /api/v1/instance/workergroups',
  'GET /api/v1/instance/workergroups/{id}',
  'PUT /api/v1/instance/workergroups/{id}',
  'DELETE /api/v1/instance/workergroups/{id}',
  'GET /api/v1/support/debug-info', // EE support
  'POST /api/v1/support/forward',
  'GET /api/v1/{tenant}/acls/actions', // RBAC (2.0 marks acls/permissions ee)
  'GET /api/v1/{tenant}/namespaces/{id}/inherited-plugindefaults', // plugin defaults of EE namespace objects
  'POST /api/v1/{tenant}/namespaces/{id}/plugindefaults/export',
  'POST /api/v1/{tenant}/namespaces/{id}/plugindefaults/import',
]);

/** 1.3-only operations open-source Kestra has (kestra-io/kestra webserver controllers, 1.x). */
const OSS_ONLY_13 = new Set([
  'POST /api/v1/{tenant}/executions/trigger/{namespace}/{id}', // ExecutionController
  'POST /api/v1/{tenant}/executions/{executionId}/change-status',
  'POST /api/v1/{tenant}/executions/{executionId}/eval',
  'POST /api/v1/{tenant}/executions/{executionId}/eval/{taskRunId}',
  'POST /api/v1/{tenant}/executions/{executionId}/force-run',
  'DELETE /api/v1/{tenant}/executions/{executionId}/kill',
  'POST /api/v1/{tenant}/executions/{executionId}/labels',
  'POST /api/v1/{tenant}/executions/{executionId}/pause',
  'POST /api/v1/{tenant}/executions/{executionId}/replay',
  'POST /api/v1/{tenant}/executions/{executionId}/replay-with-inputs',
  'POST /api/v1/{tenant}/executions/{executionId}/restart',
  'POST /api/v1/{tenant}/executions/{executionId}/resume',
  'POST /api/v1/{tenant}/executions/{executionId}/resume-from-breakpoint',
  'POST /api/v1/{tenant}/executions/{executionId}/resume/validate',
  'POST /api/v1/{tenant}/executions/{executionId}/state',
  'POST /api/v1/{tenant}/executions/{executionId}/unqueue',
  'PATCH /api/v1/{tenant}/flows/{namespace}/{id}/{taskId}', // FlowController.updateTask
  'GET /api/v1/{tenant}/namespaces/{namespace}/kv', // KVController.listKeys (deprecated, removed in 2.0)
  'GET /api/v1/{tenant}/namespaces/{namespace}/secrets', // NamespaceSecretController.listNamespaceSecrets (deprecated)
  'PUT /api/v1/{tenant}/triggers', // TriggerController.updateTrigger
]);

type Row = [template: string, methods: string, ee2: string, ee1: string];

function operations(spec: Spec): Map<string, { ee: boolean }> {
  const out = new Map<string, { ee: boolean }>();
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method.toLowerCase()] as { 'x-kestra'?: { edition?: string } } | undefined;
      if (op) out.set(`${method} ${template}`, { ee: op['x-kestra']?.edition === 'ee' });
    }
  }
  return out;
}

function specRows(): { rows: Row[]; unclassified: string[] } {
  const v2 = operations(loadSpec('openapi-ee.yml'));
  const v13 = operations(loadSpec('openapi-ee-1.3.yml'));
  const unclassified: string[] = [];
  const ee13 = (key: string): boolean => {
    const shared = v2.get(key);
    if (shared) return shared.ee;
    if (EE_ONLY_13.has(key)) return true;
    if (!OSS_ONLY_13.has(key)) unclassified.push(key);
    return false;
  };
  const all = new Map<string, { methods: Set<string>; ee2: Set<string>; ee1: Set<string> }>();
  for (const [line, ops] of [[2, v2], [1, v13]] as const) {
    for (const [key, op] of ops) {
      const [method, template] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
      const row = all.get(template) ?? { methods: new Set<string>(), ee2: new Set<string>(), ee1: new Set<string>() };
      row.methods.add(method);
      if (line === 2 && op.ee) row.ee2.add(method);
      if (line === 1 && ee13(key)) row.ee1.add(method);
      all.set(template, row);
    }
  }
  const ordered = (set: Set<string>) => METHODS.filter((m) => set.has(m)).join(' ');
  const rows = [...all.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([template, r]): Row => [template, ordered(r.methods), ordered(r.ee2), ordered(r.ee1)]);
  return { rows, unclassified };
}

function render(rows: Row[]): string {
  return [
    '/**',
    " * Every path and method of Kestra's OpenAPI specs, 2.0 EE (client-sdk kestra-ee.yml, main) and 1.3 EE",
    ' * (releases/v1.3.x): the paths Kestra reserves. The router answers one the emulator does not serve',
    ' * as Kestra answers an operation it does not offer, instead of letting a parameter route take it',
    ' * (`DELETE /flows/delete/by-ids` is not flow `by-ids` of namespace `delete`).',
    ' *',
    ' * Per path: every method of either spec, then the methods only the Enterprise Edition offers on',
    " * the 2.0 line (the spec's `x-kestra: {edition: ee}`) and on the 1.3 line (see the generator).",
    ' *',
    ' * Generated from the specs by test/contract/kestra-paths.test.ts (UPDATE_KESTRA_PATHS=1): do not edit.',
    ' */',
    'export const KESTRA_PATHS: ReadonlyArray<readonly [template: string, methods: string, ee2?: string, ee1?: string]> = [',
    ...rows.map((row) => `  [${row.map((cell) => JSON.stringify(cell)).join(', ')}],`),
    '];',
    '',
  ].join('\n');
}

describeWithShared('kestra-api', 'the reserved Kestra paths', () => {
  it('are exactly the paths, methods and EE methods of both specs', () => {
    const { rows, unclassified } = specRows();
    expect(unclassified).toEqual([]);
    if (process.env.UPDATE_KESTRA_PATHS === '1') fs.writeFileSync(TARGET, render(rows));
    expect(KESTRA_PATHS.map((row) => [...row])).toEqual(rows);
    expect(rows.length).toBeGreaterThan(400);
    // 321 operations of 2.0 are marked ee (SOURCES.md); the 1.3 line follows it where they meet.
    expect(rows.reduce((n, r) => n + (r[2] ? r[2].split(' ').length : 0), 0)).toBe(321);
    expect(rows.find((r) => r[0] === '/api/v1/{tenant}/namespaces/{id}')).toEqual(['/api/v1/{tenant}/namespaces/{id}', 'GET PUT DELETE', 'PUT DELETE', 'PUT DELETE']);
  });

  it('classifies every operation only the 1.3 spec has, and nothing else by hand', () => {
    const v2 = operations(loadSpec('openapi-ee.yml'));
    const v13 = operations(loadSpec('openapi-ee-1.3.yml'));
    const only13 = [...v13.keys()].filter((k) => !v2.has(k)).sort();
    expect([...EE_ONLY_13, ...OSS_ONLY_13].sort()).toEqual(only13);
  });
}, path.join(SPEC_DIR, 'openapi-ee-1.3.yml'));
