/**
 * Namespace objects (Kestra Enterprise): `POST /namespaces`, `GET|PUT|DELETE /namespaces/{id}`
 * and the search's existing objects. A namespace object carries what the Namespace schema has —
 * description, variables, allowedNamespaces, worker selector, concurrency, … — besides its id.
 *
 * Open-source Kestra has none: its `GET /namespaces/{id}` answers `{id, deleted: false}` for any
 * id (returned as it is), its search lists the namespaces of flows, and it does not have the
 * writes (404/405, worded as such). On an EE server a missing object is 404 (getNamespace: null).
 *
 * Bodies are sent as the spec's Namespace: `deleted: false` is added (the schema requires it).
 */
import { KestraApiError } from './errors';
import { filterParam, segment, type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { readPagedSearch } from './paged-search';
import type { InstanceApi } from './instance';

/** Kestra's Namespace (EE), as the API takes and answers it. */
export interface NamespaceObject {
  id: string;
  description?: string;
  variables?: Record<string, unknown>;
  allowedNamespaces?: Array<{ namespace: string }>;
  defaultWorkerSelector?: unknown;
  concurrency?: unknown;
  /** Kestra's answer carries `deleted` (false); other fields of the line's schema as they are. */
  [field: string]: unknown;
}

const NOT_EE = 'this Kestra has no namespace objects (they are a Kestra Enterprise feature): run against an Enterprise server, or do not declare namespace objects';

export class NamespaceObjectsApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
    private readonly instance: InstanceApi,
  ) {}

  /** The namespace object, or null when the EE server has none (OSS: `{id, deleted: false}` as it answers). */
  async getNamespace(id: string): Promise<NamespaceObject | null> {
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${segment(id)}`,
      operation: 'getNamespace',
      target: `read namespace ${id}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    return namespaceObject(reader, reader.object(), `namespace ${id}`);
  }

  async createNamespace(ns: NamespaceObject): Promise<NamespaceObject> {
    const response = await this.http.send({
      method: 'POST',
      path: '/namespaces',
      body: jsonBody(ns),
      operation: 'createNamespace',
      target: `create namespace ${ns.id}`,
      // A lost answer to a create is not repeated blindly: the retry would meet the object it made.
      idempotent: false,
      hints: {
        404: NOT_EE,
        405: NOT_EE,
        409: `namespace ${ns.id} already exists in Kestra: import it instead of creating it`,
        422: 'Kestra rejected the namespace: fix its fields and run again',
      },
    });
    const reader = new ResponseReader(response);
    return namespaceObject(reader, reader.object(), `the created namespace ${ns.id}`);
  }

  /** Replaces the whole object (a field not sent is cleared). */
  async updateNamespace(ns: NamespaceObject): Promise<NamespaceObject> {
    const response = await this.http.send({
      method: 'PUT',
      path: `/namespaces/${segment(ns.id)}`,
      body: jsonBody(ns),
      operation: 'updateNamespace',
      target: `update namespace ${ns.id}`,
      idempotent: true,
      hints: {
        404: `namespace ${ns.id} is not a namespace object in Kestra (deleted meanwhile?): run plan again to create it`,
        405: NOT_EE,
        422: 'Kestra rejected the namespace: fix its fields and run again',
      },
    });
    const reader = new ResponseReader(response);
    return namespaceObject(reader, reader.object(), `the updated namespace ${ns.id}`);
  }

  /** Deletes the object (its flows, files and KV stay Kestra's business); one already gone is fine. */
  async deleteNamespace(id: string): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      path: `/namespaces/${segment(id)}`,
      operation: 'deleteNamespace',
      target: `delete namespace ${id}`,
      idempotent: true,
      acceptStatus: [404],
      hints: {
        405: NOT_EE,
        409: `Kestra refuses to delete namespace ${id} while it holds flows: remove them first (or keep the namespace)`,
      },
    });
  }

  /**
   * Every namespace object (all pages), those of `prefix` and below when given. An open-source
   * server has none: its search would list the namespaces of flows, so it is not asked.
   */
  async searchNamespaceObjects(prefix?: string): Promise<NamespaceObject[]> {
    if ((await this.instance.getEdition()).edition !== 'EE') return [];
    const found = await readPagedSearch({
      page: async (page) => {
        try {
          return await this.http.send({
            method: 'GET',
            path: '/namespaces/search',
            // Only objects, not the placeholders of flow namespaces: `existing` (both lines) and the
            // existingOnly filter (2.0, where `filters` is required).
            query: [['existing', 'true'], filterParam('existingOnly', 'EQUALS', 'true'), ['page', String(page)], ['size', String(this.pageSize)]],
            operation: 'searchNamespaces',
            target: `search namespace objects (page ${page})`,
            idempotent: true,
          });
        } catch (error) {
          if (page === 1 && error instanceof KestraApiError && error.status === 404) return undefined;
          throw error;
        }
      },
      pageSize: this.pageSize,
      item: (reader, raw, what) => namespaceObject(reader, raw, what),
      identity: (ns) => ns.id,
      noun: 'namespace',
    });
    const inScope = (id: string) => prefix === undefined || id === prefix || id.startsWith(`${prefix}.`);
    return (found ?? []).filter((ns) => inScope(ns.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function jsonBody(ns: NamespaceObject): { data: string; contentType: string } {
  return { data: JSON.stringify({ ...ns, deleted: false }), contentType: 'application/json' };
}

function namespaceObject(reader: ResponseReader, raw: JsonObject, what: string): NamespaceObject {
  reader.string(raw, 'id', what);
  return raw as NamespaceObject;
}
