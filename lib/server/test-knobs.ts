/**
 * Test and benchmark machinery around a Kestra handler: latency and holds once the body is read;
 * response overrides and injected faults once the route is known (so a fault can strike before
 * the route's effect or after it). Only tests, the bench and `kestraform server --latency-ms`
 * assemble it; the CLI's embedded Kestra runs the plain handler.
 */
import type * as http from 'node:http';
import { FaultInjector, type FailRule, type FaultOptions, type InjectedFault, type LatencyOptions } from './faults';
import { HttpError } from './errors';
import { assembleHandler, insertAfter, type Exchange, type KestraHandler, type Step } from './pipeline';

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

export interface TestKnobOptions {
  latency?: LatencyOptions;
  faults?: FaultOptions;
}

export interface KnobbedHandler extends KestraHandler {
  readonly knobs: ServerKnobs;
}

/** `handler` with the knobs' steps in its pipeline; the log and routes are the same. */
export function withTestKnobs(handler: KestraHandler, opts: TestKnobOptions = {}): KnobbedHandler {
  const faults = new FaultInjector();
  if (opts.latency) faults.setLatency(opts.latency);
  if (opts.faults) faults.setFaults(opts.faults);
  const overrides = new Map<string, ResponseOverride>();
  const steps = insertAfter(insertAfter(handler.steps, 'readBody', injectLatency(faults), waitWhileHeld(faults)), 'matchRoute', overrideResponses(overrides), injectFaults(faults));
  return {
    ...assembleHandler(steps, handler.log, handler.routes),
    knobs: {
      setLatency: (l) => faults.setLatency(l),
      setFaults: (f) => faults.setFaults(f),
      failNth: (r) => faults.addRule(r),
      clearFaults: () => faults.setFaults({}),
      hold: () => faults.hold(),
      override: (op, fn) => (fn ? overrides.set(op, fn) : overrides.delete(op)),
    },
  };
}

function injectLatency(faults: FaultInjector): Step {
  return {
    name: 'injectLatency',
    async run(_ex, next) {
      const ms = faults.delayMs();
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      return next();
    },
  };
}

function waitWhileHeld(faults: FaultInjector): Step {
  return {
    name: 'waitWhileHeld',
    async run(_ex, next) {
      const gate = faults.held();
      if (gate) await gate;
      return next();
    },
  };
}

function overrideResponses(overrides: Map<string, ResponseOverride>): Step {
  return {
    name: 'overrideResponses',
    async run(ex, next) {
      const override = overrides.get(ex.record.operationId);
      if (!override) return next();
      ex.record.fault = 'override';
      ex.answeredDirectly = true;
      override(ex.req, ex.res);
      ex.res.on('finish', () => ex.logAnswer(ex.res.statusCode, 0));
    },
  };
}

/**
 * A 'before' fault answers instead of the route; an 'after' one lets the route run (its effect
 * stays) and replaces its answer, refusal included. A route's crash (a bug) is not masked.
 */
function injectFaults(faults: FaultInjector): Step {
  return {
    name: 'injectFaults',
    async run(ex, next) {
      const fault = faults.pick(ex.method, ex.record.operationId);
      if (!fault) return next();
      if (fault.phase === 'after') {
        try {
          await next();
        } catch (e) {
          if (!(e instanceof HttpError)) throw e;
        }
      }
      inject(ex, fault);
    },
  };
}

function inject(ex: Exchange, fault: InjectedFault): void {
  ex.record.fault = fault.label;
  if (fault.kind === 'reset') {
    ex.req.socket.destroy();
    ex.answeredDirectly = true;
    ex.logAnswer(0, 0);
    return;
  }
  throw injectedFailure(fault.status, fault.retryAfterSeconds);
}

function injectedFailure(status: number, retryAfterSeconds: number | undefined): HttpError {
  const slug = status === 429 ? 'too-many-requests' : status === 502 ? 'bad-gateway' : status === 504 ? 'timeout' : status === 503 ? 'service-unavailable' : 'internal-error';
  const headers: Record<string, string> = retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {};
  return new HttpError(status, slug, 'Injected failure', `injected ${status} (test fault)`, [], headers);
}
