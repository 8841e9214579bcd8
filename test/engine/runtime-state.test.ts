/**
 * Runtime state in the planner and the executor: a flow whose `disabled` was changed in Kestra
 * since the last apply (the UI writes it into the stored source), and triggers disabled at
 * runtime. Not drift; `keep` (the default) keeps Kestra's value, also through a Git change, with
 * state recording Git's source as applied; `git` resets it with a warning; a `disabled` changed in
 * Git itself is deployed whatever the policy.
 */
import { computePlan } from '../../lib/engine/plan';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import { hasChanges, type Plan } from '../../lib/engine/plan-types';
import type { StateFile } from '../../lib/engine/state-types';
import { flowSourceHash, withFlowDisabled, type DesiredFlow, type LiveFlow } from '../../lib/kinds';
import { flow, flowSource, liveFlow, liveOf, stack, stateOf, target } from './factory';
import type { DesiredStack } from '../../lib/desired/types';

const ns = 'n';
const git = flowSource(ns, 'f');
/** What Kestra's UI toggle stores: the source with `\ndisabled: true` appended, as a new revision. */
const uiDisabled = (source: string, revision = 2): LiveFlow => ({ ...liveFlow(ns, 'f', `${source}\ndisabled: true`, revision), disabled: true });

function setup(live: LiveFlow, desired: DesiredFlow = flow(ns, 'f'), policy?: 'keep' | 'git') {
  const applied = flow(ns, 'f', git);
  const state = stateOf([applied], liveOf([applied]));
  const s = stack([desired], policy ? { runtime_state: { flow_disabled: policy } } : {});
  const snapshot = liveOf([]);
  snapshot.namespaces = [ns];
  snapshot.objects.set(live.address, live);
  return { s, state, plan: computePlan({ stack: s, live: snapshot, state, target }) };
}

describe('a flow disabled in Kestra since the last apply', () => {
  it('keep (default), Git unchanged: runtime state, no drift, no change; state learns the revision and keeps Git as applied', () => {
    const { plan } = setup(uiDisabled(git));
    expect(plan.drift).toEqual([]);
    expect(plan.runtime).toEqual([
      { address: 'flow:n/f', kind: 'flow', tfType: 'kestra_flow', namespace: ns, attribute: 'disabled', live: true, desired: false, storedIn: 'source', handling: 'kept', policy: { setting: 'runtimeState.flowDisabled', value: 'keep' } },
    ]);
    expect(hasChanges(plan)).toBe(false);
    const [step] = plan.steps;
    expect(step).toMatchObject({ action: 'record', reason: 'fingerprint-moved' });
    expect(step.entry).toMatchObject({ appliedHash: flowSourceHash(git), applied: { source: git }, live: { kind: 'flow', revision: 2, sourceHash: flowSourceHash(`${git}\ndisabled: true`) } });
    expect(plan.warnings).toEqual([]);
  });

  it("keep, Git changed: an update writing Git's new source with `disabled: true` (Git's bytes otherwise), reason changed in Git", () => {
    const edited = git.replace('message: hi', 'message: changed');
    const { plan } = setup(uiDisabled(git), flow(ns, 'f', edited));
    expect(plan.drift).toEqual([]);
    const [step] = plan.steps;
    expect(step).toMatchObject({ action: 'update', reason: 'changed-in-git', kept: { disabled: true } });
    expect(step.after?.source).toBe(edited.replace('namespace: n\n', 'namespace: n\ndisabled: true\n'));
    expect(step.afterHash).toBe(flowSourceHash(step.after!.source!));
    expect(plan.runtime?.[0].handling).toBe('kept');
  });

  it("git: an update that re-enables it, reason runtime-reset, with a warning; no drift", () => {
    const { plan } = setup(uiDisabled(git), undefined, 'git');
    expect(plan.drift).toEqual([]);
    const [step] = plan.steps;
    expect(step).toMatchObject({ action: 'update', reason: 'runtime-reset', after: { source: git } });
    expect(step.kept).toBeUndefined();
    expect(plan.runtime?.[0]).toMatchObject({ handling: 'reset', policy: { value: 'git' } });
    expect(plan.warnings).toEqual(["flow:n/f is disabled in Kestra; this apply re-enables it, as Git's source says (runtimeState.flowDisabled is 'git')"]);
  });

  it('disabled and edited in the UI: the edit is drift (reverted), the disabled value is still runtime state (kept)', () => {
    const live = uiDisabled(git.replace('message: hi', 'message: ui'));
    const { plan } = setup(live);
    expect(plan.drift).toMatchObject([{ address: 'flow:n/f', drift: 'changed' }]);
    expect(plan.runtime?.[0].handling).toBe('kept');
    expect(plan.steps[0]).toMatchObject({ action: 'update', reason: 'changed-outside', kept: { disabled: true }, after: { source: withFlowDisabled(git, true) } });
  });

  it("a `disabled` changed in Git itself is deployed, whatever the policy; Kestra agreeing with Git is nothing to report", () => {
    const disabledInGit = withFlowDisabled(git, true);
    for (const policy of ['keep', 'git'] as const) {
      const { plan } = setup(liveFlow(ns, 'f', git, 1), flow(ns, 'f', disabledInGit), policy);
      expect(plan.steps[0]).toMatchObject({ action: 'update', reason: 'changed-in-git', after: { source: disabledInGit } });
      expect(plan.runtime).toEqual([]);
    }
    // Disabled in the UI and, since, in Git too: no change, no runtime state, state learns Git's source.
    const { plan } = setup(uiDisabled(git), flow(ns, 'f', disabledInGit), 'git');
    expect(plan.runtime).toEqual([]);
    expect(plan.drift).toEqual([]);
    expect(plan.steps[0]).toMatchObject({ action: 'record', entry: { applied: { source: disabledInGit } } });
  });

  it('after a keep-apply the next plan is no change (the live source known from state: Git with Kestra\'s value)', async () => {
    const edited = git.replace('message: hi', 'message: changed');
    const first = setup(uiDisabled(git), flow(ns, 'f', edited));
    const written: string[] = [];
    const client = { updateFlow: async (_ns: string, _id: string, source: string) => (written.push(source), { revision: 3, source }), validateFlows: async () => [] };
    const state = await carryOut(first.plan, first.s, first.state, client);
    expect(written).toEqual([withFlowDisabled(edited, true)]);
    expect(state.resources['flow:n/f']).toMatchObject({ appliedHash: flowSourceHash(edited), applied: { source: edited }, live: { revision: 3, sourceHash: flowSourceHash(withFlowDisabled(edited, true)) } });

    // What refresh reads next: the same revision (the source known from state) and the listing's `disabled`.
    const live: LiveFlow = { kind: 'flow', address: 'flow:n/f', namespace: ns, id: 'f', revision: 3, disabled: true, sourceHash: state.resources['flow:n/f'].live.sourceHash as string, source: withFlowDisabled(edited, true) };
    const snapshot = liveOf([]);
    snapshot.objects.set(live.address, live);
    const next = computePlan({ stack: first.s, live: snapshot, state, target });
    expect(next.steps.map((s) => s.action)).toEqual(['no-op']);
    expect(next.runtime?.map((r) => r.handling)).toEqual(['kept']);
    expect(next.drift).toEqual([]);
  });
});

describe('a flow not managed yet, disabled in Kestra and otherwise as in Git', () => {
  it('keep: adopted as it is (import), the disabled value reported as kept; git: overwritten, with the warning', () => {
    const snapshot = liveOf([]);
    snapshot.objects.set('flow:n/f', uiDisabled(git));
    const keep = computePlan({ stack: stack([flow(ns, 'f')]), live: snapshot, state: undefined, target });
    expect(keep.steps[0]).toMatchObject({ action: 'import', reason: 'same-content', entry: { applied: { source: git } } });
    expect(keep.runtime?.map((r) => r.handling)).toEqual(['kept']);
    const reset = computePlan({ stack: stack([flow(ns, 'f')], { runtime_state: { flow_disabled: 'git' } }), live: snapshot, state: undefined, target });
    expect(reset.steps[0]).toMatchObject({ action: 'update', reason: 'unmanaged-differs', after: { source: git } });
    expect(reset.warnings).toHaveLength(1);
  });
});

describe('triggers disabled at runtime', () => {
  it('are listed read-only, whatever the policy, and change nothing', () => {
    for (const policy of ['keep', 'git'] as const) {
      const live: LiveFlow = { ...liveFlow(ns, 'f', git, 1), triggersDisabledAtRuntime: ['every-day'] };
      const { plan } = setup(live, undefined, policy);
      expect(plan.runtime).toEqual([{ address: 'flow:n/f', kind: 'flow', tfType: 'kestra_flow', namespace: ns, part: { type: 'trigger', id: 'every-day' }, attribute: 'disabled', live: true, storedIn: 'instance', handling: 'read-only' }]);
      expect(plan.steps.map((s) => s.action)).toEqual(['no-op']);
      expect(plan.warnings).toEqual([]);
    }
  });
});

async function carryOut(plan: Plan, s: DesiredStack, state: StateFile, client: unknown): Promise<StateFile> {
  let stored = structuredClone(state);
  const live = new LiveState(structuredClone(stored), { write: async (next) => void (stored = structuredClone(next)) });
  const r = await applyPlan({ client, stack: s, plan, state: live });
  expect(r.failed).toEqual([]);
  return stored;
}
