/**
 * Apply order: each kind's writes and removals in its phase (namespace files and KV first, then
 * flows; flows removed before the files and KV they may use), a write after the objects it
 * needs (a subflow before the flows that call it), and every explicit depends_on. Deletes run the
 * other way round: an object is deleted after the deletes of the objects that need it (a flow's
 * callers before the subflow), as Terraform destroys dependents first. A write Kestra refuses
 * while a removed object is in its way (a kind's writeAfterRemovals) waits for that removal,
 * brought forward into the write's phase.
 */
import type { DesiredBase, KindRegistry } from '../kinds';
import { isQuiet, type PlanStep } from './plan-types';

const WRITES: ReadonlySet<string> = new Set(['create', 'update', 'replace']);

/** Fills `phase` and `dependsOn` of every step; returns warnings (dependency cycles broken). */
export function orderSteps(steps: PlanStep[], desired: ReadonlyMap<string, DesiredBase>, kinds: KindRegistry): string[] {
  const warnings: string[] = [];
  const active = steps.filter((s) => !isQuiet(s) && s.action !== 'forget');
  const byAddress = new Map(active.map((s) => [s.address, s]));
  const waitsFor = new Map<PlanStep, Set<string>>(steps.map((s) => [s, new Set<string>()]));
  for (const s of steps) {
    const h = kinds.of(s.kind);
    s.phase = s.action === 'delete' ? h.phases.remove : h.phases.write;
    if (s.action === 'delete') continue;
    const d = desired.get(s.address);
    const deps = waitsFor.get(s)!;
    for (const dep of d?.dependsOn ?? []) if (byAddress.has(dep) && dep !== s.address) deps.add(dep);
    // Only writes need ordering; reading every unchanged object would cost more than the plan itself.
    if (d && h.dependencies && (s.action === 'create' || s.action === 'update')) {
      for (const needed of h.dependencies(d)) {
        const target = byAddress.get(needed);
        if (target && needed !== s.address && target.action !== 'delete') deps.add(needed);
      }
    }
  }
  // The reverse edges: when a deleted object needs another deleted one, that one's delete waits.
  for (const s of active) {
    if (s.action !== 'delete') continue;
    for (const needed of neededBy(s, desired, kinds)) {
      const target = byAddress.get(needed);
      if (target?.action === 'delete' && needed !== s.address) waitsFor.get(target)!.add(s.address);
    }
  }
  // A write Kestra refuses while a removed object holds its place waits for that removal, which
  // comes forward into the write's phase (a namespace file /cfg turned into a directory /cfg/…).
  for (const h of kinds.all) {
    if (!h.writeAfterRemovals) continue;
    const writes: DesiredBase[] = [];
    const removals: string[] = [];
    for (const s of active) {
      if (s.kind !== h.kind) continue;
      if (s.action === 'delete') removals.push(s.address);
      else if (WRITES.has(s.action) && desired.has(s.address)) writes.push(desired.get(s.address)!);
    }
    if (!writes.length || !removals.length) continue;
    for (const { write, removal } of h.writeAfterRemovals(writes, removals)) {
      const w = byAddress.get(write);
      const r = byAddress.get(removal);
      if (!w || r?.action !== 'delete' || w === r || !WRITES.has(w.action)) continue;
      waitsFor.get(w)!.add(removal);
      r.phase = Math.min(r.phase, w.phase);
    }
  }
  for (const s of steps) s.dependsOn = [...waitsFor.get(s)!].sort();
  breakCycles(active, warnings);
  // A dependency on a later phase pulls the dependent into that phase (never deadlock).
  for (let changed = true, rounds = 0; changed && rounds < active.length + 1; rounds++) {
    changed = false;
    for (const s of active) {
      for (const dep of s.dependsOn) {
        const p = byAddress.get(dep)?.phase ?? 0;
        if (p > s.phase) {
          s.phase = p;
          changed = true;
        }
      }
    }
  }
  return warnings;
}

/**
 * What a step's object needs, as far as its configuration tells: its declared depends_on and its
 * kind's dependencies (a flow's subflows). An object no longer declared tells nothing.
 */
function neededBy(s: PlanStep, desired: ReadonlyMap<string, DesiredBase>, kinds: KindRegistry): string[] {
  const d = desired.get(s.address);
  if (!d) return [];
  return [...d.dependsOn, ...(kinds.of(s.kind).dependencies?.(d) ?? [])];
}

/** Subflow calls can be mutual; drop the edge that closes each cycle rather than deadlock. */
function breakCycles(steps: PlanStep[], warnings: string[]): void {
  const byAddress = new Map(steps.map((s) => [s.address, s]));
  const mark = new Map<string, 1 | 2>();
  const visit = (s: PlanStep): void => {
    mark.set(s.address, 1);
    for (const dep of [...s.dependsOn]) {
      const target = byAddress.get(dep);
      if (!target) continue;
      if (mark.get(dep) === 1) {
        s.dependsOn = s.dependsOn.filter((x) => x !== dep);
        warnings.push(`${s.address} and ${dep} depend on each other; they are ${s.action === 'delete' ? 'deleted' : 'applied'} without an order between them`);
      } else if (!mark.has(dep)) visit(target);
    }
    mark.set(s.address, 2);
  };
  for (const s of steps) if (!mark.has(s.address)) visit(s);
}
