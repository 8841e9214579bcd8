/**
 * A stack's digest: sha256 over what its resources are (and the settings apply depends on). A
 * saved plan records it and is stale when the stack's digest moves. Computed when asked for — only
 * `plan --out` and `apply PLANFILE` need it — and once per stack object.
 */
import { createHash } from 'node:crypto';
import type { DesiredStack } from './types';
import { builtinKinds, type KindRegistry } from '../kinds';
import { byKey } from '../util/order';

const digests = new WeakMap<DesiredStack, string>();

export function stackDigest(stack: DesiredStack, kinds: KindRegistry = builtinKinds): string {
  let digest = digests.get(stack);
  if (digest === undefined) digests.set(stack, (digest = digestOf(stack, kinds)));
  return digest;
}

function digestOf(stack: DesiredStack, kinds: KindRegistry): string {
  const h = createHash('sha256');
  // What apply does not depend on (problems, objects left alone, pull's places) cannot stale a plan.
  const { diagnostics: _d, found: _found, pull_homes: _homes, ...rest } = stack.settings;
  h.update(JSON.stringify(rest));
  for (const r of [...stack.resources].sort(byKey((r) => r.address))) {
    // Where a resource comes from is not what it is: those fields stay out of the digest.
    const provenance = kinds.of(r.kind)?.provenance ?? [];
    const identity: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'constructPath' && k !== 'logicalId' && !provenance.includes(k)) identity[k] = v;
    h.update(JSON.stringify(identity));
  }
  return h.digest('hex');
}
