/**
 * Namespace secrets. Kestra never answers a value: a listing gives keys and metadata
 * (ApiSecretMetaEE: key, namespace, description, tags) and says whether the secrets are
 * `readOnly` — open-source Kestra's are (its SECRET_* environment variables, the same keys for
 * every namespace, without metadata), as are an EE server's behind a read-only secret manager.
 * Writes are Kestra Enterprise's (`PUT /namespaces/{ns}/secrets` creates or replaces a secret,
 * `DELETE /namespaces/{ns}/secrets/{key}`).
 *
 * The listing is `GET /secrets?filters[namespace][EQUALS]=NS` (both lines' specs have it); a
 * server that does not answer it (404/405) is asked 1.3's `GET /namespaces/{ns}/secrets`. Either
 * way only the secrets of exactly that namespace are kept (and those that name none: OSS's).
 *
 * A value travels only in the PUT body: never in a path, a query, a message or a log.
 */
import { KestraApiError, KestraUsageError } from './errors';
import { filterParam, segment, type HttpResponse, type HttpTransport } from './http';
import type { ResponseReader, JsonObject } from './decode';
import { readPagedSearch } from './paged-search';
import { summariseErrorBody } from './error-body';

export interface SecretTag {
  key: string;
  value: string;
}

export interface SecretMeta {
  key: string;
  description?: string;
  tags: SecretTag[];
}

export interface SecretListing {
  /** Kestra cannot write these secrets (open-source Kestra, or a read-only secret manager). */
  readOnly: boolean;
  secrets: SecretMeta[];
}

export interface SecretToPut {
  key: string;
  value: string;
  description?: string;
  tags?: SecretTag[];
}

const NOT_EE = 'this Kestra cannot store secrets (open-source Kestra reads them from its SECRET_* environment variables): run against a Kestra Enterprise server';

export class SecretsApi {
  /** false once the server has refused `GET /secrets`: its namespace listing is asked instead. */
  private searchUsable = true;

  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
  ) {}

  /** The secrets of exactly `namespace` (all pages), and whether Kestra may write them. */
  async listSecrets(namespace: string): Promise<SecretListing> {
    let readOnly = false;
    const read = (path: string, query: ReadonlyArray<readonly [string, string]>, operation: string, fallback: boolean) =>
      readPagedSearch<SecretMeta & { namespace?: string }>({
        page: async (page) => {
          let response: HttpResponse;
          try {
            response = await this.http.send({
              method: 'GET',
              path,
              query: [...query, ['page', String(page)], ['size', String(this.pageSize)]],
              operation,
              target: `list the secrets of namespace ${namespace} (page ${page})`,
              idempotent: true,
            });
          } catch (error) {
            if (fallback && page === 1 && error instanceof KestraApiError && [404, 405].includes(error.status)) return undefined;
            throw error;
          }
          if (page === 1) readOnly = readOnlyOf(response);
          return response;
        },
        pageSize: this.pageSize,
        item: (reader, raw, what) => secretMeta(reader, raw, what),
        identity: (s) => `${s.namespace ?? ''}\u0000${s.key}`,
        noun: 'secret',
      });
    let found = this.searchUsable ? await read('/secrets', [filterParam('namespace', 'EQUALS', namespace)], 'listSecrets', true) : undefined;
    if (!found) {
      this.searchUsable = false;
      found = (await read(`/namespaces/${segment(namespace)}/secrets`, [], 'listNamespaceSecrets', false)) ?? [];
    }
    const secrets = found
      .filter((s) => s.namespace === undefined || s.namespace === namespace)
      .map(({ key, description, tags }): SecretMeta => (description === undefined ? { key, tags } : { key, description, tags }));
    return { readOnly, secrets };
  }

  /** Creates or replaces a secret (value, description, tags). */
  async putSecret(namespace: string, secret: SecretToPut): Promise<void> {
    if (!secret.key) throw new KestraUsageError(`a secret of namespace ${namespace} has an empty key`);
    if (!secret.value) throw new KestraUsageError(`secret ${namespace}/${secret.key} has an empty value: Kestra requires one`);
    const body: Record<string, unknown> = { key: secret.key, value: secret.value };
    if (secret.description !== undefined) body.description = secret.description;
    if (secret.tags !== undefined) body.tags = secret.tags.map(({ key, value }) => ({ key, value }));
    await this.http.send({
      method: 'PUT',
      path: `/namespaces/${segment(namespace)}/secrets`,
      body: { data: JSON.stringify(body), contentType: 'application/json' },
      operation: 'putSecrets',
      target: `put secret ${namespace}/${secret.key}`,
      idempotent: true,
      hints: { 404: NOT_EE, 405: NOT_EE, 422: `Kestra rejected secret ${namespace}/${secret.key}: check its key, description and tags` },
    });
  }

  /**
   * Deletes a secret; one already gone is fine. A 404 that says no route matched (Kestra 2.x's
   * `X-Kestra-Route-Matched: false`: an open-source server, which has no such operation) is not.
   */
  async deleteSecret(namespace: string, key: string): Promise<void> {
    const response = await this.http.send({
      method: 'DELETE',
      path: `/namespaces/${segment(namespace)}/secrets/${segment(key)}`,
      operation: 'deleteSecret',
      target: `delete secret ${namespace}/${key}`,
      idempotent: true,
      acceptStatus: [404],
      hints: { 405: NOT_EE },
    });
    if (response.status === 404 && response.headers.get('x-kestra-route-matched') === 'false') {
      const summary = summariseErrorBody(response.headers.get('content-type'), response.body);
      throw new KestraApiError({ ...response.identity, status: 404, kestraMessage: summary.message, problemType: summary.problemType, hint: NOT_EE });
    }
  }
}

function readOnlyOf(response: HttpResponse): boolean {
  try {
    return JSON.parse(response.body.toString('utf8')).readOnly === true;
  } catch {
    return false; // readPagedSearch reports the body that is not JSON
  }
}

function secretMeta(reader: ResponseReader, raw: JsonObject, what: string): SecretMeta & { namespace?: string } {
  const key = reader.string(raw, 'key', what);
  const namespace = reader.optionalString(raw, 'namespace', what);
  const description = reader.optionalString(raw, 'description', what);
  const rawTags = raw.tags ?? [];
  if (!Array.isArray(rawTags)) throw reader.fail(`${what}: "tags" should be a list`);
  const tags = rawTags.map((t, i) => {
    const tag = reader.asObject(t, `${what}, tag #${i}`);
    return { key: reader.string(tag, 'key', `${what}, tag #${i}`), value: reader.string(tag, 'value', `${what}, tag #${i}`) };
  });
  const out: SecretMeta & { namespace?: string } = { key, tags };
  if (namespace !== undefined) out.namespace = namespace;
  if (description !== undefined) out.description = description;
  return out;
}
