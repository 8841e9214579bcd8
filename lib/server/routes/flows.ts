/** Flow routes: create, update, get, list, search, revisions, delete, validate, export, distinct namespaces. */
import { zipSync, strToU8 } from 'fflate';
import type { Router, RequestContext, Reply } from '../router';
import { currentRevision, flowKey, type FlowRecord, type Store } from '../store';
import { HttpError, invalidEntity, notFound } from '../errors';
import { parseFlowBody, withoutRevisionLine } from '../flow-parse';
import { pageOf, namespaceFilter } from './paging';
import { byCodePoint } from '../../util/order';

export function flowRoutes(router: Router, store: Store, major: 1 | 2): void {
  const text = (ctx: RequestContext) => ctx.body.toString('utf8');
  const requireYaml = (ctx: RequestContext) => {
    const type = String(ctx.headers['content-type'] ?? '');
    if (!/yaml|text\/plain/i.test(type)) throw new HttpError(415, 'unsupported-media-type', 'Unsupported Media Type', `Content-Type must be application/x-yaml, not ${type || '(none)'}`);
  };

  router.add({
    method: 'POST', template: '/flows', operationId: 'createFlow', query: [],
    handler: (ctx) => {
      requireYaml(ctx);
      const source = text(ctx);
      const parsed = parseFlowBody(source, major);
      if (parsed.violations.length) throw invalidEntity(parsed.violations);
      const key = flowKey(parsed.namespace!, parsed.id!);
      const existing = store.flows.get(key);
      if (existing && !currentRevision(existing).deleted) throw invalidEntity([{ path: 'flow.id', message: 'Flow id already exists' }]);
      const record: FlowRecord = existing ?? { namespace: parsed.namespace!, id: parsed.id!, revisions: [] };
      const next = (existing ? currentRevision(existing).revision : 0) + 1;
      record.revisions.push({ revision: next, source, deleted: false, updated: new Date().toISOString(), disabled: parsed.disabled, model: parsed.model });
      store.saveFlow(record);
      return { status: 200, json: flowJson(ctx, record, next, true) };
    },
  });

  router.add({
    method: 'PUT', template: '/flows/{namespace}/{id}', operationId: 'updateFlow', query: [],
    handler: (ctx) => {
      requireYaml(ctx);
      const { namespace, id } = ctx.params;
      const existing = store.flows.get(flowKey(namespace, id));
      if (!existing || currentRevision(existing).deleted) throw notFound(`Flow '${namespace}/${id}' was not found.`);
      const source = text(ctx);
      const parsed = parseFlowBody(source, major);
      if (parsed.violations.length) throw invalidEntity(parsed.violations);
      const moved: Array<{ path: string; message: string }> = [];
      if (parsed.id !== id) moved.push({ path: 'flow.id', message: 'Illegal flow id update' });
      if (parsed.namespace !== namespace) moved.push({ path: 'flow.namespace', message: 'Illegal namespace update' });
      if (moved.length) throw invalidEntity(moved);
      const current = currentRevision(existing);
      if (withoutRevisionLine(current.source) === withoutRevisionLine(source)) {
        return { status: 200, json: flowJson(ctx, existing, current.revision, true) };
      }
      existing.revisions.push({ revision: current.revision + 1, source, deleted: false, updated: new Date().toISOString(), disabled: parsed.disabled, model: parsed.model });
      store.saveFlow(existing);
      return { status: 200, json: flowJson(ctx, existing, current.revision + 1, true) };
    },
  });

  router.add({
    method: 'GET', template: '/flows/{namespace}/{id}', operationId: 'getFlow', query: ['source', 'revision', 'allowDeleted'],
    handler: (ctx) => {
      const { namespace, id } = ctx.params;
      const record = store.flows.get(flowKey(namespace, id));
      const wanted = ctx.query.get('revision');
      const rev = record && (wanted ? record.revisions.find((r) => r.revision === Number(wanted)) : currentRevision(record));
      if (!record || !rev || (rev.deleted && ctx.query.get('allowDeleted') !== 'true' && !wanted)) throw notFound(`Flow '${namespace}/${id}' was not found.`);
      return { status: 200, json: flowJson(ctx, record, rev.revision, ctx.query.get('source') === 'true') };
    },
  });

  router.add({
    method: 'DELETE', template: '/flows/{namespace}/{id}', operationId: 'deleteFlow', query: [],
    handler: (ctx) => {
      const { namespace, id } = ctx.params;
      const record = store.flows.get(flowKey(namespace, id));
      if (!record || currentRevision(record).deleted) throw notFound(`Flow '${namespace}/${id}' was not found.`);
      const cur = currentRevision(record);
      record.revisions.push({ revision: cur.revision + 1, source: cur.source, deleted: true, updated: new Date().toISOString(), disabled: cur.disabled, model: cur.model });
      store.saveFlow(record);
      return { status: 204 };
    },
  });

  router.add({
    method: 'GET', template: '/flows/{namespace}', operationId: 'listFlowsByNamespace', query: [],
    handler: (ctx) => ({ status: 200, json: store.flowsIn(ctx.params.namespace).filter((r) => !currentRevision(r).deleted).map((r) => flowJson(ctx, r, currentRevision(r).revision, false)) }),
  });

  router.add({
    method: 'GET', template: '/flows/{namespace}/{id}/revisions', operationId: 'listFlowRevisions', query: ['allowDelete'],
    handler: (ctx) => {
      const record = store.flows.get(flowKey(ctx.params.namespace, ctx.params.id));
      if (!record) throw notFound(`Flow '${ctx.params.namespace}/${ctx.params.id}' was not found.`);
      const all = ctx.query.get('allowDelete') === 'true';
      return { status: 200, json: record.revisions.filter((r) => all || !r.deleted).map((r) => flowJson(ctx, record, r.revision, true)) };
    },
  });

  router.add({
    method: 'GET', template: '/flows/search', operationId: 'searchFlows', query: ['page', 'size', 'sort', 'filters'],
    handler: (ctx) => {
      const match = namespaceFilter(ctx.query);
      const rows = liveFlows(store, match).sort((a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.id, b.id));
      return { status: 200, json: pageOf(ctx.query, rows.map((r) => flowJson(ctx, r, currentRevision(r).revision, false))) };
    },
  });

  router.add({
    method: 'GET', template: '/flows/distinct-namespaces', operationId: 'listDistinctNamespaces', query: ['q'],
    handler: (ctx) => {
      const q = ctx.query.get('q') ?? '';
      const names = [...new Set(liveFlows(store, () => true).map((r) => r.namespace))].filter((n) => n.includes(q)).sort();
      return { status: 200, json: names };
    },
  });

  router.add({
    method: 'GET', template: '/flows/export/by-query', operationId: 'exportFlowsByQuery', query: ['filters'],
    handler: (ctx): Reply => {
      const match = namespaceFilter(ctx.query);
      const rows = liveFlows(store, match);
      const entries: Record<string, Uint8Array> = {};
      for (const r of rows) entries[`${r.namespace}.${r.id}.yml`] = strToU8(currentRevision(r).source);
      return { status: 200, body: Buffer.from(zipSync(entries, { level: 1 })), contentType: 'application/octet-stream', headers: { 'Content-Disposition': 'attachment; filename="flows.zip"' } };
    },
  });

  router.add({
    method: 'POST', template: '/flows/validate', operationId: 'validateFlows', query: [],
    handler: (ctx) => {
      requireYaml(ctx);
      const parts = text(ctx).split(/\n+---\n*?/);
      // Blank documents between separators are dropped; a body that is one blank document is kept.
      const docs = parts.filter((d) => d.trim() || parts.length === 1);
      return {
        status: 200,
        json: docs.map((source, index) => {
          const parsed = parseFlowBody(source, major);
          const existing = parsed.namespace && parsed.id ? store.flows.get(flowKey(parsed.namespace, parsed.id)) : undefined;
          const rev = /^revision: (\d+)/m.exec(source);
          const out: Record<string, unknown> = {
            index,
            flow: parsed.id,
            namespace: parsed.namespace,
            outdated: !!(rev && existing && Number(rev[1]) !== currentRevision(existing).revision + 1),
            deprecationPaths: [],
            warnings: parsed.warnings,
            infos: [],
          };
          if (parsed.violations.length) out.constraints = `Validation error: ${parsed.violations.map((v) => `${v.path}: ${v.message}`).join(', ')}`;
          return out;
        }),
      };
    },
  });
}

function liveFlows(store: Store, match: (ns: string) => boolean): FlowRecord[] {
  return [...store.flows.values()].filter((r) => match(r.namespace) && !currentRevision(r).deleted);
}

function flowJson(ctx: RequestContext, record: FlowRecord, revision: number, withSource: boolean): Record<string, unknown> {
  const rev = record.revisions.find((r) => r.revision === revision)!;
  const out: Record<string, unknown> = {
    id: record.id,
    namespace: record.namespace,
    revision: rev.revision,
    tenantId: ctx.tenant,
    disabled: rev.disabled ?? false,
    deleted: rev.deleted,
    draft: false,
    updated: rev.updated,
    ...(rev.model ?? {}),
  };
  if (withSource) out.source = rev.source;
  return out;
}
