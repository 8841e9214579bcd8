/**
 * The kinds kestraform knows, found by kind name, Terraform type or address. The engine, the
 * desired-state reader and the renderers take a registry (the built-in one unless a test or an
 * extension adds a kind), so none of them names a kind.
 */
import { parseAddress } from '../model/addresses';
import type { KindHandler } from './types';

export class KindRegistry {
  private readonly byKind = new Map<string, KindHandler>();
  private readonly byType = new Map<string, KindHandler>();

  constructor(readonly all: readonly KindHandler[]) {
    for (const h of all) {
      if (this.byKind.has(h.kind)) throw new Error(`two handlers for kind "${h.kind}"`);
      this.byKind.set(h.kind, h);
      for (const t of h.tfTypes) this.byType.set(t, h);
    }
  }

  /** The handler of `kind`; an error naming the known kinds when there is none (e.g. state written by a newer kestraform). */
  of(kind: string): KindHandler {
    const h = this.byKind.get(kind);
    if (!h) throw new Error(`kestraform does not know objects of kind "${kind}" (it knows ${[...this.byKind.keys()].join(', ')}) — is the state from a newer version?`);
    return h;
  }

  has(kind: string): boolean {
    return this.byKind.has(kind);
  }

  byTfType(tfType: string): KindHandler | undefined {
    return this.byType.get(tfType);
  }

  /** The handler of the object at `address`: a Kestra object's kind, or a local resource's Terraform type. */
  forAddress(address: string): KindHandler | undefined {
    const parsed = parseAddress(address);
    if (parsed) return this.byKind.get(parsed.kind);
    const dot = address.indexOf('.');
    const h = dot > 0 ? this.byType.get(address.slice(0, dot)) : undefined;
    return h?.localOnly ? h : undefined;
  }

  /** Kinds with a live side in Kestra, in registration order. */
  get kestraKinds(): KindHandler[] {
    return this.all.filter((h) => !h.localOnly);
  }
}
