/**
 * Refresh: reads the live side of every namespace a stack owns (and of every namespace state
 * still records objects in) with as few requests as the API allows. Each kind reads its own
 * objects (lib/kinds): listings carry what tells a change (a revision, a size and time, an update
 * date), and where it equals what state recorded after our last apply, the content is known
 * without fetching it.
 */
import pLimit from 'p-limit';
import type { DesiredStack } from '../desired/types';
import { TENANT_SCOPE, namespaceOfAddress } from '../model/addresses';
import { builtinKinds, type DesiredBase, type KindRegistry, type LiveBase, type LiveSnapshot, type RefreshContext, type StateEntry } from '../kinds';
import type { StateFile } from './state-types';
import { byCodePoint } from '../util/order';

export interface RefreshOptions {
  /** The Kestra client; each kind names the calls it needs. */
  client: unknown;
  kinds?: KindRegistry;
  /** Namespaces read at once (default 8) and content reads at once (default 16). */
  namespaceConcurrency?: number;
  readConcurrency?: number;
  /** Files up to this size are downloaded when changed, so plans can show a text diff. */
  diffDownloadLimit?: number;
  /** Above this many sources needed in one namespace, one export request beats single GETs. */
  exportThreshold?: number;
  now?: () => number;
  /** Called when a namespace's live side is complete, with its objects (they will not change any more). */
  onNamespaceRead?: (namespace: string, objects: ReadonlyMap<string, LiveBase>) => void;
}

/**
 * The stack's owned namespaces and those state still records objects in, minus protected ones;
 * and the tenant scope when tenant-wide objects are declared or recorded.
 */
export function namespacesToRead(stack: DesiredStack, state: StateFile | undefined): string[] {
  const ns = new Set(stack.settings.namespaces);
  if (stack.resources.some((r) => r.namespace === TENANT_SCOPE)) ns.add(TENANT_SCOPE);
  for (const address of Object.keys(state?.resources ?? {})) {
    const n = namespaceOfAddress(address);
    if (n !== undefined) ns.add(n);
  }
  for (const p of stack.settings.protected_namespaces) ns.delete(p);
  return [...ns].sort(byCodePoint);
}

export async function refresh(stack: DesiredStack, state: StateFile | undefined, opts: RefreshOptions): Promise<LiveSnapshot> {
  const kinds = opts.kinds ?? builtinKinds;
  const namespaces = namespacesToRead(stack, state);
  const desired = new Map<string, DesiredBase>(stack.resources.map((r) => [r.address, r]));
  const entries = state?.resources ?? {};
  const declared = new Map<string, DesiredBase[]>();
  for (const r of stack.resources) {
    if (r.namespace === undefined) continue;
    const list = declared.get(r.namespace);
    if (list) list.push(r);
    else declared.set(r.namespace, [r]);
  }
  const recorded = new Map<string, StateEntry[]>();
  for (const e of Object.values(entries)) {
    const n = namespaceOfAddress(e.address);
    if (n === undefined) continue;
    const list = recorded.get(n);
    if (list) list.push(e);
    else recorded.set(n, [e]);
  }
  const snapshot: LiveSnapshot = { namespaces, objects: new Map() };
  const byNamespace = new Map<string, Map<string, LiveBase>>(namespaces.map((ns) => [ns, new Map()]));
  const nsLimit = pLimit(opts.namespaceConcurrency ?? 8);
  const readLimit = pLimit(opts.readConcurrency ?? 16);
  const ctx: RefreshContext = {
    client: opts.client,
    desired: (a) => desired.get(a),
    entry: (a) => entries[a],
    declared: (ns) => declared.get(ns) ?? [],
    recorded: (ns) => recorded.get(ns) ?? [],
    put: (o) => {
      snapshot.objects.set(o.address, o);
      byNamespace.get(o.namespace)?.set(o.address, o);
    },
    remove: (a) => {
      const o = snapshot.objects.get(a);
      snapshot.objects.delete(a);
      if (o) byNamespace.get(o.namespace)?.delete(a);
    },
    read: (fn) => readLimit(fn),
    now: opts.now ?? Date.now,
    diffDownloadLimit: opts.diffDownloadLimit ?? 256 * 1024,
    exportThreshold: opts.exportThreshold ?? 3,
    kestraMajor: stack.settings.kestra_version,
  };
  const readers = kinds.kestraKinds.filter((h) => h.refresh);
  // Tenant-wide kinds read the tenant scope only; the others, real namespaces only.
  const readersOf = (ns: string) => readers.filter((h) => (h.scope === 'tenant') === (ns === TENANT_SCOPE));
  await Promise.all(
    namespaces.map((ns) =>
      nsLimit(async () => {
        await Promise.all(readersOf(ns).map((h) => h.refresh!(ns, ctx)));
        opts.onNamespaceRead?.(ns, byNamespace.get(ns)!);
      }),
    ),
  );
  return snapshot;
}
