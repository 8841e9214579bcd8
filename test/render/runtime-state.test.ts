/**
 * Runtime state in every format: a section of its own (not drift, not a change), a value reset
 * to Git called out as a deletion is (Markdown header, the plan's warnings), and the JSON
 * `runtime_state` array of the documented shape.
 */
import { computePlan } from '../../lib/engine/plan';
import { planDestroy } from '../../lib/engine/plan-destroy';
import type { Plan } from '../../lib/engine/plan-types';
import { withFlowDisabled, type LiveFlow } from '../../lib/kinds';
import { driftJsonSchema, planJsonSchema, renderDriftJson, renderDriftMarkdown, renderDriftText, renderPlanJson, renderPlanMarkdown, renderPlanText } from '../../lib/render';
import { flow, flowSource, liveFlow, liveOf, stack, stateOf, target } from '../engine/factory';

const ns = 'company.team';

function planWith(policy: 'keep' | 'git'): { plan: Plan; live: ReturnType<typeof liveOf>; state: ReturnType<typeof stateOf>; s: ReturnType<typeof stack> } {
  const desired = [flow(ns, 'paused'), flow(ns, 'scheduled')];
  const live = liveOf(desired, [ns]);
  const state = stateOf(desired, live);
  const source = flowSource(ns, 'paused');
  const paused: LiveFlow = { ...liveFlow(ns, 'paused', `${source}\ndisabled: true`, 2), disabled: true };
  const scheduled: LiveFlow = { ...(live.objects.get('flow:company.team/scheduled') as LiveFlow), triggersDisabledAtRuntime: ['nightly'] };
  live.objects.set(paused.address, paused);
  live.objects.set(scheduled.address, scheduled);
  const s = stack(desired, { runtime_state: { flow_disabled: policy } });
  return { plan: computePlan({ stack: s, live, state, target }), live, state, s };
}

describe('runtime state, rendered', () => {
  it('text: its own section after drift, kept and read-only values explained, no change', () => {
    const { plan } = planWith('keep');
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('Runtime state in Kestra (1 kept, 1 read-only)');
    expect(text).toContain('# flow:company.team/paused is disabled in Kestra (Git: enabled)');
    expect(text).toContain("#   kept: deploys keep Kestra's value (runtimeState.flowDisabled: keep)");
    expect(text).toContain("# flow:company.team/scheduled trigger nightly is disabled in Kestra (Kestra's runtime state, not its source)");
    expect(text).toContain('#   read-only: kestraform reports it and never changes it');
    expect(text).not.toContain('Objects changed outside kestraform');
    expect(text).toMatch(/No changes\. Your Kestra namespaces match the configuration\.$/);
  });

  it('a reset is called out: warning line in text and JSON, a ⚠️ header in Markdown', () => {
    const { plan } = planWith('git');
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain("Warning: flow:company.team/paused is disabled in Kestra; this apply re-enables it, as Git's source says (runtimeState.flowDisabled is 'git')");
    expect(text).toContain('reset to Git: this apply re-enables it (runtimeState.flowDisabled: git)');
    const md = renderPlanMarkdown(plan);
    const header = md.indexOf('> ⚠️ **1 runtime value set in Kestra will be reset to Git:**');
    expect(header).toBeGreaterThan(0);
    expect(header).toBeLessThan(md.indexOf('### Runtime state in Kestra'));
    expect(md).toContain('> - flow:company.team/paused is disabled in Kestra (Git: enabled) — reset to Git: this apply re-enables it');
    expect(md).toContain('- ⚠️ flow:company.team/paused is disabled in Kestra');
    const json = renderPlanJson(plan);
    expect(planJsonSchema.parse(json)).toBeTruthy();
    expect(json.warnings).toHaveLength(1);
    expect(json.runtime_state).toEqual([
      { address: 'flow:company.team/paused', type: 'kestra_flow', namespace: ns, part: null, attribute: 'disabled', live: true, desired: false, stored_in: 'source', handling: 'reset', policy: { setting: 'runtimeState.flowDisabled', value: 'git' } },
      { address: 'flow:company.team/scheduled', type: 'kestra_flow', namespace: ns, part: { type: 'trigger', id: 'nightly' }, attribute: 'disabled', live: true, desired: null, stored_in: 'instance', handling: 'read-only', policy: null },
    ]);
  });

  it('drift: no drift, the runtime state listed beside it in every format', () => {
    const { plan } = planWith('keep');
    const runtime = plan.runtime!;
    expect(renderDriftText([], { color: false, runtime })).toMatch(/^No drift: .*\n\nRuntime state in Kestra \(1 kept, 1 read-only\)/);
    expect(renderDriftMarkdown([], { runtime })).toContain('### Runtime state in Kestra (1 kept, 1 read-only)');
    const json = renderDriftJson([], undefined, runtime);
    expect(driftJsonSchema.parse(json).drift_detected).toBe(false);
    expect(json.runtime_state).toHaveLength(2);
    expect(renderDriftJson([]).runtime_state).toEqual([]);
  });

  it('a destroy plan shows none (everything goes)', () => {
    const { plan, live, state, s } = planWith('git');
    const destroy = planDestroy(plan, s, live, state);
    expect(renderPlanText(destroy, { color: false })).not.toContain('Runtime state');
    expect(renderPlanMarkdown(destroy)).not.toContain('reset to Git');
    expect(renderPlanJson(destroy).runtime_state).toEqual([]);
  });

  it("the keep-write's diff shows Git's change and the kept line", () => {
    const desired = [flow(ns, 'paused', flowSource(ns, 'paused').replace('message: hi', 'message: new'))];
    const applied = [flow(ns, 'paused')];
    const live = liveOf(applied, [ns]);
    const state = stateOf(applied, live);
    const paused: LiveFlow = { ...liveFlow(ns, 'paused', withFlowDisabled(flowSource(ns, 'paused'), true), 2), disabled: true };
    live.objects.set(paused.address, paused);
    const plan = computePlan({ stack: stack(desired), live, state, target });
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('(changed in Git)');
    expect(text).toContain('-    message: hi');
    expect(text).toContain('+    message: new');
    expect(text).not.toMatch(/^\s+[-+]disabled: true$/m);
  });
});
