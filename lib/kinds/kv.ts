/**
 * KV pairs (`kestra_kv`, `kv:NAMESPACE/KEY`). Listings carry an update date (Kestra 1.x: a
 * revision): when it equals what state recorded after our write, the value is the one we wrote.
 * Values compare in canonical text against what Kestra will report back (lib/model/kv-values);
 * a TTL cannot be read back, so it compares with what was applied. Sensitive values are never
 * shown, stored in state or written to Git.
 */
import { kvAddress, parseAddress } from '../model/addresses';
import { KV_TYPE, describeIssues, kvAttributes } from '../model/resources';
import { expectedLiveKv, kvValueToCanonical, normaliseKvValue } from '../model/kv-values';
import type { KvType } from '../model/names';
import type { KvPair } from '../model/attributes';
import { sha256 } from '../util/hash';
import { lazy } from '../util/lazy';
import { entryFromLive } from './entries';
import type { AppliedValues, DesiredBase, Fingerprint, KindHandler, LiveBase, ObjectView, PullContext, PullPlan, Shown } from './types';

export interface DesiredKv extends DesiredBase, KvPair {
  kind: 'kv';
  namespace: string;
  sensitive: boolean;
  /** `file:line` it was read from (absent when written in a stack's code). */
  sourceFile?: string;
  /** The environment whose overlay gave it what its file does not hold. */
  rewrittenFor?: string;
}

export interface LiveKv extends LiveBase {
  kind: 'kv';
  key: string;
  description?: string;
  updateDate?: string;
  expirationDate?: string;
  revision?: number;
  /** Type and canonical value, when read (or vouched for by state). */
  type?: KvType;
  value?: string;
  /** Hash of type and canonical value (kvValueHash). */
  valueHash?: string;
}

/** The Kestra calls KV pairs need (lib/kestra's client implements them). */
export interface KvClient {
  listKv(ns: string): Promise<Array<{ key: string; description?: string; updateDate?: string; expirationDate?: string; revision?: number }>>;
  getKv(ns: string, key: string): Promise<{ type: KvType; value: unknown } | null>;
  putKv(ns: string, key: string, v: { type: KvType; value: string }, o?: { ttl?: string; description?: string }): Promise<void>;
  deleteKv(ns: string, key: string): Promise<unknown>;
}

export const SENSITIVE = '(sensitive value)';

export const kvValueHash = (type: string, value: string): string => sha256(`${type}\u0000${value}`);

/** Everything of a desired KV pair that a write sets. */
export const kvDesiredHash = (kv: { type: string; value: string; description?: string; ttl?: string }): string =>
  sha256(JSON.stringify([kv.type, kv.value, kv.description ?? null, kv.ttl ?? null]));

const client = (c: unknown) => c as KvClient;

// Only pull edits KV files; the YAML library it needs is not loaded for anything else.
const kvFileEdit = lazy(() => require('../gittree/kv-file-edit') as typeof import('../gittree/kv-file-edit'));

function keyOf(address: string): { namespace: string; key: string } {
  const p = parseAddress(address)!;
  return { namespace: p.namespace, key: p.name };
}

/** The hash of the value Kestra will report for a desired one (it retypes some, e.g. "PT5M" strings). */
function expectedHash(d: DesiredKv): string {
  const expected = expectedLiveKv(d.type, d.value);
  return kvValueHash(expected.type, expected.value);
}

/** A KV value as shown: masked when sensitive, quoted unless a number, boolean or JSON. */
export function shownKvValue(value: string | undefined, sensitive: boolean | undefined, type?: string): string {
  if (sensitive) return SENSITIVE;
  if (value === undefined) return '(unknown)';
  return type === 'NUMBER' || type === 'BOOLEAN' || type === 'JSON' ? value : JSON.stringify(value);
}

export const kvKind: KindHandler<DesiredKv, LiveKv> = {
  kind: 'kv',
  tfTypes: [KV_TYPE],
  noun: { one: 'KV pair', many: 'KV pairs', column: 'kv' },
  phases: { write: 1, remove: 4 },
  ignorable: ['value', 'type'],
  storedAs: 'entry',
  provenance: ['sourceFile', 'rewrittenFor'],

  decode(raw, common, ctx) {
    const p = kvAttributes.safeParse(raw);
    if (!p.success) return { problems: describeIssues(p.error) };
    const a = p.data;
    const address = kvAddress(a.namespace, a.key);
    let value = a.value;
    if (a.value_from_env !== undefined) {
      // Read here, in the process that plans and applies: the value is never written to cdk.tf.json.
      const fromEnv = ctx.env[a.value_from_env];
      if (fromEnv === undefined) return { problems: [`${address} takes its value from the environment variable ${a.value_from_env}, which is not set — set it where kestraform runs`] };
      try {
        value = normaliseKvValue(a.type, fromEnv);
      } catch {
        // The reason would quote the value: a secret is never shown.
        return { problems: [`${address}: the value of the environment variable ${a.value_from_env} is not a valid ${a.type} — set it to one`] };
      }
    }
    return {
      resource: {
        kind: 'kv', address, ...common, namespace: a.namespace, key: a.key, type: a.type, value,
        description: a.description, ttl: a.ttl, sensitive: a.sensitive === true || a.value_from_env !== undefined, sourceFile: a.source_file, rewrittenFor: a.rewritten_for,
      },
    };
  },

  origin(d) {
    if (!d.sourceFile) return undefined;
    const m = /^(.*):(\d+)$/.exec(d.sourceFile);
    return m ? { file: m[1], line: Number(m[2]) } : { file: d.sourceFile, line: 0 };
  },

  async refresh(ns, ctx) {
    const listed = await client(ctx.client).listKv(ns);
    const now = ctx.now();
    const reads: LiveKv[] = [];
    for (const k of listed) {
      if (k.expirationDate && Date.parse(k.expirationDate) <= now) continue; // expired: Kestra treats it as gone
      const address = kvAddress(ns, k.key);
      const live: LiveKv = { kind: 'kv', address, namespace: ns, key: k.key, description: k.description ?? undefined, updateDate: k.updateDate, expirationDate: k.expirationDate, revision: k.revision };
      ctx.put(live);
      const s = ctx.entry(address);
      const fp = s?.live.kind === 'kv' ? s.live : undefined;
      const vouched = fp && ((fp.updateDate !== undefined && fp.updateDate === k.updateDate) || (fp.updateDate === undefined && fp.revision !== undefined && fp.revision === k.revision));
      if (vouched && s) {
        live.valueHash = fp!.valueHash as string;
        live.type = s.applied.type as KvType | undefined;
        live.value = s.applied.sensitive ? undefined : (s.applied.value as string | undefined);
      } else if (ctx.desired(address) || s) {
        reads.push(live);
      }
    }
    await Promise.all(
      reads.map((live) =>
        ctx.read(async () => {
          const v = await client(ctx.client).getKv(ns, live.key);
          if (!v) {
            ctx.remove(live.address);
            return;
          }
          live.type = v.type;
          live.value = kvValueToCanonical(v.type, v.value);
          live.valueHash = kvValueHash(live.type, live.value);
        }),
      ),
    );
  },

  equal(d, l, s) {
    if (kvKind.liveHash(l) !== expectedHash(d)) return false;
    if ((d.description ?? '') !== (l.description ?? '')) return false;
    // TTL cannot be read back (Kestra reports an expiration instant): compare with what was applied.
    if (s && (s.applied.ttl ?? '') !== (d.ttl ?? '')) return false;
    return true;
  },
  desiredHash: (d) => kvDesiredHash(d),
  liveHash: (l) => l.valueHash ?? (l.type !== undefined && l.value !== undefined ? kvValueHash(l.type, l.value) : undefined),
  fingerprintString: (k) => `upd:${k.updateDate ?? '?'};rev:${k.revision ?? '?'};exp:${k.expirationDate ?? '-'}${k.valueHash ? `;val:${k.valueHash}` : ''}`,
  matchesState(k, fp) {
    if (k.valueHash) return k.valueHash === fp.valueHash;
    if (fp.updateDate !== undefined && k.updateDate !== undefined) return k.updateDate === fp.updateDate;
    if (fp.revision !== undefined && k.revision !== undefined) return k.revision === fp.revision;
    return false;
  },
  sensitive: (d, s) => !!(d?.sensitive || s?.applied.sensitive),
  redact: (view) => ({ ...view, value: undefined }),

  viewOfDesired: (d) => ({ namespace: d.namespace, type: d.type, value: d.sensitive ? undefined : d.value, description: d.description, ttl: d.ttl }),
  viewOfLive: (l) => ({ namespace: l.namespace, type: l.type, value: l.value, description: l.description }),
  viewOfApplied: (s) => ({
    namespace: keyOf(s.address).namespace,
    type: s.applied.type as string | undefined,
    value: s.applied.sensitive ? undefined : (s.applied.value as string | undefined),
    description: s.applied.description as string | undefined,
  }),

  fingerprint(l, d) {
    const valueHash = kvKind.liveHash(l) ?? (d ? expectedHash(d) : undefined);
    return valueHash === undefined ? undefined : { kind: 'kv', valueHash, updateDate: l.updateDate, revision: l.revision };
  },
  applied: (d) => ({
    appliedHash: kvDesiredHash(d),
    applied: { type: d.type, value: d.sensitive ? undefined : d.value, description: d.description, ttl: d.ttl, sensitive: d.sensitive || undefined },
  }),
  appliedFromLive(l, prev, d) {
    const type = l.type ?? (prev?.applied.type as KvType | undefined);
    if (type === undefined || l.value === undefined) return undefined;
    const sensitive = !!(d?.sensitive || prev?.applied.sensitive);
    const ttl = prev?.applied.ttl as string | undefined;
    const applied: AppliedValues = { ...prev?.applied, type, value: sensitive ? undefined : l.value, description: l.description, sensitive: sensitive || undefined };
    return { appliedHash: kvDesiredHash({ type, value: l.value, description: l.description, ttl }), applied };
  },

  async write(d, _action, ctx): Promise<Fingerprint> {
    await client(ctx.client).putKv(d.namespace, d.key, { type: d.type, value: d.value }, { ttl: d.ttl, description: d.description });
    return { kind: 'kv', valueHash: expectedHash(d) };
  },
  async remove(address, ctx) {
    const { namespace, key } = keyOf(address);
    await client(ctx.client).deleteKv(namespace, key);
  },
  async afterWrites(written, ctx, state) {
    const byNamespace = new Map<string, Set<string>>();
    for (const a of written) {
      const { namespace, key } = keyOf(a);
      byNamespace.set(namespace, (byNamespace.get(namespace) ?? new Set()).add(key));
    }
    await Promise.all(
      [...byNamespace].map(async ([ns, keys]) => {
        for (const k of await client(ctx.client).listKv(ns)) {
          if (!keys.has(k.key)) continue;
          const e = state.entry(kvAddress(ns, k.key));
          if (e?.live.kind !== 'kv') continue;
          state.set({ ...e, live: { ...e.live, updateDate: k.updateDate, revision: k.revision } });
        }
      }),
    );
  },

  display(shown: Shown) {
    const b = shown.sides === 'create' ? undefined : shown.before;
    const a = shown.sides === 'delete' ? undefined : shown.after;
    const rows: Array<{ name: string; before?: string; after?: string }> = [];
    const side = (v: ObjectView | undefined, f: (v: ObjectView) => string | undefined) => (v ? f(v) : undefined);
    rows.push({ name: 'type', before: side(b, (v) => v.type ?? '(unknown)'), after: side(a, (v) => v.type ?? '(unknown)') });
    rows.push({ name: 'value', before: side(b, (v) => shownKvValue(v.value, shown.sensitive, v.type)), after: side(a, (v) => shownKvValue(v.value, shown.sensitive, v.type)) });
    if (b && a && (b.description ?? '') !== (a.description ?? '')) rows.push({ name: 'description', before: JSON.stringify(b.description ?? null), after: JSON.stringify(a.description ?? null) });
    if (a?.ttl) rows.push({ name: 'ttl', after: a.ttl });
    return [{ type: 'values', rows }];
  },

  async planPull(ctx: PullContext): Promise<PullPlan> {
    const { namespace, key } = keyOf(ctx.address);
    const rewrittenFor = (ctx.desired as DesiredKv | undefined)?.rewrittenFor;
    if (rewrittenFor !== undefined) {
      return { refused: `environment "${rewrittenFor}" gives it its own value or description, which ${ctx.file ?? 'the KV file'} does not hold for every environment — change the environment's kv in its stack` };
    }
    if (kvKind.sensitive(ctx.desired as DesiredKv | undefined, ctx.entry)) {
      return { refused: 'sensitive values are never written to Git; update it in its KV file yourself, or accept it with `apply --refresh-only`' };
    }
    const home = ctx.file !== undefined ? { file: ctx.file } : ctx.homes.kv(namespace);
    if ('refused' in home) return home;
    const file = home.file;
    if (ctx.drift === 'deleted') return { file, change: { action: 'edit', edit: (text) => kvFileEdit().deleteKvEntry(text, key) } };
    const known = ctx.live as LiveKv | undefined;
    let type = known?.type;
    let value = known?.value;
    if (type === undefined || value === undefined) {
      const v = await client(ctx.client).getKv(namespace, key);
      if (!v) return { refused: 'it expired or was deleted while pulling' };
      type = v.type;
      value = kvValueToCanonical(v.type, v.value);
    }
    const description = known?.description;
    const live: LiveKv = { kind: 'kv', address: ctx.address, namespace, key, type, value, valueHash: kvValueHash(type, value), description, updateDate: known?.updateDate, revision: known?.revision };
    const adopt = ctx.drift === 'unmanaged' ? entryFromLive(kvKind, live, undefined, undefined, ctx.now) : undefined;
    const entry = { type, value, description };
    return { file, change: { action: 'edit', edit: (text) => kvFileEdit().setKvEntry(text, key, entry) }, adopt };
  },
};
