/** OSS namespaces are implicit: the search lists those holding flows, files or KV (with `existing`). */
import type { Router } from '../router';
import type { Store } from '../store';
import { pageOf } from './paging';

export function namespaceRoutes(router: Router, store: Store): void {
  router.add({
    method: 'GET', template: '/namespaces/search', operationId: 'searchNamespaces', query: ['page', 'size', 'sort', 'existing', 'filters'],
    handler: (ctx) => {
      const q = ctx.query.get('filters[q][EQUALS]') ?? ctx.query.get('q') ?? '';
      const names = [...store.namespaces()].filter((n) => n.includes(q)).sort();
      return { status: 200, json: pageOf(ctx.query, names.map((id) => ({ id, deleted: false }))) };
    },
  });
}
