/**
 * The embedded Kestra server: the subset of Kestra's REST API kestraform uses (flows, namespace
 * files, KV, namespaces), with Kestra's paths, statuses and bodies, in memory or on disk. It
 * serves `kestraform` without KESTRA_URL, the tests and the benchmarks; it is not a Kestra.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Router, type RequestContext, type Reply, type Route } from './router';
import { Store } from './store';
import { DiskStore } from './persist';
import { HttpError, errorBody } from './errors';
import { RequestLog } from './request-log';
import { FaultInjector, type FailRule, type FaultOptions, type LatencyOptions, type InjectedFault } from './faults';
import { flowRoutes } from './routes/flows';
import { fileRoutes } from './routes/files';
import { kvRoutes } from './routes/kv';
import { namespaceRoutes } from './routes/namespaces';

export type { FaultOptions, LatencyOptions, FailRule } from './faults';
export type { RequestLogEntry } from './request-log';
export { RequestLog } from './request-log';

export interface KestraServerOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  tenant?: string;
  kestraMajor?: 1 | 2;
  basicAuth?: { username: string; password: string };
  tokens?: string[];
  latency?: LatencyOptions;
  faults?: FaultOptions;
  /** Largest request body accepted (default 512 MiB). */
  maxBodyBytes?: number;
}

/** Replaces a route's answer (hostile responses for client tests): write anything to `res`. */
export type ResponseOverride = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface ServerKnobs {
  setLatency(l: LatencyOptions): void;
  setFaults(f: FaultOptions): void;
  failNth(rule: FailRule): void;
  clearFaults(): void;
  /** Holds requests arriving from now on until the returned release function is called. */
  hold(): () => void;
  /** Override every answer of `operationId` (undefined restores the real one). */
  override(operationId: string, fn: ResponseOverride | undefined): void;
}

export interface RunningKestraServer {
  url: string;
  port: number;
  log: RequestLog;
  knobs: ServerKnobs;
  /** Routes served, for contract tests. */
  routes: Route[];
  close(): Promise<void>;
}

const PREFIX = /^\/api\/v1\/([^/]+)(\/.*)?$/;

export async function startKestraServer(opts: KestraServerOptions = {}): Promise<RunningKestraServer> {
  const major = opts.kestraMajor ?? 2;
  const tenant = opts.tenant ?? 'main';
  const store = new Store(opts.dataDir ? new DiskStore(opts.dataDir) : undefined);
  const router = new Router();
  flowRoutes(router, store, major);
  fileRoutes(router, store);
  kvRoutes(router, store, major);
  namespaceRoutes(router, store);
  const log = new RequestLog();
  const faults = new FaultInjector();
  if (opts.latency) faults.setLatency(opts.latency);
  if (opts.faults) faults.setFaults(opts.faults);
  const overrides = new Map<string, ResponseOverride>();
  const sockets = new Set<Socket>();
  const maxBody = opts.maxBodyBytes ?? 512 * 1024 * 1024;

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const entry = { method, path: url.pathname, query: url.search.slice(1), route: '', operationId: '', status: 0, bytesIn: 0, bytesOut: 0, ms: 0, fault: undefined as string | undefined };
    const finish = (status: number, bytesOut: number) => {
      entry.status = status;
      entry.bytesOut = bytesOut;
      entry.ms = performance.now() - started;
      log.add({ ...entry });
    };
    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
    } catch {
      const b = errorBody(new HttpError(413, 'payload-too-large', 'Payload too large', `request body over ${maxBody} bytes`), major, url.pathname);
      res.writeHead(413, { 'Content-Type': b.contentType }).end(b.body);
      return finish(413, b.body.length);
    }
    entry.bytesIn = body.length;
    const delay = faults.delayMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const gate = faults.held();
    if (gate) await gate;

    const m = PREFIX.exec(url.pathname);
    const send = (reply: Reply) => {
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
      finish(reply.status, payload?.length ?? 0);
    };
    const fail = (e: HttpError, extra: Record<string, string> = {}) => {
      const b = errorBody(e, major, url.pathname);
      send({ status: e.status, body: b.body, contentType: b.contentType, headers: extra });
    };
    if (!m) return fail(new HttpError(404, 'not-found', 'Not Found', `no route ${url.pathname}`));
    const authProblem = checkAuth(req, opts);
    if (authProblem) return fail(new HttpError(401, 'unauthenticated', 'Unauthorized', authProblem), { 'WWW-Authenticate': 'Basic realm="Kestra"' });
    if (m[1] !== tenant) return fail(new HttpError(400, 'bad-request', 'Bad Request', `Tenant must be '${tenant}' for this server, not '${m[1]}'`));
    const sub = m[2] ?? '/';
    const found = router.match(method, sub);
    if (!found.route) {
      return fail(found.pathMatched ? new HttpError(405, 'method-not-allowed', 'Method Not Allowed', `${method} is not allowed on ${url.pathname}`) : new HttpError(404, 'not-found', 'Not Found', `no route ${url.pathname}`));
    }
    entry.route = `/api/v1/{tenant}${found.route.template}`;
    entry.operationId = found.route.operationId;

    const override = overrides.get(found.route.operationId);
    if (override) {
      entry.fault = 'override';
      override(req, res);
      res.on('finish', () => finish(res.statusCode, 0));
      return;
    }
    const fault = faults.pick(method, found.route.operationId);
    if (fault?.phase === 'before') return inject(fault);

    const ctx: RequestContext = { method, path: sub, query: url.searchParams, params: found.params, headers: req.headers, body, tenant, instance: url.pathname };
    let reply: Reply;
    try {
      reply = await found.route.handler(ctx);
    } catch (e) {
      if (e instanceof HttpError) {
        if (fault) return inject(fault);
        return fail(e);
      }
      return fail(new HttpError(500, 'internal-error', 'Internal server error', `unexpected failure: ${(e as Error).message}`));
    }
    if (fault) return inject(fault);
    send(reply);

    function inject(f: InjectedFault): void {
      entry.fault = f.label;
      if (f.kind === 'reset') {
        req.socket.destroy();
        finish(0, 0);
        return;
      }
      const slug = f.status === 429 ? 'too-many-requests' : f.status === 502 ? 'bad-gateway' : f.status === 504 ? 'timeout' : f.status === 503 ? 'service-unavailable' : 'internal-error';
      fail(new HttpError(f.status, slug, 'Injected failure', `injected ${f.status} (test fault)`), f.retryAfterSeconds !== undefined ? { 'Retry-After': String(f.retryAfterSeconds) } : {});
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    log,
    routes: router.list(),
    knobs: {
      setLatency: (l) => faults.setLatency(l),
      setFaults: (f) => faults.setFaults(f),
      failNth: (r) => faults.addRule(r),
      clearFaults: () => faults.setFaults({}),
      hold: () => faults.hold(),
      override: (op, fn) => (fn ? overrides.set(op, fn) : overrides.delete(op)),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
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

/** undefined when the request may pass; otherwise why not (never echoing what was sent). */
function checkAuth(req: http.IncomingMessage, opts: KestraServerOptions): string | undefined {
  if (!opts.basicAuth && !opts.tokens?.length) return undefined;
  const header = req.headers.authorization ?? '';
  if (opts.basicAuth && header.startsWith('Basic ')) {
    const expected = Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64');
    if (header.slice(6) === expected) return undefined;
    return 'Invalid credentials';
  }
  if (opts.tokens?.length && header.startsWith('Bearer ')) {
    if (opts.tokens.includes(header.slice(7))) return undefined;
    return 'Invalid token';
  }
  return 'Authentication required';
}
