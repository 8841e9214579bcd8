/**
 * Property test: over generated desired/live/state triples, the planner never deletes an object
 * that is unmanaged (without prune), in a protected namespace, protected by prevent_destroy, or
 * outside the namespaces the stack owns and never managed, or adopted by a pull whose files the
 * configuration lacks.
 */
import { computePlan } from '../../lib/engine/plan';
import { emptySnapshot } from '../../lib/kinds';
import type { DesiredResource } from '../../lib/desired/types';
import { file, flow, kv, liveOf, stack, stateOf, target } from './factory';
import { seededRandom as rng } from '../../lib/util/random';

const NAMESPACES = ['a', 'a.b', 'c', 'system', 'prod.locked'];

function randomObject(r: () => number, i: number): DesiredResource {
  const ns = NAMESPACES[Math.floor(r() * NAMESPACES.length)];
  const kind = Math.floor(r() * 3);
  const preventDestroy = r() < 0.15;
  const lifecycle = { preventDestroy, ignoreChanges: [] as string[], createBeforeDestroy: false };
  if (kind === 0) return { ...flow(ns, `f${i}`), lifecycle };
  if (kind === 1) return { ...file(ns, `/d/f${i}.txt`, `x${i}`), lifecycle };
  return { ...kv(ns, `K${i}`, 'STRING', `v${i}`), lifecycle };
}

describe('deletion safety (property)', () => {
  it('holds for 3,000 generated triples', () => {
    let deletes = 0;
    let prunes = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const universe = Array.from({ length: 4 + Math.floor(r() * 12) }, (_, i) => randomObject(r, i));
      const inLive = universe.filter(() => r() < 0.8);
      const inState = universe.filter(() => r() < 0.5);
      const inDesired = universe.filter((o) => o.kind !== 'local' && o.namespace !== 'system' && o.namespace !== 'prod.locked' && r() < 0.5);
      const owned = NAMESPACES.filter((n) => n !== 'system' && n !== 'prod.locked' && r() < 0.6);
      const prune = r() < 0.5;
      const protectedNs = ['system', 'prod.locked'];

      const live = liveOf(inLive, NAMESPACES);
      const fullLive = liveOf(universe, NAMESPACES);
      const state = inState.length ? stateOf(inState, fullLive) : undefined;
      // Some entries adopted by a pull whose files this configuration may lack.
      const pulled = new Set<string>();
      for (const e of Object.values(state?.resources ?? {})) {
        if (r() < 0.2) {
          e.pulledAt = '2026-12-04T19:00:00.000Z';
          pulled.add(e.address);
        }
      }
      const s = stack(inDesired, { namespaces: [...new Set([...owned, ...inDesired.map((d) => (d as { namespace: string }).namespace)])], prune, protected_namespaces: protectedNs });
      const plan = computePlan({ stack: s, live: inLive.length ? live : emptySnapshot(NAMESPACES), state, target });

      const stateAddrs = new Set(inState.map((o) => o.address));
      const ownedSet = new Set(s.settings.namespaces);
      for (const c of plan.steps.filter((x) => x.action === 'delete' || x.action === 'replace')) {
        const obj = universe.find((o) => o.address === c.address)!;
        const ns = (obj as { namespace: string }).namespace;
        const managed = stateAddrs.has(c.address);
        const why = `seed ${seed}: ${c.address} (${c.reason})`;
        deletes++;
        if (!managed) prunes++;
        expect({ why, protectedNs: protectedNs.includes(ns) }).toEqual({ why, protectedNs: false });
        expect({ why, unmanagedWithoutPrune: !managed && !prune }).toEqual({ why, unmanagedWithoutPrune: false });
        expect({ why, outsideOwned: !managed && !ownedSet.has(ns) }).toEqual({ why, outsideOwned: false });
        expect({ why, preventDestroy: managed && obj.lifecycle.preventDestroy }).toEqual({ why, preventDestroy: false });
        expect({ why, stillDesired: inDesired.some((d) => d.address === c.address) }).toEqual({ why, stillDesired: false });
        expect({ why, pulled: pulled.has(c.address) }).toEqual({ why, pulled: false });
      }
    }
    // The generator must exercise both kinds of delete, or the property says nothing.
    expect(deletes).toBeGreaterThan(500);
    expect(prunes).toBeGreaterThan(100);
  });
});
