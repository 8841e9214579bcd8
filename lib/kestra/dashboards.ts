/**
 * Dashboards: tenant-wide YAML objects named by id (`/dashboards/{id}`). Kestra 2.x takes the id
 * from the source's `id`; Kestra 1.x makes one up on create (and refuses a source that names one),
 * so createDashboard answers the id Kestra chose. The listing (`GET /dashboards`,
 * DashboardResponse) carries each dashboard's `sourceCode`.
 *
 * Deleting a dashboard that is not there is, in Kestra's repository, an IllegalStateException:
 * 409 "Illegal state" on 1.x, 500 on 2.x. deleteDashboard treats it as the delete of something
 * already gone only once a read confirms the dashboard is not there.
 *
 * createDashboard is not idempotent (a repeated POST is refused on 2.x, a second dashboard on
 * 1.x), so it is never retried blindly.
 */
import { KestraApiError } from './errors';
import { segment, type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { readPagedSearch } from './paged-search';

export interface DashboardInfo {
  id: string;
  title: string;
  sourceCode: string;
  updated?: string;
  created?: string;
  description?: string;
}

const YAML_CONTENT_TYPE = 'application/x-yaml';
const SOURCE_HINT = 'Kestra rejected the dashboard source: fix it and run again';
const OSS_2X_HINT = 'Kestra 2.0 open source lists dashboards but no longer creates, changes or deletes them (an Enterprise Edition feature since 2.0)';

export class DashboardsApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
  ) {}

  /** Every dashboard of the tenant, with sources (all pages). */
  async searchDashboards(): Promise<DashboardInfo[]> {
    const found = await readPagedSearch({
      page: (page) =>
        this.http.send({
          method: 'GET',
          path: '/dashboards',
          query: [['page', String(page)], ['size', String(this.pageSize)]],
          operation: 'searchDashboards',
          target: `list the dashboards (page ${page})`,
          idempotent: true,
        }),
      pageSize: this.pageSize,
      item: (reader, raw, what) => dashboard(reader, raw, what),
      identity: (d) => d.id,
      noun: 'dashboard',
    });
    return found ?? [];
  }

  /** The dashboard, or null when there is none with that id. */
  async getDashboard(id: string): Promise<DashboardInfo | null> {
    const response = await this.http.send({
      method: 'GET',
      path: `/dashboards/${segment(id)}`,
      operation: 'getDashboard',
      target: `read dashboard ${id}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    return dashboard(reader, reader.object(), `dashboard ${id}`);
  }

  /** Creates a dashboard; the answer has its id (on 1.x, the one Kestra made up). */
  async createDashboard(source: string): Promise<DashboardInfo> {
    const response = await this.http.send({
      method: 'POST',
      path: '/dashboards',
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'createDashboard',
      target: 'create a dashboard',
      idempotent: false,
      hints: { 405: OSS_2X_HINT, 422: SOURCE_HINT },
    });
    const reader = new ResponseReader(response);
    return dashboard(reader, reader.object(), 'the created dashboard', source);
  }

  async updateDashboard(id: string, source: string): Promise<DashboardInfo> {
    const response = await this.http.send({
      method: 'PUT',
      path: `/dashboards/${segment(id)}`,
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'updateDashboard',
      target: `update dashboard ${id}`,
      idempotent: true,
      hints: { 404: `dashboard ${id} does not exist any more: it has to be created again; run plan again`, 405: OSS_2X_HINT, 422: SOURCE_HINT },
    });
    const reader = new ResponseReader(response);
    return dashboard(reader, reader.object(), `dashboard ${id}`, source);
  }

  /** Deletes a dashboard; one already gone is fine (see the module comment). */
  async deleteDashboard(id: string): Promise<void> {
    try {
      const response = await this.http.send({
        method: 'DELETE',
        path: `/dashboards/${segment(id)}`,
        operation: 'deleteDashboard',
        target: `delete dashboard ${id}`,
        idempotent: true,
        acceptStatus: [404],
        hints: { 405: OSS_2X_HINT },
      });
      if (response.status === 404) return;
    } catch (error) {
      if (error instanceof KestraApiError && (error.status === 409 || error.status === 500) && (await this.getDashboard(id)) === null) return;
      throw error;
    }
  }

  /** Kestra's problems with the source, in its words; undefined when it takes it. */
  async validateDashboard(source: string): Promise<string | undefined> {
    const response = await this.http.send({
      method: 'POST',
      path: '/dashboards/validate',
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'validateDashboard',
      target: 'validate a dashboard',
      idempotent: true,
    });
    return validationProblems(new ResponseReader(response));
  }
}

function dashboard(reader: ResponseReader, raw: JsonObject, what: string, sent?: string): DashboardInfo {
  const sourceCode = reader.optionalString(raw, 'sourceCode', what) ?? sent;
  if (sourceCode === undefined) throw reader.fail(`${what} came without its sourceCode`);
  const out: DashboardInfo = { id: reader.string(raw, 'id', what), title: reader.string(raw, 'title', what), sourceCode };
  for (const field of ['updated', 'created', 'description'] as const) {
    const value = reader.optionalString(raw, field, what);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/**
 * The `constraints` of a validate answer (one ValidateConstraintViolation, or a list of them),
 * joined; undefined when there are none.
 */
export function validationProblems(reader: ResponseReader): string | undefined {
  const body = reader.json();
  const items = Array.isArray(body) ? body : [body];
  const problems = items.flatMap((item, i) => {
    const v = reader.asObject(item, `validation #${i}`);
    const constraints = reader.optionalString(v, 'constraints', `validation #${i}`);
    return constraints ? [constraints] : [];
  });
  return problems.length ? problems.join('\n') : undefined;
}
