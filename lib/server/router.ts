/** Route table: Kestra path templates (below /api/v1/{tenant}), methods and operationIds. */
import type { IncomingHttpHeaders } from 'node:http';

export interface RequestContext {
  method: string;
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
  /** Template below /api/v1/{tenant}, e.g. `/flows/{namespace}/{id}`. */
  template: string;
  operationId: string;
  /** Query parameters the handler reads (the contract test checks them against Kestra's spec). */
  query: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Array<Route & { segments: string[] }> = [];

  add(route: Route): void {
    this.routes.push({ ...route, segments: route.template.split('/').filter(Boolean) });
  }

  list(): Route[] {
    return this.routes.map(({ segments: _s, ...r }) => r);
  }

  /** The best match: literal segments beat parameters (so /flows/search is not /flows/{namespace}). */
  match(method: string, subPath: string): { route?: Route; params: Record<string, string>; pathMatched: boolean } {
    const parts = subPath.split('/').filter(Boolean).map(safeDecode);
    let best: { route: Route & { segments: string[] }; params: Record<string, string>; score: number } | undefined;
    let pathMatched = false;
    for (const r of this.routes) {
      if (r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let score = 0;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = r.segments[i];
        if (seg.startsWith('{')) params[seg.slice(1, -1)] = parts[i];
        else if (seg === parts[i]) score += 1;
        else {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      if (!best || score > best.score) best = { route: r, params, score };
    }
    return { route: best?.route, params: best?.params ?? {}, pathMatched };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
