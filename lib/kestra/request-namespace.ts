import type { QueryParams } from './http';

/** Paths whose first segment after these is a namespace (`/flows/{ns}`, `/namespaces/{ns}/files`, `/tests/{ns}/{id}`). */
const NAMESPACE_PATH = /^\/(?:flows|namespaces|tests)\/([^/?]+)/;
const NAMESPACE_QUERY = new Set(['filters[namespace][EQUALS]', 'namespace']);
/** Segments in that place that are operations, not namespaces (`/flows/search`, `/flows/export/…`, `/flows/validate`). */
const OPERATIONS = new Set(['search', 'export', 'validate', 'import', 'delete', 'bulk', 'distinct-namespaces', 'autocomplete']);

/** The namespace a tenant-relative request of this client is about, when its path or query names one. */
export function requestNamespace(request: { path: string; instance?: boolean; query?: QueryParams }): string | undefined {
  if (request.instance) return undefined;
  const inQuery = request.query?.find(([name]) => NAMESPACE_QUERY.has(name));
  if (inQuery) return inQuery[1];
  const m = NAMESPACE_PATH.exec(request.path);
  if (!m || OPERATIONS.has(m[1])) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}
