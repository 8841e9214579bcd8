/**
 * The request pipeline: a request is an Exchange passed through an ordered list of named steps,
 * each of which may act before and after the rest (`next`), answer by setting `reply`, or throw
 * an HttpError for the error step to answer. The Kestra steps are in steps.ts; test knobs insert
 * theirs between them (test-knobs.ts).
 */
import type * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Reply, Route } from './router';
import { RequestLog, type RequestLogEntry } from './request-log';

export interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly method: string;
  readonly url: URL;
  body: Buffer;
  /** Set by matchRoute: the tenant the route names and the path below /api/v1/{tenant} (an aliased path gets the served tenant). */
  api?: { tenant: string; subPath: string };
  /** Set by matchRoute. */
  matched?: { route: Route; params: Record<string, string> };
  /** The answer sendReply serializes. */
  reply?: Reply;
  /** Set by a step that wrote (or dropped) the response itself and logged it: nothing more is sent. */
  answeredDirectly: boolean;
  /** The log entry being filled in (route, operationId, fault…). */
  readonly record: RequestLogEntry;
  /** Completes the log entry with what was sent and adds it to the log. */
  logAnswer(status: number, bytesOut: number): void;
}

export interface Step {
  readonly name: string;
  run(ex: Exchange, next: () => Promise<void>): Promise<void>;
}

export interface KestraHandler {
  /** The steps every request goes through, outermost first. */
  readonly steps: readonly Step[];
  readonly log: RequestLog;
  /** Routes served, for contract tests. */
  readonly routes: Route[];
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  /** Lets the handler's data go (a data folder: its pending writes synced, then released). */
  close(): Promise<void>;
}

export function assembleHandler(steps: readonly Step[], log: RequestLog, routes: Route[], close: () => Promise<void> = () => Promise.resolve()): KestraHandler {
  return {
    steps,
    log,
    routes,
    handle: (req, res) => runSteps(steps, newExchange(req, res, log)),
    close,
  };
}

/** `steps` with `inserted` placed right after the step named `after`. */
export function insertAfter(steps: readonly Step[], after: string, ...inserted: Step[]): Step[] {
  const at = steps.findIndex((s) => s.name === after);
  if (at < 0) throw new Error(`no pipeline step named ${after} (steps: ${steps.map((s) => s.name).join(', ')})`);
  return [...steps.slice(0, at + 1), ...inserted, ...steps.slice(at + 1)];
}

function runSteps(steps: readonly Step[], ex: Exchange): Promise<void> {
  const dispatch = (i: number): Promise<void> => (i < steps.length ? steps[i].run(ex, () => dispatch(i + 1)) : Promise.resolve());
  return dispatch(0);
}

function newExchange(req: http.IncomingMessage, res: http.ServerResponse, log: RequestLog): Exchange {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const record: RequestLogEntry = { method, path: url.pathname, query: url.search.slice(1), route: '', operationId: '', status: 0, bytesIn: 0, bytesOut: 0, ms: 0, fault: undefined };
  return {
    req,
    res,
    method,
    url,
    body: Buffer.alloc(0),
    answeredDirectly: false,
    record,
    logAnswer(status, bytesOut) {
      record.status = status;
      record.bytesOut = bytesOut;
      record.ms = performance.now() - started;
      log.add({ ...record });
    },
  };
}
