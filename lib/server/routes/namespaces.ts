/**
 * OSS namespaces are implicit (NamespaceController.getNamespaces, kestra-io/kestra 065258fd): the
 * search lists the namespaces of live flows with all their ancestors, plus the system namespace;
 * namespaces holding only files or KV pairs are not there. `q` keeps those containing it (any
 * case); `sort` may reverse the order; a page past the end answers total 0. The OSS controller
 * binds no `filters` (the EE spec's filters are for EE's namespace objects): they change nothing.
 */
import type { Router } from '../router';
import { currentRevision, type Store } from '../store';
import { badRequest } from '../errors';
import { namespaceTree } from './flows';
import { byCodePoint } from '../../util/order';

/** `kestra.system-flows.namespace`, default `system`. */
export const SYSTEM_NAMESPACE = 'system';

export function namespaceRoutes(router: Router, store: Store): void {
  router.add({
    method: 'GET', template: '/namespaces/search', operationId: 'searchNamespaces', query: ['q', 'page', 'size', 'sort', 'existing', 'filters'],
    handler: (ctx) => {
      const q = ctx.query.get('q')?.toLowerCase();
      const page = Number(ctx.query.get('page') ?? '1');
      const size = Number(ctx.query.get('size') ?? '10');
      if (!Number.isInteger(page) || page < 1) throw badRequest(`page must be a whole number from 1, not ${ctx.query.get('page')}`);
      if (!Number.isInteger(size) || size < 1) throw badRequest(`size must be a positive whole number, not ${ctx.query.get('size')}`);
      const descending = ctx.query.getAll('sort').some((s, i) => i === 0 && /:desc$/i.test(s));
      const known = new Set<string>();
      for (const r of store.flows.values()) if (!currentRevision(r).deleted) for (const ns of namespaceTree(r.namespace)) known.add(ns);
      known.add(SYSTEM_NAMESPACE);
      const names = [...known].filter((n) => q === undefined || n.toLowerCase().includes(q)).sort((a, b) => (descending ? byCodePoint(b, a) : byCodePoint(a, b)));
      const results = names.slice((page - 1) * size, page * size).map((id) => ({ id, deleted: false }));
      return { status: 200, json: { results, total: results.length ? names.length : 0 } };
    },
  });
}
