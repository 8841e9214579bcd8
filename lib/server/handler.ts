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
import { triggerRoutes } from './routes/triggers';

export interface KestraHandlerOptions extends Credentials {
  /** Keep the data in this folder (default: in memory). */
  dataDir?: string;
  tenant?: string;
  kestraMajor?: 1 | 2;
  /** Largest request body accepted (default 512 MiB). */
  maxBodyBytes?: number;
  /**
   * Kestra's `kestra.require-existing-namespace: true` (an operator setting, default false): a flow
   * may be created only in a namespace that already exists — for open-source Kestra, one that a
   * flow's namespace, or one of its ancestors, starts with (FlowRepositoryInterface.isNamespaceExists).
   */
  requireExistingNamespace?: boolean;
}

const DEFAULT_MAX_BODY_BYTES = 512 * 1024 * 1024;

export function createKestraHandler(opts: KestraHandlerOptions = {}): KestraHandler {
  const major = opts.kestraMajor ?? 2;
  const tenant = opts.tenant ?? 'main';
  const router = kestraRouter(new Store(opts.dataDir ? new DiskStore(opts.dataDir) : undefined), major, { requireExistingNamespace: opts.requireExistingNamespace ?? false });
  const steps = [
    sendReply(),
    answerErrors(major),
    readBody(opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    checkApiPrefix(),
    authenticate({ basicAuth: opts.basicAuth, tokens: opts.tokens }),
    matchRoute(router, tenant),
    checkTenant(tenant),
    invokeRoute(tenant),
  ];
  return assembleHandler(steps, new RequestLog(), router.list());
}

function kestraRouter(store: Store, major: 1 | 2, settings: { requireExistingNamespace: boolean }): Router {
  const router = new Router();
  flowRoutes(router, store, major, settings);
  fileRoutes(router, store, major);
  kvRoutes(router, store, major);
  namespaceRoutes(router, store);
  triggerRoutes(router, store, major);
  return router;
}
