/**
 * Secrets. A value goes in and never comes out: no route answers it, the store keeps only its
 * SHA-256 (so the data folder never holds it), and no error message repeats a body.
 *
 * Open-source Kestra reads its secrets from the server's `SECRET_<KEY>` environment variables
 * (SecretService: the key is what follows the prefix, upper-cased); here they are the `ossSecrets`
 * option, as keys. Its listings (SecretController.listSecrets, NamespaceSecretController, kestra-io/
 * kestra) answer those keys for any namespace, `readOnly: true`, each as `{key}`, kept by the
 * `filters[q]` filter (EQUALS: contains, any case; NOT_EQUALS: does not contain; another operation
 * is refused); the namespace filter changes nothing. Writes are EE-only operations: the router does
 * not take them on an `oss` server.
 *
 * The Enterprise Edition stores secrets per namespace. Its source is not public; this follows the
 * spec (ApiSecretValue, ApiSecretMetaEE, ApiSecretListResponse), with these picks:
 * - a key is kept as sent (no evidence that EE changes its case; the open-source stored secrets
 *   merged after 2.0 upper-case keys, SecretService.normalizeKey); `key` and `value` must not be
 *   empty (the spec's minLength 1), 422 otherwise;
 * - PUT creates or replaces (value, description, tags) and answers the written secret's metadata
 *   as a one-item list; PATCH replaces description and tags (absent: none) of an existing secret;
 *   DELETE answers 200 with the deleted key in a list; both 404 for a secret that does not exist;
 * - `GET /secrets` lists every namespace's secrets, or with `filters[namespace][EQUALS]` exactly
 *   one namespace's (PREFIX: a subtree), sorted by key, `readOnly: false`; 1.3's
 *   `GET /namespaces/{ns}/secrets` lists exactly that namespace's;
 * - `inherited-secrets` maps the namespace to its keys, and each ancestor holding secrets to its;
 * - a namespace needs no namespace object to hold secrets, and deleting the object keeps them.
 */
import type { RequestContext, Router } from '../router';
import { createHash } from 'node:crypto';
import { secretKey, type SecretRecord, type Store } from '../store';
import { illegalArgument, invalidEntity, invalidJson, notFound } from '../errors';
import type { Edition } from '../edition';
import { readJsonObject } from './namespaces';
import { namespaceTree } from './flows';
import { namespaceFilter, pageOf } from './paging';
import { byCodePoint } from '../../util/order';

export interface SecretRouteSettings {
  major: 1 | 2;
  edition: Edition;
  /** OSS: the keys of the server's SECRET_* environment variables (without the prefix). */
  ossSecrets: readonly string[];
}

type Tag = { key: string; value: string };

export function secretRoutes(router: Router, store: Store, settings: SecretRouteSettings): void {
  const { major, edition } = settings;
  const envKeys = [...new Set(settings.ossSecrets.map((k) => k.toUpperCase()))].sort(byCodePoint);
  const stored = (match: (ns: string) => boolean) =>
    [...store.secrets.values()].filter((s) => match(s.namespace)).sort((a, b) => byCodePoint(a.key, b.key) || byCodePoint(a.namespace, b.namespace));
  const listing = (ctx: RequestContext, match: (ns: string) => boolean) => {
    const q = queryPredicate(ctx.query);
    if (edition === 'oss') return { status: 200, json: { readOnly: true, ...pageOf(ctx.query, descendingIf(ctx, envKeys.filter(q)).map((key) => ({ key }))) } };
    return { status: 200, json: { readOnly: false, ...pageOf(ctx.query, descendingIf(ctx, stored(match).filter((s) => q(s.key))).map(meta)) } };
  };

  router.add({
    method: 'GET', template: '/secrets', operationId: 'listSecrets', query: ['page', 'size', 'sort', 'filters'],
    handler: (ctx) => listing(ctx, namespaceFilter(ctx.query)),
  });

  if (major === 1) {
    // Deprecated in 1.3 and removed in 2.0: only the 1.x emulation serves it.
    router.add({
      method: 'GET', template: '/namespaces/{namespace}/secrets', operationId: 'listNamespaceSecrets', query: ['page', 'size', 'sort', 'filters'],
      handler: (ctx) => listing(ctx, (ns) => ns === ctx.params.namespace),
    });
  }

  router.add({
    method: 'GET', template: '/namespaces/{namespace}/inherited-secrets', operationId: 'getInheritedSecrets', query: [],
    handler: (ctx) => {
      const { namespace } = ctx.params;
      if (edition === 'oss') return { status: 200, json: { [namespace]: envKeys } };
      const out: Record<string, string[]> = { [namespace]: stored((ns) => ns === namespace).map((s) => s.key) };
      for (const parent of namespaceTree(namespace).slice(0, -1).reverse()) {
        const keys = stored((ns) => ns === parent).map((s) => s.key);
        if (keys.length) out[parent] = keys;
      }
      return { status: 200, json: out };
    },
  });

  router.add({
    method: 'PUT', template: '/namespaces/{namespace}/secrets', operationId: 'putSecrets', query: [],
    handler: (ctx) => {
      const { namespace } = ctx.params;
      const body = readJsonObject(ctx, 'secret');
      const key = nonEmpty(body.key, 'secret.key');
      const value = nonEmpty(body.value, 'secret.value');
      const record: SecretRecord = {
        namespace,
        key,
        description: optionalString(body.description, 'description'),
        tags: tags(body.tags),
        valueSha256: createHash('sha256').update(value, 'utf8').digest('hex'),
      };
      if (record.description === undefined) delete record.description;
      store.saveSecret(record);
      return { status: 200, json: [meta(record)] };
    },
  });

  router.add({
    method: 'PATCH', template: '/namespaces/{namespace}/secrets/{key}', operationId: 'patchSecret', query: [],
    handler: (ctx) => {
      const existing = existingSecret(store, ctx);
      const body = readJsonObject(ctx, 'secret metadata');
      const record: SecretRecord = { ...existing, description: optionalString(body.description, 'description'), tags: tags(body.tags) };
      if (record.description === undefined) delete record.description;
      store.saveSecret(record);
      return { status: 200, json: [meta(record)] };
    },
  });

  router.add({
    method: 'DELETE', template: '/namespaces/{namespace}/secrets/{key}', operationId: 'deleteSecret', query: [],
    handler: (ctx) => {
      const existing = existingSecret(store, ctx);
      store.removeSecret(existing.namespace, existing.key);
      return { status: 200, json: [existing.key] };
    },
  });
}

/** ApiSecretMetaEE: never the value, nor its digest. */
function meta(s: SecretRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { key: s.key, namespace: s.namespace, tags: s.tags };
  if (s.description !== undefined) out.description = s.description;
  return out;
}

function existingSecret(store: Store, ctx: RequestContext): SecretRecord {
  const { namespace, key } = ctx.params;
  const found = store.secrets.get(secretKey(namespace, key));
  if (!found) throw notFound(`No secret '${key}' in namespace '${namespace}'`);
  return found;
}

/** SecretService.queryPredicate: the `filters[q]` filter on keys. */
function queryPredicate(query: URLSearchParams): (key: string) => boolean {
  for (const [name, value] of query) {
    const m = /^filters\[q\]\[([A-Z_]+)\]$/.exec(name);
    if (!m) continue;
    const needle = value.toLowerCase();
    if (m[1] === 'EQUALS') return (k) => k.toLowerCase().includes(needle);
    if (m[1] === 'NOT_EQUALS') return (k) => !k.toLowerCase().includes(needle);
    throw illegalArgument(`Unsupported operation for QUERY filter: ${m[1]}`);
  }
  return () => true;
}

function descendingIf<T>(ctx: RequestContext, rows: T[]): T[] {
  return ctx.query.getAll('sort').some((s, i) => i === 0 && /:desc$/i.test(s)) ? [...rows].reverse() : rows;
}

function nonEmpty(value: unknown, path: string): string {
  if (value === undefined || value === null) throw invalidEntity([{ path, message: 'must not be null' }]);
  if (typeof value !== 'string') throw invalidJson(`Cannot deserialize "${path.split('.').pop()}": expected a string`);
  if (value.length === 0) throw invalidEntity([{ path, message: 'size must be between 1 and 2147483647' }]);
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidJson(`Cannot deserialize "${field}": expected a string`);
  return value;
}

function tags(value: unknown): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidJson('Cannot deserialize "tags": expected an array of {key, value}');
  return value.map((t, i) => {
    const { key, value: v } = (t ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string' || typeof v !== 'string') throw invalidEntity([{ path: `secret.tags[${i}]`, message: 'key and value must be strings' }]);
    return { key, value: v };
  });
}
