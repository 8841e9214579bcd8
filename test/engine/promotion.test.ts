/**
 * The promotion view (lib/engine/promotion): one row per object of the tree, one column per
 * stack. Two environments deploy the same files under different namespaces, so rows are matched
 * by where the objects come from, not by address.
 */
import * as path from 'node:path';
import { computePlan } from '../../lib/engine/plan';
import { promotionView } from '../../lib/engine/promotion';
import type { DesiredResource, DesiredStack } from '../../lib/desired/types';
import type { LiveSnapshot } from '../../lib/kinds';
import type { Plan } from '../../lib/engine/plan-types';
import { file, flow, flowSource, kv, liveFlow, liveOf, stack, stateOf } from './factory';

const PROJECT = '/work/project';
const TREE = 'tree/company.team';

/** The tree's objects as an environment deploys them, in namespace `ns`. */
function objects(ns: string, env: string, o: { kvValue?: string } = {}) {
  return {
    hello: flow(ns, 'hello', flowSource(ns, 'hello'), { sourceFile: `${TREE}/flows/hello.yml`, rewrittenFor: env }),
    etl: file(ns, '/scripts/etl.py', 'print(1)\n', { sourcePath: path.join(PROJECT, TREE, 'files/scripts/etl.py') }),
    apiUrl: kv(ns, 'API_URL', 'STRING', o.kvValue ?? 'https://example.com', { sourceFile: `${TREE}/kv.yaml:1` }),
    // Written in the stack's code: matched by its construct path below the stack.
    made: flow(ns, 'made', flowSource(ns, 'made'), { constructPath: `${env}/made` }),
  };
}

function desiredStack(name: string, resources: DesiredResource[], environment?: string): DesiredStack {
  return { ...stack(resources, { environment, target: { name } }), name, file: path.join(PROJECT, 'cdktf.out/stacks', name, 'cdk.tf.json') };
}

function plan(s: DesiredStack, live: LiveSnapshot, applied: DesiredResource[], target: Plan['target']): Plan {
  return computePlan({ stack: s, live, state: stateOf(applied, live, { stack: s.name }), target, now: new Date('2026-02-01T00:00:00Z') });
}

/**
 * dev (company.team): hello and made in sync; API_URL changed in Git (pending update); a flow
 * only dev deploys, not yet created (pending create).
 * prod (prod.company.team): hello edited in the UI (drifted); API_URL in sync; etl.py not there
 * yet (pending create); made in sync; a flow removed from Git still in Kestra (pending delete).
 */
function fixture() {
  const dev = objects('company.team', 'dev', { kvValue: 'https://new.example.com' });
  const devOnly = flow('company.team', 'only-dev', flowSource('company.team', 'only-dev'), { sourceFile: 'tree/company.team/flows/only-dev.yml' });
  const devApplied = [dev.hello, dev.etl, { ...dev.apiUrl, value: 'https://example.com' }, dev.made];
  const devStack = desiredStack('dev', [dev.hello, dev.etl, dev.apiUrl, dev.made, devOnly], 'dev');
  const devPlan = plan(devStack, liveOf(devApplied, ['company.team']), devApplied, { url: 'http://localhost:8080', tenant: 'main' });

  const prod = objects('prod.company.team', 'prod');
  const old = flow('prod.company.team', 'old', flowSource('prod.company.team', 'old'), { sourceFile: `${TREE}/flows/old.yml` });
  const prodApplied = [prod.hello, prod.apiUrl, prod.made, old];
  const prodLive = liveOf(prodApplied, ['prod.company.team']);
  const stateLive = liveOf(prodApplied, ['prod.company.team']);
  prodLive.objects.set(prod.hello.address, liveFlow('prod.company.team', 'hello', flowSource('prod.company.team', 'hello', 'description: edited in the UI\n'), 2));
  const prodStack = desiredStack('prod', [prod.hello, prod.etl, prod.apiUrl, prod.made], 'production');
  const prodPlan = computePlan({ stack: prodStack, live: prodLive, state: stateOf(prodApplied, stateLive, { stack: 'prod' }), target: { url: 'https://kestra.example.com', tenant: 'acme' } });
  return { devStack, devPlan, prodStack, prodPlan };
}

describe('promotionView', () => {
  it('the fixture plans what it says', () => {
    const { devPlan, prodPlan } = fixture();
    const actions = (p: Plan) => Object.fromEntries(p.steps.map((s) => [s.address, s.action]));
    expect(actions(devPlan)).toEqual({
      'flow:company.team/hello': 'no-op',
      'file:company.team:/scripts/etl.py': 'no-op',
      'kv:company.team/API_URL': 'update',
      'flow:company.team/made': 'no-op',
      'flow:company.team/only-dev': 'create',
    });
    expect(actions(prodPlan)).toEqual({
      'flow:prod.company.team/hello': 'update',
      'file:prod.company.team:/scripts/etl.py': 'create',
      'kv:prod.company.team/API_URL': 'no-op',
      'flow:prod.company.team/made': 'no-op',
      'flow:prod.company.team/old': 'delete',
    });
    expect(prodPlan.drift.map((d) => `${d.address} ${d.drift}`)).toEqual(['flow:prod.company.team/hello changed']);
  });

  it('matches objects across stacks by their source, one column per stack', () => {
    const { devStack, devPlan, prodStack, prodPlan } = fixture();
    const view = promotionView([{ stack: devStack, plan: devPlan }, { stack: prodStack, plan: prodPlan }], PROJECT);
    expect(view.columns).toEqual([
      { stack: 'dev', environment: 'dev', target: { url: 'http://localhost:8080', tenant: 'main' } },
      { stack: 'prod', environment: 'production', target: { url: 'https://kestra.example.com', tenant: 'acme' } },
    ]);
    expect(view.rows).toEqual([
      // An object no longer declared is known by its address only (sorted by source, code point order).
      { kind: 'flow', source: 'flow:prod.company.team/old', cells: { dev: { status: 'absent' }, prod: { address: 'flow:prod.company.team/old', status: 'pending', pending: 'delete' } } },
      {
        kind: 'flow',
        source: 'made',
        cells: { dev: { address: 'flow:company.team/made', status: 'in-sync', pending: undefined }, prod: { address: 'flow:prod.company.team/made', status: 'in-sync', pending: undefined } },
      },
      {
        kind: 'file',
        source: 'tree/company.team/files/scripts/etl.py',
        cells: { dev: { address: 'file:company.team:/scripts/etl.py', status: 'in-sync', pending: undefined }, prod: { address: 'file:prod.company.team:/scripts/etl.py', status: 'pending', pending: 'create' } },
      },
      {
        kind: 'flow',
        source: 'tree/company.team/flows/hello.yml',
        cells: { dev: { address: 'flow:company.team/hello', status: 'in-sync', pending: undefined }, prod: { address: 'flow:prod.company.team/hello', status: 'drifted', pending: 'update' } },
      },
      {
        kind: 'flow',
        source: 'tree/company.team/flows/only-dev.yml',
        cells: { dev: { address: 'flow:company.team/only-dev', status: 'pending', pending: 'create' }, prod: { status: 'absent' } },
      },
      {
        kind: 'kv',
        source: 'tree/company.team/kv.yaml API_URL',
        cells: { dev: { address: 'kv:company.team/API_URL', status: 'pending', pending: 'update' }, prod: { address: 'kv:prod.company.team/API_URL', status: 'in-sync', pending: undefined } },
      },
    ]);
  });

  it('gives every row a cell for every stack, absent where the stack does not deploy it', () => {
    const { devStack, devPlan, prodStack, prodPlan } = fixture();
    const view = promotionView([{ stack: devStack, plan: devPlan }, { stack: prodStack, plan: prodPlan }], PROJECT);
    for (const row of view.rows) expect(Object.keys(row.cells).sort()).toEqual(['dev', 'prod']);
    const absent = view.rows.flatMap((r) => Object.entries(r.cells).filter(([, c]) => c.status === 'absent').map(([s]) => `${s} ${r.source}`));
    expect(absent).toEqual(['dev flow:prod.company.team/old', 'prod tree/company.team/flows/only-dev.yml']);
  });

  it('counts a record step as in sync and an unmanaged object as not drifted', () => {
    const { devStack, devPlan } = fixture();
    const recorded: Plan = {
      ...devPlan,
      steps: devPlan.steps.map((s) => (s.address === 'flow:company.team/hello' ? { ...s, action: 'record', reason: 'fingerprint-moved' } : s)),
      drift: [{ address: 'flow:company.team/made', kind: 'flow', tfType: 'kestra_flow', namespace: 'company.team', drift: 'unmanaged' }],
    };
    const view = promotionView([{ stack: devStack, plan: recorded }], PROJECT);
    const cell = (source: string) => view.rows.find((r) => r.source === source)!.cells.dev;
    expect(cell('tree/company.team/flows/hello.yml')).toEqual({ address: 'flow:company.team/hello', status: 'in-sync', pending: undefined });
    expect(cell('made').status).toBe('in-sync');
    expect(view.columns).toEqual([{ stack: 'dev', environment: 'dev', target: { url: 'http://localhost:8080', tenant: 'main' } }]);
  });

  it('keeps a deleted KV pair in a shared file apart from the others of that file', () => {
    const a = kv('n', 'A', 'STRING', 'a', { sourceFile: 'kv.yaml:1' });
    const b = kv('n', 'B', 'STRING', 'b', { sourceFile: 'kv.yaml:2' });
    const s = desiredStack('only', [a, b]);
    const view = promotionView([{ stack: s, plan: computePlan({ stack: s, live: liveOf([], ['n']), state: undefined, target: { url: 'u', tenant: 'main' } }) }], PROJECT);
    expect(view.rows.map((r) => `${r.kind} ${r.source} ${r.cells.only.status} ${r.cells.only.pending}`)).toEqual(['kv kv.yaml A pending create', 'kv kv.yaml B pending create']);
    expect(view.columns[0].environment).toBeUndefined();
  });
});
