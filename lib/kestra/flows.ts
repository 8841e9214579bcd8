/**
 * Flows: list a namespace (revisions, no sources), read one flow or a whole namespace's sources
 * (one ZIP export), create, update, delete.
 *
 * The export route is served by Kestra 1.x and 2.x alike (kestra-io/kestra#19181: the maintainer
 * found it healthy in 2.0.0; the 404 reported there came from a misrouted URL). A 404 from it is
 * therefore reported as a misrouting — naming the URL, the status and what to check — never
 * papered over with one request per flow.
 *
 * createFlow is the one write that is not idempotent (a repeated POST answers "Flow id already
 * exists"), so it is never retried blindly. After a failure that may have hidden a success (a
 * timeout, a reset connection, 429/502/503/504) it reads the flow back: if the flow now holds
 * exactly the source that was sent, the create happened and is reported as done; if the flow does
 * not exist, the POST is tried again; if it exists with another source, KestraFlowCreateConflictError.
 */
import { KestraApiError, KestraFlowCreateConflictError, KestraNamespaceRequiredError, KestraUsageError, REQUIRE_EXISTING_NAMESPACE_MESSAGE } from './errors';
import { summariseErrorBody } from './error-body';
import { filterParam, segment, type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { flowIdentity } from './flow-identity';
import { isRetryableError, sleep } from './retry';

export interface FlowSummary {
  id: string;
  namespace: string;
  revision: number;
  /** When the current revision was saved (Kestra 1.3+). */
  updated?: string;
  disabled?: boolean;
  deleted?: boolean;
}

export interface FlowWithSource extends FlowSummary {
  source: string;
}

export type DeleteFlowResult = 'deleted' | 'already-absent';

const YAML_CONTENT_TYPE = 'application/x-yaml';
const SOURCE_HINT = 'Kestra rejected the flow source: fix it (`kestraform validate` checks it first) and run again';

export class FlowsApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly maxArchiveBytes: number,
  ) {}

  /** The current revision of every flow of exactly `namespace` (no sources; deleted flows excluded). */
  async listFlows(namespace: string): Promise<FlowSummary[]> {
    const response = await this.http.send({
      method: 'GET',
      path: `/flows/${segment(namespace)}`,
      operation: 'listFlows',
      target: `list the flows of namespace ${namespace}`,
      idempotent: true,
    });
    const reader = new ResponseReader(response);
    return reader.array().map((item, index) => flowSummary(reader, reader.asObject(item, `flow #${index}`), `flow #${index}`));
  }

  /** The flow with its stored source, or null when it does not exist (or is deleted). */
  async getFlow(namespace: string, id: string): Promise<FlowWithSource | null> {
    const response = await this.http.send({
      method: 'GET',
      path: `/flows/${segment(namespace)}/${segment(id)}`,
      query: [['source', 'true']],
      operation: 'getFlow',
      target: `read flow ${namespace}/${id}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    return withSource(reader, reader.object(), `flow ${namespace}/${id}`);
  }

  /**
   * The stored source of every flow of `namespace`, by flow id, in one request (a ZIP export).
   * Entries are matched to flows by the `id` in their YAML, not by their file name, which differs
   * between Kestra versions (`<ns>-<id>.yml` in 1.x/2.0, `<ns>.<id>.yml` in 0.2x). An empty
   * namespace is an empty archive; a 404 means the request did not reach Kestra's route.
   */
  async exportFlowSources(namespace: string): Promise<Map<string, string>> {
    const target = `export the flows of namespace ${namespace}`;
    const response = await this.http.send({
      method: 'GET',
      path: '/flows/export/by-query',
      query: [filterParam('namespace', 'EQUALS', namespace)],
      operation: 'exportFlows',
      target,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) {
      const summary = summariseErrorBody(response.headers.get('content-type'), response.body);
      const unmatched = response.headers.get('x-kestra-route-matched') === 'false' ? ' (the server says no route matched it: X-Kestra-Route-Matched: false)' : '';
      throw new KestraApiError({
        ...response.identity,
        status: 404,
        kestraMessage: summary.message,
        problemType: summary.problemType,
        hint:
          `Kestra 1.x and 2.x serve this export for every namespace, an empty one included (kestra-io/kestra#19181), so the request did not reach Kestra's flow API${unmatched}: ` +
          `check that KESTRA_URL is Kestra's own address with its base path, if any, before /api/v1 (now ${this.http.targetDescription}), that the tenant is right, ` +
          `and that no proxy or ingress in front of Kestra blocks or rewrites ${response.identity.path}`,
      });
    }
    const reader = new ResponseReader(response);
    let entries: Record<string, Uint8Array>;
    let expanded = 0;
    try {
      // fflate loads on first use: only an export needs it, and it builds its tables as it loads.
      entries = (require('fflate') as typeof import('fflate')).unzipSync(new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.length), {
        filter: (file) => {
          expanded += file.originalSize;
          if (expanded > this.maxArchiveBytes) throw new Error(`the archive expands beyond ${this.maxArchiveBytes} bytes`);
          return !file.name.endsWith('/');
        },
      });
    } catch (error) {
      throw reader.fail(`the export is not a readable ZIP archive (${error instanceof Error ? error.message : String(error)})`, error);
    }
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const sources = new Map<string, string>();
    for (const [name, bytes] of Object.entries(entries)) {
      const source = decoder.decode(bytes);
      const identity = flowIdentity(source);
      if (identity.namespace !== undefined && identity.namespace !== namespace) continue;
      if (!identity.id) throw reader.fail(`archive entry "${name}" has no flow id`);
      if (sources.has(identity.id)) throw reader.fail(`the archive holds flow "${identity.id}" twice`);
      sources.set(identity.id, source);
    }
    return sources;
  }

  /** Creates a flow from its YAML source; see the module comment for what happens after a failure. */
  async createFlow(source: string): Promise<FlowWithSource> {
    const { id, namespace } = flowIdentity(source);
    if (!id || !namespace) throw new KestraUsageError('createFlow needs a flow source with top-level `id` and `namespace`');
    const target = `create flow ${namespace}/${id}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.http.attempt(
          {
            method: 'POST',
            path: '/flows',
            body: { data: source, contentType: YAML_CONTENT_TYPE },
            operation: 'createFlow',
            target,
            idempotent: false,
            hints: { 422: SOURCE_HINT },
          },
          attempt,
        );
        const reader = new ResponseReader(response);
        return { ...flowSummary(reader, reader.object(), `flow ${namespace}/${id}`), source };
      } catch (error) {
        if (error instanceof KestraApiError && error.status === 422 && REQUIRE_EXISTING_NAMESPACE_MESSAGE.test(error.kestraMessage ?? '')) {
          throw new KestraNamespaceRequiredError({ method: error.method, path: error.path, target: error.target, status: 422, kestraMessage: error.kestraMessage, problemType: error.problemType }, namespace);
        }
        if (!isRetryableError(error) || attempt > this.http.retryPolicy.retries) throw error;
        await sleep(this.http.delayBeforeRetry(attempt, error));
        const existing = await this.getFlow(namespace, id);
        if (existing?.source === source) return existing;
        if (existing) {
          throw new KestraFlowCreateConflictError(
            `${target}: the request failed (${(error as Error).message}), and the flow now exists with a different source ` +
              `(revision ${existing.revision}): someone else created or changed it. Run plan again to see the difference.`,
            { cause: error },
          );
        }
      }
    }
  }

  /** Replaces the source of an existing flow. Kestra keeps the revision when the source is byte-identical. */
  async updateFlow(namespace: string, id: string, source: string): Promise<FlowWithSource> {
    const response = await this.http.send({
      method: 'PUT',
      path: `/flows/${segment(namespace)}/${segment(id)}`,
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'updateFlow',
      target: `update flow ${namespace}/${id}`,
      idempotent: true,
      hints: {
        404: `flow ${namespace}/${id} does not exist (or was deleted): it has to be created instead; run plan again`,
        422: SOURCE_HINT,
      },
    });
    const reader = new ResponseReader(response);
    const flow = reader.object();
    return { ...flowSummary(reader, flow, `flow ${namespace}/${id}`), source: reader.optionalString(flow, 'source', `flow ${namespace}/${id}`) ?? source };
  }

  /** Deletes a flow (Kestra keeps it as a deleted revision). A 404 means it was already gone. */
  async deleteFlow(namespace: string, id: string): Promise<DeleteFlowResult> {
    const response = await this.http.send({
      method: 'DELETE',
      path: `/flows/${segment(namespace)}/${segment(id)}`,
      operation: 'deleteFlow',
      target: `delete flow ${namespace}/${id}`,
      idempotent: true,
      acceptStatus: [404],
    });
    return response.status === 404 ? 'already-absent' : 'deleted';
  }
}

function flowSummary(reader: ResponseReader, flow: JsonObject, what: string): FlowSummary {
  const revision = reader.optionalNumber(flow, 'revision', what);
  if (revision === undefined) throw reader.fail(`${what} has no revision`);
  const summary: FlowSummary = {
    id: reader.string(flow, 'id', what),
    namespace: reader.string(flow, 'namespace', what),
    revision,
  };
  const updated = reader.optionalString(flow, 'updated', what);
  const disabled = reader.optionalBoolean(flow, 'disabled', what);
  const deleted = reader.optionalBoolean(flow, 'deleted', what);
  if (updated !== undefined) summary.updated = updated;
  if (disabled !== undefined) summary.disabled = disabled;
  if (deleted !== undefined) summary.deleted = deleted;
  return summary;
}

function withSource(reader: ResponseReader, flow: JsonObject, what: string): FlowWithSource {
  const source = reader.optionalString(flow, 'source', what);
  if (source === undefined) throw reader.fail(`${what} came without its source although source=true was asked`);
  return { ...flowSummary(reader, flow, what), source };
}
