/**
 * One HTTP exchange over an undici dispatcher, the answer's body gathered in memory, never past a
 * limit: a plain dispatch handler — no stream, AbortSignal or async resource per request, which
 * undici's request API makes for every call (about a third of the client's CPU per request).
 */
import type { Dispatcher } from 'undici';

// undici's own header parsing, so the headers read as its request API gives them.
const { parseHeaders } = require('undici/lib/core/util') as { parseHeaders(raw: Buffer[]): Record<string, string | string[] | undefined> };

export type Headers = Record<string, string | string[] | undefined>;

/** How much of a body to take: past `limit`, `truncate` keeps the first `limit` bytes, else `tooLarge` fails the exchange. */
export interface BodyLimit {
  limit: number;
  truncate: boolean;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Why an exchange gave no usable answer: a network error (or the timeout) before or during the body. */
export class ExchangeFailure extends Error {
  constructor(
    readonly phase: 'response headers' | 'response body',
    readonly timedOut: boolean,
    readonly error: unknown,
  ) {
    super(`no answer (${phase})`);
  }
}

export interface ExchangeOptions {
  /** The whole exchange, headers and body, must end within this. */
  timeoutMs: number;
  /** Decided when the headers come. */
  bodyLimit(status: number, headers: Headers): BodyLimit;
  /** The error for a body past its limit (thrown as it is). */
  tooLarge(limit: number): Error;
  /** The answer's status once its headers came, and the bytes of its body received so far. */
  progress: { status: number; bytes: number };
}

export function exchange(dispatcher: Dispatcher, request: Dispatcher.DispatchOptions, o: ExchangeOptions): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let abort: ((reason?: Error) => void) | undefined;
    let abortOnConnect: Error | undefined;
    let settled = false;
    let timedOut = false;
    let status = 0;
    let headers: Headers = {};
    let limit: BodyLimit = { limit: 0, truncate: false };
    const chunks: Buffer[] = [];

    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    // Stops what is left of the exchange (the connection is not reused); its error is expected.
    const stop = (reason: Error) => {
      if (abort) abort(reason);
      else abortOnConnect = reason;
    };
    const timer = setTimeout(() => {
      timedOut = true;
      const reason = new Error('timed out');
      settle(() => reject(new ExchangeFailure(status ? 'response body' : 'response headers', true, reason)));
      stop(reason);
    }, o.timeoutMs);

    const handler: Dispatcher.DispatchHandlers = {
      onConnect(a) {
        if (abortOnConnect) return a(abortOnConnect);
        abort = a;
      },
      onHeaders(statusCode, rawHeaders) {
        if (statusCode < 200) return true; // 1xx: the answer is still to come
        status = statusCode;
        o.progress.status = statusCode;
        headers = parseHeaders(rawHeaders as unknown as Buffer[]);
        limit = o.bodyLimit(status, headers);
        const declared = Number(headers['content-length']);
        if (!limit.truncate && Number.isFinite(declared) && declared > limit.limit) {
          settle(() => reject(o.tooLarge(limit.limit)));
          stop(new Error('too large'));
          return false;
        }
        return true;
      },
      onData(chunk) {
        o.progress.bytes += chunk.length;
        if (o.progress.bytes <= limit.limit) {
          chunks.push(chunk);
          return true;
        }
        if (limit.truncate) {
          chunks.push(chunk.subarray(0, chunk.length - (o.progress.bytes - limit.limit)));
          settle(() => resolve({ status, headers, body: Buffer.concat(chunks) }));
        } else {
          settle(() => reject(o.tooLarge(limit.limit)));
        }
        stop(new Error('enough read'));
        return false;
      },
      onComplete() {
        settle(() => resolve({ status, headers, body: Buffer.concat(chunks) }));
      },
      onError(error) {
        settle(() => reject(new ExchangeFailure(status ? 'response body' : 'response headers', timedOut, error)));
      },
    };
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      settle(() => reject(new ExchangeFailure('response headers', false, error)));
    }
  });
}
