/**
 * The embedded Kestra's request handler: only what Kestra does with a request (steps.ts), over
 * the in-memory or on-disk store. Test knobs are not here: see test-knobs.ts.
 */
import { Router } from './router';
import { KESTRA_PATHS } from './kestra-paths';
import { offerGate, type Edition } from './edition';
import { Store } from './store';
import { DiskStore } from './persist';
import { RequestLog } from './request-log';
import { assembleHandler, type KestraHandler } from './pipeline';
import type { Credentials } from './auth';
import { answerErrors, authenticate, awaitDurable, checkApiPrefix, checkTenant, editionHeaders, invokeRoute, matchRoute, readBody, sendReply } from './steps';
import { flowRoutes } from './routes/flows';
import { fileRoutes } from './routes/files';
import { kvRoutes } from './routes/kv';
import { namespaceRoutes } from './routes/namespaces';
import { secretRoutes } from './routes/secrets';
import { instanceRoutes } from './routes/instance';
import { triggerRoutes } from './routes/triggers';
import { appRoutes } from './routes/apps';
import { testSuiteRoutes } from './routes/tests';
import { dashboardRoutes } from './routes/dashboards';

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
  /**
   * The edition played (default `oss`): in `oss`, the operations only Kestra's Enterprise Edition
   * has are answered as open-source Kestra answers an operation it lacks (edition.ts); in `ee`,
   * the EE routes the emulator implements are served (namespace objects, secrets, apps, tests…).
   */
  edition?: Edition;
  /** `oss`: the keys of the server's `SECRET_<KEY>` environment variables, which OSS lists as its (read-only) secrets. */
  ossSecrets?: readonly string[];
}

const DEFAULT_MAX_BODY_BYTES = 512 * 1024 * 1024;

export function createKestraHandler(opts: KestraHandlerOptions = {}): KestraHandler {
  const major = opts.kestraMajor ?? 2;
  const tenant = opts.tenant ?? 'main';
  const edition = opts.edition ?? 'oss';
  const store = new Store(opts.dataDir ? new DiskStore(opts.dataDir) : undefined);
  const router = kestraRouter(store, major, {
    requireExistingNamespace: opts.requireExistingNamespace ?? false,
    edition,
    ossSecrets: opts.ossSecrets ?? [],
    basicAuth: !!opts.basicAuth,
  });
  const steps = [
    sendReply(),
    ...(edition === 'ee' ? [editionHeaders(edition)] : []),
    answerErrors(major),
    // On disk, an answer waits for the journal's group commit of what it changed (persist.ts).
    ...(opts.dataDir ? [awaitDurable(() => store.durable())] : []),
    readBody(opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    checkApiPrefix(),
    authenticate({ basicAuth: opts.basicAuth, tokens: opts.tokens }),
    matchRoute(router, tenant),
    checkTenant(tenant),
    invokeRoute(tenant),
  ];
  return assembleHandler(steps, new RequestLog(), router.list(), () => store.close());
}

interface RouterSettings {
  requireExistingNamespace: boolean;
  edition: Edition;
  ossSecrets: readonly string[];
  basicAuth: boolean;
}

function kestraRouter(store: Store, major: 1 | 2, settings: RouterSettings): Router {
  // Whoever registers a route, one the edition does not offer is never served.
  const router = new Router(KESTRA_PATHS, offerGate(KESTRA_PATHS, settings.edition, major));
  flowRoutes(router, store, major, settings);
  fileRoutes(router, store, major);
  kvRoutes(router, store, major);
  namespaceRoutes(router, store, { major, edition: settings.edition });
  secretRoutes(router, store, { major, edition: settings.edition, ossSecrets: settings.ossSecrets });
  instanceRoutes(router, { major, edition: settings.edition, basicAuth: settings.basicAuth });
  triggerRoutes(router, store, major);
  appRoutes(router, store, major);
  testSuiteRoutes(router, store, major);
  dashboardRoutes(router, store, major);
  return router;
}
