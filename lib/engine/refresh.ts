/**
 * Refresh: reads the live side of every namespace a stack owns (and of every namespace state
 * still records objects in) with as few requests as the API allows. Each kind reads its own
 * objects (lib/kinds): listings carry what tells a change (a revision, a size and time, an update
 * date), and where it equals what state recorded after our last apply, the content is known
 * without fetching it.
 */
import { isDeepStrictEqual } from 'node:util';
import pLimit from 'p-limit';
import type { DesiredStack } from '../desired/types';
import { TENANT_SCOPE, namespaceOfAddress } from '../model/addresses';
import { builtinKinds, type DesiredBase, type KindRegistry, type LiveBase, type LiveSnapshot, type RefreshContext, type StateEntry } from '../kinds';
import type { StateFile } from './state-types';
import { byCodePoint } from '../util/order';
import { resourcesByAddress, resourcesByNamespace } from '../desired/by-address';

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

/** What reading one namespace gave, and what of the desired stack the kinds looked at to read it. */
export interface NamespaceReading {
  objects: ReadonlyMap<string, LiveBase>;
  /** Addresses whose desired object a kind looked at (ctx.desired). */
  desiredLooked: ReadonlySet<string>;
  /** Namespaces whose declared objects a kind looked at (ctx.declared). */
  declaredLooked: ReadonlySet<string>;
}

/**
 * Namespaces read ahead, for another version of the same stack (the previous synth's, while the
 * app makes the new one), against the state given: `refresh` takes a namespace's reading instead
 * of reading it again when its stack was read with this very state and nothing the kinds looked at
 * differs in the stack it refreshes now (see adopt).
 */
export interface ReadAhead {
  stack: DesiredStack;
  state: StateFile | undefined;
  namespaces: ReadonlyMap<string, Promise<NamespaceReading>>;
  /** The namespaces a refresh took (for reports). */
  taken: Set<string>;
}

/**
 * Starts reading every namespace of `stack` now (as refresh would), for a later refresh to take;
 * `onNamespaceRead` is given each namespace's objects as its reading completes (before a refresh
 * can take it).
 */
export function readAhead(stack: DesiredStack, state: StateFile | undefined, opts: RefreshOptions): ReadAhead {
  const reader = namespaceReader(stack, state, opts);
  const namespaces = new Map<string, Promise<NamespaceReading>>();
  for (const ns of namespacesToRead(stack, state)) {
    const reading = reader(ns);
    const done = opts.onNamespaceRead;
    if (done) reading.then((r) => done(ns, objectsOf(ns, r.objects)), () => undefined);
    reading.catch(() => undefined); // a failed read-ahead is read again, and reported, by the refresh
    namespaces.set(ns, reading);
  }
  return { stack, state, namespaces, taken: new Set() };
}

export async function refresh(stack: DesiredStack, state: StateFile | undefined, opts: RefreshOptions & { ahead?: ReadAhead }): Promise<LiveSnapshot> {
  const namespaces = namespacesToRead(stack, state);
  const snapshot: LiveSnapshot = { namespaces, objects: new Map() };
  const byNamespace = new Map<string, Map<string, LiveBase>>(namespaces.map((ns) => [ns, new Map()]));
  const nsLimit = pLimit(opts.namespaceConcurrency ?? 8);
  const reader = namespaceReader(stack, state, opts);
  const adopt = opts.ahead ? adopter(opts.ahead, stack, state) : undefined;
  await Promise.all(
    namespaces.map((ns) =>
      nsLimit(async () => {
        const reading = (await adopt?.(ns)) ?? (await reader(ns));
        for (const o of reading.objects.values()) {
          snapshot.objects.set(o.address, o);
          byNamespace.get(o.namespace)?.set(o.address, o);
        }
        opts.onNamespaceRead?.(ns, byNamespace.get(ns)!);
      }),
    ),
  );
  return snapshot;
}

/** Reads one namespace, every kind of it, noting what of the desired stack the kinds looked at. */
function namespaceReader(stack: DesiredStack, state: StateFile | undefined, opts: RefreshOptions): (ns: string) => Promise<NamespaceReading> {
  const kinds = opts.kinds ?? builtinKinds;
  const entries = state?.resources ?? {};
  const desired = resourcesByAddress(stack);
  const declared = resourcesByNamespace(stack);
  const recorded = new Map<string, StateEntry[]>();
  for (const e of Object.values(entries)) {
    const n = namespaceOfAddress(e.address);
    if (n === undefined) continue;
    const list = recorded.get(n);
    if (list) list.push(e);
    else recorded.set(n, [e]);
  }
  const readLimit = pLimit(opts.readConcurrency ?? 16);
  const readers = kinds.kestraKinds.filter((h) => h.refresh);
  // Tenant-wide kinds read the tenant scope only; the others, real namespaces only.
  const readersOf = (ns: string) => readers.filter((h) => (h.scope === 'tenant') === (ns === TENANT_SCOPE));
  return async (ns) => {
    const objects = new Map<string, LiveBase>();
    const desiredLooked = new Set<string>();
    const declaredLooked = new Set<string>();
    const ctx: RefreshContext = {
      client: opts.client,
      desired: (a) => {
        desiredLooked.add(a);
        return desired.get(a);
      },
      entry: (a) => entries[a],
      declared: (n) => {
        declaredLooked.add(n);
        return declared.get(n) ?? [];
      },
      recorded: (n) => recorded.get(n) ?? [],
      put: (o) => objects.set(o.address, o),
      remove: (a) => objects.delete(a),
      read: (fn) => readLimit(fn),
      now: opts.now ?? Date.now,
      diffDownloadLimit: opts.diffDownloadLimit ?? 256 * 1024,
      exportThreshold: opts.exportThreshold ?? 3,
      kestraMajor: stack.settings.kestra_version,
    };
    await Promise.all(readersOf(ns).map((h) => h.refresh!(ns, ctx)));
    return { objects, desiredLooked, declaredLooked };
  };
}

/**
 * A namespace's reading ahead, when it stands for reading it now: made with the same state (the
 * very object this refresh has), for a stack that targets the same Kestra line, and every desired
 * object and declared list the kinds looked at is the same in both stacks (desired objects are
 * plain data read from cdk.tf.json: deeply equal, a member left undefined included, is the same).
 * Anything else: undefined, read again.
 */
function adopter(ahead: ReadAhead, stack: DesiredStack, state: StateFile | undefined): ((ns: string) => Promise<NamespaceReading | undefined>) | undefined {
  if (ahead.state !== state || ahead.stack.name !== stack.name || ahead.stack.settings.kestra_version !== stack.settings.kestra_version) return undefined;
  const before = { desired: resourcesByAddress(ahead.stack), declared: resourcesByNamespace(ahead.stack) };
  const now = { desired: resourcesByAddress(stack), declared: resourcesByNamespace(stack) };
  // Each address compared once, whichever namespace looks at it, as many times as it is looked at.
  const sameAt = new Map<string, boolean>();
  const sameObject = (a: string) => {
    let same = sameAt.get(a);
    if (same === undefined) sameAt.set(a, (same = isDeepStrictEqual(before.desired.get(a), now.desired.get(a))));
    return same;
  };
  const sameList = (x: readonly DesiredBase[], y: readonly DesiredBase[]) => x.length === y.length && x.every((d, i) => d.address === y[i].address && sameObject(d.address));
  return async (ns) => {
    const pending = ahead.namespaces.get(ns);
    if (!pending) return undefined;
    let reading: NamespaceReading;
    try {
      reading = await pending;
    } catch {
      return undefined;
    }
    for (const a of reading.desiredLooked) if (!sameObject(a)) return undefined;
    for (const n of reading.declaredLooked) if (!sameList(before.declared.get(n) ?? [], now.declared.get(n) ?? [])) return undefined;
    ahead.taken.add(ns);
    return reading;
  };
}

/** The objects of namespace `ns` in a reading of it (as refresh files them: by each object's own namespace). */
function objectsOf(ns: string, objects: ReadonlyMap<string, LiveBase>): ReadonlyMap<string, LiveBase> {
  for (const o of objects.values()) if (o.namespace !== ns) return new Map([...objects].filter(([, x]) => x.namespace === ns));
  return objects;
}
