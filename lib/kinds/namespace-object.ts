/**
 * Namespace objects (`kestra_namespace`, `namespace:NAMESPACE`, Kestra Enterprise): a namespace's
 * description, variables, allowed namespaces, worker selector, concurrency… in Kestra's own field
 * names. kestraform manages the fields the stack names (and those it applied before, so removing
 * one from Git clears it); every other field stays as Kestra holds it, because an update is a full
 * replacement that sends them back unchanged. Open-source Kestra has no namespace objects.
 *
 * Written before everything that lives in the namespace, removed after it; never pruned. Kestra
 * deletes a namespace object only when kestraform is asked to, and never one that still holds flows.
 */
import { NAMESPACE_TYPE, namespaceAttributes } from '../model/resources';
import type { NamespaceAttributes } from '../model/attributes';
import { describeIssues } from '../model/resources';
import { namespaceObjectAddress, parseAddress } from '../model/addresses';
import { sha256 } from '../util/hash';
import { stableJson } from '../util/stable-json';
import { entryFromLive } from './entries';
import type { AppliedValues, DesiredBase, Fingerprint, KindHandler, LiveBase, PullPlan, Shown, StateEntry } from './types';

export interface DesiredNamespaceObject extends DesiredBase {
  kind: 'namespace';
  namespace: string;
  /** Kestra's Namespace fields but `id` and `deleted`. */
  properties: Record<string, unknown>;
  sourceFile?: string;
}

export interface LiveNamespaceObject extends LiveBase {
  kind: 'namespace';
  /** Every field Kestra reported, but `id` and `deleted`. */
  properties: Record<string, unknown>;
}

/** Kestra's Namespace entity as the API carries it. */
export type NamespaceObjectBody = { id: string; deleted?: boolean } & Record<string, unknown>;

/** The Kestra calls namespace objects need (lib/kestra's client implements them). */
export interface NamespaceObjectClient {
  getNamespace(id: string): Promise<NamespaceObjectBody | null>;
  createNamespace(ns: NamespaceObjectBody): Promise<NamespaceObjectBody>;
  updateNamespace(ns: NamespaceObjectBody): Promise<NamespaceObjectBody>;
  deleteNamespace(id: string): Promise<void>;
  listFlows(ns: string): Promise<Array<{ id: string; deleted?: boolean }>>;
}

const client = (c: unknown) => c as NamespaceObjectClient;
const IDENTITY_FIELDS = new Set(['id', 'deleted']);

/** Kestra answers an unset field as null, {} or [] alike: none of them is a value. */
function isUnset(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

function propertiesOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!IDENTITY_FIELDS.has(k) && !isUnset(v)) out[k] = v;
  return out;
}

/** The fields kestraform manages: those Git names, and those it applied before (removing one clears it). */
function managedKeys(d: DesiredNamespaceObject | undefined, s: StateEntry | undefined): string[] {
  const keys = new Set(Object.keys(d?.properties ?? {}));
  for (const k of String(s?.live.keys ?? '').split(',')) if (k) keys.add(k);
  return [...keys].sort();
}

function valuesHash(props: Record<string, unknown>, keys: readonly string[]): string {
  return sha256(canon(keys.map((k) => [k, isUnset(props[k]) ? null : props[k]])));
}

const canon = (v: unknown) => stableJson(v, false);
const namespaceOf = (address: string) => parseAddress(address)!.namespace;

export const namespaceObjectKind: KindHandler<DesiredNamespaceObject, LiveNamespaceObject> = {
  kind: 'namespace',
  tfTypes: [NAMESPACE_TYPE],
  noun: { one: 'namespace', many: 'namespaces', column: 'namespaces' },
  phases: { write: 0, remove: 6 },
  neverPruned: true,
  requiredEdition: () => 'ee',
  ignorable: ['properties'],
  storedAs: 'file',
  provenance: ['sourceFile'],

  decode(raw, common) {
    const p = namespaceAttributes.safeParse(raw);
    if (!p.success) return { problems: describeIssues(p.error) };
    const a = p.data as NamespaceAttributes;
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(a.properties)) if (!IDENTITY_FIELDS.has(k)) properties[k] = v;
    return { resource: { kind: 'namespace', address: namespaceObjectAddress(a.namespace_id), ...common, namespace: a.namespace_id, properties, sourceFile: a.source_file } };
  },

  origin: (d) => (d.sourceFile ? { file: d.sourceFile, line: 1 } : undefined),

  async refresh(ns, ctx) {
    const address = namespaceObjectAddress(ns);
    if (!ctx.desired(address) && !ctx.entry(address)) return;
    const body = await client(ctx.client).getNamespace(ns);
    if (body) ctx.put({ kind: 'namespace', address, namespace: ns, properties: propertiesOf(body) } as LiveNamespaceObject);
  },

  equal(d, l, s) {
    const keys = managedKeys(d, s);
    return valuesHash(d.properties, keys) === valuesHash(l.properties, keys);
  },
  desiredHash: (d) => sha256(canon(d.properties)),
  liveHash: (l) => sha256(canon(l.properties)),
  fingerprintString: (l) => `props:${sha256(canon(l.properties))}`,
  matchesState: (l, fp) => valuesHash(l.properties, String(fp.keys ?? '').split(',').filter(Boolean)) === fp.valuesHash,
  sensitive: () => false,

  viewOfDesired: (d) => ({ namespace: d.namespace, properties: d.properties }),
  viewOfLive: (l) => ({ namespace: l.namespace, properties: l.properties }),
  viewOfApplied: (s) => ({ namespace: namespaceOf(s.address), properties: s.applied.properties as Record<string, unknown> | undefined }),

  fingerprint(l, d) {
    const keys = Object.keys(d?.properties ?? l.properties).sort();
    return { kind: 'namespace', keys: keys.join(','), valuesHash: valuesHash(l.properties, keys) };
  },
  applied: (d) => ({ appliedHash: sha256(canon(d.properties)), applied: { properties: d.properties } }),
  appliedFromLive: (l) => ({ appliedHash: sha256(canon(l.properties)), applied: { properties: l.properties } as AppliedValues }),

  async write(d, action, ctx): Promise<Fingerprint> {
    const c = client(ctx.client);
    const keys = Object.keys(d.properties).sort();
    let answer: NamespaceObjectBody;
    if (action === 'create') {
      answer = await c.createNamespace({ id: d.namespace, deleted: false, ...d.properties });
    } else {
      // A full replacement: send back what kestraform does not manage as Kestra holds it, clear
      // what it applied before and Git no longer names.
      const current = (await c.getNamespace(d.namespace)) ?? { id: d.namespace };
      const body: NamespaceObjectBody = { ...current, id: d.namespace, deleted: false };
      for (const k of managedKeys(undefined, ctx.entry?.(d.address))) if (!(k in d.properties)) delete body[k];
      Object.assign(body, d.properties);
      answer = await c.updateNamespace(body);
    }
    return { kind: 'namespace', keys: keys.join(','), valuesHash: valuesHash(propertiesOf(answer), keys) };
  },

  async remove(address, ctx) {
    const ns = namespaceOf(address);
    const c = client(ctx.client);
    const flows = (await c.listFlows(ns)).filter((f) => !f.deleted);
    if (flows.length) {
      throw new Error(`${address}: namespace ${ns} still holds ${flows.length} flow${flows.length === 1 ? '' : 's'} (${flows.slice(0, 3).map((f) => f.id).join(', ')}${flows.length > 3 ? ', …' : ''}); kestraform deletes a namespace object only once it is empty — delete or move its flows first, or keep its namespace.yaml`);
    }
    await c.deleteNamespace(ns);
  },

  display(shown: Shown) {
    const before = shown.sides === 'create' ? undefined : shown.before?.properties;
    const after = shown.sides === 'delete' ? undefined : shown.after?.properties;
    const keys = [...new Set([...Object.keys(after ?? {}), ...(shown.sides === 'update' ? [] : Object.keys(before ?? {}))])].sort();
    const show = (v: unknown) => (isUnset(v) ? '(unset)' : JSON.stringify(v));
    const rows = keys.map((k) => ({ name: k, before: shown.sides === 'create' ? undefined : show(before?.[k]), after: shown.sides === 'delete' ? undefined : show(after?.[k]) }));
    return rows.length ? [{ type: 'values', rows }] : [{ type: 'note', text: 'no properties' }];
  },

  async planPull(ctx): Promise<PullPlan> {
    if (!ctx.file) return { refused: 'kestraform writes no namespace.yaml for a namespace object made in Kestra — write it yourself, then `kestraform import` it' };
    if (ctx.drift === 'deleted') return { refused: 'it was deleted in Kestra; remove its namespace.yaml yourself if that is meant, or apply to create it again' };
    const live = ctx.live as LiveNamespaceObject | undefined;
    if (!live) return { refused: 'it could not be read from Kestra' };
    const keys = managedKeys(ctx.desired as DesiredNamespaceObject | undefined, ctx.entry);
    const kept: Record<string, unknown> = {};
    for (const k of keys) if (!isUnset(live.properties[k])) kept[k] = live.properties[k];
    const { stringify } = require('yaml') as typeof import('yaml');
    const adopt = ctx.drift === 'unmanaged' ? entryFromLive(namespaceObjectKind as unknown as KindHandler, live, undefined, undefined, ctx.now) : undefined;
    return { file: ctx.file, change: { action: 'write', bytes: Buffer.from(stringify(kept), 'utf8') }, adopt };
  },
};
