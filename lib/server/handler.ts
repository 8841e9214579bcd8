/**
 * The embedded Kestra's request handler: only what Kestra does with a request (steps.ts), over
 * the in-memory or on-disk store. Test knobs are not here: see test-knobs.ts.
 */
import { Router } from './router';
import { Store } from './store';
import { DiskStore } from './persist';
import { RequestLog } from './request-log';
import { assembleHandler, type KestraHandler } from './pipeline';
import type { Credentials } from './auth';
import { answerErrors, authenticate, checkApiPrefix, checkTenant, invokeRoute, matchRoute, readBody, sendReply } from './steps';
import { flowRoutes } from './routes/flows';
import { fileRoutes } from './routes/files';
import { kvRoutes } from './routes/kv';
import { namespaceRoutes } from './routes/namespaces';

export interface KestraHandlerOptions extends Credentials {
  /** Keep the data in this folder (default: in memory). */
  dataDir?: string;
  tenant?: string;
  kestraMajor?: 1 | 2;
  /** Largest request body accepted (default 512 MiB). */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 512 * 1024 * 1024;

export function createKestraHandler(opts: KestraHandlerOptions = {}): KestraHandler {
  const major = opts.kestraMajor ?? 2;
  const tenant = opts.tenant ?? 'main';
  const router = kestraRouter(new Store(opts.dataDir ? new DiskStore(opts.dataDir) : undefined), major);
  const steps = [
    sendReply(),
    answerErrors(major),
    readBody(opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    checkApiPrefix(),
    authenticate({ basicAuth: opts.basicAuth, tokens: opts.tokens }),
    checkTenant(tenant),
    matchRoute(router),
    invokeRoute(tenant),
  ];
  return assembleHandler(steps, new RequestLog(), router.list());
}

function kestraRouter(store: Store, major: 1 | 2): Router {
  const router = new Router();
  flowRoutes(router, store, major);
  fileRoutes(router, store);
  kvRoutes(router, store, major);
  namespaceRoutes(router, store);
  return router;
}
