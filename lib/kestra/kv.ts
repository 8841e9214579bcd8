/**
 * KV store. Listing uses the paged search `GET /kv?filters[namespace][EQUALS]=ns` (Kestra 1.2+,
 * the only listing left in 2.0) and falls back to `GET /namespaces/{ns}/kv` (older servers) when
 * the search route is missing; the client remembers which one the server has. Values are sent as
 * text/plain in the syntax that makes Kestra infer the intended type (see kv-values.ts).
 */
import { KestraApiError, KestraKvExpiredError, KestraUsageError } from './errors';
import { filterParam, segment, type HttpResponse, type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { readPagedSearch } from './paged-search';
import { KvValueError, encodeKvBody, isKvType, type KvType } from '../model/kv-values';
import { byKey } from '../util/order';

export interface KvEntryInfo {
  key: string;
  description?: string;
  creationDate?: string;
  updateDate?: string;
  expirationDate?: string;
  /** `revision` in Kestra 2.0, `version` in 1.2-1.3; absent before. */
  revision?: number;
}

export interface KvLiveValue {
  type: KvType;
  /** The JSON value as Kestra returned it; `kvValueToCanonical` turns it into canonical text. */
  value: unknown;
  revision?: number;
  updated?: string;
}

export interface PutKvOptions {
  /** ISO-8601 duration after which Kestra expires the entry, e.g. `PT1H`. */
  ttl?: string;
  description?: string;
}

export class KvApi {
  /** Whether the server has the paged `GET /kv` search; unknown until first asked. */
  private searchRoute: 'yes' | 'no' | 'unknown' = 'unknown';

  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
  ) {}

  /** Metadata of every key of exactly `namespace` (values are not part of listings). */
  async listKv(namespace: string): Promise<KvEntryInfo[]> {
    if (this.searchRoute !== 'no') {
      const entries = await this.searchKv(namespace);
      if (entries) {
        this.searchRoute = 'yes';
        return entries;
      }
      this.searchRoute = 'no';
    }
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${segment(namespace)}/kv`,
      operation: 'listKvLegacy',
      target: `list the KV entries of namespace ${namespace}`,
      idempotent: true,
    });
    const reader = new ResponseReader(response);
    return sortByKey(reader.array().map((item, index) => kvEntry(reader, reader.asObject(item, `KV entry #${index}`), `KV entry #${index}`)));
  }

  /** The typed value, or null when the key does not exist. An expired key is KestraKvExpiredError. */
  async getKv(namespace: string, key: string): Promise<KvLiveValue | null> {
    let response: HttpResponse;
    try {
      response = await this.http.send({
        method: 'GET',
        path: `/namespaces/${segment(namespace)}/kv/${segment(key)}`,
        operation: 'getKv',
        target: `read KV ${namespace}/${key}`,
        idempotent: true,
        acceptStatus: [404],
      });
    } catch (error) {
      if (error instanceof KestraApiError && error.status === 410) {
        const { method, path, target, status, kestraMessage, problemType } = error;
        throw new KestraKvExpiredError({ method, path, target, status, kestraMessage, problemType, hint: 'its TTL has passed and Kestra deleted it: put it again' });
      }
      throw error;
    }
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    const body = reader.object();
    const type = body.type;
    if (!isKvType(type)) throw reader.fail(`KV ${namespace}/${key} has an unknown type ${JSON.stringify(type)}`);
    const live: KvLiveValue = { type, value: body.value };
    const revision = reader.optionalNumber(body, 'revision', `KV ${namespace}/${key}`);
    const updated = reader.optionalString(body, 'updated', `KV ${namespace}/${key}`);
    if (revision !== undefined) live.revision = revision;
    if (updated !== undefined) live.updated = updated;
    return live;
  }

  /** Creates or replaces a key; value is the canonical text of `type`. Every put replaces the metadata too. */
  async putKv(namespace: string, key: string, typed: { type: KvType; value: string }, options: PutKvOptions = {}): Promise<void> {
    const body = encodeForPut(typed.type, typed.value);
    const headers: Record<string, string> = {};
    if (options.ttl !== undefined) headers.ttl = checkHeaderValue('ttl', options.ttl, /^P[0-9A-Z.,]+$/i, 'an ISO-8601 duration such as PT1H');
    if (options.description !== undefined) {
      headers.description = checkHeaderValue('description', options.description, /^[\x20-\x7e]*$/, 'printable ASCII (Kestra takes it in an HTTP header)');
    }
    await this.http.send({
      method: 'PUT',
      path: `/namespaces/${segment(namespace)}/kv/${segment(key)}`,
      headers,
      body: { data: body, contentType: 'text/plain; charset=utf-8' },
      operation: 'putKv',
      target: `put KV ${namespace}/${key}`,
      idempotent: true,
      hints: { 422: 'Kestra refused the key or value: keys are letters, digits, ".", "_" and "-", starting with a letter or digit' },
    });
  }

  /** true when the key existed and is now deleted, false when there was nothing to delete. */
  async deleteKv(namespace: string, key: string): Promise<boolean> {
    const response = await this.http.send({
      method: 'DELETE',
      path: `/namespaces/${segment(namespace)}/kv/${segment(key)}`,
      operation: 'deleteKv',
      target: `delete KV ${namespace}/${key}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return false;
    if (response.body.length === 0) return true;
    return new ResponseReader(response).json() !== false;
  }

  /** All pages of the search, or undefined when the server has no such route (404/405). */
  private async searchKv(namespace: string): Promise<KvEntryInfo[] | undefined> {
    const entries = await readPagedSearch({
      page: async (page) => {
        try {
          return await this.http.send({
            method: 'GET',
            path: '/kv',
            query: [filterParam('namespace', 'EQUALS', namespace), ['page', String(page)], ['size', String(this.pageSize)]],
            operation: 'listKv',
            target: `list the KV entries of namespace ${namespace} (page ${page})`,
            idempotent: true,
          });
        } catch (error) {
          if (page === 1 && this.searchRoute === 'unknown' && error instanceof KestraApiError && (error.status === 404 || error.status === 405)) return undefined;
          throw error;
        }
      },
      pageSize: this.pageSize,
      item: (reader, raw, what) => ({ entry: kvEntry(reader, raw, what), namespace: reader.optionalString(raw, 'namespace', what) ?? namespace }),
      identity: (e) => `${e.namespace}\u0000${e.entry.key}`,
      noun: 'KV entry',
    });
    // Defence against a server that ignored the filter: keep only this namespace's keys.
    return entries && sortByKey(entries.filter((e) => e.namespace === namespace).map((e) => e.entry));
  }
}

function kvEntry(reader: ResponseReader, raw: JsonObject, what: string): KvEntryInfo {
  const entry: KvEntryInfo = { key: reader.string(raw, 'key', what) };
  for (const field of ['description', 'creationDate', 'updateDate', 'expirationDate'] as const) {
    const value = reader.optionalString(raw, field, what);
    if (value !== undefined) entry[field] = value;
  }
  const revision = reader.optionalNumber(raw, 'revision', what) ?? reader.optionalNumber(raw, 'version', what);
  if (revision !== undefined) entry.revision = revision;
  return entry;
}

function sortByKey(entries: KvEntryInfo[]): KvEntryInfo[] {
  return entries.sort(byKey((e) => e.key));
}

function checkHeaderValue(name: string, value: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(value)) throw new KestraUsageError(`the KV ${name} "${value.slice(0, 60)}" is not usable: expected ${expected}`);
  return value;
}

/** The body of a put; a value that does not fit its type is the caller's mistake, as every such refusal of the client. */
function encodeForPut(type: KvType, value: string): string {
  try {
    return encodeKvBody(type, value);
  } catch (e) {
    if (e instanceof KvValueError) throw new KestraUsageError(e.message, { cause: e });
    throw e;
  }
}
