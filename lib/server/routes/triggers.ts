/**
 * Trigger routes (Kestra's TriggerController): the paged search kestraform reads, the per-flow
 * listing, and what an operator uses to disable a trigger at runtime — 2.0 `PUT
 * /triggers/set-disabled` (one trigger, answering its ApiTriggerState; 409 for a realtime
 * trigger), `POST /triggers/set-disabled/by-triggers` and `/by-query` (202 with an async
 * operation; applied at once here), 1.x `PUT /triggers` (a Trigger body) and the same bulk routes
 * answering `{count}`. Search items are `{trigger, state}` in 2.0 and `{abstractTrigger,
 * triggerContext}` in 1.x.
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext, Router } from '../router';
import type { Store } from '../store';
import { badRequest, HttpError, illegalArgument, notFound } from '../errors';
import { triggerStatesOf, type TriggerStateView } from '../trigger-state';
import { namespaceFilter, pageOf } from './paging';

export function triggerRoutes(router: Router, store: Store, major: 1 | 2): void {
  const states = triggerStatesOf(store);

  /** 2.0 ApiTriggerState. */
  const apiState = (v: TriggerStateView) => ({ namespace: v.namespace, flowId: v.flowId, triggerId: v.triggerId, updatedAt: v.updatedAt, disabled: v.disabled, locked: false, kind: v.kind });
  /** 1.x Trigger (a TriggerContext with the scheduler's fields). */
  const context = (ctx: RequestContext, v: TriggerStateView) => ({ tenantId: ctx.tenant, namespace: v.namespace, flowId: v.flowId, triggerId: v.triggerId, date: v.updatedAt, disabled: v.disabled, updatedDate: v.updatedAt });
  const item = (ctx: RequestContext, v: TriggerStateView) => (major === 2 ? { trigger: v.definition, state: apiState(v) } : { abstractTrigger: v.definition, triggerContext: context(ctx, v) });

  const matching = (query: URLSearchParams) =>
    states.list(namespaceFilter(query), { flowId: query.get('filters[flowId][EQUALS]') ?? undefined, exactly: query.get('filters[namespace][EQUALS]') ?? undefined });

  router.add({
    method: 'GET', template: '/triggers/search', operationId: 'searchTriggers', query: ['page', 'size', 'sort', 'filters'],
    handler: (ctx) => ({ status: 200, json: pageOf(ctx.query, matching(ctx.query).map((v) => item(ctx, v))) }),
  });

  router.add({
    method: 'GET', template: '/triggers/{namespace}/{flowId}', operationId: 'searchTriggersForFlow', query: ['page', 'size', 'sort', 'q'],
    handler: (ctx) => {
      const q = ctx.query.get('q') ?? '';
      const rows = states.list(() => true, { exactly: ctx.params.namespace, flowId: ctx.params.flowId }).filter((v) => v.triggerId.includes(q));
      return { status: 200, json: pageOf(ctx.query, rows.map((v) => (major === 2 ? apiState(v) : context(ctx, v)))) };
    },
  });

  /** The state a request names, or 404 as Kestra answers for a flow or trigger it does not know. */
  const named = (body: Record<string, unknown>): TriggerStateView => {
    const [namespace, flowId, triggerId] = [body.namespace, body.flowId, body.triggerId];
    if (typeof namespace !== 'string' || typeof flowId !== 'string' || typeof triggerId !== 'string') throw badRequest('namespace, flowId and triggerId are required');
    const v = states.find(namespace, flowId, triggerId);
    if (!v) throw notFound(`Trigger '${namespace}/${flowId}/${triggerId}' was not found.`);
    return v;
  };
  const flag = (value: unknown): boolean => {
    if (typeof value !== 'boolean') throw badRequest('disabled must be true or false');
    return value;
  };
  /** Bulk answers: 2.0 accepts an async operation (applied at once here), 1.x counts. */
  const bulk = (count: number) => (major === 2 ? { status: 202, json: { operationId: randomUUID(), totalItems: count } } : { status: 200, json: { count } });

  if (major === 2) {
    router.add({
      method: 'PUT', template: '/triggers/set-disabled', operationId: 'disableTriggerById', query: [],
      handler: (ctx) => {
        const body = jsonBody(ctx);
        const v = named(body);
        if (v.kind === 'REALTIME') throw new HttpError(409, 'conflict', 'Conflict', `trigger ${v.namespace}/${v.flowId}/${v.triggerId} is a realtime trigger: edit it in the flow`);
        return { status: 200, json: apiState(states.setDisabled(v, flag(body.disabled))) };
      },
    });
  } else {
    router.add({
      method: 'PUT', template: '/triggers', operationId: 'updateTrigger', query: [],
      handler: (ctx) => {
        const body = jsonBody(ctx);
        const v = named(body);
        if (v.kind === 'REALTIME') throw illegalArgument('Realtime triggers can not be updated through the API, please edit the trigger from the flow.');
        return { status: 200, json: context(ctx, states.setDisabled(v, flag(body.disabled))) };
      },
    });
  }

  router.add({
    method: 'POST', template: '/triggers/set-disabled/by-triggers', operationId: 'disabledTriggersByIds', query: [],
    handler: (ctx) => {
      const body = jsonBody(ctx);
      const disabled = flag(body.disabled);
      if (!Array.isArray(body.triggers) || body.triggers.length === 0) throw badRequest('triggers must list at least one trigger');
      let count = 0;
      for (const t of body.triggers) {
        if (!t || typeof t !== 'object') throw badRequest('each trigger is {namespace, flowId, triggerId}');
        const r = t as Record<string, unknown>;
        const v = typeof r.namespace === 'string' && typeof r.flowId === 'string' && typeof r.triggerId === 'string' ? states.find(r.namespace, r.flowId, r.triggerId) : undefined;
        // Missing and realtime triggers are skipped, as Kestra's bulk toggle does.
        if (!v || v.kind === 'REALTIME') continue;
        states.setDisabled(v, disabled);
        count++;
      }
      return bulk(count);
    },
  });

  router.add({
    method: 'POST', template: '/triggers/set-disabled/by-query', operationId: 'disabledTriggersByQuery', query: ['filters', 'disabled'],
    handler: (ctx) => {
      const raw = ctx.query.get('disabled') ?? 'true';
      if (raw !== 'true' && raw !== 'false') throw badRequest(`disabled must be true or false, not ${raw}`);
      const rows = matching(ctx.query).filter((v) => v.kind !== 'REALTIME');
      for (const v of rows) states.setDisabled(v, raw === 'true');
      return bulk(rows.length);
    },
  });
}

function jsonBody(ctx: RequestContext): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw badRequest('the body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}
