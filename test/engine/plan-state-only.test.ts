/**
 * The planning modes that only change state — import, refresh-only, pull's adoption — emit
 * steps apply carries out without a request to Kestra.
 */
import { computePlan } from '../../lib/engine/plan';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import { ImportError, acceptDriftSteps, adoptSteps, planImport, stateOnlyPlan } from '../../lib/engine/plan-state-only';
import type { StateFile } from '../../lib/engine/state-types';
import { flowSourceHash, kvDesiredHash, kvValueHash, type LiveFile } from '../../lib/kinds';
import { file, flow, flowSource, kv, liveFlow, liveKv, liveOf, sha, stack, stateOf, target } from './factory';

const ns = 'n';
/** A client that fails the test if apply sends anything. */
const noRequests = new Proxy({}, { get: (_t, name) => () => Promise.reject(new Error(`unexpected request ${String(name)}`)) });

async function carryOut(plan: ReturnType<typeof computePlan>, s: ReturnType<typeof stack>, state: StateFile | undefined): Promise<StateFile> {
  let stored: StateFile = state ?? { version: 1, stack: 'test', lineage: 'l', serial: 0, resources: {} };
  const live = new LiveState(structuredClone(stored), { write: async (next) => void (stored = structuredClone(next)) });
  const r = await applyPlan({ client: noRequests, stack: s, plan, state: live });
  expect(r.failed).toEqual([]);
  return stored;
}

describe('import', () => {
  it('records declared objects exactly as they are live, with nothing sent to Kestra', async () => {
    const d = [flow(ns, 'f'), kv(ns, 'K', 'STRING', 'git-value', { sensitive: true }), file(ns, '/a.txt', 'git')];
    const s = stack(d);
    const live = liveOf([flow(ns, 'f', flowSource(ns, 'f', 'description: live\n')), kv(ns, 'K', 'STRING', 'live-secret'), file(ns, '/a.txt', 'live')], [ns]);
    const base = computePlan({ stack: s, live, state: undefined, target });
    const plan = planImport(base, d.map((r) => r.address), s, live, undefined);
    expect(plan.steps.map((x) => [x.address, x.action, x.reason])).toEqual([
      ['flow:n/f', 'import', 'import-requested'],
      ['kv:n/K', 'import', 'import-requested'],
      ['file:n:/a.txt', 'import', 'import-requested'],
    ]);
    expect(plan.summary.import).toBe(3);
    const stored = await carryOut(plan, s, undefined);
    expect(stored.resources['flow:n/f']).toMatchObject({ appliedHash: flowSourceHash(flowSource(ns, 'f', 'description: live\n')), live: { kind: 'flow', revision: 1 } });
    expect(stored.resources['kv:n/K']).toMatchObject({ appliedHash: kvDesiredHash({ type: 'STRING', value: 'live-secret' }), applied: { type: 'STRING', sensitive: true }, live: { valueHash: kvValueHash('STRING', 'live-secret') } });
    expect(JSON.stringify(stored)).not.toContain('live-secret');
    expect(stored.resources['file:n:/a.txt']).toMatchObject({ appliedHash: sha('live'), live: { kind: 'file', sha256: sha('live'), size: 4 } });
  });

  it('refuses what it cannot adopt, saying why', () => {
    const s = stack([flow(ns, 'f'), file(ns, '/big.bin', 'x')]);
    const live = liveOf([], [ns]);
    const big: LiveFile = { kind: 'file', address: 'file:n:/big.bin', namespace: ns, path: '/big.bin', size: 10_000_000, lastModifiedTime: 5 };
    live.objects.set(big.address, big);
    const base = computePlan({ stack: s, live, state: undefined, target });
    expect(() => planImport(base, ['flow:n/f'], s, live, undefined)).toThrow(new ImportError('flow:n/f does not exist in Kestra — nothing to import; `kestraform apply` will create it'));
    expect(() => planImport(base, ['flow:n/other'], s, live, undefined)).toThrow('flow:n/other is not a Kestra object declared by stack "test"');
    expect(() => planImport(base, ['file:n:/big.bin'], s, live, undefined)).toThrow('its content could not be read to record a hash');
  });
});

describe('refresh-only (accepting drift)', () => {
  it('takes changed objects as they now are, forgets deleted ones, leaves unmanaged ones alone', async () => {
    const d = [flow(ns, 'edited'), flow(ns, 'deleted'), kv(ns, 'K', 'STRING', 'v', { ttl: 'PT1H' })];
    const live = liveOf(d, [ns]);
    const state = stateOf(d, live);
    live.objects.set('flow:n/edited', liveFlow(ns, 'edited', flowSource(ns, 'edited', 'description: UI\n'), 2));
    live.objects.delete('flow:n/deleted');
    live.objects.set('kv:n/K', liveKv(ns, 'K', 'STRING', 'ui-value', { updateDate: '2026-05-05T00:00:00Z' }));
    live.objects.set('flow:n/stranger', liveFlow(ns, 'stranger', flowSource(ns, 'stranger')));
    const s = stack(d);
    const plan = computePlan({ stack: s, live, state, target });
    expect(plan.drift.map((x) => x.drift).sort()).toEqual(['changed', 'changed', 'deleted', 'unmanaged']);

    const steps = acceptDriftSteps(plan, live, state);
    expect(steps.map((x) => [x.address, x.action, x.reason])).toEqual([
      ['flow:n/deleted', 'forget', 'deletion-accepted'],
      ['flow:n/edited', 'accept', 'drift-accepted'],
      ['kv:n/K', 'accept', 'drift-accepted'],
    ]);
    const stored = await carryOut(stateOnlyPlan(plan, steps), s, state);
    expect(stored.resources['flow:n/deleted']).toBeUndefined();
    expect(stored.resources['flow:n/edited']).toMatchObject({ live: { revision: 2 }, applied: { source: flowSource(ns, 'edited', 'description: UI\n') } });
    // The TTL cannot be read back: the one applied is kept.
    expect(stored.resources['kv:n/K']).toMatchObject({ applied: { value: 'ui-value', ttl: 'PT1H' }, live: { updateDate: '2026-05-05T00:00:00Z' } });

    // Drift is gone; Git's versions are now pending updates.
    const after = computePlan({ stack: s, live, state: stored, target });
    expect(after.drift.map((x) => x.address)).toEqual(['flow:n/stranger']);
    expect(after.steps.filter((x) => x.action === 'update').map((x) => [x.address, x.reason])).toEqual([['flow:n/edited', 'changed-in-git'], ['kv:n/K', 'changed-in-git']]);
  });

  it('accepts a changed file whose bytes were not read by its new fingerprint alone', () => {
    const d = [file(ns, '/huge.bin', 'x')];
    const live = liveOf(d, [ns]);
    const state = stateOf(d, live);
    live.objects.set('file:n:/huge.bin', { kind: 'file', address: 'file:n:/huge.bin', namespace: ns, path: '/huge.bin', size: 9_000_000, lastModifiedTime: 77 } as LiveFile);
    const plan = computePlan({ stack: stack(d), live, state, target });
    const [step] = acceptDriftSteps(plan, live, state);
    expect(step.entry).toMatchObject({ appliedHash: state.resources['file:n:/huge.bin'].appliedHash, live: { kind: 'file', size: 9_000_000, lastModifiedTime: 77 } });
  });
});

describe('pull adoption', () => {
  it('records the entries pull made for objects new in Kestra as import steps, marked as pulled', () => {
    const entry = { address: 'kv:n/NEW', appliedHash: 'h', live: { kind: 'kv', valueHash: 'v' }, applied: { type: 'STRING', value: 'x' }, updatedAt: 'then' };
    expect(adoptSteps([entry])).toEqual([{ address: 'kv:n/NEW', kind: 'kv', tfType: 'kestra_kv', namespace: 'n', action: 'import', reason: 'pulled-into-git', entry: { ...entry, pulledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }, dependsOn: [], phase: 0 }]);
  });

  it('never has a pulled object deleted by a configuration that lacks it, and is recorded unmarked once one declares it', () => {
    const d = kv('n', 'NEW', 'STRING', 'x');
    const live = liveOf([d], ['n']);
    const pulled = stateOf([d], live);
    pulled.resources[d.address] = { ...pulled.resources[d.address], pulledAt: '2026-12-04T19:00:00.000Z' };
    const without = computePlan({ stack: stack([], { namespaces: ['n'], prune: true }), live, state: pulled, target });
    expect(without.steps.filter((s) => s.address === d.address)).toEqual([]);
    expect(without.warnings).toEqual([expect.stringContaining(`${d.address} was pulled from Kestra into a working tree (kestraform pull, 2026-12-04T19:00:00.000Z) and this configuration does not declare it: left in Kestra`)]);
    const declared = computePlan({ stack: stack([d]), live, state: pulled, target });
    const step = declared.steps.find((s) => s.address === d.address)!;
    expect(step.action).toBe('record');
    expect(step.entry).toBeDefined();
    expect(step.entry!.pulledAt).toBeUndefined();
    // Recorded once: the next plan has nothing to do for it.
    const recorded = { ...pulled, resources: { ...pulled.resources, [d.address]: step.entry! } };
    expect(computePlan({ stack: stack([d]), live, state: recorded, target }).steps.find((s) => s.address === d.address)!.action).toBe('no-op');
  });
});
