/**
 * Which namespaces exist. Open-source Kestra has no namespace objects: a namespace exists through
 * its flows. `GET /flows/distinct-namespaces` lists the namespaces holding flows; the paged
 * `GET /namespaces/search` adds what the server knows besides (EE namespace objects; on OSS the
 * flows' ancestors and the system namespace). A server whose search refuses the request is
 * remembered and asked only the first question from then on.
 */
import { KestraApiError } from './errors';
import { filterParam, type HttpTransport } from './http';
import { ResponseReader } from './decode';
import { readPagedSearch } from './paged-search';

export class NamespacesApi {
  private searchUsable = true;

  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
  ) {}

  async listNamespaces(): Promise<string[]> {
    const namespaces = new Set(await this.namespacesWithFlows());
    if (this.searchUsable) {
      const searched = await this.searchNamespaces();
      if (searched) searched.forEach((ns) => namespaces.add(ns));
      else this.searchUsable = false;
    }
    return [...namespaces].sort();
  }

  private async namespacesWithFlows(): Promise<string[]> {
    const response = await this.http.send({
      method: 'GET',
      path: '/flows/distinct-namespaces',
      operation: 'listDistinctNamespaces',
      target: 'list the namespaces that hold flows',
      idempotent: true,
    });
    const reader = new ResponseReader(response);
    return reader.array().map((item, index) => {
      if (typeof item !== 'string') throw reader.fail(`namespace #${index} is not a string`);
      return item;
    });
  }

  /** Every namespace the search knows, or undefined when this server will not answer it. */
  private async searchNamespaces(): Promise<string[] | undefined> {
    return readPagedSearch({
      page: async (page) => {
        try {
          return await this.http.send({
            method: 'GET',
            path: '/namespaces/search',
            // 2.0 declares `filters` required; existingOnly=false asks for every namespace known,
            // not only EE namespace objects (QueryFilter: NAMESPACE accepts existingOnly). Older
            // servers ignore the parameter.
            query: [filterParam('existingOnly', 'EQUALS', 'false'), ['page', String(page)], ['size', String(this.pageSize)]],
            operation: 'searchNamespaces',
            target: `search namespaces (page ${page})`,
            idempotent: true,
          });
        } catch (error) {
          if (page === 1 && error instanceof KestraApiError && [400, 404, 405, 422].includes(error.status)) return undefined;
          throw error;
        }
      },
      pageSize: this.pageSize,
      item: (reader, raw, what) => reader.string(raw, 'id', what),
      identity: (id) => id,
      noun: 'namespace',
    });
  }
}
