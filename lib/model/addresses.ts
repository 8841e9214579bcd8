/**
 * Natural-key addresses, the one way kestraform names a Kestra object in plans, state and
 * messages: `<kind>:<namespace><separator><name>` — `flow:company.team/hello`,
 * `file:company.team:/scripts/etl.py`, `kv:company.team/api_url`. A namespace never holds "/" or
 * ":", so the first separator after it ends it. A namespace object is named by its namespace
 * alone (`namespace:company.team`); tenant-wide objects (dashboards) live in the reserved scope
 * `_global` (`dashboard:_global/overview`), which no namespace can be named (a namespace starts
 * with a lowercase letter or digit). Terraform-local resources (null_resource, terraform_data)
 * keep their Terraform address, `<type>.<logical id>`, which holds no ":".
 */

/** The character between namespace and name, per kind ("/" unless said here). */
const SEPARATORS: Record<string, '/' | ':'> = { file: ':' };

/** Kinds whose one object per namespace is named by the namespace itself. */
const SELF_NAMED = new Set(['namespace']);

/** The scope of tenant-wide objects (dashboards), in place of a namespace; Kestra's Git layout calls its folder `_global`. */
export const TENANT_SCOPE = '_global';

export interface ObjectAddress {
  kind: string;
  namespace: string;
  /** Flow id, namespace-file path ("/…"), KV key — whatever names the object in its namespace. */
  name: string;
}

export function formatAddress(kind: string, namespace: string, name: string): string {
  if (SELF_NAMED.has(kind)) return `${kind}:${namespace}`;
  return `${kind}:${namespace}${SEPARATORS[kind] ?? '/'}${name}`;
}

/** The parts of a Kestra object's address; undefined for anything else (a local resource, a typo). */
export function parseAddress(address: string): ObjectAddress | undefined {
  const colon = address.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = address.slice(0, colon);
  if (!/^[a-z][a-z0-9_-]*$/.test(kind)) return undefined;
  if (SELF_NAMED.has(kind)) {
    const namespace = address.slice(colon + 1);
    return namespace === '' || /[/:]/.test(namespace) ? undefined : { kind, namespace, name: namespace };
  }
  const sep = SEPARATORS[kind] ?? '/';
  const end = address.indexOf(sep, colon + 1);
  if (end <= colon + 1) return undefined;
  const namespace = address.slice(colon + 1, end);
  if (/[/:]/.test(namespace)) return undefined;
  // A file's name is its path: it keeps its leading "/".
  const name = address.slice(end + 1);
  if (name === '' || (sep === ':' && !name.startsWith('/'))) return undefined;
  return { kind, namespace, name };
}

/** The namespace of a Kestra object's address (undefined for a local resource). */
export function namespaceOfAddress(address: string): string | undefined {
  // Asked of every address several times per plan (refresh, planner, state): each parsed once.
  let ns = namespaces.get(address);
  if (ns === undefined && !namespaces.has(address)) {
    if (namespaces.size >= NAMESPACE_MEMO_LIMIT) namespaces.clear();
    ns = parseAddress(address)?.namespace;
    namespaces.set(address, ns);
  }
  return ns;
}

const NAMESPACE_MEMO_LIMIT = 200_000;
const namespaces = new Map<string, string | undefined>();

/** How to write an address of each built-in kind, for messages about a malformed one. */
export const ADDRESS_FORMS = 'flow:NAMESPACE/ID, file:NAMESPACE:/PATH, kv:NAMESPACE/KEY, app:NAMESPACE/ID, test:NAMESPACE/ID, dashboard:_global/ID, namespace:NAMESPACE or secret:NAMESPACE/KEY';

export const flowAddress = (namespace: string, id: string): string => formatAddress('flow', namespace, id);
export const fileAddress = (namespace: string, path: string): string => formatAddress('file', namespace, path);
export const kvAddress = (namespace: string, key: string): string => formatAddress('kv', namespace, key);
export const appAddress = (namespace: string, id: string): string => formatAddress('app', namespace, id);
export const testAddress = (namespace: string, id: string): string => formatAddress('test', namespace, id);
export const dashboardAddress = (id: string): string => formatAddress('dashboard', TENANT_SCOPE, id);
export const namespaceObjectAddress = (namespace: string): string => formatAddress('namespace', namespace, namespace);
export const secretAddress = (namespace: string, key: string): string => formatAddress('secret', namespace, key);
