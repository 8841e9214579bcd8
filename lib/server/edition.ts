/**
 * The edition the embedded server plays: open-source Kestra (`oss`, the default) or the Enterprise
 * Edition (`ee`), on the emulated line (`kestraMajor`).
 *
 * In `oss`, an operation only the Enterprise Edition has is not offered: the router never takes
 * a route for it (whoever registers one), so it is answered as open-source Kestra answers every
 * operation it lacks — 404, or Micronaut's 405 when the path is served for other methods
 * (router.ts). Which operations those are comes from the specs (kestra-paths.ts: the 2.0 spec's
 * `x-kestra: {edition: ee}` markers, the 1.3 line derived from them), plus the few the 2.0 spec
 * lists unmarked that open-source 2.0 does not have (OSS_2X_WITHDRAWN). In `ee`, every route the
 * emulator implements is served. The Enterprise Edition's source is not public: the EE routes
 * follow the specs, and say where they had to pick.
 */

export type Edition = 'oss' | 'ee';

export const EDITIONS: readonly Edition[] = ['oss', 'ee'];

/** `oss` or `ee` (any case), or undefined. */
export function parseEdition(value: string): Edition | undefined {
  const v = value.trim().toLowerCase();
  return (EDITIONS as readonly string[]).includes(v) ? (v as Edition) : undefined;
}

/** What `GET /api/v1/configs` calls it (EditionProvider.Edition). */
export function editionName(edition: Edition): 'OSS' | 'EE' {
  return edition === 'ee' ? 'EE' : 'OSS';
}

/** The version `GET /api/v1/configs` reports for the emulated line: the released versions of the specs. */
export const EMULATED_VERSION: Readonly<Record<1 | 2, string>> = { 2: '2.0.0', 1: '1.3.26' };

/**
 * Operations the 2.0 spec lists without the ee marker that open-source Kestra 2.0 does not have:
 * the dashboard create, update and delete routes moved to the Enterprise Edition in 2.0
 * (kestra-io/kestra#18971, backported to releases/v2.0.x as #19063, "move the custom-dashboard
 * backend to the ee"; kestra-io/docs migration guide v2.0.0 git-dashboard-tasks-moved-to-ee).
 * OSS 2.0 simply has no such route: `POST /api/v1/main/dashboards` answers 405 with `Allow: HEAD,
 * GET` (kestra-io/plugin-git#334), i.e. what the router answers for an operation not offered.
 */
export const OSS_2X_WITHDRAWN: ReadonlyArray<readonly [method: string, template: string]> = [
  ['POST', '/api/v1/{tenant}/dashboards'],
  ['PUT', '/api/v1/{tenant}/dashboards/{id}'],
  ['DELETE', '/api/v1/{tenant}/dashboards/{id}'],
];

/** Rows of kestra-paths.ts: template, methods, EE methods on 2.0, EE methods on 1.3. */
export type ReservedRows = ReadonlyArray<readonly [template: string, methods: string, ee2?: string, ee1?: string]>;

/** `(method, full template) → offered?` for an edition on a line. */
export type OfferGate = (method: string, fullTemplate: string) => boolean;

/** The operations only the Enterprise Edition offers on the line, as `METHOD template`. */
export function eeOperations(rows: ReservedRows, major: 1 | 2): Set<string> {
  const out = new Set<string>();
  for (const [template, , ee2, ee1] of rows) {
    const ee = major === 2 ? ee2 : ee1;
    for (const method of (ee ?? '').split(' ').filter(Boolean)) out.add(`${method} ${template}`);
  }
  return out;
}

/** The operations the edition does not offer on the line (empty for `ee`). */
export function notOfferedOperations(rows: ReservedRows, edition: Edition, major: 1 | 2): Set<string> {
  if (edition === 'ee') return new Set();
  const out = eeOperations(rows, major);
  if (major === 2) for (const [method, template] of OSS_2X_WITHDRAWN) out.add(`${method} ${template}`);
  return out;
}

export function offerGate(rows: ReservedRows, edition: Edition, major: 1 | 2): OfferGate {
  const withheld = notOfferedOperations(rows, edition, major);
  return (method, fullTemplate) => !withheld.has(`${method} ${fullTemplate}`);
}
