/**
 * The steps of a request as Kestra answers it, outermost first: serialize the reply, map errors
 * to Kestra's error bodies, read the body, check the /api/v1 prefix, authenticate, route the
 * path (router.ts: Kestra's closest match, its reserved paths, the OSS tenant alias), check the
 * tenant the route names (TenantValidationFilter runs after routing), call the route's handler.
 */
import type * as http from 'node:http';
import { fullTemplate, type Reply, type RequestContext, type Router } from './router';
import type { Exchange, Step } from './pipeline';
import { authProblem, type Credentials } from './auth';
import { HttpError, badRequest, errorBody, internalError, methodNotAllowed, payloadTooLarge, routeMiss, unauthenticated } from './errors';
import { editionName, type Edition } from './edition';

const API_PREFIX = /^\/api\/v1(\/|$)/;

/** Writes `reply` (JSON, bytes or nothing) and logs the request. */
export function sendReply(): Step {
  return {
    name: 'sendReply',
    async run(ex, next) {
      await next();
      if (ex.answeredDirectly) return;
      if (!ex.reply) throw new Error(`the pipeline left ${ex.method} ${ex.url.pathname} without a reply`);
      ex.logAnswer(ex.reply.status, writeReply(ex.res, ex.reply));
    },
  };
}

/**
 * Lets the reply go only once what the request changed, and whatever was changed before it, is
 * durable (`--data`: the journal's group fdatasync, persist.ts): an answer never acknowledges or
 * shows a change that a kill could still lose. Inside answerErrors, so a data folder that cannot
 * be written is answered as a 500 that says so.
 */
export function awaitDurable(durable: () => Promise<void>): Step {
  return {
    name: 'awaitDurable',
    async run(_ex, next) {
      try {
        await next();
      } finally {
        // A route that failed part-way may have changed something too.
        await durable();
      }
    },
  };
}

/** Answers an HttpError with Kestra's error body for `major`; any other exception is a 500. */
export function answerErrors(major: 1 | 2): Step {
  return {
    name: 'answerErrors',
    async run(ex, next) {
      try {
        await next();
      } catch (e) {
        ex.reply = errorReply(e instanceof HttpError ? e : internalError(e), major, { path: ex.url.pathname, uri: ex.url.pathname + ex.url.search });
      }
    },
  };
}

export function readBody(maxBytes: number): Step {
  return {
    name: 'readBody',
    async run(ex, next) {
      try {
        ex.body = await readLimited(ex.req, maxBytes);
      } catch {
        throw payloadTooLarge(maxBytes);
      }
      ex.record.bytesIn = ex.body.length;
      return next();
    },
  };
}

/** Kestra's API is below /api/v1 (and what is not has no route here, before any authentication). */
export function checkApiPrefix(): Step {
  return {
    name: 'checkApiPrefix',
    async run(ex, next) {
      if (!API_PREFIX.test(ex.url.pathname)) throw routeMiss();
      return next();
    },
  };
}

export function authenticate(credentials: Credentials): Step {
  return {
    name: 'authenticate',
    async run(ex, next) {
      const problem = authProblem(ex.req.headers, credentials);
      if (problem) throw unauthenticated(problem);
      return next();
    },
  };
}

/**
 * The route for the path, as router.ts resolves it; an operation Kestra has but this server does
 * not offer, or a path nothing serves, gets Micronaut's answer: 405 (with Allow) when a served
 * route has the path for another method, else Kestra's 404.
 */
export function matchRoute(router: Router, tenant: string): Step {
  return {
    name: 'matchRoute',
    async run(ex, next) {
      const found = router.resolve(ex.method, ex.url.pathname, tenant);
      if (found.kind !== 'route') throw found.allowed.length ? methodNotAllowed(ex.method, ex.url.pathname + ex.url.search, found.allowed) : routeMiss();
      ex.api = { tenant: found.tenant, subPath: found.subPath };
      ex.matched = { route: found.route, params: found.params };
      ex.record.route = fullTemplate(found.route);
      ex.record.operationId = found.route.operationId;
      return next();
    },
  };
}

/** The tenant the matched route names must be the one served (OSS: TenantValidationFilter, 400). */
export function checkTenant(tenant: string): Step {
  return {
    name: 'checkTenant',
    async run(ex, next) {
      const named = apiOf(ex).tenant;
      if (named !== tenant) throw badRequest(`Tenant must be '${tenant}' for OSS version`);
      return next();
    },
  };
}

export function invokeRoute(tenant: string): Step {
  return {
    name: 'invokeRoute',
    async run(ex) {
      if (!ex.matched) throw new Error('invokeRoute runs after matchRoute');
      const ctx: RequestContext = { method: ex.method, path: apiOf(ex).subPath, query: ex.url.searchParams, params: ex.matched.params, headers: ex.req.headers, body: ex.body, tenant, instance: ex.url.pathname };
      ex.reply = await ex.matched.route.handler(ctx);
    },
  };
}

function apiOf(ex: Exchange): { tenant: string; subPath: string } {
  if (!ex.api) throw new Error('matchRoute has not run');
  return ex.api;
}

function errorReply(e: HttpError, major: 1 | 2, place: { path: string; uri: string }): Reply {
  const b = errorBody(e, major, place);
  return { status: e.status, body: b.body, contentType: b.contentType, headers: b.headers };
}

/** Writes the reply; returns the bytes of body sent. */
function writeReply(res: http.ServerResponse, reply: Reply): number {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: Buffer | undefined;
  if (reply.json !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.json));
    headers['Content-Type'] = 'application/json';
  } else if (reply.body !== undefined) {
    payload = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
    headers['Content-Type'] = reply.contentType ?? 'application/octet-stream';
  }
  if (payload) headers['Content-Length'] = String(payload.length);
  res.writeHead(reply.status, headers).end(payload);
  return payload?.length ?? 0;
}

/** Rejects (and stops reading) once the body passes `max` bytes. */
function readLimited(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Kestra 2.x stamps `X-Kestra-Edition` on every 404 (NotFoundHeadersFilter, with the edition's
 * name); the error bodies (errors.ts) put the open-source value there. An EE server says EE.
 * Nothing else is added, and nothing on 1.x (which has no such filter).
 */
export function editionHeaders(edition: Edition): Step {
  return {
    name: 'editionHeaders',
    async run(ex, next) {
      await next();
      const headers = ex.reply?.headers;
      if (headers && 'X-Kestra-Edition' in headers) headers['X-Kestra-Edition'] = editionName(edition);
    },
  };
}
