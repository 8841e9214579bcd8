/**
 * Constructs taken out of the construct tree while cdktf walks it: its passes over every element
 * (each a resolve, a merge and a walk) then skip them.
 */
import type { IConstruct, Node } from 'constructs';
import { childrenById, replaceChildren } from './internals';

/**
 * Runs `fn` with these constructs out of their parents' children; the tree is put back as it
 * was (same children, same order), keeping whatever `fn` added to it.
 */
export function withDetached<T>(constructs: Iterable<IConstruct>, fn: () => T): T {
  const idsByParent = new Map<Node, Set<string>>();
  for (const c of constructs) {
    const parent = c.node.scope!.node;
    const ids = idsByParent.get(parent) ?? new Set<string>();
    idsByParent.set(parent, ids.add(c.node.id));
  }
  const saved: [Node, Record<string, IConstruct>][] = [];
  for (const [parent, ids] of idsByParent) {
    const all = childrenById(parent)!;
    const kept: Record<string, IConstruct> = {};
    for (const id of Object.keys(all)) if (!ids.has(id)) kept[id] = all[id];
    replaceChildren(parent, kept);
    saved.push([parent, all]);
  }
  try {
    return fn();
  } finally {
    for (const [parent, all] of saved) {
      const during = childrenById(parent) ?? {};
      replaceChildren(parent, all);
      for (const id of Object.keys(during)) if (!(id in all)) all[id] = during[id];
    }
  }
}
