/**
 * KV routes: typed put (ttl and description headers), get (404 missing, 410 expired), delete,
 * paged search, the ancestors' keys (inheritance), and the 1.x list.
 */
import type { Router, RequestContext } from '../router';
import { kvKey, type KvRecord, type Store } from '../store';
import { HttpError, illegalArgument, invalidJson, notFound, unsupportedMediaType } from '../errors';
import { durationMs, parseKvBody } from '../kv-body';
import { namespaceFilter, pageOf } from './paging';
import { namespaceTree } from './flows';
import { byCodePoint } from '../../util/order';

const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

export function kvRoutes(router: Router, store: Store, major: 1 | 2): void {
  const T = '/namespaces/{namespace}/kv/{key}';
  const checkKey = (key: string) => {
    if (!KEY.test(key)) throw illegalArgument(`Key must start with an alphanumeric character (uppercase or lowercase) and can contain alphanumeric characters (uppercase or lowercase), dots (.), underscores (_), and hyphens (-) only.`);
  };
  const live = (ns: string, key: string): KvRecord | undefined => {
    const k = store.kv.get(kvKey(ns, key));
    if (k?.expirationDate && Date.parse(k.expirationDate) <= Date.now()) return undefined;
    return k;
  };

  router.add({
    method: 'PUT', template: T, operationId: 'setKeyValue', query: [],
    handler: (ctx) => {
      const { namespace, key } = ctx.params;
      checkKey(key);
      const type = String(ctx.headers['content-type'] ?? 'text/plain');
      if (!/^text\/plain/i.test(type)) throw unsupportedMediaType(type.split(';')[0].trim(), ['text/plain']);
      const parsed = parseKvBody(ctx.body.toString('utf8'));
      const ttl = header(ctx, 'ttl');
      let expirationDate: string | undefined;
      if (ttl !== undefined) {
        const ms = durationMs(ttl);
        if (ms === undefined) throw illegalArgument(`ttl "${ttl}" is not an ISO-8601 duration`);
        expirationDate = new Date(Date.now() + ms).toISOString();
      }
      const prev = store.kv.get(kvKey(namespace, key));
      const now = new Date().toISOString();
      store.saveKv({
        namespace, key, type: parsed.type, value: parsed.value, description: header(ctx, 'description'),
        creationDate: prev?.creationDate ?? now, updateDate: now, expirationDate, revision: (prev?.revision ?? 0) + 1,
      });
      return { status: 200 };
    },
  });

  router.add({
    method: 'GET', template: T, operationId: 'getKeyValue', query: [],
    handler: (ctx) => {
      const { namespace, key } = ctx.params;
      const k = store.kv.get(kvKey(namespace, key));
      if (!k) throw notFound(`No value found for key '${key}' in namespace '${namespace}'`);
      if (k.expirationDate && Date.parse(k.expirationDate) <= Date.now()) {
        store.removeKv(namespace, key);
        throw new HttpError(410, 'resource-expired', 'Resource has expired', 'The requested value has expired');
      }
      const json: Record<string, unknown> = { type: k.type, value: k.value, revision: k.revision, updated: k.updateDate };
      return { status: 200, json };
    },
  });

  router.add({
    method: 'DELETE', template: T, operationId: 'deleteKeyValue', query: [],
    handler: (ctx) => ({ status: 200, json: store.removeKv(ctx.params.namespace, ctx.params.key) }),
  });

  router.add({
    method: 'DELETE', template: '/namespaces/{namespace}/kv', operationId: 'deleteKeyValues', query: [],
    handler: (ctx) => {
      let keys: unknown;
      try {
        keys = JSON.parse(ctx.body.toString('utf8')).keys;
      } catch {
        throw invalidJson('expected {"keys": [...]}');
      }
      if (!Array.isArray(keys)) throw invalidJson('expected {"keys": [...]}');
      return { status: 200, json: { keys: keys.filter((k) => store.removeKv(ctx.params.namespace, String(k))) } };
    },
  });

  const entry = (k: KvRecord) => {
    const out: Record<string, unknown> = { namespace: k.namespace, key: k.key, creationDate: k.creationDate, updateDate: k.updateDate };
    if (major === 2) out.revision = k.revision;
    else out.version = k.revision;
    if (k.description !== undefined) out.description = k.description;
    if (k.expirationDate !== undefined) out.expirationDate = k.expirationDate;
    return out;
  };
  const liveEntries = (match: (ns: string) => boolean) =>
    [...store.kv.values()].filter((k) => match(k.namespace) && live(k.namespace, k.key)).sort((a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.key, b.key));

  router.add({
    method: 'GET', template: '/kv', operationId: 'listAllKeys', query: ['page', 'size', 'sort', 'filters'],
    handler: (ctx) => ({ status: 200, json: pageOf(ctx.query, liveEntries(namespaceFilter(ctx.query)).map(entry)) }),
  });

  // KVController.listKeysWithInheritence: the keys of the namespace's ancestors (not its own),
  // nearest ancestor first, a key listed once (the nearest one wins).
  router.add({
    method: 'GET', template: '/namespaces/{namespace}/kv/inheritance', operationId: 'listKeysWithInheritence', query: [],
    handler: (ctx) => {
      const ancestors = namespaceTree(ctx.params.namespace).filter((ns) => ns !== ctx.params.namespace).sort((a, b) => b.length - a.length);
      const seen = new Set<string>();
      const out: KvRecord[] = [];
      for (const ns of ancestors) {
        for (const k of liveEntries((n) => n === ns)) {
          if (seen.has(k.key)) continue;
          seen.add(k.key);
          out.push(k);
        }
      }
      return { status: 200, json: out.map(entry) };
    },
  });

  if (major === 1) {
    // Deprecated in 1.3 and removed in 2.0: only the 1.x emulation serves it.
    router.add({
      method: 'GET', template: '/namespaces/{namespace}/kv', operationId: 'listKeys', query: [],
      handler: (ctx) => ({ status: 200, json: liveEntries((ns) => ns === ctx.params.namespace).map(entry) }),
    });
  }
}

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
