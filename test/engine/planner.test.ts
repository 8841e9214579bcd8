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

  it('takes from an earlier planner exactly the results planning would give again, and only under the same settings', () => {
    let taken = 0;
    let planned = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const universe = Array.from({ length: 3 + Math.floor(r() * 14) }, (_, i) => randomObject(r, i));
      const kestraObjects = universe.filter((o) => o.kind !== 'local');
      const state = stateOf(universe.filter(() => r() < 0.5), liveOf(kestraObjects, NAMESPACES));
      const settings = { namespaces: ['a', 'c'], prune: r() < 0.5 };
      // The earlier version of the stack; the later one keeps some of its objects (the very same), changes or drops others, adds some.
      const before = universe.filter((o) => (o.kind === 'local' || o.namespace !== 'system') && r() < 0.7);
      const after = before.filter(() => r() < 0.9).map((o) => (o.kind === 'flow' && r() < 0.3 ? flow(o.namespace!, (o as DesiredFlow).flowId, `${(o as DesiredFlow).content}# edited\n`) : o));
      for (const o of universe) if (!before.includes(o) && o.kind !== 'local' && o.namespace !== 'system' && r() < 0.3) after.push(o);
      const inLive = kestraObjects.filter(() => r() < 0.7);
      const liveBefore = liveOf(inLive, NAMESPACES);
      // Namespaces read again after the app get new live objects (some gone meanwhile); the others keep the earlier reading's.
      const readAgain = new Set(NAMESPACES.filter(() => r() < 0.4));
      const liveAfter = liveOf(inLive.filter((o) => readAgain.has(o.namespace!) && r() < 0.8), NAMESPACES);
      for (const [a, o] of liveBefore.objects) if (!readAgain.has(o.namespace)) liveAfter.objects.set(a, o);
      const sameSettings = r() < 0.8;
      const earlier = new Planner({ stack: stack(before, settings), state, target, now: NOW }, { keepInputs: true });
      for (const ns of NAMESPACES) if (r() < 0.8) earlier.planNamespace(ns, new Map([...liveBefore.objects].filter(([, o]) => o.namespace === ns)));
      const later = stack(after, sameSettings ? settings : { ...settings, prune: !settings.prune });
      // A state read anew, some entries of it changed: what they record is not what the earlier planner saw.
      const laterState = r() < 0.15 ? structuredClone(state) : state;
      if (laterState !== state) for (const e of Object.values(laterState.resources)) if (r() < 0.5) e.appliedHash = 'another';
      const planner = new Planner({ stack: later, state: laterState, target }, { earlier });
      for (const ns of NAMESPACES) planner.planNamespace(ns, new Map([...liveAfter.objects].filter(([, o]) => o.namespace === ns)));
      const got = planner.finish(liveAfter);
      // Taking from the earlier planner, the plan has its time; else its own.
      if (sameSettings) expect(got.createdAt).toBe(NOW.toISOString());
      else expect(planner.takenFromEarlier).toBe(0);
      const expected = computePlan({ stack: later, live: liveAfter, state: laterState, target, now: new Date(got.createdAt) });
      expect({ seed, plan: got }).toEqual({ seed, plan: expected });
      taken += planner.takenFromEarlier;
      planned += expected.liveFingerprints ? Object.keys(expected.liveFingerprints).length : 0;
    }
    // Most addresses' objects are the same: most results are taken.
    expect(taken).toBeGreaterThan(planned / 4);
  });
});
