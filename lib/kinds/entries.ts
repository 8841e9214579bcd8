/**
 * State entries, built in one place for every kind: after a write (applied = desired), and when
 * a live object is taken as it is (import, accepted drift, pull of a new object).
 */
import type { DesiredBase, Fingerprint, KindHandler, LiveBase, StateEntry } from './types';

/** The entry that records `d` as applied, with the fingerprint its write (or refresh) reported. */
export function entryFromDesired(handler: KindHandler, d: DesiredBase, live: Fingerprint, now: string): StateEntry {
  return { address: d.address, ...handler.applied(d), live, preventDestroy: d.lifecycle.preventDestroy || undefined, updatedAt: now };
}

/**
 * The entry that records the live object as applied exactly as it is; undefined when refresh did
 * not learn enough of it (its content hash).
 */
export function entryFromLive(handler: KindHandler, l: LiveBase, d: DesiredBase | undefined, prev: StateEntry | undefined, now: string): StateEntry | undefined {
  const applied = handler.appliedFromLive(l, prev, d);
  const live = handler.fingerprint(l, undefined);
  if (!applied || !live) return undefined;
  const preventDestroy = (d ? d.lifecycle.preventDestroy : prev?.preventDestroy) || undefined;
  return { address: l.address, ...applied, live, preventDestroy, updatedAt: now };
}

/** Two fingerprints record the same live object (field order does not matter). */
export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}
