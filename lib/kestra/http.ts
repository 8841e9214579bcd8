/**
 * One HTTP exchange with Kestra, done carefully: tenant-prefixed URL, auth header, a timeout that
 * covers the response headers and the whole body, a body size cap, typed errors with Kestra's
 * own message, retries for idempotent requests, and an instrumentation hook per attempt.
 */
import { rootCertificates } from 'node:tls';
import * as zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import pLimit from 'p-limit';
import type { Agent as UndiciAgent } from 'undici';
import { exchange, ExchangeFailure, type Answer, type BodyLimit } from './exchange';
import type { KestraAuth } from './config';
import {
  KestraApiError,
  KestraError,
  KestraNetworkError,
  KestraResponseTooLargeError,
  KestraTimeoutError,
  KestraUsageError,
  type RequestIdentity,
} from './errors';
import { summariseErrorBody } from './error-body';
import { getKey, type AnswerParts, type ThreadReads } from './early-thread';
import { isRetryableError, parseRetryAfter, retryDelayMs, sleep, type RetryPolicy } from './retry';

// undici's Agent alone, without the rest of undici's index — fetch, web streams, mocks, HTTP/2 and
// what they load: ~40 ms at the start of every command that talks to Kestra (./exchange: the
// requests are plain dispatches).
const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type QueryParams = ReadonlyArray<readonly [string, string]>;

export interface RequestSpec {
  method: HttpMethod;
  /** Path below `/api/v1/{tenant}`, already encoded, e.g. `/flows/company.team` (below `/api/v1` when `instance`). */
  path: string;
  /** An instance endpoint, outside any tenant (`/api/v1/configs`): `path` is below `/api/v1`. */
  instance?: boolean;
  query?: QueryParams;
  headers?: Record<string, string>;
  body?: { data: Buffer | string; contentType: string };
  /** Short operation name for instrumentation, e.g. `listFlows`. */
  operation: string;
  /** What the request is for, in words, e.g. `update flow company.team/hello`. */
  target: string;
  /** Safe to repeat: only idempotent requests are retried. */
  idempotent: boolean;
  /** Error statuses handed back to the caller instead of thrown (e.g. 404 meaning "absent"). */
  acceptStatus?: readonly number[];
  /** Operation-specific advice for some statuses, replacing the generic one. */
  hints?: Readonly<Partial<Record<number, string>>>;
  /**
   * This request's own time bound, instead of the client's: for one whose answer waits on work
   * Kestra does first (a test suite's run). `raise` names what sets it, for the timeout's message.
   */
  timeout?: { ms: number; raise: string };
}

export interface HttpResponse {
  identity: RequestIdentity;
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
}

/** One attempt of one request, as seen by the `onRequest` hook. */
export interface KestraRequestEvent {
  method: HttpMethod;
  /** URL path without the query, e.g. `/api/v1/main/flows/company.team`. */
  path: string;
  /** The encoded query string without `?` ('' when none). */
  query: string;
  operation: string;
  /** HTTP status, or 0 when no answer arrived. */
  status: number;
  bytesIn: number;
  bytesOut: number;
  ms: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** Why the attempt failed without a usable answer: an error code, `timeout` or `too-large`. */
  error?: string;
}

export interface TransportOptions {
  url: string;
  tenant: string;
  auth?: KestraAuth;
  /** Extra CA certificate(s), PEM, trusted besides Node's bundled roots. */
  ca?: string | Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Requests in flight at once, over all callers; more wait their turn. Unlimited when absent. */
  maxInFlight?: number;
  retry: RetryPolicy;
  onRequest?: (event: KestraRequestEvent) => void;
  /** Random source for backoff jitter (tests make it deterministic). */
  random?: () => number;
}

/**
 * Answers to GETs one transport received, kept for another transport to the same Kestra (same
 * URL, tenant and credentials: the caller's to ensure) to take instead of asking again — each
 * answer once, for the same GET (getKey). A plan's refresh takes what its read ahead
 * (lib/cli/read-ahead.ts) received for a namespace it must read again: answers as old as those of
 * the namespaces it took whole.
 */
export class KeptAnswers {
  private readonly byRequest = new Map<string, HttpResponse[]>();
  /** How many answers were taken. */
  taken = 0;

  keep(key: string, answer: HttpResponse): void {
    const list = this.byRequest.get(key);
    if (list) list.push(answer);
    else this.byRequest.set(key, [answer]);
  }

  take(key: string): HttpResponse | undefined {
    const answer = this.byRequest.get(key)?.shift();
    if (answer) this.taken++;
    return answer;
  }

  clear(): void {
    this.byRequest.clear();
  }
}

/**
 * A GET as it can be asked again in another process (lib/cli/early-reads.ts): what identifies it
 * and how its answer is read — never a body, never credentials (those the transport adds).
 */
export interface RecordedGet {
  path: string;
  instance?: boolean;
  query?: QueryParams;
  headers?: Record<string, string>;
  acceptStatus?: readonly number[];
  operation: string;
  target: string;
}

/** Bodies of error answers are only read this far: enough for Kestra's message. */
const ERROR_BODY_LIMIT = 64 * 1024;
const USER_AGENT = 'kestraform';


/**
 * Where a request sent from another thread (takeEarlyFromThread) is told, for whoever times a
 * command's requests (bench/cli-probe.js): `{ startMs, endMs }` on this thread's clock.
 */
const requestOnThread = diagnosticsChannel.channel('kestraform:request-on-thread');

export class HttpTransport {
  private readonly agent: UndiciAgent;
  private readonly authorization?: string;
  private readonly slots?: pLimit.Limit;
  private readonly origin: string;
  private readonly basePath: string;
  private keeping?: KeptAnswers;
  private readonly reusing: KeptAnswers[] = [];
  /** GETs sent before anyone asked (takeEarlyFromThread), by getKey: each answer taken once; undefined when the early attempt failed. */
  private readonly early = new Map<string, Promise<HttpResponse | undefined>[]>();
  /** Until the early thread's GETs are all answered: this transport's own requests wait (one in-flight bound for both). */
  private earlyInFlight?: Promise<void>;
  private earlyAsked = 0;
  private earlyTaken = 0;
  private recorded?: RecordedGet[];
  /** After close(): a command that failed (or ended) sends nothing more — not the requests queued behind the failed one, nor their retries. */
  private closed = false;
  private closing?: Promise<void>;

  constructor(private readonly options: TransportOptions) {
    this.agent = new Agent(options.ca ? { connect: { ca: [...rootCertificates, options.ca.toString()] } } : {});
    const base = new URL(options.url);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.authorization = authorizationHeader(options.auth);
    if (options.maxInFlight) this.slots = pLimit(options.maxInFlight);
  }

  get tenant(): string {
    return this.options.tenant;
  }

  get retryPolicy(): RetryPolicy {
    return this.options.retry;
  }

  /** `Kestra at <url> (tenant <t>)`, for messages. */
  get targetDescription(): string {
    return `Kestra at ${this.options.url} (tenant "${this.options.tenant}")`;
  }

  /** From now on, keeps every answer to a GET (see KeptAnswers). */
  keepAnswers(): KeptAnswers {
    return (this.keeping ??= new KeptAnswers());
  }

  /** Takes answers another transport kept before asking the server. */
  reuseAnswers(kept: KeptAnswers): void {
    if (kept !== this.keeping && !this.reusing.includes(kept)) this.reusing.push(kept);
  }

  /**
   * Takes the answers of GETs a thread of their own sends (./early-thread) before anyone here
   * asks: a GET sent later with the same path, query, headers and accepted statuses takes the
   * answer, once. A failed early attempt is not reported: the GET asked later is sent as usual.
   */
  takeEarlyFromThread(reads: ThreadReads): void {
    reads.onEvent((event, endedAt) => {
      this.emit(event);
      if (requestOnThread.hasSubscribers) requestOnThread.publish({ startMs: endedAt - performance.timeOrigin - event.ms, endMs: endedAt - performance.timeOrigin });
    });
    const answer = (get: RecordedGet, parts: AnswerParts | undefined): HttpResponse | undefined => {
      // One failed early attempt (Kestra unreachable, slow, refusing): nothing more is awaited
      // from the thread, whose other attempts would likely fail the same way, one timeout each.
      if (!parts) return void reads.stop();
      return { identity: { method: 'GET', path: this.fullPath(get), target: get.target }, status: parts.status, headers: headerReader(parts.headers), body: parts.body };
    };
    this.expectEarly(reads.gets, reads.answers.map((a, i) => a.then((parts) => answer(reads.gets[i], parts))));
    // The thread's requests count against this transport's in-flight bound: its own wait for them.
    const settled = Promise.all(reads.answers).then(() => {
      if (this.earlyInFlight === settled) this.earlyInFlight = undefined;
    });
    this.earlyInFlight = settled;
  }

  private expectEarly(gets: readonly RecordedGet[], answers: Array<Promise<HttpResponse | undefined>>): void {
    gets.forEach((get, i) => {
      const key = getKey(get);
      const list = this.early.get(key);
      if (list) list.push(answers[i]);
      else this.early.set(key, [answers[i]]);
      this.earlyAsked++;
    });
  }

  private fullPath(spec: { instance?: boolean; path: string }): string {
    return spec.instance ? `/api/v1${spec.path}` : `/api/v1/${this.options.tenant}${spec.path}`;
  }

  /** How many GETs were sent early, and how many of their answers were taken. */
  get earlyAnswers(): { asked: number; taken: number } {
    return { asked: this.earlyAsked, taken: this.earlyTaken };
  }

  /** From now on, records every GET asked of this transport (see RecordedGet), in the order asked. */
  recordGets(): readonly RecordedGet[] {
    return (this.recorded ??= []);
  }

  /**
   * Sends a request, retrying idempotent ones on 429/502/503/504, timeouts and transient network
   * failures. A request keeps its place among the maxInFlight through its retries: when Kestra
   * stops answering, the first requests use up their retries and fail (and the command with them)
   * instead of every queued request taking its turn at each attempt first.
   */
  async send(spec: RequestSpec): Promise<HttpResponse> {
    if (spec.method === 'GET') {
      const answer = await this.answerKnown(spec);
      if (answer) return answer;
    }
    if (this.earlyInFlight && this.slots) await this.earlyInFlight;
    return this.slots ? this.slots(() => this.sendNow(spec)) : this.sendNow(spec);
  }

  private async sendNow(spec: RequestSpec): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.attemptNow(spec, attempt);
        if (this.keeping && spec.method === 'GET') this.keeping.keep(getKey(spec), answer);
        return answer;
      } catch (error) {
        const retriesLeft = spec.idempotent && attempt <= this.options.retry.retries;
        if (!retriesLeft || !isRetryableError(error) || this.closed) throw noteAttempts(error, attempt);
        await sleep(this.delayBeforeRetry(attempt, error));
      }
    }
  }

  /** A GET's answer without asking: kept by another transport, or asked early by this one. */
  private async answerKnown(spec: RequestSpec): Promise<HttpResponse | undefined> {
    this.recorded?.push({ path: spec.path, instance: spec.instance, query: spec.query, headers: spec.headers, acceptStatus: spec.acceptStatus, operation: spec.operation, target: spec.target });
    if (!this.reusing.length && !this.early.size) return undefined;
    const key = getKey(spec);
    for (const kept of this.reusing) {
      const answer = kept.take(key);
      if (answer) return answer;
    }
    if (!this.early.size) return undefined;
    const answer = await this.early.get(key)?.shift();
    if (!answer) return undefined;
    this.earlyTaken++;
    this.keeping?.keep(key, answer);
    return answer;
  }

  /** How long to wait before retry number `retry` after `error`. */
  delayBeforeRetry(retry: number, error: unknown): number {
    const retryAfter = error instanceof KestraApiError ? error.retryAfterMs : undefined;
    return retryDelayMs(retry, this.options.retry, retryAfter, this.options.random);
  }

  /** One attempt, no retry (queued first when maxInFlight requests are already out). */
  attempt(spec: RequestSpec, attempt: number): Promise<HttpResponse> {
    return this.slots ? this.slots(() => this.attemptNow(spec, attempt)) : this.attemptNow(spec, attempt);
  }

  private notSent(spec: RequestSpec): KestraUsageError {
    return new KestraUsageError(`${spec.target}: not sent — the client was closed (the command is ending)`);
  }

  private async attemptNow(spec: RequestSpec, attempt: number): Promise<HttpResponse> {
    if (this.closed) throw this.notSent(spec);
    const fullPath = this.fullPath(spec);
    const query = encodeQuery(spec.query);
    const identity: RequestIdentity = { method: spec.method, path: fullPath, target: spec.target };
    const bodyBytes = typeof spec.body?.data === 'string' ? Buffer.from(spec.body.data) : spec.body?.data;
    const event: KestraRequestEvent = {
      method: spec.method,
      path: fullPath,
      query,
      operation: spec.operation,
      status: 0,
      bytesIn: 0,
      bytesOut: bodyBytes?.length ?? 0,
      ms: 0,
      attempt,
    };
    const progress = { status: 0, bytes: 0 };
    // An error answer is only read for its message: as far as that takes.
    const limitFor = (status: number): BodyLimit =>
      (status >= 200 && status < 300) || spec.acceptStatus?.includes(status) ? { limit: this.options.maxResponseBytes, truncate: false } : { limit: ERROR_BODY_LIMIT, truncate: true };
    const started = performance.now();
    try {
      // A dispatch of undici's, not fetch: a fraction of the CPU per request, and no redirect is
      // ever followed, so credentials never leave the configured server.
      let answer: Answer;
      try {
        answer = await exchange(
          this.agent,
          { origin: this.origin, path: `${this.basePath}${fullPath}${query ? `?${query}` : ''}`, method: spec.method, headers: this.headersFor(spec, bodyBytes), body: bodyBytes },
          {
            timeoutMs: spec.timeout?.ms ?? this.options.timeoutMs,
            bodyLimit: limitFor,
            tooLarge: (limit) => new KestraResponseTooLargeError(identity, limit),
            progress,
          },
        );
      } catch (error) {
        if (error instanceof ExchangeFailure) throw this.failureWithoutAnswer(error.error, identity, error.timedOut, error.phase, spec.timeout);
        throw error;
      } finally {
        event.status = progress.status;
        event.bytesIn = progress.bytes;
      }
      const { limit, truncate } = limitFor(answer.status);
      const response: RawResponse = { status: answer.status, headers: headerReader(answer.headers) };
      const body = decode(answer.body, response.headers.get('content-encoding'), limit, truncate, identity);
      if (!truncate) {
        return { identity, status: response.status, headers: response.headers, body };
      }
      throw this.apiError(spec, identity, response, body);
    } catch (error) {
      event.error = failureLabel(error);
      throw error;
    } finally {
      event.ms = Math.round((performance.now() - started) * 1000) / 1000;
      this.emit(event);
    }
  }

  /** Lets the requests in flight end; a request not yet sent (waiting for its place, or to be retried) is not sent. */
  close(): Promise<void> {
    this.closed = true;
    return (this.closing ??= this.agent.close());
  }

  private headersFor(spec: RequestSpec, body: Buffer | undefined): Record<string, string> {
    // Listings compress well over a slow link; decode() inflates them (within the size cap).
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'gzip, deflate', ...spec.headers };
    if (this.authorization) headers.authorization = this.authorization;
    if (spec.body && body) headers['content-type'] = spec.body.contentType;
    return headers;
  }

  private apiError(spec: RequestSpec, identity: RequestIdentity, response: RawResponse, body: Buffer): KestraApiError {
    const summary = summariseErrorBody(response.headers.get('content-type'), body);
    const status = response.status;
    const details = {
      ...identity,
      status,
      kestraMessage: summary.message,
      problemType: summary.problemType,
      hint: spec.hints?.[status] ?? this.genericHint(status, spec, response),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    };
    return new KestraApiError(details);
  }

  private genericHint(status: number, spec: RequestSpec, response: RawResponse): string | undefined {
    const where = this.targetDescription;
    if (status >= 300 && status < 400) {
      const location = safeLocation(response.headers.get('location'), this.options.url);
      return `${where} redirected${location ? ` to ${location}` : ''}; set KESTRA_URL to the final address (redirects are not followed, so credentials never leave the configured server)`;
    }
    switch (status) {
      case 400:
        return `${where} refused the request as malformed`;
      case 401:
        return this.options.auth
          ? `${where} rejected the configured ${this.options.auth.kind === 'basic' ? 'username/password (KESTRA_USERNAME, KESTRA_PASSWORD)' : 'API token (KESTRA_API_TOKEN)'}: check them`
          : `${where} requires authentication and no credentials are configured: set KESTRA_USERNAME and KESTRA_PASSWORD, or KESTRA_API_TOKEN`;
      case 403:
        return `the configured credentials are authenticated but not allowed to ${spec.target} at ${where}: use an account or API token with that permission`;
      case 404:
        return `check the names, and that tenant "${this.options.tenant}" exists at ${this.options.url}`;
      case 405:
        return `this server does not offer that operation: check that ${where} runs Kestra 1.x or 2.x`;
      case 409:
        return 'the object changed on the server at the same time: run the command again';
      case 413:
        return 'the body is larger than Kestra accepts (its micronaut.server.max-request-size setting)';
      case 415:
        return `the server does not accept the content type sent: check that ${where} runs Kestra 1.x or 2.x`;
      case 422:
        return 'Kestra rejected the content: fix it and run again';
      case 429:
        return 'Kestra is throttling requests: try again later or lower the parallelism';
      case 500:
        return 'Kestra failed internally: see the Kestra server log';
      case 502:
      case 503:
      case 504:
        return `${where} or a proxy in front of it is unavailable: try again later`;
      default:
        return undefined;
    }
  }

  private failureWithoutAnswer(error: unknown, identity: RequestIdentity, timedOut: boolean, phase: 'response headers' | 'response body', own?: RequestSpec['timeout']): KestraError {
    if (timedOut) return new KestraTimeoutError(identity, own?.ms ?? this.options.timeoutMs, phase, own?.raise);
    const code = errorCode(error);
    const detail = phase === 'response body' ? 'the connection broke while reading the answer' : describeNetworkFailure(code, error);
    return new KestraNetworkError(identity, detail, code, networkHint(code, this.options.url), error);
  }

  private emit(event: KestraRequestEvent): void {
    if (!this.options.onRequest) return;
    try {
      this.options.onRequest(event);
    } catch {
      // Instrumentation must never break a deployment.
    }
  }
}

/** An answer's headers: `get` as fetch's Headers has it; `raw`, the lower-case map undici gave. */
export interface ResponseHeaders {
  get(name: string): string | null;
  readonly raw?: Record<string, string | string[] | undefined>;
}

interface RawResponse {
  status: number;
  headers: ResponseHeaders;
}

/** Lower-case header map (as undici gives it) behind the `get` of fetch's Headers. */
function headerReader(headers: Record<string, string | string[] | undefined>): ResponseHeaders {
  return {
    raw: headers,
    get(name) {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Inflates a gzip or deflate answer, never past `limit` bytes (a small compressed body can
 * expand enormously). A truncated error body inflates as far as it goes.
 */
function decode(body: Buffer, encoding: string | null, limit: number, truncate: boolean, identity: RequestIdentity): Buffer {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === 'identity' || body.length === 0) return body;
  const inflate = coding === 'gzip' || coding === 'x-gzip' ? zlib.gunzipSync : coding === 'deflate' ? zlib.inflateSync : undefined;
  // An error body is only read for its message: whatever is wrong with it, it is not worth a failure.
  const failed = (error: KestraError) => {
    if (truncate) return Buffer.alloc(0);
    throw error;
  };
  const proxyHint = 'Check for a proxy that alters answers between kestraform and Kestra.';
  if (!inflate) return truncate ? body : failed(new KestraNetworkError(identity, `the answer came in an encoding kestraform did not ask for (${coding})`, undefined, proxyHint));
  try {
    return inflate(body, { maxOutputLength: Math.max(1, limit), finishFlush: truncate ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.Z_FINISH });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return failed(new KestraResponseTooLargeError(identity, limit));
    return failed(new KestraNetworkError(identity, `the answer's ${coding} encoding is broken`, undefined, proxyHint, error));
  }
}

export function encodeQuery(query: QueryParams | undefined): string {
  if (!query || query.length === 0) return '';
  return query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

/** `filters[<field>][<op>]=<value>`: Kestra's PHP-style filter parameter. */
export function filterParam(field: string, op: string, value: string): readonly [string, string] {
  return [`filters[${field}][${op}]`, value];
}

/**
 * Encodes one path segment (namespace, flow id, key). `.` and `..` are refused: URL normalisation
 * would turn `/kv/..` into another route (DELETE /namespaces/{ns} deletes an EE namespace).
 */
export function segment(value: string): string {
  if (value === '' || value === '.' || value === '..') throw new KestraUsageError(`"${value}" cannot be a namespace, flow id or key`);
  return encodeURIComponent(value);
}

function authorizationHeader(auth: KestraAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describeNetworkFailure(code: string | undefined, error: unknown): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before Kestra answered';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name could not be resolved';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'the connection could not be established in time';
    default:
      if (code && TLS_CODES.has(code)) return `the TLS certificate was not accepted (${code})`;
      return `no answer (${code ?? (error instanceof Error ? error.message : 'unknown error')})`;
  }
}

function networkHint(code: string | undefined, url: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `The certificate does not name the host of KESTRA_URL (${url}): use the host name the certificate was issued for.`;
  if (code && TLS_CODES.has(code)) {
    return 'If Kestra uses a private certificate authority, set KESTRA_CA_FILE to its PEM certificate (certificates are always verified).';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Check the host name in KESTRA_URL (${url}).`;
  return `Check that Kestra is running and reachable at ${url} (KESTRA_URL).`;
}

function failureLabel(error: unknown): string | undefined {
  if (error instanceof KestraTimeoutError) return 'timeout';
  if (error instanceof KestraResponseTooLargeError) return 'too-large';
  if (error instanceof KestraNetworkError) return error.code ?? 'network';
  return undefined;
}

function safeLocation(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    const url = new URL(location, base);
    return `${url.origin}${url.pathname}`;
  } catch {
    return undefined;
  }
}

function noteAttempts(error: unknown, attempts: number): unknown {
  if (attempts > 1 && error instanceof KestraError) error.message += ` (gave up after ${attempts} attempts)`;
  return error;
}
