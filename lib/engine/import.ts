/**
 * Adoption into state: `kestraform import` records a live object exactly as it is live, so that
 * drift is measured from now on and the next plan shows any difference from Git as an update;
 * `pull` records an object it just wrote into the repository from Kestra the same way.
 */
import type { DesiredStack } from '../desired/types';
import type { KvType } from '../gittree/types';
import type { LiveSnapshot } from './live';
import type { LiveState } from './apply-state';
import { flowSourceHash, kvDesiredHash, kvValueHash } from './hash';

export class ImportError extends Error {
  readonly userFacing = true;
}

/** What an object is live, as adoption records it. */
export type LiveFacts =
  | { kind: 'flow'; revision: number; source?: string; sourceHash?: string }
  | { kind: 'file'; sha256: string; size: number; lastModifiedTime?: number }
  | { kind: 'kv'; type: KvType; value: string; description?: string; valueHash?: string; updateDate?: string; revision?: number };

/** Records `address` in state as applied exactly as it is live. */
export function adoptLive(address: string, facts: LiveFacts, state: LiveState, opts: { preventDestroy?: boolean; sensitive?: boolean } = {}): void {
  const updatedAt = new Date().toISOString();
  const preventDestroy = opts.preventDestroy || undefined;
  if (facts.kind === 'flow') {
    const hash = facts.sourceHash ?? flowSourceHash(facts.source ?? '');
    state.set({ address, appliedHash: hash, live: { kind: 'flow', revision: facts.revision, sourceHash: hash }, applied: { source: facts.source }, preventDestroy, updatedAt });
  } else if (facts.kind === 'file') {
    state.set({ address, appliedHash: facts.sha256, live: { kind: 'file', sha256: facts.sha256, size: facts.size, lastModifiedTime: facts.lastModifiedTime }, applied: {}, preventDestroy, updatedAt });
  } else {
    state.set({
      address,
      appliedHash: kvDesiredHash({ type: facts.type, value: facts.value, description: facts.description }),
      live: { kind: 'kv', valueHash: facts.valueHash ?? kvValueHash(facts.type, facts.value), updateDate: facts.updateDate, revision: facts.revision },
      applied: { type: facts.type, value: opts.sensitive ? undefined : facts.value, description: facts.description, sensitive: opts.sensitive || undefined },
      preventDestroy,
      updatedAt,
    });
  }
}

/** `kestraform import` of an object the stack declares: recorded as it is live. */
export function adoptIntoState(address: string, stack: DesiredStack, live: LiveSnapshot, state: LiveState): void {
  const d = stack.resources.find((r) => r.address === address);
  if (!d || d.kind === 'local') throw new ImportError(`${address} is not a Kestra object declared by stack "${stack.name}"`);
  const opts = { preventDestroy: d.lifecycle.preventDestroy, sensitive: d.kind === 'kv' && d.sensitive };
  if (d.kind === 'flow') {
    const l = live.flows.get(address);
    if (!l) throw new ImportError(`${address} does not exist in Kestra — nothing to import; \`kestraform apply\` will create it`);
    adoptLive(address, { kind: 'flow', revision: l.revision, source: l.source, sourceHash: l.sourceHash }, state, opts);
  } else if (d.kind === 'file') {
    const l = live.files.get(address);
    if (!l) throw new ImportError(`${address} does not exist in Kestra — nothing to import; \`kestraform apply\` will upload it`);
    if (!l.sha256) throw new ImportError(`${address}: its content could not be read to record a hash — run import again`);
    adoptLive(address, { kind: 'file', sha256: l.sha256, size: l.size, lastModifiedTime: l.lastModifiedTime }, state, opts);
  } else {
    const l = live.kv.get(address);
    if (!l || l.type === undefined || l.value === undefined) throw new ImportError(`${address} does not exist in Kestra — nothing to import; \`kestraform apply\` will write it`);
    adoptLive(address, { kind: 'kv', type: l.type, value: l.value, description: l.description, valueHash: l.valueHash, updateDate: l.updateDate, revision: l.revision }, state, opts);
  }
}
