/**
 * The overview of several stacks' plans (lib/render/stacks-table): one line per stack with its
 * environment, target, counts and whether its plan changes anything.
 */
import { computePlan } from '../../lib/engine/plan';
import type { Plan } from '../../lib/engine/plan-types';
import { emptySnapshot } from '../../lib/kinds';
import { stacksTableMarkdown, stacksTableText, type StackRow } from '../../lib/render/stacks-table';
import { flow, flowSource, kv, liveFlow, liveOf, stack, stateOf } from '../engine/factory';

const ns = 'company.team';
const resources = [flow(ns, 'hello'), flow(ns, 'other'), kv(ns, 'K', 'STRING', 'v')];

/** dev: all three to create. */
function devPlan(): Plan {
  return computePlan({ stack: stack(resources), live: emptySnapshot([ns]), state: undefined, target: { url: 'http://localhost:8080', tenant: 'main' } });
}

/** prod: one flow edited in the UI (drifted, updated back), a live flow nobody declares (unmanaged), a KV pair removed from Git. */
function prodPlan(): Plan {
  const applied = [...resources];
  const live = liveOf(applied, [ns]);
  const state = stateOf(applied, liveOf(applied, [ns]));
  live.objects.set('flow:company.team/hello', liveFlow(ns, 'hello', flowSource(ns, 'hello', 'description: ui\n'), 2));
  live.objects.set('flow:company.team/stray', liveFlow(ns, 'stray', flowSource(ns, 'stray')));
  return computePlan({ stack: stack(resources.slice(0, 2)), live, state, target: { url: 'https://kestra.example.com', tenant: 'acme' } });
}

/** staging: nothing to do. */
function stagingPlan(): Plan {
  const live = liveOf(resources, [ns]);
  return computePlan({ stack: stack(resources), live, state: stateOf(resources, live), target: { url: 'https://staging.example.com', tenant: 'main' } });
}

function rows(): StackRow[] {
  const broken: Plan = { ...stagingPlan(), errors: ['flow:company.team/hello has prevent_destroy'] };
  return [
    { stack: 'dev', environment: 'dev', plan: devPlan() },
    { stack: 'prod', environment: 'production', plan: prodPlan() },
    { stack: 'staging', plan: stagingPlan() },
    { stack: 'pr-42', environment: 'pr-42', plan: broken },
  ];
}

describe('the fixture', () => {
  it('plans what the table shows', () => {
    expect(devPlan().summary).toMatchObject({ add: 3, change: 0, destroy: 0, import: 0, drifted: 0, unmanaged: 0 });
    expect(prodPlan().summary).toMatchObject({ add: 0, change: 1, destroy: 1, import: 0, drifted: 1, unmanaged: 1 });
    expect(stagingPlan().summary).toMatchObject({ add: 0, change: 0, destroy: 0, import: 0, drifted: 0, unmanaged: 0 });
  });
});

describe('stacksTableText', () => {
  it('aligns one line per stack, the counts to the right, drift being drifted plus unmanaged', () => {
    expect(stacksTableText(rows())).toBe(
      [
        '4 stacks:',
        '  stack    environment  target                                    add  change  destroy  import  drift  plan',
        '  dev      dev          http://localhost:8080                       3       0        0       0      0  changes',
        '  prod     production   https://kestra.example.com (tenant acme)    0       1        1       0      2  changes',
        '  staging  -            https://staging.example.com                 0       0        0       0      0  no changes',
        '  pr-42    pr-42        https://staging.example.com                 0       0        0       0      0  errors',
      ].join('\n'),
    );
  });
});

describe('stacksTableMarkdown', () => {
  it('is a table with the counts right-aligned and names escaped', () => {
    expect(stacksTableMarkdown(rows())).toBe(
      [
        '| stack | environment | target | add | change | destroy | import | drift | plan |',
        '|---|---|---|---:|---:|---:|---:|---:|---|',
        '| `dev` | dev | http://localhost:8080 | 3 | 0 | 0 | 0 | 0 | changes |',
        '| `prod` | production | https://kestra.example.com (tenant acme) | 0 | 1 | 1 | 0 | 2 | changes |',
        '| `staging` | - | https://staging.example.com | 0 | 0 | 0 | 0 | 0 | no changes |',
        '| `pr-42` | pr-42 | https://staging.example.com | 0 | 0 | 0 | 0 | 0 | errors |',
      ].join('\n'),
    );
    const odd: StackRow[] = [{ stack: 'a_b', environment: 'x|y', plan: stagingPlan() }];
    expect(stacksTableMarkdown(odd).split('\n')[2]).toBe('| `a\\_b` | x\\|y | https://staging.example.com | 0 | 0 | 0 | 0 | 0 | no changes |');
  });

  it('counts record steps as no change', () => {
    const p = stagingPlan();
    const recorded: Plan = { ...p, steps: p.steps.map((s, i) => (i === 0 ? { ...s, action: 'record', reason: 'fingerprint-moved' } : s)) };
    expect(stacksTableMarkdown([{ stack: 's', plan: recorded }]).split('\n')[2]).toMatch(/\| no changes \|$/);
    const imported: Plan = { ...p, steps: p.steps.map((s, i) => (i === 0 ? { ...s, action: 'import', reason: 'import-requested' } : s)) };
    expect(stacksTableMarkdown([{ stack: 's', plan: imported }]).split('\n')[2]).toMatch(/\| changes \|$/);
  });
});
