/**
 * Objects two stacks declare on one Kestra (lib/desired/ownership), and which Kestra a stack goes
 * to (lib/cli/target-key): stacks of one Kestra must not share objects, stacks of different
 * Kestras (dev, prod) may declare the same ones.
 */
import * as path from 'node:path';
import { crossStackConflicts } from '../../lib/desired/ownership';
import { targetKeyOf } from '../../lib/cli/target-key';
import type { DesiredResource, DesiredStack } from '../../lib/desired/types';
import type { TargetSettings } from '../../lib/model/settings';
import { file, flow, kv, local, stack } from '../engine/factory';

const PROJECT = '/work/project';
const HINT = 'each object must belong to one stack per Kestra: work on one of the stacks (--stack NAME), or give one its own target or namespaces';

function named(name: string, resources: DesiredResource[], target: TargetSettings = { name }): DesiredStack {
  return { ...stack(resources, { target }), name, file: path.join(PROJECT, 'cdktf.out/stacks', name, 'cdk.tf.json') };
}

/** Every stack on one Kestra, or each on its own. */
const oneKestra = () => 'shared';
const byTargetName = (s: DesiredStack) => s.settings.target.name ?? '';

describe('crossStackConflicts', () => {
  const ns = 'company.team';

  it('reports nothing when the stacks on one Kestra declare different objects', () => {
    const a = named('a', [flow(ns, 'one'), kv(ns, 'K', 'STRING', 'v')]);
    const b = named('b', [flow(ns, 'two'), kv(ns, 'L', 'STRING', 'v'), file(ns, '/x.py', 'x')]);
    expect(crossStackConflicts([a, b], oneKestra, PROJECT)).toEqual([]);
  });

  it('reports one error for one shared object, in the second stack’s file, naming both stacks', () => {
    const a = named('dev', [flow(ns, 'hello'), flow(ns, 'only-dev')]);
    const b = named('pr-42', [flow(ns, 'hello'), flow(ns, 'only-pr')]);
    expect(crossStackConflicts([a, b], oneKestra, PROJECT)).toEqual([
      {
        severity: 'error',
        file: 'cdktf.out/stacks/pr-42/cdk.tf.json',
        line: 0,
        column: 0,
        message: 'stacks "dev" and "pr-42" deploy to the same Kestra and both declare this object: flow:company.team/hello',
        hint: HINT,
      },
    ]);
  });

  it('groups what a pair of stacks shares into one error, listing five and counting the rest', () => {
    const shared = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => flow(ns, id));
    const two = [kv(ns, 'K', 'STRING', 'v'), file(ns, '/s.py', 'print(1)')];
    const x = named('x', [...shared, ...two]);
    const y = named('y', [...shared.map((f) => ({ ...f })), ...two]);
    const out = crossStackConflicts([x, y], oneKestra, PROJECT);
    expect(out).toHaveLength(1);
    expect(out[0].message).toBe(
      'stacks "x" and "y" deploy to the same Kestra and both declare these 9 objects: flow:company.team/a, flow:company.team/b, flow:company.team/c, flow:company.team/d, flow:company.team/e, and 4 more',
    );
    const small = crossStackConflicts([named('x', two), named('y', two)], oneKestra, PROJECT);
    expect(small.map((d) => d.message)).toEqual(['stacks "x" and "y" deploy to the same Kestra and both declare these 2 objects: kv:company.team/K, file:company.team:/s.py']);
  });

  it('reports each pair of stacks apart', () => {
    const a = named('a', [flow(ns, 'one'), flow(ns, 'two')]);
    const b = named('b', [flow(ns, 'one')]);
    const c = named('c', [flow(ns, 'one'), flow(ns, 'two')]);
    expect(crossStackConflicts([a, b, c], oneKestra, PROJECT).map((d) => `${d.file}: ${d.message}`)).toEqual([
      'cdktf.out/stacks/b/cdk.tf.json: stacks "a" and "b" deploy to the same Kestra and both declare this object: flow:company.team/one',
      'cdktf.out/stacks/c/cdk.tf.json: stacks "a" and "c" deploy to the same Kestra and both declare these 2 objects: flow:company.team/one, flow:company.team/two',
    ]);
  });

  it('lets stacks of different Kestras declare the same objects', () => {
    const objects = () => [flow(ns, 'hello'), kv(ns, 'K', 'STRING', 'v'), file(ns, '/x.py', 'x')];
    const dev = named('dev', objects());
    const prod = named('prod', objects());
    expect(crossStackConflicts([dev, prod], byTargetName, PROJECT)).toEqual([]);
    // A preview on dev's Kestra shares it with dev, not with prod.
    const preview = named('pr-7', objects(), { name: 'dev' });
    expect(crossStackConflicts([dev, prod, preview], byTargetName, PROJECT).map((d) => d.message)).toEqual([
      'stacks "dev" and "pr-7" deploy to the same Kestra and both declare these 3 objects: flow:company.team/hello, kv:company.team/K, file:company.team:/x.py',
    ]);
  });

  it('never counts local resources (they belong to their stack alone)', () => {
    expect(crossStackConflicts([named('a', [local('barrier', { v: '1' })]), named('b', [local('barrier', { v: '1' })])], oneKestra, PROJECT)).toEqual([]);
  });

  it('points at the absolute file of a stack outside the project', () => {
    const a = named('a', [flow(ns, 'x')]);
    const b = { ...named('b', [flow(ns, 'x')]), file: '/elsewhere/out/b/cdk.tf.json' };
    expect(crossStackConflicts([a, b], oneKestra, PROJECT)[0].file).toBe('/elsewhere/out/b/cdk.tf.json');
  });
});

describe('targetKeyOf', () => {
  const s = (target: TargetSettings) => named('s', [], target);

  it('is the embedded server of the target name when no URL is set', () => {
    expect(targetKeyOf(s({ name: 'dev', url_env: 'DEV_URL' }), {})).toBe('embedded:dev');
    expect(targetKeyOf(s({ name: 'prod' }), {})).toBe('embedded:prod');
    expect(targetKeyOf(s({}), {})).toBe('embedded:');
  });

  it('is the URL and tenant when one is set, the target name aside', () => {
    expect(targetKeyOf(s({ name: 'dev', url_env: 'DEV_URL', tenant: 'acme' }), { DEV_URL: 'https://dev.example.com/' })).toBe('https://dev.example.com#acme');
    // Two named Kestras behind one URL and tenant are one Kestra.
    const env = { KESTRA_URL: 'http://localhost:8080' };
    expect(targetKeyOf(s({ name: 'dev' }), env)).toBe('http://localhost:8080#main');
    expect(targetKeyOf(s({ name: 'prod', url_env: 'PROD_URL' }), { ...env, PROD_URL: 'https://prod' })).toBe('http://localhost:8080#main');
    // The same URL with another tenant is another Kestra.
    expect(targetKeyOf(s({ url_env: 'U', tenant_env: 'T' }), { U: 'http://h', T: 'other' })).toBe('http://h#other');
  });

  it('drives the conflicts: two stacks sharing objects conflict only where their keys meet', () => {
    const dev = named('dev', [flow('n', 'f')], { name: 'dev', url_env: 'DEV_URL' });
    const prod = named('prod', [flow('n', 'f')], { name: 'prod', url_env: 'PROD_URL' });
    const apart = { DEV_URL: 'https://dev', PROD_URL: 'https://prod' };
    expect(crossStackConflicts([dev, prod], (x) => targetKeyOf(x, apart), PROJECT)).toEqual([]);
    expect(crossStackConflicts([dev, prod], (x) => targetKeyOf(x, {}), PROJECT)).toEqual([]);
    const same = { DEV_URL: 'https://one', PROD_URL: 'https://one/' };
    expect(crossStackConflicts([dev, prod], (x) => targetKeyOf(x, same), PROJECT).map((d) => d.message)).toEqual([
      'stacks "dev" and "prod" deploy to the same Kestra and both declare this object: flow:n/f',
    ]);
  });
});
