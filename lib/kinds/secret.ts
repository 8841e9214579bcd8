/**
 * Namespace secrets (`kestra_namespace_secret`, `secret:NAMESPACE/KEY`, Kestra Enterprise). A
 * value never reaches Git, cdk.tf.json, state, plans or output: the stack names, per key, the
 * environment variable that holds it where kestraform runs, and the value lives in this process's
 * memory only (a WeakMap beside the desired object, so no serialisation can carry it).
 *
 * What kestraform can know, and says: Kestra never returns a value, so a value changed in Kestra
 * is invisible; keys added or removed there, and description or tag edits, are drift. A value
 * changed in the environment since the last apply is detected with a per-secret random salt and an
 * scrypt digest kept in state (no plain or unsalted hash; scrypt makes guessing a value from
 * state slow). A key Kestra already holds that state does not know gets its value written.
 * Never pruned: a secret kestraform did not create is reported, never deleted.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { SECRET_TYPE, describeIssues, secretAttributes } from '../model/resources';
import type { SecretAttributes } from '../model/attributes';
import { parseAddress, secretAddress } from '../model/addresses';
import { sha256 } from '../util/hash';
import { stableJson } from '../util/stable-json';
import type { DesiredBase, Fingerprint, KindHandler, LiveBase, ObjectView, PullPlan, Shown, StateEntry } from './types';

export interface DesiredSecret extends DesiredBase {
  kind: 'secret';
  namespace: string;
  key: string;
  /** The environment variable holding the value where kestraform runs. */
  valueFromEnv: string;
  description?: string;
  tags: Record<string, string>;
}

export interface LiveSecret extends LiveBase {
  kind: 'secret';
  key: string;
  description?: string;
  tags: Record<string, string>;
}

/** The Kestra calls secrets need (lib/kestra's client implements them). */
export interface SecretClient {
  listSecrets(namespace: string): Promise<{ readOnly: boolean; secrets: Array<{ key: string; description?: string; tags: Array<{ key: string; value: string }> }> }>;
  putSecret(namespace: string, secret: { key: string; value: string; description?: string; tags?: Array<{ key: string; value: string }> }): Promise<void>;
  deleteSecret(namespace: string, key: string): Promise<void>;
}

const client = (c: unknown) => c as SecretClient;

// The values, held beside their desired objects and nowhere else.
const values = new WeakMap<DesiredSecret, string>();
// What the plan learnt of each value (shown by the views), set when it compares.
const valueStatus = new WeakMap<DesiredSecret, 'changed' | 'unchanged' | 'unknown'>();

// scrypt's cost: ~16 MiB and some tens of milliseconds per digest (only secrets with a state entry pay it).
const SCRYPT = { N: 1 << 14, r: 8, p: 1 };

function digest(value: string, salt: string): string {
  return scryptSync(value, Buffer.from(salt, 'base64'), 32, SCRYPT).toString('base64');
}

function valueOf(d: DesiredSecret): string {
  const v = values.get(d);
  if (v === undefined) throw new Error(`${d.address}: its value was not read from ${d.valueFromEnv} (internal error)`);
  return v;
}

/** Description and tags: what Kestra reports back of a secret. */
const metaHash = (description: string | undefined, tags: Record<string, string>): string => sha256(stableJson([description ?? '', tags], false));

function tagsOf(list: ReadonlyArray<{ key: string; value: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of [...(list ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) out[t.key] = t.value;
  return out;
}

/** The value in the environment is the one applied last (state's salted digest says), or unknown. */
function statusOf(d: DesiredSecret, s: StateEntry | undefined): 'changed' | 'unchanged' | 'unknown' {
  const salt = s?.applied.salt as string | undefined;
  const recorded = s?.applied.digest as string | undefined;
  if (!salt || !recorded || s?.applied.valueFrom !== d.valueFromEnv) return 'unknown';
  return digest(valueOf(d), salt) === recorded ? 'unchanged' : 'changed';
}

const keyOf = (address: string) => {
  const p = parseAddress(address)!;
  return { namespace: p.namespace, key: p.name };
};

export const secretKind: KindHandler<DesiredSecret, LiveSecret> = {
  kind: 'secret',
  tfTypes: [SECRET_TYPE],
  noun: { one: 'secret', many: 'secrets', column: 'secrets' },
  phases: { write: 1, remove: 4 },
  neverPruned: true,
  requiredEdition: () => 'ee',
  ignorable: ['secret_value', 'value_from_env'],
  storedAs: 'entry',
  provenance: [],

  decode(raw, common, ctx) {
    const p = secretAttributes.safeParse(raw);
    if (!p.success) return { problems: describeIssues(p.error) };
    const a = p.data as SecretAttributes;
    const address = secretAddress(a.namespace, a.secret_key);
    const value = ctx.env[a.value_from_env];
    if (value === undefined) return { problems: [`${address} takes its value from the environment variable ${a.value_from_env}, which is not set — set it where kestraform runs`] };
    if (value === '') return { problems: [`${address}: the environment variable ${a.value_from_env} is empty — Kestra keeps no empty secret; set it to the value`] };
    const resource: DesiredSecret = { kind: 'secret', address, ...common, namespace: a.namespace, key: a.secret_key, valueFromEnv: a.value_from_env, description: a.secret_description, tags: { ...(a.secret_tags ?? {}) } };
    values.set(resource, value);
    return { resource };
  },

  origin: () => undefined,

  async refresh(ns, ctx) {
    const wanted = ctx.declared(ns).some((d) => d.kind === 'secret') || ctx.recorded(ns).some((e) => e.address.startsWith('secret:'));
    if (!wanted) return;
    const { secrets } = await client(ctx.client).listSecrets(ns);
    for (const s of secrets) ctx.put({ kind: 'secret', address: secretAddress(ns, s.key), namespace: ns, key: s.key, description: s.description ?? undefined, tags: tagsOf(s.tags) } as LiveSecret);
  },

  equal(d, l, s) {
    if (metaHash(d.description, d.tags) !== metaHash(l.description, l.tags)) return false;
    const status = statusOf(d, s);
    valueStatus.set(d, status);
    return status === 'unchanged';
  },
  // What a write sets, but the value (never hashed unsalted, anywhere).
  desiredHash: (d) => sha256(stableJson(['secret', d.valueFromEnv, d.description ?? '', d.tags], false)),
  liveHash: (l) => metaHash(l.description, l.tags),
  fingerprintString: (l) => `meta:${metaHash(l.description, l.tags)}`,
  matchesState: (l, fp) => metaHash(l.description, l.tags) === fp.meta,
  sensitive: () => false,

  viewOfDesired: (d) => ({ namespace: d.namespace, valueFrom: d.valueFromEnv, valueStatus: valueStatus.get(d) ?? 'unknown', description: d.description, tags: d.tags }),
  viewOfLive: (l) => ({ namespace: l.namespace, description: l.description, tags: l.tags }),
  viewOfApplied: (s) => ({ namespace: keyOf(s.address).namespace, valueFrom: s.applied.valueFrom as string | undefined, description: s.applied.description as string | undefined, tags: (s.applied.tags as Record<string, string> | undefined) ?? {} }),

  fingerprint: (l) => ({ kind: 'secret', meta: metaHash(l.description, l.tags) }),
  applied(d) {
    const salt = randomBytes(16).toString('base64');
    return {
      appliedHash: secretKind.desiredHash(d),
      applied: { valueFrom: d.valueFromEnv, description: d.description, tags: d.tags, salt, digest: digest(valueOf(d), salt) },
    };
  },
  // Taken as it is (import, accepted drift): its value is unknown, so the next apply writes it once.
  appliedFromLive: (l, prev) => ({
    appliedHash: metaHash(l.description, l.tags),
    applied: { valueFrom: prev?.applied.valueFrom, description: l.description, tags: l.tags },
  }),

  async write(d, _action, ctx): Promise<Fingerprint> {
    const tags = Object.entries(d.tags).map(([key, value]) => ({ key, value }));
    await client(ctx.client).putSecret(d.namespace, { key: d.key, value: valueOf(d), ...(d.description !== undefined ? { description: d.description } : {}), ...(tags.length ? { tags } : {}) });
    return { kind: 'secret', meta: metaHash(d.description, d.tags) };
  },
  async remove(address, ctx) {
    const { namespace, key } = keyOf(address);
    await client(ctx.client).deleteSecret(namespace, key);
  },

  display(shown: Shown) {
    const b = shown.sides === 'create' ? undefined : shown.before;
    const a = shown.sides === 'delete' ? undefined : shown.after;
    const rows: Array<{ name: string; before?: string; after?: string }> = [];
    rows.push({ name: 'value', before: b ? '(in Kestra, never readable)' : undefined, after: a ? valueWords(a, shown.sides) : undefined });
    const desc = (v: ObjectView | undefined) => (v ? JSON.stringify(v.description ?? null) : undefined);
    if (!b || !a || (b.description ?? '') !== (a.description ?? '')) rows.push({ name: 'description', before: desc(b), after: desc(a) });
    const tags = (v: ObjectView | undefined) => (v ? JSON.stringify(v.tags ?? {}) : undefined);
    if (!b || !a || tags(b) !== tags(a)) rows.push({ name: 'tags', before: tags(b), after: tags(a) });
    return [{ type: 'values', rows }];
  },

  async planPull(): Promise<PullPlan> {
    return { refused: 'secret values never go to Git, and Kestra never gives them back — declare the key in the stack with the variable that holds its value' };
  },
};

function valueWords(v: ObjectView, sides: Shown['sides']): string {
  const from = v.valueFrom ? `from $${v.valueFrom}` : 'from the environment';
  if (sides === 'create') return `(${from})`;
  if (v.valueStatus === 'changed') return `(${from}: changed since the last apply)`;
  if (v.valueStatus === 'unchanged') return `(${from}: unchanged)`;
  return `(${from}: written, as Kestra never returns a value to compare with)`;
}
