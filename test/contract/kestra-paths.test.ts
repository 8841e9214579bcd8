/**
 * lib/server/kestra-paths.ts is every path+method of Kestra's OpenAPI specs (2.0 EE and 1.3 EE),
 * the router's list of paths Kestra reserves. It is generated from the specs: this test fails
 * when it is out of date, and `UPDATE_KESTRA_PATHS=1 npx jest test/contract/kestra-paths`
 * rewrites it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPEC_DIR, loadSpec } from './client-spec';
import { describeWithShared } from '../support/shared';
import { KESTRA_PATHS } from '../../lib/server/kestra-paths';

const TARGET = path.resolve(__dirname, '..', '..', 'lib', 'server', 'kestra-paths.ts');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

function specPaths(): Array<[string, string]> {
  const all = new Map<string, Set<string>>();
  for (const file of ['openapi-ee.yml', 'openapi-ee-1.3.yml']) {
    for (const [template, item] of Object.entries(loadSpec(file).paths)) {
      for (const method of METHODS) {
        if (!item[method.toLowerCase()]) continue;
        const set = all.get(template) ?? new Set<string>();
        set.add(method);
        all.set(template, set);
      }
    }
  }
  return [...all.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([template, methods]) => [template, METHODS.filter((m) => methods.has(m)).join(' ')]);
}

function render(rows: Array<[string, string]>): string {
  return [
    '/**',
    " * Every path and method of Kestra's OpenAPI specs, 2.0 EE (client-sdk kestra-ee.yml, main) and 1.3 EE",
    ' * (releases/v1.3.x): the paths Kestra reserves. The router answers one the emulator does not serve',
    ' * as Kestra answers an operation it does not offer, instead of letting a parameter route take it',
    ' * (`DELETE /flows/delete/by-ids` is not flow `by-ids` of namespace `delete`).',
    ' *',
    ' * Generated from the specs by test/contract/kestra-paths.test.ts (UPDATE_KESTRA_PATHS=1): do not edit.',
    ' */',
    'export const KESTRA_PATHS: ReadonlyArray<readonly [template: string, methods: string]> = [',
    ...rows.map(([t, m]) => `  [${JSON.stringify(t)}, ${JSON.stringify(m)}],`),
    '];',
    '',
  ].join('\n');
}

describeWithShared('kestra-api', 'the reserved Kestra paths', () => {
  it('are exactly the paths and methods of both specs', () => {
    const rows = specPaths();
    if (process.env.UPDATE_KESTRA_PATHS === '1') fs.writeFileSync(TARGET, render(rows));
    expect(KESTRA_PATHS.map(([t, m]) => [t, m])).toEqual(rows);
    expect(rows.length).toBeGreaterThan(400);
  });
}, path.join(SPEC_DIR, 'openapi-ee-1.3.yml'));
