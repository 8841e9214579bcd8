/**
 * planStack plans each namespace as soon as its live side is read. Over generated
 * desired/live/state triples, planning namespaces in any order (or some not at all before
 * finish) gives exactly the plan computePlan gives.
 */
import { computePlan, Planner } from '../../lib/engine/plan';
import { emptySnapshot } from '../../lib/kinds';
import type { DesiredFlow, DesiredResource } from '../../lib/desired/types';
import { isQuiet } from '../../lib/engine/plan-types';
import { file, flow, kv, liveOf, local, stack, stateOf, target } from './factory';
import { seededRandom as rng } from '../../lib/util/random';

const NAMESPACES = ['a', 'a.b', 'c', 'system'];
const NOW = new Date('2026-01-01T00:00:00Z');

function randomObject(r: () => number, i: number): DesiredResource {
  const ns = NAMESPACES[Math.floor(r() * NAMESPACES.length)];
  const kind = Math.floor(r() * 4);
  if (kind === 0) return flow(ns, `f${i}`);
  if (kind === 1) return file(ns, `/d/f${i}.txt`, `x${i}`);
  if (kind === 2) return kv(ns, `K${i}`, 'STRING', `v${i}`);
  return local(`l${i}`, { v: String(i) });
}

describe('Planner', () => {
  it('gives the same plan whatever order namespaces are planned in', () => {
    let changes = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed);
      const universe = Array.from({ length: 3 + Math.floor(r() * 14) }, (_, i) => randomObject(r, i));
      const kestraObjects = universe.filter((o) => o.kind !== 'local');
      const inLive = kestraObjects.filter(() => r() < 0.7);
      const inState = universe.filter(() => r() < 0.5);
      // Some desired objects differ from live (a changed flow source), so updates and diffs occur.
      const inDesired = universe.filter((o) => (o.kind === 'local' || o.namespace !== 'system') && r() < 0.6).map((o) => (o.kind === 'flow' && r() < 0.3 ? flow(o.namespace!, (o as DesiredFlow).flowId, `${(o as DesiredFlow).content}# edited\n`) : o));
      const live = inLive.length ? liveOf(inLive, NAMESPACES) : emptySnapshot(NAMESPACES);
      const state = inState.length ? stateOf(inState, liveOf(kestraObjects, NAMESPACES)) : undefined;
      const s = stack(inDesired, { namespaces: ['a', 'c'], prune: r() < 0.5 });
      const input = { stack: s, live, state, target, now: NOW };

      const expected = computePlan(input);
      const builder = new Planner(input);
      const order = [...NAMESPACES].sort(() => r() - 0.5).filter(() => r() < 0.8);
      for (const ns of order) builder.planNamespace(ns, new Map([...live.objects].filter(([, o]) => o.namespace === ns)));
      const got = builder.finish(live);
      expect({ seed, plan: got }).toEqual({ seed, plan: expected });
      // Fingerprints are written in address order whatever the planning order (plan files compare as text).
      expect(JSON.stringify(got.liveFingerprints)).toBe(JSON.stringify(expected.liveFingerprints));
      changes += expected.steps.filter((c) => !isQuiet(c)).length;
    }
    expect(changes).toBeGreaterThan(500);
  });
});
