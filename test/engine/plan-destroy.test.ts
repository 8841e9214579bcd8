/**
 * Destroy as a planning mode (lib/engine/plan-destroy): exactly what state manages goes, nothing
 * else; protected namespaces and prevent_destroy stop it; the steps show what goes.
 */
import { computePlan } from '../../lib/engine/plan';
import { planDestroy } from '../../lib/engine/plan-destroy';
import { applyPlan, ValidationFailedError } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import type { Plan } from '../../lib/engine/plan-types';
import type { StateFile } from '../../lib/engine/state-types';
import type { DesiredResource, DesiredStack } from '../../lib/desired/types';
import type { LiveSnapshot } from '../../lib/kinds';
import { reasonText } from '../../lib/render/reasons';
import { blocksText, stepBlocks } from '../../lib/render/display';
import { renderPlanJson } from '../../lib/render';
import { file, flow, flowSource, kv, liveFlow, liveOf, local, stack, stateOf, target } from './factory';

const ns = 'company.team';
const actions = (p: Plan) => Object.fromEntries(p.steps.map((s) => [s.address, `${s.action} ${s.reason}`]));
const stepOf = (p: Plan, address: string) => p.steps.find((s) => s.address === address)!;

/** The destroy plan of `s`, as the command makes it: the stack's plan first, then destroy from what it read. */
function destroyPlan(s: DesiredStack, live: LiveSnapshot, state: StateFile | undefined): Plan {
  return planDestroy(computePlan({ stack: s, live, state, target }), s, live, state);
}

describe('planDestroy', () => {
  const hello = flow(ns, 'hello');
  const script = file(ns, '/scripts/etl.py', 'print("etl")\n');
  const limit = kv(ns, 'LIMIT', 'NUMBER', '5');
  const managed: DesiredResource[] = [hello, script, limit];

  it('deletes every object state manages, with the reason and the views a reviewer reads', () => {
    const live = liveOf(managed, [ns]);
    const state = stateOf(managed, live);
    const p = destroyPlan(stack(managed), live, state);
    expect(actions(p)).toEqual({
      [hello.address]: 'delete destroy-requested',
      [script.address]: 'delete destroy-requested',
      [limit.address]: 'delete destroy-requested',
    });
    expect(p.summary).toMatchObject({ add: 0, change: 0, destroy: 3 });
    expect(p.errors).toEqual([]);
    expect(reasonText(stepOf(p, hello.address))).toBe('the stack is being destroyed');
    // What goes: the flow's source, the file's text (its bytes were read), the KV value.
    expect(stepOf(p, hello.address).before?.source).toBe(hello.content);
    expect(blocksText(stepBlocks(stepOf(p, hello.address)), { values: false })).toContain('-    message: hi');
    expect(stepOf(p, script.address).before?.text).toBe('print("etl")\n');
    expect(stepOf(p, limit.address).before).toMatchObject({ type: 'NUMBER', value: '5' });
    expect(stepOf(p, hello.address).beforeHash).toBe(state.resources[hello.address].appliedHash);
    // Flows go in phase 3, before the files and KV they may use (phase 4).
    expect([stepOf(p, hello.address).phase, stepOf(p, script.address).phase, stepOf(p, limit.address).phase]).toEqual([3, 4, 4]);
    // JSON: a delete, with no Terraform action_reason (Terraform gives destroy's deletes none).
    const json = renderPlanJson(p).resource_changes.find((c) => c.address === hello.address)!;
    expect(json.change.actions).toEqual(['delete']);
    expect(json.action_reason).toBeUndefined();
  });

  it('keeps what the stack plan was computed against, and its drift', () => {
    const live = liveOf(managed, [ns]);
    const state = stateOf(managed, live);
    const edited = flowSource(ns, 'hello').replace('message: hi', 'message: edited in the UI');
    live.objects.set(hello.address, liveFlow(ns, 'hello', edited, 2));
    const s = stack(managed);
    const base = computePlan({ stack: s, live, state, target });
    const p = planDestroy(base, s, live, state);
    expect(p.drift).toEqual(base.drift);
    expect(p.drift.map((d) => `${d.drift} ${d.address}`)).toEqual([`changed ${hello.address}`]);
    expect(p.summary.drifted).toBe(1);
    expect({ stack: p.stack, desiredDigest: p.desiredDigest, state: p.state, liveFingerprints: p.liveFingerprints, target: p.target }).toEqual({
      stack: base.stack,
      desiredDigest: base.desiredDigest,
      state: { lineage: 'lin-1', serial: 3 },
      liveFingerprints: base.liveFingerprints,
      target,
    });
    // What goes is what is live now, not what was applied.
    expect(stepOf(p, hello.address).before).toMatchObject({ source: edited, revision: 2 });
  });

  it.each([false, true])('leaves objects state does not record alone, even in an owned namespace (prune %s)', (prune) => {
    const byHand = flow(ns, 'made-in-ui');
    const live = liveOf([...managed, byHand], [ns]);
    const state = stateOf(managed, live);
    const s = stack(managed, { prune });
    const base = computePlan({ stack: s, live, state, target });
    // A normal plan prunes it with prune on; destroy never touches it.
    expect(base.steps.some((x) => x.address === byHand.address && x.action === 'delete')).toBe(prune);
    const p = planDestroy(base, s, live, state);
    expect(p.steps.map((x) => x.address).sort()).toEqual([hello.address, limit.address, script.address].sort());
  });

  it('deletes an object state manages that the configuration no longer declares', () => {
    const live = liveOf(managed, [ns]);
    const state = stateOf(managed, live);
    const p = destroyPlan(stack([hello, script]), live, state);
    expect(actions(p)[limit.address]).toBe('delete destroy-requested');
  });

  it('leaves a protected namespace untouched, with a warning naming it', () => {
    const locked = flow('prod.locked', 'payments');
    const live = liveOf([hello], [ns]);
    const state = stateOf([hello, locked], liveOf([hello, locked]));
    const p = destroyPlan(stack([hello, locked], { protected_namespaces: ['prod.locked'] }), live, state);
    expect(Object.keys(actions(p))).toEqual([hello.address]);
    expect(p.warnings).toContain(`${locked.address} is in protected namespace "prod.locked": left untouched`);
  });

  it('makes prevent_destroy an error that says how to proceed, and apply refuses the whole plan', async () => {
    const kept = flow(ns, 'kept', flowSource(ns, 'kept'), { lifecycle: { preventDestroy: true, ignoreChanges: [], createBeforeDestroy: false } });
    const all = [...managed, kept];
    const live = liveOf(all, [ns]);
    const state = stateOf(all, live);
    const s = stack(all);
    const p = destroyPlan(s, live, state);
    expect(p.errors).toEqual([`${kept.address} has lifecycle.prevent_destroy set, but destroy would delete it. Remove prevent_destroy in a separate apply first, then run destroy again.`]);
    expect(p.steps.some((x) => x.address === kept.address)).toBe(false);

    const sink = { write: jest.fn(async () => undefined) };
    const client = new Proxy({}, { get: () => jest.fn(async () => undefined) });
    await expect(applyPlan({ client, stack: s, plan: p, state: new LiveState(state, sink) })).rejects.toBeInstanceOf(ValidationFailedError);
    expect(sink.write).not.toHaveBeenCalled();

    // prevent_destroy still recorded in state (the configuration dropped it, no apply since) stops it too.
    const unprotected = stack([...managed, flow(ns, 'kept')]);
    expect(destroyPlan(unprotected, live, state).errors).toHaveLength(1);
  });

  it('forgets what state records but is already gone from Kestra', () => {
    const live = liveOf([hello, script], [ns]);
    const state = stateOf(managed, liveOf(managed));
    const p = destroyPlan(stack(managed), live, state);
    expect(actions(p)[limit.address]).toBe('forget gone-everywhere');
    expect(p.summary).toMatchObject({ destroy: 2, forget: 1 });
  });

  it('deletes Terraform-local resources from state, showing their triggers', () => {
    const marker = local('marker', { version: '3' });
    const live = liveOf(managed, [ns]);
    const state = stateOf([...managed, marker], live);
    const p = destroyPlan(stack([...managed, marker]), live, state);
    const step = stepOf(p, marker.address);
    expect(`${step.action} ${step.reason}`).toBe('delete destroy-requested');
    expect(step.tfType).toBe('null_resource');
    expect(step.before).toEqual({ triggers: { version: '3' } });
    expect(blocksText(stepBlocks(step), { values: true })).toContain('triggers.version = "3"');
  });

  it('never shows a sensitive value', () => {
    const secret = kv(ns, 'TOKEN', 'STRING', 's3cr3t', { sensitive: true });
    const live = liveOf([secret], [ns]);
    const p = destroyPlan(stack([secret]), live, stateOf([secret], live));
    const step = stepOf(p, secret.address);
    expect(step.action).toBe('delete');
    expect(step.sensitive).toBe(true);
    expect(JSON.stringify(p.steps)).not.toContain('s3cr3t');
  });

  it('deletes the callers of a subflow before the subflow', () => {
    const child = flow(ns, 'child');
    const parent = flow(ns, 'parent', flowSource(ns, 'parent').replace('tasks:\n', `tasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${ns}\n    flowId: child\n`));
    const live = liveOf([child, parent], [ns]);
    const p = destroyPlan(stack([child, parent]), live, stateOf([child, parent], live));
    expect(stepOf(p, child.address).dependsOn).toEqual([parent.address]);
    expect(stepOf(p, parent.address).dependsOn).toEqual([]);
  });

  it('has nothing to do without state', () => {
    const p = destroyPlan(stack(managed), liveOf(managed, [ns]), undefined);
    expect(p.steps).toEqual([]);
    expect(p.errors).toEqual([]);
  });
});
