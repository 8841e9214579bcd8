/**
 * A stack's resources by address and by namespace, made once per stack: the refresh, the planner,
 * the offline checks and apply each look resources up by address, 10,000 of them in a large
 * stack. A stack is not changed once read; should its resource list be replaced or grow, the
 * index is made again.
 */
import type { DesiredBase, DesiredStack } from './types';

interface Indexes {
  resources: readonly DesiredBase[];
  length: number;
  byAddress: ReadonlyMap<string, DesiredBase>;
  byNamespace?: ReadonlyMap<string, readonly DesiredBase[]>;
}

const made = new WeakMap<DesiredStack, Indexes>();

function indexes(stack: DesiredStack): Indexes {
  let i = made.get(stack);
  if (!i || i.resources !== stack.resources || i.length !== stack.resources.length) {
    i = { resources: stack.resources, length: stack.resources.length, byAddress: new Map(stack.resources.map((r) => [r.address, r])) };
    made.set(stack, i);
  }
  return i;
}

export function resourcesByAddress(stack: DesiredStack): ReadonlyMap<string, DesiredBase> {
  return indexes(stack).byAddress;
}

/** The resources declared in each namespace (tenant-wide ones under the tenant scope), in the stack's order. */
export function resourcesByNamespace(stack: DesiredStack): ReadonlyMap<string, readonly DesiredBase[]> {
  const i = indexes(stack);
  if (!i.byNamespace) {
    const byNamespace = new Map<string, DesiredBase[]>();
    for (const r of stack.resources) {
      if (r.namespace === undefined) continue;
      const list = byNamespace.get(r.namespace);
      if (list) list.push(r);
      else byNamespace.set(r.namespace, [r]);
    }
    i.byNamespace = byNamespace;
  }
  return i.byNamespace;
}
