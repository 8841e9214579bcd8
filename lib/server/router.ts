/**
 * Route table: Kestra path templates (below /api/v1/{tenant}), methods and operationIds, and the
 * resolution of a request path as Kestra's router (Micronaut's, behind OSS TenantAliasingRooter)
 * resolves it:
 * - among the templates that match the path for the method, the one with the most literal
 *   segments wins (fewer variables: Micronaut's closest match), so `/flows/search` is never
 *   flow namespace `search`;
 * - Kestra's own paths (lib/server/kestra-paths.ts: every path of its 2.0 and 1.3 specs) take
 *   part in that contest even where the emulator does not serve them, and win as "not offered":
 *   answered as Kestra answers an operation it does not have (404, or 405 when the emulator serves
 *   the same path with other methods) — never as another operation whose parameters happen to
 *   match (`DELETE /flows/delete/by-ids` is not flow `by-ids` of namespace `delete`);
 * - a path under /api/v1/ that nothing matches is tried again below /api/v1/{tenant}
 *   (TenantAliasingRooter, kestra-io/kestra 3d9ad1b9: `/api/v1/flows/x` is `/api/v1/main/flows/x`;
 *   never for `/api/v1/main/…` or `/api/v1/configs`);
 * - when nothing serves the path for this method: 405 if a served route has the path for another
 *   method (Micronaut's onRouteMiss), else 404;
 * - a route whose operation the edition does not offer (edition.ts: EE-only operations in `oss`)
 *   is never added, whoever registers it: its path stays reserved, so it is answered as not offered.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { KESTRA_PATHS } from './kestra-paths';
import type { OfferGate, ReservedRows } from './edition';

export interface RequestContext {
  method: string;
  /** The path below /api/v1/{tenant}. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  tenant: string;
  /** The request path, for error bodies' `instance`. */
  instance: string;
}

export interface Reply {
  status: number;
  json?: unknown;
  body?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  /** Template below /api/v1/{tenant}, e.g. `/flows/{namespace}/{id}` (below /api/v1 for an instance route). */
  template: string;
  /** An instance route, outside any tenant (`/api/v1/configs`): `template` is below /api/v1. */
  instance?: boolean;
  operationId: string;
  /** Query parameters the handler reads (the contract test checks them against Kestra's spec). */
  query: string[];
  handler: Handler;
}

export type Resolution =
  | { kind: 'route'; route: Route; params: Record<string, string>; tenant: string; subPath: string }
  /** A path Kestra reserves for an operation this server does not offer; `allowed`: methods it serves there. */
  | { kind: 'not-offered'; template: string; allowed: string[] }
  /** No template matches the path for this method; `allowed`: methods served routes have for it. */
  | { kind: 'miss'; allowed: string[] };

/** A template's segments: a literal, or null for a `{variable}`. */
interface Compiled {
  segments: Array<string | null>;
  names: Array<string | undefined>;
  literals: number;
  /** The template with its variables unnamed, e.g. `/api/v1/{}/flows/{}`. */
  shape: string;
}

const TENANT_PREFIX = '/api/v1/{tenant}';

/** The route's full path template, as Kestra's specs write it (`/api/v1/{tenant}/flows/{namespace}`, `/api/v1/configs`). */
export function fullTemplate(route: Pick<Route, 'template' | 'instance'>): string {
  return (route.instance ? '/api/v1' : TENANT_PREFIX) + route.template;
}

function compile(fullTemplate: string): Compiled {
  const parts = fullTemplate.split('/').filter(Boolean);
  const segments = parts.map((p) => (p.startsWith('{') ? null : p));
  return {
    segments,
    names: parts.map((p) => (p.startsWith('{') ? p.slice(1, -1) : undefined)),
    literals: segments.filter((s) => s !== null).length,
    shape: '/' + segments.map((s) => s ?? '{}').join('/'),
  };
}

function matches(c: Compiled, parts: string[]): boolean {
  if (c.segments.length !== parts.length) return false;
  for (let i = 0; i < parts.length; i++) if (c.segments[i] !== null && c.segments[i] !== parts[i]) return false;
  return true;
}

export class Router {
  private readonly served: Array<{ route: Route; c: Compiled }> = [];
  /** Kestra's paths by segment count: method and compiled template. */
  private readonly reserved = new Map<number, Array<{ method: string; template: string; c: Compiled }>>();

  /** Routes the edition does not offer: registered, never served. */
  private readonly withheld: Route[] = [];

  /** `offers`: whether the edition offers an operation (default: every one). */
  constructor(
    reserved: ReservedRows = KESTRA_PATHS,
    private readonly offers: OfferGate = () => true,
  ) {
    for (const [template, methods] of reserved) {
      const c = compile(template);
      const list = this.reserved.get(c.segments.length) ?? [];
      for (const method of methods.split(' ')) list.push({ method, template, c });
      this.reserved.set(c.segments.length, list);
    }
  }

  add(route: Route): void {
    const template = fullTemplate(route);
    if (!this.offers(route.method, template)) {
      this.withheld.push(route);
      return;
    }
    this.served.push({ route, c: compile(template) });
  }

  list(): Route[] {
    return this.served.map((s) => s.route);
  }

  /** Routes registered for operations the edition does not offer (answered as not offered). */
  listWithheld(): Route[] {
    return [...this.withheld];
  }

  /** How a request for `pathname` (the full URL path) is routed; `tenant` is the tenant an aliased path gets. */
  resolve(method: string, pathname: string, tenant: string): Resolution {
    const parts = pathname.split('/').filter(Boolean).map(safeDecode);
    const direct = this.closest(method, parts, tenant);
    if (direct) return direct;
    if (pathname.startsWith('/api/v1/') && !/^\/api\/v1\/main\/.*$/.test(pathname) && pathname !== `/api/v1/${tenant}` && !pathname.startsWith(`/api/v1/${tenant}/`) && pathname !== '/api/v1/configs') {
      const aliased = this.closest(method, ['api', 'v1', tenant, ...parts.slice(2)], tenant);
      if (aliased) return aliased;
    }
    return { kind: 'miss', allowed: this.served.filter((s) => s.route.method !== method && matches(s.c, parts)).map((s) => s.route.method) };
  }

  private closest(method: string, parts: string[], servedTenant: string): Resolution | undefined {
    let best: { literals: number; served?: { route: Route; c: Compiled }; reserved?: { template: string; c: Compiled } } | undefined;
    for (const s of this.served) {
      if (s.route.method !== method || !matches(s.c, parts)) continue;
      if (!best || s.c.literals > best.literals) best = { literals: s.c.literals, served: s };
    }
    for (const r of this.reserved.get(parts.length) ?? []) {
      if (r.method !== method || !matches(r.c, parts)) continue;
      // On a tie the served route stands: it is that very path (or one Kestra ranks the same).
      if (!best || r.c.literals > best.literals) best = { literals: r.c.literals, reserved: r };
    }
    if (!best) return undefined;
    if (best.served) {
      const { route, c } = best.served;
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => {
        if (name !== undefined) params[name] = parts[i];
      });
      const { tenant, ...own } = params;
      // An instance route names no tenant: it runs as the served one.
      if (route.instance) return { kind: 'route', route, params, tenant: servedTenant, subPath: '/' + parts.slice(2).join('/') };
      return { kind: 'route', route, params: own, tenant, subPath: '/' + parts.slice(3).join('/') };
    }
    const shape = best.reserved!.c.shape;
    return { kind: 'not-offered', template: best.reserved!.template, allowed: this.served.filter((s) => s.c.shape === shape).map((s) => s.route.method) };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
