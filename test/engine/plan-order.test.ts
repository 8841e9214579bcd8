/**
 * Apply order (lib/engine/plan-order): writes after what they need, deletes before what they
 * need — the reverse edges — over declared depends_on and subflow calls, in each kind's phases.
 */
import { orderSteps } from '../../lib/engine/plan-order';
import type { PlanStep, StepAction } from '../../lib/engine/plan-types';
import { builtinKinds, type DesiredBase } from '../../lib/kinds';
import { file, flow, flowSource, kv, local } from './factory';

const ns = 'company.team';
const caller = (id: string, calls: string) => flow(ns, id, flowSource(ns, id).replace('tasks:\n', `tasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${ns}\n    flowId: ${calls}\n`));
const dependingOn = <D extends DesiredBase>(d: D, ...on: DesiredBase[]): D => ({ ...d, dependsOn: on.map((o) => o.address) });

/** Steps of `action` for these objects, ordered as the planner orders them (all declared unless `undeclared`). */
function ordered(objects: DesiredBase[], action: StepAction | ((d: DesiredBase) => StepAction), opts: { undeclared?: DesiredBase[] } = {}) {
  const steps: PlanStep[] = objects.map((d) => ({ address: d.address, kind: d.kind, tfType: d.tfType, action: typeof action === 'function' ? action(d) : action, reason: 'destroy-requested', dependsOn: [], phase: 0 }));
  const declared = objects.filter((o) => !opts.undeclared?.includes(o));
  const warnings = orderSteps(steps, new Map(declared.map((d) => [d.address, d])), builtinKinds);
  const of = (d: DesiredBase) => steps.find((s) => s.address === d.address)!;
  return { warnings, waitsFor: (d: DesiredBase) => of(d).dependsOn, phase: (d: DesiredBase) => of(d).phase };
}

describe('orderSteps', () => {
  const child = flow(ns, 'child');
  const parent = caller('parent', 'child');

  it('deletes an object after the deletes of what declares depends_on it, and writes it before them', () => {
    const base = flow(ns, 'base');
    const user = dependingOn(flow(ns, 'user'), base);
    const deletes = ordered([base, user], 'delete');
    expect(deletes.waitsFor(base)).toEqual([user.address]);
    expect(deletes.waitsFor(user)).toEqual([]);
    const creates = ordered([base, user], 'create');
    expect(creates.waitsFor(user)).toEqual([base.address]);
    expect(creates.waitsFor(base)).toEqual([]);
  });

  it('deletes a subflow after the flows that call it, and writes it before them', () => {
    const deletes = ordered([child, parent], 'delete');
    expect(deletes.waitsFor(child)).toEqual([parent.address]);
    expect(deletes.waitsFor(parent)).toEqual([]);
    expect(deletes.warnings).toEqual([]);
    const updates = ordered([child, parent], 'update');
    expect(updates.waitsFor(parent)).toEqual([child.address]);
    expect(updates.waitsFor(child)).toEqual([]);
  });

  it('chains declared and subflow edges, and keeps flows removed (phase 3) before files and KV (phase 4)', () => {
    const grandchild = flow(ns, 'grandchild');
    const middle = dependingOn(caller('middle', 'grandchild'), grandchild);
    const top = caller('top', 'middle');
    const script = file(ns, '/run.py', 'print(1)\n');
    const setting = kv(ns, 'LIMIT', 'NUMBER', '5');
    const marker = dependingOn(local('marker', { at: '1' }), top);
    const o = ordered([grandchild, middle, top, script, setting, marker], 'delete');
    expect(o.waitsFor(grandchild)).toEqual([middle.address]);
    expect(o.waitsFor(middle)).toEqual([top.address]);
    expect(o.waitsFor(top)).toEqual([marker.address]);
    expect(o.waitsFor(marker)).toEqual([]);
    expect([o.phase(grandchild), o.phase(middle), o.phase(top), o.phase(marker)]).toEqual([3, 3, 3, 3]);
    expect([o.phase(script), o.phase(setting)]).toEqual([4, 4]);
  });

  it('pulls a delete into a later phase when an object of that phase depends on it (never a deadlock)', () => {
    const job = flow(ns, 'job');
    const input = dependingOn(file(ns, '/input.csv', 'a,b\n'), job);
    const o = ordered([job, input], 'delete');
    expect(o.waitsFor(job)).toEqual([input.address]);
    expect(o.phase(input)).toBe(4);
    expect(o.phase(job)).toBe(4);
  });

  it('orders a write after what it needs and never waits for a delete of a subflow (a normal plan)', () => {
    const gone = flow(ns, 'gone');
    const stays = caller('stays', 'gone');
    const o = ordered([gone, stays], (d) => (d === gone ? 'delete' : 'update'), { undeclared: [gone] });
    expect(o.waitsFor(stays)).toEqual([]);
    expect(o.waitsFor(gone)).toEqual([]);
    expect([o.phase(stays), o.phase(gone)]).toEqual([2, 3]);
  });

  it('brings the delete of a file forward, before the upload that turns its path into a directory (and back)', () => {
    const flat = file(ns, '/cfg', 'a: 1\n');
    const inside = file(ns, '/cfg/a.yml', 'a: 1\n');
    const other = file(ns, '/other.txt', 'x');
    const toDir = ordered([flat, inside, other], (d) => (d === flat ? 'delete' : 'create'), { undeclared: [flat] });
    expect(toDir.waitsFor(inside)).toEqual([flat.address]);
    expect(toDir.waitsFor(other)).toEqual([]);
    expect([toDir.phase(flat), toDir.phase(inside)]).toEqual([1, 1]);
    const toFile = ordered([flat, inside], (d) => (d === inside ? 'delete' : 'update'), { undeclared: [inside] });
    expect(toFile.waitsFor(flat)).toEqual([inside.address]);
    expect([toFile.phase(inside), toFile.phase(flat)]).toEqual([1, 1]);
    // An unrelated file delete stays in phase 4, after the flows.
    const unrelated = ordered([flat, other], (d) => (d === flat ? 'delete' : 'create'), { undeclared: [flat] });
    expect(unrelated.phase(flat)).toBe(4);
  });

  it('breaks a cycle of mutual subflow calls with a warning, for deletes as for writes', () => {
    const a = caller('a', 'b');
    const b = caller('b', 'a');
    for (const action of ['delete', 'create'] as const) {
      const o = ordered([a, b], action);
      expect(o.warnings).toHaveLength(1);
      expect(o.warnings[0]).toMatch(new RegExp(`depend on each other; they are ${action === 'delete' ? 'deleted' : 'applied'} without an order between them`));
      // Exactly one of the two edges is left: one waits for the other, not both.
      expect([...o.waitsFor(a), ...o.waitsFor(b)]).toHaveLength(1);
    }
  });

  it('breaks a cycle of declared depends_on among deletes', () => {
    const x = flow(ns, 'x');
    const y = dependingOn(flow(ns, 'y'), x);
    const z = dependingOn(flow(ns, 'z'), y);
    const xClosing = dependingOn(x, z);
    const o = ordered([xClosing, y, z], 'delete');
    expect(o.warnings).toHaveLength(1);
    expect([...o.waitsFor(xClosing), ...o.waitsFor(y), ...o.waitsFor(z)]).toHaveLength(2);
  });
});
