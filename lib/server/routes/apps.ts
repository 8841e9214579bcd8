/**
 * Apps (Kestra Enterprise): create, read, update, delete, search, enable and disable, as the 2.0
 * and 1.3 specs declare them (AppsController). EE's source is not public: what the specs do not
 * say is written here from Kestra's documentation or, where nothing says, as Kestra's own
 * controllers do it for flows and dashboards — each such place says so.
 *
 * - The uid: Kestra makes it up on create, a random FriendlyId (the apps documentation's example
 *   URL `…/ui/release/apps/5CS8qsm7YTif4PWuAUWHQ5`; the Terraform provider takes `uid` from the
 *   create answer and never builds one). It does not change on update.
 * - Answers: `ApiAppSource` (create, get, update: no `id`, no `type`), `ApiApp` (search, enable,
 *   disable: `id`, `type`, `enabled`, no source).
 * - Search: 2.0 requires `filters` (namespace, flowId, q, tags); 1.3 takes flat `namespace` (a
 *   prefix), `flowId`, `q`, `tags` and binds no `filters`, so a 1.x search ignores them.
 * - Spec only, as Kestra's flow rules go: a second app with the same namespace and id is refused
 *   (422 `app.id`), as is an update that changes them; `disabled` is server state that only
 *   enable/disable change (not read from the source, which they do not rewrite); a source sent
 *   again unchanged keeps `updated`; delete answers 200 without a body (the spec's only status).
 *
 * Open-source Kestra has no apps: in the `oss` edition the router withholds these routes (the
 * spec marks them EE, edition.ts), so every path here is answered as not offered.
 */
import type { Router, RequestContext } from '../router';
import type { AppRecord, Store } from '../store';
import { HttpError, badRequest, notFoundStatus } from '../errors';
import { pageOf } from './paging';
import { checkString, constraintError, friendlyId, invalidQueryFilters, manualViolation, parseYamlRoot, passesStringFilter, queryFilters, sortBy, stringOf, yamlBody, type Violation, type YamlRoot } from '../yaml-objects';
import { byCodePoint } from '../../util/order';

/** Flow ids' and namespaces' patterns (an app is named as a flow is). */
const ID_PATTERN = '[a-zA-Z0-9][a-zA-Z0-9._-]*';
const NAMESPACE_PATTERN = '[a-z0-9][a-z0-9._-]*';
/** The app types are the EE plugin classes io.kestra.plugin.ee.apps.* (e.g. `io.kestra.plugin.ee.apps.Execution`). */
const APP_TYPE = /^io\.kestra\.plugin\.ee\.apps(\.[A-Za-z_$][A-Za-z0-9_$]*)+$/;

interface ParsedApp {
  id: string;
  namespace: string;
  type: string;
  name?: string;
  flowId?: string;
  tags: string[];
}

export function appRoutes(router: Router, store: Store, major: 1 | 2): void {
  const live = (uid: string) => {
    const app = store.apps.get(uid);
    // The controller returns null: Micronaut's 404, answered by ErrorController's status route.
    if (!app) throw notFoundStatus();
    return app;
  };

  router.add({
    method: 'POST', template: '/apps', operationId: 'createApp', query: [],
    handler: (ctx) => {
      const source = yamlBody(ctx, 'source');
      const parsed = parseApp(source);
      for (const other of store.apps.values()) {
        if (other.namespace === parsed.namespace && other.id === parsed.id) throw manualViolation('app.id', 'App id already exists');
      }
      const now = new Date().toISOString();
      const app: AppRecord = { uid: friendlyId(), ...parsed, source, disabled: false, created: now, updated: now };
      store.saveApp(app);
      return { status: 200, json: appSource(app) };
    },
  });

  router.add({
    method: 'GET', template: '/apps/{uid}', operationId: 'getApp', query: [],
    handler: (ctx) => ({ status: 200, json: appSource(live(ctx.params.uid)) }),
  });

  router.add({
    method: 'PUT', template: '/apps/{uid}', operationId: 'updateApp', query: [],
    handler: (ctx) => {
      const existing = live(ctx.params.uid);
      const source = yamlBody(ctx, 'source');
      const parsed = parseApp(source);
      const moved: Violation[] = [];
      if (parsed.id !== existing.id) moved.push({ path: 'app.id', message: 'Illegal app id update' });
      if (parsed.namespace !== existing.namespace) moved.push({ path: 'app.namespace', message: 'Illegal namespace update' });
      if (moved.length) throw constraintError(moved);
      if (source === existing.source) return { status: 200, json: appSource(existing) };
      const app: AppRecord = { uid: existing.uid, ...parsed, source, disabled: existing.disabled, created: existing.created, updated: new Date().toISOString() };
      store.saveApp(app);
      return { status: 200, json: appSource(app) };
    },
  });

  router.add({
    method: 'DELETE', template: '/apps/{uid}', operationId: 'deleteApp', query: [],
    handler: (ctx) => {
      live(ctx.params.uid);
      store.removeApp(ctx.params.uid);
      return { status: 200 };
    },
  });

  for (const [verb, operationId, disabled] of [['enable', 'enableApp', false], ['disable', 'disableApp', true]] as const) {
    router.add({
      method: 'POST', template: `/apps/{uid}/${verb}`, operationId, query: [],
      handler: (ctx) => {
        const existing = live(ctx.params.uid);
        if (existing.disabled === disabled) return { status: 200, json: apiApp(existing) };
        const app: AppRecord = { ...existing, disabled, updated: new Date().toISOString() };
        store.saveApp(app);
        return { status: 200, json: apiApp(app) };
      },
    });
  }

  router.add({
    method: 'GET', template: '/apps/search', operationId: 'searchApps',
    query: major === 2 ? ['page', 'size', 'sort', 'filters'] : ['page', 'size', 'sort', 'tags', 'q', 'namespace', 'flowId'],
    handler: (ctx) => {
      const match = major === 2 ? modernFilter(ctx) : legacyFilter(ctx);
      const rows = sortBy(
        ctx.query,
        [...store.apps.values()].filter(match),
        { id: (a) => a.id, name: (a) => a.name ?? '', namespace: (a) => a.namespace, flowId: (a) => a.flowId ?? '', created: (a) => a.created, updated: (a) => a.updated },
        (a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.id, b.id),
      );
      return { status: 200, json: pageOf(ctx.query, rows.map(apiApp)) };
    },
  });

  /** 2.0: `filters` is required; the fields an app search takes are its namespace, flowId, tags and `q`. */
  const modernFilter = (ctx: RequestContext): ((a: AppRecord) => boolean) => {
    const filters = queryFilters(ctx.query);
    if (!filters.length && ![...ctx.query.keys()].includes('filters')) throw badRequest('Required QueryValue [filters] not specified');
    const tests = filters.map((f) => {
      switch (f.field) {
        case 'namespace':
          return (a: AppRecord) => passesStringFilter(a.namespace, f);
        case 'flowId':
          return (a: AppRecord) => passesStringFilter(a.flowId, f);
        case 'q':
          return (a: AppRecord) => matchesQuery(a, f.value);
        case 'tags':
          return (a: AppRecord) => (f.op === 'NOT_EQUALS' || f.op === 'NOT_IN' ? a.tags.every((t) => passesStringFilter(t, f)) : a.tags.some((t) => passesStringFilter(t, f)));
        default:
          throw invalidQueryFilters(`field '${f.field}' is not supported for apps (supported: namespace, flowId, q, tags)`);
      }
    });
    return (a) => tests.every((t) => t(a));
  };

  /** 1.3: flat parameters; `namespace` is a prefix, every `tags` value must be there. */
  const legacyFilter = (ctx: RequestContext): ((a: AppRecord) => boolean) => {
    const ns = ctx.query.get('namespace');
    const flowId = ctx.query.get('flowId');
    const q = ctx.query.get('q');
    const tags = ctx.query.getAll('tags').flatMap((t) => t.split(','));
    return (a) => (ns === null || a.namespace.startsWith(ns)) && (flowId === null || a.flowId === flowId) && (q === null || matchesQuery(a, q)) && tags.every((t) => a.tags.includes(t));
  };
}

/** The app's model, or the 422 Kestra answers a source it cannot take. */
function parseApp(source: string): ParsedApp {
  const root = parseYamlRoot(source, 'app');
  const type = root.type;
  // A plugin type Jackson cannot resolve (InvalidTypeIdException): "Invalid type: <id>" on `type`.
  if (typeof type !== 'string' || !APP_TYPE.test(type)) {
    const id = typeof type === 'string' ? type : 'null';
    throw new HttpError(422, 'validation-failed', 'Invalid entity', `Invalid type: ${id}`, [{ path: 'type', message: `Invalid type: ${id}` }]);
  }
  const violations = [
    ...checkString(root, 'id', { required: true, pattern: ID_PATTERN, max: 100 }),
    ...checkString(root, 'namespace', { required: true, pattern: NAMESPACE_PATTERN, max: 150 }),
    ...checkString(root, 'displayName'),
    ...checkString(root, 'flowId', { pattern: ID_PATTERN }),
    ...tagViolations(root),
  ];
  if (violations.length) throw constraintError(violations);
  return {
    id: stringOf(root, 'id')!,
    namespace: stringOf(root, 'namespace')!,
    type,
    ...(stringOf(root, 'displayName') !== undefined ? { name: stringOf(root, 'displayName') } : {}),
    ...(stringOf(root, 'flowId') !== undefined ? { flowId: stringOf(root, 'flowId') } : {}),
    tags: Array.isArray(root.tags) ? (root.tags as string[]) : [],
  };
}

function tagViolations(root: YamlRoot): Violation[] {
  const tags = root.tags;
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) return [{ path: 'tags', message: 'must be a list of strings' }];
  return tags.flatMap((t, i) => (typeof t === 'string' ? [] : [{ path: `tags[${i}]`, message: 'must be a string' }]));
}

function matchesQuery(a: AppRecord, q: string): boolean {
  const needle = q.toLowerCase();
  return [a.id, a.name ?? '', a.namespace].some((s) => s.toLowerCase().includes(needle));
}

/** AppsController.ApiAppSource (null fields omitted, as Kestra serializes). */
function appSource(a: AppRecord): Record<string, unknown> {
  return { uid: a.uid, ...(a.name !== undefined ? { name: a.name } : {}), namespace: a.namespace, tags: a.tags, disabled: a.disabled, source: a.source, created: a.created, updated: a.updated };
}

/** AppsController.ApiApp. */
function apiApp(a: AppRecord): Record<string, unknown> {
  return {
    uid: a.uid,
    id: a.id,
    ...(a.name !== undefined ? { name: a.name } : {}),
    type: a.type,
    namespace: a.namespace,
    ...(a.flowId !== undefined ? { flowId: a.flowId } : {}),
    tags: a.tags,
    enabled: !a.disabled,
    created: a.created,
    updated: a.updated,
  };
}
