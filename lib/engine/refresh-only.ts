/**
 * `apply --refresh-only`: accept what changed outside kestraform into state (Terraform's
 * refresh-only), so drift stops being reported and the Git version shows as a pending update.
 */
import type { LiveSnapshot } from './live';
import type { Plan } from './plan-types';
import type { LiveState } from './apply-state';
import { flowSourceHash, kvDesiredHash, kvValueHash, sha256 } from './hash';

/** `only`: accept just these addresses (pull accepts what it wrote to Git). */
export function acceptDrift(plan: Plan, live: LiveSnapshot, state: LiveState, only?: Set<string>): number {
  let accepted = 0;
  const now = new Date().toISOString();
  for (const item of plan.drift) {
    const prev = state.entry(item.address);
    if (!prev || item.drift === 'unmanaged' || (only && !only.has(item.address))) continue;
    accepted++;
    if (item.drift === 'deleted') {
      state.remove(item.address);
      continue;
    }
    if (item.kind === 'flow') {
      const l = live.flows.get(item.address)!;
      const hash = l.sourceHash ?? flowSourceHash(l.source ?? '');
      state.set({ ...prev, appliedHash: hash, live: { kind: 'flow', revision: l.revision, sourceHash: hash }, applied: { source: l.source }, updatedAt: now });
    } else if (item.kind === 'file') {
      const l = live.files.get(item.address)!;
      const sha = l.sha256 ?? (l.bytes ? sha256(l.bytes) : 'unknown');
      state.set({ ...prev, appliedHash: sha, live: { kind: 'file', sha256: sha, size: l.size, lastModifiedTime: l.lastModifiedTime }, updatedAt: now });
    } else if (item.kind === 'kv') {
      const l = live.kv.get(item.address)!;
      const type = l.type ?? prev.applied.type ?? 'STRING';
      const value = l.value ?? '';
      const applied = { ...prev.applied, type, value: prev.applied.sensitive ? undefined : value, description: l.description };
      state.set({
        ...prev,
        appliedHash: kvDesiredHash({ type, value, description: l.description, ttl: prev.applied.ttl }),
        live: { kind: 'kv', valueHash: l.valueHash ?? kvValueHash(type, value), updateDate: l.updateDate, revision: l.revision },
        applied,
        updatedAt: now,
      });
    }
  }
  return accepted;
}
