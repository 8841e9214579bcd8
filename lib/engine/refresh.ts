/**
 * Refresh: reads the live side of every namespace a stack owns (and of every namespace state
 * still records objects in) with as few requests as the API allows. Listings carry a revision
 * (flows), size and modification time (files) and an update date (KV); where they equal what state
 * recorded after our last apply, the content is known without fetching it.
 */
import pLimit from 'p-limit';
import type { DesiredResource, DesiredStack } from '../desired/types';
import { fileAddress, flowAddress, kvAddress } from '../model/resources';
import type { KvType } from '../gittree/types';
import type { LiveFile, LiveFlow, LiveKv, LiveSnapshot } from './live';
import type { StateEntry, StateFile } from './state-types';
import { flowSourceHash, kvValueHash, sha256 } from './hash';

/** The part of the Kestra client refresh needs (lib/kestra implements it). */
export interface RefreshClient {
  listFlows(ns: string): Promise<Array<{ id: string; namespace: string; revision: number; disabled?: boolean; deleted?: boolean }>>;
  exportFlowSources(ns: string): Promise<Map<string, string>>;
  getFlow(ns: string, id: string): Promise<{ source?: string; revision: number } | null>;
  listFiles(ns: string): Promise<Array<{ path: string; size: number; lastModifiedTime?: number }>>;
  readFile(ns: string, path: string): Promise<Buffer>;
  listKv(ns: string): Promise<Array<{ key: string; description?: string; updateDate?: string; expirationDate?: string; revision?: number }>>;
  getKv(ns: string, key: string): Promise<{ type: KvType; value: unknown } | null>;
}

export interface RefreshOptions {
  client: RefreshClient;
  /** Turns a KV value as GET returns it into its canonical text (lib/kestra). */
  kvToCanonical: (type: KvType, value: unknown) => string;
  /** Namespaces read at once (default 8) and content reads at once (default 16). */
  namespaceConcurrency?: number;
  readConcurrency?: number;
  /** Files up to this size are downloaded when changed, so plans can show a text diff. */
  diffDownloadLimit?: number;
  /** Above this many sources needed in one namespace, one export request beats single GETs. */
  exportThreshold?: number;
  now?: () => number;
  /** Called when a namespace's live side is complete (its objects will not change any more). */
  onNamespaceRead?: (namespace: string, snapshot: LiveSnapshot) => void;
}

export function namespacesToRead(stack: DesiredStack, state: StateFile | undefined): string[] {
  const ns = new Set(stack.settings.namespaces);
  for (const entry of Object.values(state?.resources ?? {})) {
    const m = /^(?:flow|kv):([^/]+)\/|^file:([^:]+):/.exec(entry.address);
    if (m) ns.add(m[1] ?? m[2]);
  }
  for (const p of stack.settings.protected_namespaces) ns.delete(p);
  return [...ns].sort();
}

export async function refresh(stack: DesiredStack, state: StateFile | undefined, opts: RefreshOptions): Promise<LiveSnapshot> {
  const namespaces = namespacesToRead(stack, state);
  const desired = new Map<string, DesiredResource>(stack.resources.map((r) => [r.address, r]));
  const entries = state?.resources ?? {};
  const snapshot: LiveSnapshot = { namespaces, flows: new Map(), files: new Map(), kv: new Map() };
  const nsLimit = pLimit(opts.namespaceConcurrency ?? 8);
  const readLimit = pLimit(opts.readConcurrency ?? 16);
  const ctx = { opts, desired, entries, snapshot, readLimit };
  await Promise.all(
    namespaces.map((ns) =>
      nsLimit(async () => {
        await Promise.all([refreshFlows(ns, ctx), refreshFiles(ns, ctx), refreshKv(ns, ctx)]);
        opts.onNamespaceRead?.(ns, snapshot);
      }),
    ),
  );
  return snapshot;
}

interface Ctx {
  opts: RefreshOptions;
  desired: Map<string, DesiredResource>;
  entries: Record<string, StateEntry>;
  snapshot: LiveSnapshot;
  readLimit: ReturnType<typeof pLimit>;
}

async function refreshFlows(ns: string, ctx: Ctx): Promise<void> {
  const listed = (await ctx.opts.client.listFlows(ns)).filter((f) => !f.deleted);
  const needSource: LiveFlow[] = [];
  for (const f of listed) {
    const address = flowAddress(ns, f.id);
    const live: LiveFlow = { namespace: ns, id: f.id, revision: f.revision, disabled: f.disabled };
    ctx.snapshot.flows.set(address, live);
    const s = ctx.entries[address];
    if (s?.live.kind === 'flow' && s.live.revision === f.revision) {
      // Same revision as right after our apply: the stored source is the one we applied.
      live.sourceHash = s.live.sourceHash;
      live.source = s.applied.source;
    } else if (ctx.desired.has(address) || s) {
      needSource.push(live);
    }
  }
  if (needSource.length === 0) return;
  if (needSource.length > (ctx.opts.exportThreshold ?? 3)) {
    const sources = await ctx.opts.client.exportFlowSources(ns);
    for (const live of needSource) setSource(live, sources.get(live.id));
    const missing = needSource.filter((l) => l.source === undefined);
    await Promise.all(missing.map((l) => ctx.readLimit(() => fetchSource(l, ctx))));
  } else {
    await Promise.all(needSource.map((l) => ctx.readLimit(() => fetchSource(l, ctx))));
  }
}

async function fetchSource(live: LiveFlow, ctx: Ctx): Promise<void> {
  const f = await ctx.opts.client.getFlow(live.namespace, live.id);
  if (!f) {
    ctx.snapshot.flows.delete(flowAddress(live.namespace, live.id)); // deleted between listing and read
    return;
  }
  live.revision = f.revision;
  setSource(live, f.source);
}

function setSource(live: LiveFlow, source: string | undefined): void {
  if (source === undefined) return;
  live.source = source;
  live.sourceHash = flowSourceHash(source);
}

async function refreshFiles(ns: string, ctx: Ctx): Promise<void> {
  const listed = await ctx.opts.client.listFiles(ns);
  const limit = ctx.opts.diffDownloadLimit ?? 256 * 1024;
  const downloads: LiveFile[] = [];
  for (const f of listed) {
    const address = fileAddress(ns, f.path);
    const live: LiveFile = { namespace: ns, path: f.path, size: f.size, lastModifiedTime: f.lastModifiedTime };
    ctx.snapshot.files.set(address, live);
    const s = ctx.entries[address];
    const d = ctx.desired.get(address);
    const fp = s?.live.kind === 'file' ? s.live : undefined;
    if (fp && fp.size === f.size && fp.lastModifiedTime !== undefined && fp.lastModifiedTime === f.lastModifiedTime) {
      live.sha256 = fp.sha256; // untouched since our upload
    } else if (d?.kind === 'file' && d.size === f.size) {
      downloads.push(live); // same size: only the bytes can tell
    } else if ((d || s) && f.size <= limit) {
      downloads.push(live); // changed: fetch it for a readable diff
    }
  }
  await Promise.all(
    downloads.map((live) =>
      ctx.readLimit(async () => {
        const bytes = await ctx.opts.client.readFile(ns, live.path);
        live.bytes = bytes;
        live.sha256 = sha256(bytes);
        live.size = bytes.length;
      }),
    ),
  );
}

async function refreshKv(ns: string, ctx: Ctx): Promise<void> {
  const listed = await ctx.opts.client.listKv(ns);
  const now = (ctx.opts.now ?? Date.now)();
  const reads: LiveKv[] = [];
  for (const k of listed) {
    if (k.expirationDate && Date.parse(k.expirationDate) <= now) continue; // expired: Kestra treats it as gone
    const address = kvAddress(ns, k.key);
    const live: LiveKv = { namespace: ns, key: k.key, description: k.description ?? undefined, updateDate: k.updateDate, expirationDate: k.expirationDate, revision: k.revision };
    ctx.snapshot.kv.set(address, live);
    const s = ctx.entries[address];
    const fp = s?.live.kind === 'kv' ? s.live : undefined;
    const vouched =
      fp && ((fp.updateDate !== undefined && fp.updateDate === k.updateDate) || (fp.updateDate === undefined && fp.revision !== undefined && fp.revision === k.revision));
    if (vouched && s) {
      live.valueHash = fp!.valueHash;
      live.type = s.applied.type as KvType | undefined;
      live.value = s.applied.sensitive ? undefined : s.applied.value;
    } else if (ctx.desired.has(address) || s) {
      reads.push(live);
    }
  }
  await Promise.all(
    reads.map((live) =>
      ctx.readLimit(async () => {
        const v = await ctx.opts.client.getKv(ns, live.key);
        if (!v) {
          ctx.snapshot.kv.delete(kvAddress(ns, live.key));
          return;
        }
        live.type = v.type;
        live.value = ctx.opts.kvToCanonical(v.type, v.value);
        live.valueHash = kvValueHash(live.type, live.value);
      }),
    ),
  );
}
