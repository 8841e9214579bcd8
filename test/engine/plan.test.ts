import { computePlan } from '../../lib/engine/plan';
import type { Plan } from '../../lib/engine/plan-types';
import { file, flow, flowSource, kv, liveFlow, liveOf, local, stack, stateOf, target } from './factory';
import { emptySnapshot } from '../../lib/kinds';
import { reasonText } from '../../lib/render/reasons';
import { blocksText, driftBlocks, stepBlocks } from '../../lib/render/display';

const actions = (p: Plan) => Object.fromEntries(p.steps.map((c) => [c.address, c.action]));
const diffOf = (step: Plan['steps'][number]) => blocksText(stepBlocks(step), { values: false });

describe('computePlan', () => {
  const ns = 'company.team';
  const resources = [flow(ns, 'hello'), file(ns, '/a.py', 'print(1)\n'), kv(ns, 'K', 'STRING', 'v')];

  it('creates everything on an empty server with no state', () => {
    const p = computePlan({ stack: stack(resources), live: emptySnapshot([ns]), state: undefined, target });
    expect(actions(p)).toEqual({ 'flow:company.team/hello': 'create', 'file:company.team:/a.py': 'create', 'kv:company.team/K': 'create' });
    expect(p.summary).toMatchObject({ add: 3, change: 0, destroy: 0 });
    expect(p.state).toBeNull();
    expect(p.liveFingerprints['flow:company.team/hello']).toBe('absent');
  });

  it('plans nothing when live matches what state recorded', () => {
    const live = liveOf(resources, [ns]);
    const p = computePlan({ stack: stack(resources), live, state: stateOf(resources, live), target });
    expect(p.steps.every((c) => c.action === 'no-op')).toBe(true);
    expect(p.drift).toEqual([]);
    expect(p.summary).toMatchObject({ add: 0, change: 0, destroy: 0, drifted: 0 });
  });

  it('adopts live objects equal to Git but not in state (import)', () => {
    const p = computePlan({ stack: stack(resources), live: liveOf(resources, [ns]), state: undefined, target });
    expect(Object.values(actions(p))).toEqual(['import', 'import', 'import']);
    expect(p.summary.import).toBe(3);
  });

  it('updates a flow changed in Git with a unified diff and says when only formatting changed', () => {
    const live = liveOf(resources, [ns]);
    const state = stateOf(resources, live);
    const edited = flow(ns, 'hello', flowSource(ns, 'hello').replace('message: hi', 'message: hello'));
    const p = computePlan({ stack: stack([edited, resources[1], resources[2]]), live, state, target });
    const c = p.steps.find((x) => x.address === 'flow:company.team/hello')!;
    expect(c.action).toBe('update');
    expect(c.reason).toBe('changed-in-git');
    expect(reasonText(c)).toBe('changed in Git');
    expect(diffOf(c)).toContain('-    message: hi');
    expect(diffOf(c)).toContain('+    message: hello');
    expect(c.formattingOnly).toBe(false);

    const commented = flow(ns, 'hello', `# a comment\n${flowSource(ns, 'hello')}`);
    const p2 = computePlan({ stack: stack([commented, resources[1], resources[2]]), live, state, target });
    expect(p2.steps.find((x) => x.address === 'flow:company.team/hello')!.formattingOnly).toBe(true);
  });

  it('treats CRLF and a BOM as equal to LF source', () => {
    const crlf = flow(ns, 'hello', '\uFEFF' + flowSource(ns, 'hello').replace(/\n/g, '\r\n'));
    const live = liveOf([flow(ns, 'hello')], [ns]);
    const p = computePlan({ stack: stack([crlf]), live, state: undefined, target });
    expect(actions(p)['flow:company.team/hello']).toBe('import');
  });

  it('deletes a managed object gone from Git, leaves unmanaged ones, prunes only with prune, never in protected namespaces', () => {
    const live = liveOf(resources, [ns]);
    const state = stateOf([resources[0]], live); // only the flow is managed
    const p = computePlan({ stack: stack([], { namespaces: [ns] }), live, state, target });
    expect(actions(p)).toEqual({ 'flow:company.team/hello': 'delete' });
    expect(p.drift.filter((d) => d.drift === 'unmanaged').map((d) => d.address).sort()).toEqual(['file:company.team:/a.py', 'kv:company.team/K']);

    const pruned = computePlan({ stack: stack([], { namespaces: [ns], prune: true }), live, state, target });
    expect(Object.values(actions(pruned))).toEqual(['delete', 'delete', 'delete']);

    const sys = [flow('system', 'x')];
    const liveSys = liveOf(sys, ['system']);
    const prot = computePlan({ stack: stack([], { namespaces: [], prune: true }), live: liveSys, state: stateOf(sys, liveSys), target });
    expect(prot.steps.filter((c) => c.action === 'delete')).toEqual([]);
    expect(prot.warnings.join('\n')).toContain('protected namespace "system"');
  });

  it('refuses to delete an object whose state says prevent_destroy', () => {
    const guarded = flow(ns, 'hello', undefined, { lifecycle: { preventDestroy: true, ignoreChanges: [], createBeforeDestroy: false } });
    const live = liveOf([guarded], [ns]);
    const p = computePlan({ stack: stack([], { namespaces: [ns] }), live, state: stateOf([guarded], live), target });
    expect(p.errors[0]).toContain('prevent_destroy');
    expect(p.steps.filter((c) => c.action === 'delete')).toEqual([]);
  });

  it('reports drift apart from Git changes and plans to revert it', () => {
    const live = liveOf(resources, [ns]);
    const state = stateOf(resources, live);
    const edited = flowSource(ns, 'hello', 'description: edited in the UI\n');
    live.objects.set('flow:company.team/hello', liveFlow(ns, 'hello', edited, 2));
    live.objects.delete('file:company.team:/a.py');
    live.objects.set('flow:company.team/extra', { kind: 'flow', address: 'flow:company.team/extra', namespace: ns, id: 'extra', revision: 1 } as never);
    const p = computePlan({ stack: stack(resources), live, state, target });
    const drift = Object.fromEntries(p.drift.map((d) => [d.address, d]));
    expect(drift['flow:company.team/hello'].drift).toBe('changed');
    expect(drift['flow:company.team/hello'].after?.revision).toBe(2);
    expect(blocksText(driftBlocks(drift['flow:company.team/hello']), { values: false })).toContain('+description: edited in the UI');
    expect(drift['file:company.team:/a.py'].drift).toBe('deleted');
    expect(drift['flow:company.team/extra'].drift).toBe('unmanaged');
    expect(actions(p)['flow:company.team/hello']).toBe('update');
    expect(reasonText(p.steps.find((c) => c.address === 'flow:company.team/hello')!)).toContain('changed outside kestraform');
    expect(actions(p)['file:company.team:/a.py']).toBe('create');
    expect(actions(p)['flow:company.team/extra']).toBeUndefined();
    expect(p.summary).toMatchObject({ drifted: 2, unmanaged: 1 });
  });

  it('forgets a managed object gone from both Git and Kestra', () => {
    const live = liveOf(resources, [ns]);
    const state = stateOf(resources, live);
    const p = computePlan({ stack: stack(resources.slice(1)), live: liveOf(resources.slice(1), [ns]), state, target });
    expect(actions(p)['flow:company.team/hello']).toBe('forget');
  });

  it('replaces local-only resources when their triggers change', () => {
    const a = local('barrier', { v: '1' });
    const p0 = computePlan({ stack: stack([a]), live: emptySnapshot(), state: undefined, target });
    expect(actions(p0)['null_resource.barrier']).toBe('create');
    const state = stateOf([a], emptySnapshot());
    expect(actions(computePlan({ stack: stack([a]), live: emptySnapshot(), state, target }))['null_resource.barrier']).toBe('no-op');
    const p = computePlan({ stack: stack([local('barrier', { v: '2' })]), live: emptySnapshot(), state, target });
    expect(actions(p)['null_resource.barrier']).toBe('replace');
    expect(p.summary).toMatchObject({ add: 1, destroy: 1 });
  });

  it('orders files and KV before flows, subflows before callers, flow deletes before file deletes', () => {
    const child = flow('a.b', 'child');
    const parent = flow('a.b', 'parent', `id: parent\nnamespace: a.b\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: a.b\n    flowId: child\n`);
    const f = file('a.b', '/x.sql', 'select 1');
    const p = computePlan({ stack: stack([parent, child, f]), live: emptySnapshot(['a.b']), state: undefined, target });
    const by = Object.fromEntries(p.steps.map((c) => [c.address, c]));
    expect(by['file:a.b:/x.sql'].phase).toBeLessThan(by['flow:a.b/child'].phase);
    expect(by['flow:a.b/parent'].dependsOn).toEqual(['flow:a.b/child']);

    const old = [flow('a.b', 'gone'), file('a.b', '/gone.py', 'x')];
    const live = liveOf(old, ['a.b']);
    const d = computePlan({ stack: stack([], { namespaces: ['a.b'] }), live, state: stateOf(old, live), target });
    const del = Object.fromEntries(d.steps.map((c) => [c.address, c.phase]));
    expect(del['flow:a.b/gone']).toBeLessThan(del['file:a.b:/gone.py']);
  });

  it('never puts a sensitive KV value in the plan', () => {
    const secret = kv(ns, 'TOKEN', 'STRING', 's3cr3t-value', { sensitive: true });
    const live = liveOf([kv(ns, 'TOKEN', 'STRING', 'old-s3cr3t')], [ns]);
    const p = computePlan({ stack: stack([secret]), live, state: undefined, target });
    expect(p.steps[0].action).toBe('update');
    const text = JSON.stringify(p);
    expect(text).not.toContain('s3cr3t-value');
    expect(text).not.toContain('old-s3cr3t');
  });
});
