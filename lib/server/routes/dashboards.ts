/**
 * Dashboards, as kestra-io/kestra's DashboardController and AbstractJdbcDashboardRepository serve
 * them (OSS source; the EE controller extends the same API):
 *
 * - 2.x: the id is the YAML's `id` — mandatory on create ("Dashboard id is mandatory", 422), a
 *   second dashboard with it refused (`dashboard.id: Dashboard id already exists`), an update
 *   whose source names another id refused (`dashboard.id: Illegal dashboard id update`); `GET
 *   /dashboards/{id}` puts `id: <id>` in front of a stored source that has no `id:` line (a
 *   dashboard made by 1.x).
 * - 1.x: Kestra makes the id up on create (IdUtils.create) and refuses a source that names one
 *   ("Dashboard id is not editable", 422); an update keeps the id of the path.
 * - Both: an update with the stored source and model changes nothing (`updated` stays); delete
 *   answers 204, and a dashboard that is not there the repository's IllegalStateException
 *   ("Dashboard <id> doesn't exists"): 409 "Illegal state" in 1.x, 500 in 2.x (its problem mapping
 *   has no entry for it); the search lists with `q` on the title; validate answers one
 *   ValidateConstraintViolation, `constraints` only when the source is refused.
 * - Kestra 2.0 open source: create, update and delete moved to the Enterprise Edition (migration
 *   guide 2.0 "git-dashboard-tasks-moved-to-ee": the OSS Git tasks "always failed with 405 Method
 *   Not Allowed against a 2.0 instance"): in the 2.x `oss` edition the router withholds those
 *   routes (edition.ts OSS_2X_WITHDRAWN) and answers them as Kestra does an operation it does not
 *   have on a path it serves for other methods, 405 with Allow. They are registered here for
 *   every edition and line.
 *
 * What the emulator cannot check without plugins: that a chart's `type` is a chart plugin (only
 * its class-name shape is), and a chart's own properties.
 */
import type { Router } from '../router';
import type { DashboardRecord, Store } from '../store';
import { HttpError, illegalArgument, notFoundStatus } from '../errors';
import { pageOf } from './paging';
import { checkString, constraintError, constraintsText, friendlyId, manualViolation, parseYamlRoot, sortBy, stringOf, unknownProperties, yamlBody, type Violation, type YamlRoot } from '../yaml-objects';
import { byCodePoint } from '../../util/order';

const DASHBOARD_PROPERTIES = new Set(['id', 'title', 'description', 'timeWindow', 'charts', 'tenantId', 'deleted', 'created', 'updated', 'sourceCode']);
const DASHBOARD_CLASS = 'io.kestra.core.models.dashboards.Dashboard';
const CHART_ID_PATTERN = '[a-zA-Z0-9][a-zA-Z0-9_-]*';
const CHART_TYPE_PATTERN = '[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*';
/** DashboardController.DASHBOARD_ID_PATTERN. */
const ID_LINE = /^id:.*$/m;
const DAY_SECONDS = 86_400;
/** TimeWindow's defaults (30 and 366 days) and its @DurationMax(days = 366). */
const DEFAULT_WINDOW_SECONDS = 30 * DAY_SECONDS;
const MAX_WINDOW_SECONDS = 366 * DAY_SECONDS;

type ParsedDashboard = Omit<DashboardRecord, 'source' | 'created' | 'updated' | 'id'> & { id?: string };

export function dashboardRoutes(router: Router, store: Store, major: 1 | 2): void {
  const json = (d: DashboardRecord, tenant: string, sourceCode = d.source) => dashboardJson(d, tenant, sourceCode);

  router.add({
    method: 'GET', template: '/dashboards', operationId: 'searchDashboards', query: ['page', 'size', 'q', 'sort'],
    handler: (ctx) => {
      const q = ctx.query.get('q')?.toLowerCase();
      const rows = sortBy(
        ctx.query,
        [...store.dashboards.values()].filter((d) => q === undefined || d.title.toLowerCase().includes(q)),
        { id: (d) => d.id, title: (d) => d.title, created: (d) => d.created, updated: (d) => d.updated },
        (a, b) => byCodePoint(a.created, b.created) || byCodePoint(a.id, b.id),
      );
      return { status: 200, json: pageOf(ctx.query, rows.map((d) => json(d, ctx.tenant))) };
    },
  });

  router.add({
    method: 'GET', template: '/dashboards/{id}', operationId: 'getDashboard', query: [],
    handler: (ctx) => {
      const d = store.dashboards.get(ctx.params.id);
      if (!d) throw notFoundStatus();
      const sourceCode = major === 2 && !ID_LINE.test(d.source) ? `id: ${d.id}\n${d.source}` : d.source;
      return { status: 200, json: json(d, ctx.tenant, sourceCode) };
    },
  });

  router.add({
    method: 'POST', template: '/dashboards/validate', operationId: 'validateDashboard', query: [],
    handler: (ctx) => {
      const source = yamlBody(ctx, 'dashboard');
      try {
        parseDashboard(source);
        return { status: 200, json: { index: 0 } };
      } catch (e) {
        if (!(e instanceof HttpError) || e.status !== 422) throw e;
        return { status: 200, json: { index: 0, constraints: constraintsText(e) } };
      }
    },
  });

  router.add({
    method: 'POST', template: '/dashboards', operationId: 'createDashboard', query: [],
    handler: (ctx) => {
      const source = yamlBody(ctx, 'dashboard');
      let id: string;
      if (major === 2) {
        // YamlParser first (syntax, unknown properties), then the id, then the model's constraints.
        const root = parseYamlRoot(source, 'dashboard');
        const unknown = unknownProperties(root, DASHBOARD_PROPERTIES, DASHBOARD_CLASS);
        if (unknown.length) throw constraintError(unknown);
        if (root.id === undefined || root.id === null) throw illegalArgument('Dashboard id is mandatory');
        const parsed = parseDashboard(source, root);
        id = parsed.id!;
        if (store.dashboards.has(id)) throw manualViolation('dashboard.id', 'Dashboard id already exists');
        return { status: 200, json: json(save(store, undefined, { ...parsed, id }, source), ctx.tenant) };
      }
      const parsed = parseDashboard(source);
      if (parsed.id !== undefined) throw illegalArgument('Dashboard id is not editable');
      id = friendlyId();
      return { status: 200, json: json(save(store, undefined, { ...parsed, id }, source), ctx.tenant) };
    },
  });

  router.add({
    method: 'PUT', template: '/dashboards/{id}', operationId: 'updateDashboard', query: [],
    handler: (ctx) => {
      const existing = store.dashboards.get(ctx.params.id);
      // HttpResponse.status(NOT_FOUND): ErrorController's 404 status route.
      if (!existing) throw notFoundStatus();
      const source = yamlBody(ctx, 'dashboard');
      const root = parseYamlRoot(source, 'dashboard');
      // 2.x checks the id before validating. (A source without `id` fails this check too: the
      // controller read here compares with equals() on the missing id, which throws — the 422 is
      // what it means to say.)
      if (major === 2 && root.id !== ctx.params.id) throw manualViolation('dashboard.id', 'Illegal dashboard id update');
      const parsed = parseDashboard(source, root);
      return { status: 200, json: json(save(store, existing, { ...parsed, id: existing.id }, source), ctx.tenant) };
    },
  });

  router.add({
    method: 'DELETE', template: '/dashboards/{id}', operationId: 'deleteDashboard', query: [],
    handler: (ctx) => {
      if (!store.removeDashboard(ctx.params.id)) {
        const message = `Dashboard ${ctx.params.id} doesn't exists`;
        // IllegalStateException: ErrorController maps it to 409 (1.x); KestraProblemMappings has no entry for it (2.x).
        throw major === 1 ? new HttpError(409, 'conflict', 'Illegal state', message) : new HttpError(500, 'internal-error', 'Internal server error', '');
      }
      return { status: 204 };
    },
  });
}

/** AbstractJdbcDashboardRepository.save: an unchanged dashboard is returned as it was. */
function save(store: Store, previous: DashboardRecord | undefined, parsed: ParsedDashboard & { id: string }, source: string): DashboardRecord {
  const now = new Date().toISOString();
  const next: DashboardRecord = { ...parsed, source, created: previous?.created ?? now, updated: now };
  if (previous && sameDashboard(previous, next)) return previous;
  store.saveDashboard(next);
  return next;
}

function sameDashboard(a: DashboardRecord, b: DashboardRecord): boolean {
  const model = (d: DashboardRecord) => JSON.stringify([d.id, d.title, d.description, d.timeWindow, d.charts, d.source]);
  return model(a) === model(b);
}

/** The dashboard's model, or the 422 Kestra answers a source it cannot take. */
function parseDashboard(source: string, parsedRoot?: YamlRoot): ParsedDashboard {
  const root = parsedRoot ?? parseYamlRoot(source, 'dashboard');
  const violations: Violation[] = [
    ...unknownProperties(root, DASHBOARD_PROPERTIES, DASHBOARD_CLASS),
    ...checkString(root, 'id'),
    ...checkString(root, 'title', { required: true }),
    ...checkString(root, 'description'),
    ...chartViolations(root.charts),
  ];
  const window = timeWindow(root.timeWindow, violations);
  if (violations.length) throw constraintError(violations);
  return {
    ...(stringOf(root, 'id') !== undefined ? { id: stringOf(root, 'id') } : {}),
    title: stringOf(root, 'title')!,
    ...(stringOf(root, 'description') !== undefined ? { description: stringOf(root, 'description') } : {}),
    timeWindow: window,
    ...(Array.isArray(root.charts) ? { charts: root.charts } : {}),
  };
}

function chartViolations(charts: unknown): Violation[] {
  if (charts === undefined || charts === null) return [];
  if (!Array.isArray(charts)) return [{ path: 'charts', message: 'must be a list of charts' }];
  return charts.flatMap((c, i) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) return [{ path: `charts[${i}]`, message: 'must be a chart (a mapping with id and type)' }];
    return [...checkString(c as YamlRoot, 'id', { required: true, pattern: CHART_ID_PATTERN }), ...checkString(c as YamlRoot, 'type', { required: true, pattern: CHART_TYPE_PATTERN })].map((v) => ({
      path: `charts[${i}].${v.path}`,
      message: v.message,
    }));
  });
}

/** TimeWindow: `default` and `max`, ISO-8601 durations of at most 366 days, as java.time.Duration prints them. */
function timeWindow(raw: unknown, violations: Violation[]): { default: string; max: string } {
  const out = { default: DEFAULT_WINDOW_SECONDS, max: MAX_WINDOW_SECONDS };
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) violations.push({ path: 'timeWindow', message: 'must be a mapping with default and max' });
    else
      for (const field of ['default', 'max'] as const) {
        const value = (raw as YamlRoot)[field];
        if (value === undefined || value === null) continue;
        const seconds = typeof value === 'string' ? parseDuration(value) : undefined;
        if (seconds === undefined) violations.push({ path: `timeWindow.${field}`, message: `Text cannot be parsed to a Duration: ${JSON.stringify(value)}` });
        else if (seconds > MAX_WINDOW_SECONDS) violations.push({ path: `timeWindow.${field === 'default' ? 'defaultDuration' : 'max'}`, message: "Time window can't be more than 1 year (366 days)." });
        else out[field] = seconds;
      }
  }
  return { default: formatDuration(out.default), max: formatDuration(out.max) };
}

/** java.time.Duration.parse for `PnDTnHnMn.nS` (days, hours, minutes, seconds); undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{0,9})?)S)?)?$/i.exec(text);
  if (!m || (m[2] === undefined && m[3] === undefined && m[4] === undefined && m[5] === undefined) || /T$/i.test(text)) return undefined;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(',', '.')));
  const total = n(m[2]) * DAY_SECONDS + n(m[3]) * 3600 + n(m[4]) * 60 + n(m[5]);
  return m[1] === '-' ? -total : total;
}

/** java.time.Duration.toString: `PT<h>H<m>M<s>S`, days as hours, `PT0S` for zero. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return 'PT0S';
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const hours = Math.floor(abs / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  const secs = Math.round((abs % 60) * 1e9) / 1e9;
  return `PT${hours ? `${sign}${hours}H` : ''}${minutes ? `${sign}${minutes}M` : ''}${secs ? `${sign}${secs}S` : ''}`;
}

/** DashboardController.DashboardResponse (null fields omitted). */
function dashboardJson(d: DashboardRecord, tenant: string, sourceCode: string): Record<string, unknown> {
  return {
    tenantId: tenant,
    id: d.id,
    title: d.title,
    ...(d.description !== undefined ? { description: d.description } : {}),
    timeWindow: d.timeWindow,
    ...(d.charts !== undefined ? { charts: d.charts } : {}),
    deleted: false,
    created: d.created,
    updated: d.updated,
    sourceCode,
  };
}
