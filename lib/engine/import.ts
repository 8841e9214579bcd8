/**
 * `kestraform import`: records a live object in state exactly as it is live, so that drift is
 * measured from now on and the next plan shows any difference from Git as an update.
 */
import type { DesiredStack } from '../desired/types';
import type { LiveSnapshot } from './live';
import type { LiveState } from './apply-state';
import { flowSourceHash, kvDesiredHash, kvValueHash } from './hash';

export class ImportError extends Error {
  readonly userFacing = true;
}

export function adoptIntoState(address: string, stack: DesiredStack, live: LiveSnapshot, state: LiveState): void {
  const d = stack.resources.find((r) => r.address === address);
  if (!d || d.kind === 'local') throw new ImportError(`${address} is not a Kestra object declared by stack "${stack.name}"`);
  const now = new Date().toISOString();
  const preventDestroy = d.lifecycle.preventDestroy || undefined;
  if (d.kind === 'flow') {
    const l = live.flows.get(address);
    if (!l) throw new ImportError(`${address} does not exist in Kestra — nothing to import; \`kestraform apply\` will create it`);
    const hash = l.sourceHash ?? flowSourceHash(l.source ?? '');
    state.set({ address, appliedHash: hash, live: { kind: 'flow', revision: l.revision, sourceHash: hash }, applied: { source: l.source }, preventDestroy, updatedAt: now });
  } else if (d.kind === 'file') {
    const l = live.files.get(address);
    if (!l) throw new ImportError(`${address} does not exist in Kestra — nothing to import; \`kestraform apply\` will upload it`);
    if (!l.sha256) throw new ImportError(`${address}: its content could not be read to record a hash — run import again`);
    state.set({ address, appliedHash: l.sha256, live: { kind: 'file', sha256: l.sha256, size: l.size, lastModifiedTime: l.lastModifiedTime }, applied: {}, preventDestroy, updatedAt: now });
  } else {
    const l = live.kv.get(address);
    if (!l || l.type === undefined || l.value === undefined) throw new ImportError(`${address} does not exist in Kestra — nothing to import; \`kestraform apply\` will write it`);
    state.set({
      address,
      appliedHash: kvDesiredHash({ type: l.type, value: l.value, description: l.description }),
      live: { kind: 'kv', valueHash: l.valueHash ?? kvValueHash(l.type, l.value), updateDate: l.updateDate, revision: l.revision },
      applied: { type: l.type, value: d.sensitive ? undefined : l.value, description: l.description, sensitive: d.sensitive || undefined },
      preventDestroy,
      updatedAt: now,
    });
  }
}
