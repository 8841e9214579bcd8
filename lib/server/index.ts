/**
 * The embedded Kestra server: the subset of Kestra's REST API kestraform uses (flows, namespace
 * files, KV, namespaces), with Kestra's paths, statuses and bodies, in memory or on disk, in the
 * 1.x or 2.x line (`kestraMajor`), as open-source Kestra or its Enterprise Edition (`edition`,
 * edition.ts: in `oss` the EE-only operations are not offered) and optionally with the operator
 * setting kestra.require-existing-namespace; every other path of Kestra's specs is answered as
 * Kestra answers an operation it does not offer (router.ts). It serves `kestraform` without KESTRA_URL,
 * the tests and the benchmarks; it is not a Kestra.
 *
 * A plain handler (handler.ts) served over HTTP (listen.ts); the test knobs (test-knobs.ts) wrap
 * it only when asked for.
 */
import type { Route } from './router';
import type { RequestLog } from './request-log';
import type { KestraHandler } from './pipeline';
import { createKestraHandler, type KestraHandlerOptions } from './handler';
import { listen, type ListenOptions } from './listen';
import type { KnobbedHandler, ServerKnobs, TestKnobOptions } from './test-knobs';
import { lazy } from '../util/lazy';

export type { FaultOptions, LatencyOptions, FailRule } from './faults';
export type { RequestLogEntry } from './request-log';
export { RequestLog } from './request-log';
export type { KestraHandler, Step, Exchange } from './pipeline';
export { createKestraHandler, type KestraHandlerOptions } from './handler';
export { parseEdition, EDITIONS, type Edition } from './edition';
export { listen, type ListenOptions, type Listening } from './listen';
export type { KnobbedHandler, ServerKnobs, ResponseOverride, TestKnobOptions } from './test-knobs';

// The knobs (latency, holds, faults) load only where a test or the bench asks for them.
const testKnobs = lazy(() => require('./test-knobs') as typeof import('./test-knobs'));

/** Wraps a plain handler with the test knobs. */
export function withTestKnobs(...args: Parameters<typeof import('./test-knobs').withTestKnobs>): KnobbedHandler {
  return testKnobs().withTestKnobs(...args);
}

export interface KestraServerOptions extends KestraHandlerOptions, ListenOptions, TestKnobOptions {}

export interface RunningKestraServer {
  url: string;
  port: number;
  log: RequestLog;
  /** The test knobs; the first use puts them in the pipeline (given latency or faults, it starts with them). */
  readonly knobs: ServerKnobs;
  /** Routes served, for contract tests. */
  routes: Route[];
  close(): Promise<void>;
}

export async function startKestraServer(opts: KestraServerOptions = {}): Promise<RunningKestraServer> {
  const plain = createKestraHandler(opts);
  let serving: KestraHandler = plain;
  let knobbed: KnobbedHandler | undefined;
  // Requests already in the plain pipeline finish there; the next ones go through the knobs.
  const knobs = (): ServerKnobs => {
    knobbed ??= withTestKnobs(plain, opts);
    serving = knobbed;
    return knobbed.knobs;
  };
  if (opts.latency || opts.faults) knobs();
  const server = await listen((req, res) => void serving.handle(req, res), opts);
  return {
    url: server.url,
    port: server.port,
    log: plain.log,
    routes: plain.routes,
    get knobs() {
      return knobs();
    },
    // The data folder goes last: its pending commits finish before it is let go.
    close: async () => {
      try {
        await server.close();
      } finally {
        await plain.close();
      }
    },
  };
}
