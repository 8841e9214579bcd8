/**
 * Kestra's paged searches (`{results, total}`: KV, triggers, namespaces) read to the end. Where a
 * search stops is the server's business: a `total` that counts entries left out of `results`
 * (a trigger state whose flow is gone), a page size capped below the one asked, a page past the
 * end answered with everything again (older OSS) — so reading stops at the total, at a short
 * page without one, or at a page that brings nothing new.
 */
import type { HttpResponse } from './http';
import { ResponseReader, type JsonObject } from './decode';

export interface PagedSearch<T> {
  /** One page's answer; undefined (asked for page 1 only) when the server will not answer this search. */
  page(page: number): Promise<HttpResponse | undefined>;
  pageSize: number;
  /** An item of a page (undefined: nothing to say of it); `what` names it in errors. */
  item(reader: ResponseReader, item: JsonObject, what: string): T | undefined;
  /** What makes two items one (an entry seen on two pages counts once). */
  identity(item: T): string;
  /** The items' name in errors (`KV entry`, `trigger`). */
  noun: string;
}

/** Every item of the search, each once; undefined when the server does not answer it. */
export async function readPagedSearch<T>(search: PagedSearch<T>): Promise<T[] | undefined> {
  const found = new Map<string, T>();
  for (let page = 1; ; page++) {
    const response = await search.page(page);
    if (!response) return undefined;
    const reader = new ResponseReader(response);
    const body = reader.object();
    if (!Array.isArray(body.results)) throw reader.fail('the page has no "results" list');
    const total = reader.optionalNumber(body, 'total', 'the page');
    const before = found.size;
    for (const [index, raw] of body.results.entries()) {
      const what = `${search.noun} #${index} of page ${page}`;
      const item = search.item(reader, reader.asObject(raw, what), what);
      if (item === undefined) continue;
      const id = search.identity(item);
      if (!found.has(id)) found.set(id, item);
    }
    const complete = total !== undefined ? found.size >= total : body.results.length < search.pageSize;
    if (complete || found.size === before) return [...found.values()];
  }
}
