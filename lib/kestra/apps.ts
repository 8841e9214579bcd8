/**
 * Apps (Kestra Enterprise). Kestra names an app by a uid it makes up on create; the search
 * (`GET /apps/search`, `ApiApp`: uid, id, namespace, enabled, updated — no source) finds an app's
 * uid from its namespace and id, `GET /apps/{uid}` (`ApiAppSource`) has the source.
 *
 * The search sends the 2.0 form, `filters[namespace][EQUALS]=…` (required there). Kestra 1.3 binds
 * no `filters` on this search (only a flat `namespace` prefix), so a 1.x server answers every app
 * of the tenant: the results are always kept to exactly the namespace asked for, whatever the
 * server did with the filter.
 *
 * createApp is not idempotent (each accepted POST is a new app with a new uid), so it is never
 * retried blindly.
 */
import { filterParam, segment, type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { readPagedSearch } from './paged-search';

/** One app of a search (AppsController.ApiApp). */
export interface AppSummary {
  uid: string;
  id: string;
  namespace: string;
  updated?: string;
  /** ApiApp's `enabled` (disabled apps: false). */
  enabled?: boolean;
  /** `displayName`. */
  name?: string;
  type?: string;
  flowId?: string;
  tags?: string[];
}

/** An app with its source (AppsController.ApiAppSource). */
export interface AppWithSource {
  uid: string;
  namespace: string;
  source: string;
  disabled: boolean;
  updated?: string;
  created?: string;
  name?: string;
  tags?: string[];
}

const YAML_CONTENT_TYPE = 'application/x-yaml';
const SOURCE_HINT = 'Kestra rejected the app source: fix it and run again';

export class AppsApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
  ) {}

  /** Every app of exactly `namespace` (all pages). */
  async searchApps(namespace: string): Promise<AppSummary[]> {
    const apps = await readPagedSearch({
      page: (page) =>
        this.http.send({
          method: 'GET',
          path: '/apps/search',
          query: [filterParam('namespace', 'EQUALS', namespace), ['page', String(page)], ['size', String(this.pageSize)]],
          operation: 'searchApps',
          target: `search the apps of namespace ${namespace} (page ${page})`,
          idempotent: true,
        }),
      pageSize: this.pageSize,
      item: (reader, raw, what) => appSummary(reader, raw, what),
      identity: (a) => a.uid,
      noun: 'app',
    });
    return (apps ?? []).filter((a) => a.namespace === namespace);
  }

  /** The app with its source, or null when Kestra has no app with that uid. */
  async getApp(uid: string): Promise<AppWithSource | null> {
    const response = await this.http.send({
      method: 'GET',
      path: `/apps/${segment(uid)}`,
      operation: 'getApp',
      target: `read app ${uid}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    return appWithSource(reader, reader.object(), `app ${uid}`);
  }

  /** Creates an app from its YAML source; Kestra answers its uid. */
  async createApp(source: string): Promise<AppWithSource> {
    const response = await this.http.send({
      method: 'POST',
      path: '/apps',
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'createApp',
      target: 'create an app',
      idempotent: false,
      hints: { 422: SOURCE_HINT },
    });
    const reader = new ResponseReader(response);
    return appWithSource(reader, reader.object(), 'the created app', source);
  }

  /** Replaces the source of app `uid`. */
  async updateApp(uid: string, source: string): Promise<AppWithSource> {
    const response = await this.http.send({
      method: 'PUT',
      path: `/apps/${segment(uid)}`,
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'updateApp',
      target: `update app ${uid}`,
      idempotent: true,
      hints: { 404: `app ${uid} does not exist any more: it has to be created again; run plan again`, 422: SOURCE_HINT },
    });
    const reader = new ResponseReader(response);
    return appWithSource(reader, reader.object(), `app ${uid}`, source);
  }

  /** Deletes app `uid`; one already gone (404) is fine. */
  async deleteApp(uid: string): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      path: `/apps/${segment(uid)}`,
      operation: 'deleteApp',
      target: `delete app ${uid}`,
      idempotent: true,
      acceptStatus: [404],
    });
  }

  /** Enables or disables app `uid` (Kestra keeps the flag outside the source). */
  async setAppEnabled(uid: string, enabled: boolean): Promise<void> {
    const verb = enabled ? 'enable' : 'disable';
    const response = await this.http.send({
      method: 'POST',
      path: `/apps/${segment(uid)}/${verb}`,
      operation: enabled ? 'enableApp' : 'disableApp',
      target: `${verb} app ${uid}`,
      idempotent: true,
      hints: { 404: `app ${uid} does not exist: run plan again` },
    });
    // The answer is the app (ApiApp); an empty body is accepted too.
    if (response.body.length) {
      const reader = new ResponseReader(response);
      appSummary(reader, reader.object(), `app ${uid}`);
    }
  }
}

function appSummary(reader: ResponseReader, raw: JsonObject, what: string): AppSummary {
  const app: AppSummary = { uid: reader.string(raw, 'uid', what), id: reader.string(raw, 'id', what), namespace: reader.string(raw, 'namespace', what) };
  for (const field of ['updated', 'name', 'type', 'flowId'] as const) {
    const value = reader.optionalString(raw, field, what);
    if (value !== undefined) app[field] = value;
  }
  const enabled = reader.optionalBoolean(raw, 'enabled', what);
  if (enabled !== undefined) app.enabled = enabled;
  const tags = stringList(reader, raw, 'tags', what);
  if (tags) app.tags = tags;
  return app;
}

function appWithSource(reader: ResponseReader, raw: JsonObject, what: string, sent?: string): AppWithSource {
  const source = reader.optionalString(raw, 'source', what) ?? sent;
  if (source === undefined) throw reader.fail(`${what} came without its source`);
  const app: AppWithSource = {
    uid: reader.string(raw, 'uid', what),
    namespace: reader.string(raw, 'namespace', what),
    source,
    disabled: reader.optionalBoolean(raw, 'disabled', what) ?? false,
  };
  for (const field of ['updated', 'created', 'name'] as const) {
    const value = reader.optionalString(raw, field, what);
    if (value !== undefined) app[field] = value;
  }
  const tags = stringList(reader, raw, 'tags', what);
  if (tags) app.tags = tags;
  return app;
}

/** An optional list of strings. */
export function stringList(reader: ResponseReader, raw: JsonObject, field: string, what: string): string[] | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw reader.fail(`${what}: "${field}" should be a list of strings`);
  return value as string[];
}
