/**
 * Namespaces, as each edition has them.
 *
 * Open-source Kestra has no namespace objects (NamespaceController, kestra-io/kestra 065258fd):
 * `GET /namespaces/{id}` answers `{id, deleted: false}` for any id, and the search lists the
 * namespaces of live flows with all their ancestors, plus the system namespace; namespaces holding
 * only files or KV pairs are not there. `q` keeps those containing it (any case); `sort` may
 * reverse the order; a page past the end answers total 0. The OSS controller binds no `filters`
 * (the EE spec's filters are for EE's namespace objects): they change nothing.
 *
 * The Enterprise Edition has namespace objects (POST/PUT/DELETE are EE-only operations: the router
 * does not take them on an `oss` server). Its source is not public; what is emulated follows the
 * spec and public evidence, and the picks are marked as such:
 * - `GET /namespaces/{id}` answers the object, and 404 when there is none — also for a namespace
 *   that only holds flows (kestra-io/plugin-git#338: on 2.0 EE, `GET /namespaces/<missing>` is 404
 *   while its files exist; kestra-io/docs namespace-management: a namespace of flows is a
 *   placeholder until it is created). The 404 carries no message (a controller returning null).
 * - `POST /namespaces` creates; an id already taken is 409 (Kestra's AlreadyExistsException,
 *   "Namespace 'x' already exists.", problem type entity-already-exists on 2.x; the 1.x status is
 *   the same pick, as a ConflictException). `PUT` replaces the whole object (the official
 *   Terraform provider's namespace test: "the write path replaces the whole namespace"); a missing
 *   one is 404 (pick), an id other than the path's 422 (pick).
 * - `DELETE` answers 204; a namespace that still holds flows is refused (kestra-io/kestra#16756
 *   asks for a way to force it), with 409 (pick); a missing one is 404.
 * - Fields: the line's Namespace schema. 2.x ignores unknown fields (what a 2.0 server does with a
 *   1.x `pluginDefaults`, kestra-io/docs terraform namespace migration); 1.x rejects them as Jackson
 *   does (422 Invalid json).
 * - The search lists the objects (whole) and, unless `existing=true` or
 *   `filters[existingOnly][EQUALS]=true`, the placeholders of flow namespaces (their ancestors and
 *   those of the objects, and `system`) as `{id, deleted: false}`; `q` (1.3) or `filters[q]` keeps
 *   ids containing it (any case), `filters[namespace][EQUALS|PREFIX]` an id or a subtree.
 */
import type { RequestContext, Router } from '../router';
import { currentRevision, type NamespaceObjectRecord, type Store } from '../store';
import { HttpError, badRequest, invalidEntity, invalidJson, notFoundStatus, unsupportedMediaType } from '../errors';
import type { Edition } from '../edition';
import { namespaceTree } from './flows';
import { namespaceFilter, pageOf } from './paging';
import { byCodePoint } from '../../util/order';

/** `kestra.system-flows.namespace`, default `system`. */
export const SYSTEM_NAMESPACE = 'system';

/** Namespace.id's pattern (jakarta @Pattern: the whole id must match). */
export const NAMESPACE_ID = /^[a-z0-9][a-z0-9._-]*$/;

/** The Namespace schema's fields besides `id` and `deleted`, per line (2.0 and 1.3 specs). */
export const NAMESPACE_FIELDS: Readonly<Record<1 | 2, readonly string[]>> = {
  2: [
    'allowedNamespaces', 'concurrency', 'defaultWorkerSelector', 'description', 'outputsInInternalStorage', 'quotas', 'sdkDefaultAuthentication',
    'secretConfiguration', 'secretIsolation', 'secretReadOnly', 'secretType', 'storageConfiguration', 'storageIsolation', 'storageType', 'variables',
  ],
  1: [
    'allowedNamespaces', 'allowedTriggers', 'description', 'outputsInInternalStorage', 'pluginDefaults', 'sdkDefaultAuthentication', 'secretConfiguration',
    'secretIsolation', 'secretReadOnly', 'secretType', 'storageConfiguration', 'storageIsolation', 'storageType', 'variables', 'workerGroup',
  ],
};

export interface NamespaceRouteSettings {
  major: 1 | 2;
  edition: Edition;
}

export function namespaceRoutes(router: Router, store: Store, settings: NamespaceRouteSettings): void {
  const { major, edition } = settings;
  const flowNamespaces = () => {
    const out = new Set<string>();
    for (const r of store.flows.values()) if (!currentRevision(r).deleted) out.add(r.namespace);
    return out;
  };

  router.add({
    method: 'GET', template: '/namespaces/search', operationId: 'searchNamespaces', query: ['q', 'page', 'size', 'sort', 'existing', 'filters'],
    handler: (ctx) => (edition === 'ee' ? eeSearch(ctx, store, flowNamespaces()) : ossSearch(ctx, flowNamespaces())),
  });

  router.add({
    method: 'GET', template: '/namespaces/{id}', operationId: 'getNamespace', query: [],
    handler: (ctx) => {
      if (edition === 'oss') return { status: 200, json: { id: ctx.params.id, deleted: false } };
      const found = store.namespaceObjects.get(ctx.params.id);
      if (!found) throw notFoundStatus();
      return { status: 200, json: namespaceJson(found) };
    },
  });

  router.add({
    method: 'POST', template: '/namespaces', operationId: 'createNamespace', query: [],
    handler: (ctx) => {
      const ns = readNamespace(ctx, major);
      if (store.namespaceObjects.has(ns.id)) throw alreadyExists(major, ns.id);
      store.saveNamespaceObject(ns);
      return { status: 200, json: namespaceJson(ns) };
    },
  });

  router.add({
    method: 'PUT', template: '/namespaces/{id}', operationId: 'updateNamespace', query: [],
    handler: (ctx) => {
      const { id } = ctx.params;
      if (!store.namespaceObjects.has(id)) throw notFoundStatus();
      const ns = readNamespace(ctx, major, id);
      if (ns.id !== id) throw invalidEntity([{ path: 'namespace.id', message: `Illegal namespace id update: the path names '${id}'` }]);
      store.saveNamespaceObject(ns);
      return { status: 200, json: namespaceJson(ns) };
    },
  });

  router.add({
    method: 'DELETE', template: '/namespaces/{id}', operationId: 'deleteNamespace', query: [],
    handler: (ctx) => {
      const { id } = ctx.params;
      if (!store.namespaceObjects.has(id)) throw notFoundStatus();
      if (flowNamespaces().has(id)) throw new HttpError(409, 'conflict', 'Conflict', `Namespace '${id}' still holds flows: delete them before the namespace`);
      store.removeNamespaceObject(id);
      return { status: 204 };
    },
  });
}

/** Kestra's Namespace JSON of an object. */
function namespaceJson(ns: NamespaceObjectRecord): Record<string, unknown> {
  return { id: ns.id, ...ns.properties, deleted: false };
}

function alreadyExists(major: 1 | 2, id: string): HttpError {
  // AlreadyExistsException.of("Namespace", id); 2.x: entity-already-exists ("Entity already exists").
  return major === 2
    ? new HttpError(409, 'entity-already-exists', 'Entity already exists', `Namespace '${id}' already exists.`)
    : new HttpError(409, 'conflict', 'Conflict', `Namespace '${id}' already exists.`);
}

/** The body as a JSON object (Micronaut's @Body binding): 415 for another type, 422 for what is not JSON or not an object. */
export function readJsonObject(ctx: RequestContext, what: string): Record<string, unknown> {
  const type = String(ctx.headers['content-type'] ?? '');
  if (type && !/^application\/json/i.test(type)) throw unsupportedMediaType(type.split(';')[0].trim(), ['application/json']);
  const text = ctx.body.toString('utf8');
  if (!text.trim()) throw badRequest(`Required Body [${what}] not specified`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never the body itself in the message: it may hold a secret's value.
    throw invalidJson(`the ${what} body is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidJson(`the ${what} body must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The Namespace sent, checked as Kestra binds and validates it, with the fields the line keeps. */
function readNamespace(ctx: RequestContext, major: 1 | 2, pathId?: string): NamespaceObjectRecord {
  const body = readJsonObject(ctx, 'namespace');
  const known = new Set(NAMESPACE_FIELDS[major]);
  const properties: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (field === 'id' || field === 'deleted') continue;
    if (!known.has(field)) {
      if (major === 1) throw invalidJson(`Unrecognized field "${field}": the Namespace of Kestra 1.x has no such field`);
      continue; // 2.x ignores it
    }
    if (value === null || value === undefined) continue;
    checkFieldType(field, value);
    properties[field] = value;
  }
  const id = body.id === undefined && pathId !== undefined ? pathId : body.id;
  if (typeof id !== 'string' || !id) throw invalidEntity([{ path: 'namespace.id', message: 'must not be null' }]);
  if (!NAMESPACE_ID.test(id)) throw invalidEntity([{ path: 'namespace.id', message: `must match "${NAMESPACE_ID.source.slice(1, -1)}"` }]);
  return { id, properties };
}

const OBJECT_FIELDS = new Set(['variables', 'secretConfiguration', 'storageConfiguration', 'concurrency', 'defaultWorkerSelector', 'secretIsolation', 'storageIsolation', 'sdkDefaultAuthentication', 'workerGroup']);
const STRING_FIELDS = new Set(['description', 'secretType', 'storageType']);
const BOOLEAN_FIELDS = new Set(['secretReadOnly', 'outputsInInternalStorage']);
const ARRAY_FIELDS = new Set(['allowedNamespaces', 'allowedTriggers', 'quotas', 'pluginDefaults']);

/** What Jackson refuses to bind (422 Invalid json), and Concurrency's constraints. */
function checkFieldType(field: string, value: unknown): void {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const wrong = (expected: string) => invalidJson(`Cannot deserialize "${field}": expected ${expected}`);
  if (OBJECT_FIELDS.has(field) && !isObject) throw wrong('an object');
  if (STRING_FIELDS.has(field) && typeof value !== 'string') throw wrong('a string');
  if (BOOLEAN_FIELDS.has(field) && typeof value !== 'boolean') throw wrong('a boolean');
  if (ARRAY_FIELDS.has(field) && !Array.isArray(value)) throw wrong('an array');
  if (field === 'allowedNamespaces') {
    (value as unknown[]).forEach((item, i) => {
      const ns = (item as { namespace?: unknown } | null)?.namespace;
      if (typeof ns !== 'string') throw invalidEntity([{ path: `namespace.allowedNamespaces[${i}].namespace`, message: 'must not be null' }]);
    });
  }
  if (field === 'concurrency') {
    const { limit, behavior } = value as { limit?: unknown; behavior?: unknown };
    if (!Number.isInteger(limit) || (limit as number) < 1) throw invalidEntity([{ path: 'namespace.concurrency.limit', message: 'must be greater than or equal to 1' }]);
    if (!['QUEUE', 'CANCEL', 'FAIL'].includes(String(behavior))) throw invalidJson('Cannot deserialize "concurrency.behavior": expected one of QUEUE, CANCEL, FAIL');
  }
}

function paging(ctx: RequestContext): { page: number; size: number; descending: boolean } {
  const page = Number(ctx.query.get('page') ?? '1');
  const size = Number(ctx.query.get('size') ?? '10');
  if (!Number.isInteger(page) || page < 1) throw badRequest(`page must be a whole number from 1, not ${ctx.query.get('page')}`);
  if (!Number.isInteger(size) || size < 1) throw badRequest(`size must be a positive whole number, not ${ctx.query.get('size')}`);
  return { page, size, descending: ctx.query.getAll('sort').some((s, i) => i === 0 && /:desc$/i.test(s)) };
}

/** OSS: flow namespaces with their ancestors and `system`; a page past the end answers total 0. */
function ossSearch(ctx: RequestContext, flowNamespaces: Set<string>) {
  const q = ctx.query.get('q')?.toLowerCase();
  const { page, size, descending } = paging(ctx);
  const known = new Set<string>();
  for (const ns of flowNamespaces) for (const n of namespaceTree(ns)) known.add(n);
  known.add(SYSTEM_NAMESPACE);
  const names = [...known].filter((n) => q === undefined || n.toLowerCase().includes(q)).sort((a, b) => (descending ? byCodePoint(b, a) : byCodePoint(a, b)));
  const results = names.slice((page - 1) * size, page * size).map((id) => ({ id, deleted: false }));
  return { status: 200, json: { results, total: results.length ? names.length : 0 } };
}

/** EE (spec-based, see the header): the objects, and the placeholders unless only existing ones are asked for. */
function eeSearch(ctx: RequestContext, store: Store, flowNamespaces: Set<string>) {
  const { descending } = paging(ctx);
  const existingOnly = ctx.query.get('existing') === 'true' || ctx.query.get('filters[existingOnly][EQUALS]') === 'true';
  const rows = new Map<string, Record<string, unknown>>();
  if (!existingOnly) {
    const placeholders = new Set<string>([SYSTEM_NAMESPACE]);
    for (const ns of [...flowNamespaces, ...store.namespaceObjects.keys()]) for (const n of namespaceTree(ns)) placeholders.add(n);
    for (const id of placeholders) rows.set(id, { id, deleted: false });
  }
  for (const ns of store.namespaceObjects.values()) rows.set(ns.id, namespaceJson(ns));
  const q = (ctx.query.get('q') ?? ctx.query.get('filters[q][EQUALS]') ?? ctx.query.get('filters[q][CONTAINS]'))?.toLowerCase();
  const inScope = namespaceFilter(ctx.query);
  const ids = [...rows.keys()]
    .filter((id) => (q === undefined || id.toLowerCase().includes(q)) && inScope(id))
    .sort((a, b) => (descending ? byCodePoint(b, a) : byCodePoint(a, b)));
  return { status: 200, json: pageOf(ctx.query, ids.map((id) => rows.get(id)!)) };
}
