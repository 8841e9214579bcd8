/**
 * GETs sent from a thread of their own (askOnThread; lib/kestra/http.ts takeEarlyFromThread): a command's
 * first few hundred milliseconds are synchronous work (the synth cache's check, the kept synth,
 * the state) during which its own thread reads no answer and sends no request; on a thread of
 * their own the early GETs keep the in-flight bound full meanwhile. Each answer comes back whole
 * (status, headers, body); a failed attempt comes back as undefined, and its GET is sent again
 * by whoever asks it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CODE_DIR, PACKAGE_ROOT } from '../package-files';
import type { KestraRequestEvent, RecordedGet, RequestSpec, TransportOptions } from './http';

type Headers = Record<string, string | string[] | undefined>;
/**
 * What the thread posts: per GET its index, with the answer's parts when the attempt succeeded;
 * per attempt its instrumentation event, with the time (ms since the epoch) it ended.
 */
export interface ThreadMessage {
  i?: number;
  status?: number;
  headers?: Headers;
  body?: Uint8Array;
  event?: KestraRequestEvent;
  endedAt?: number;
}

/**
 * What makes two GETs the same, for an answer received once to stand for another (an early one,
 * or one another transport kept): tenant-relative path, query, extra headers — and read the same
 * way (accepted statuses: a 404 one GET accepts is an error for another).
 */
export function getKey(spec: Pick<RequestSpec, 'instance' | 'path' | 'query' | 'headers' | 'acceptStatus'>): string {
  return JSON.stringify([spec.instance ?? false, spec.path, spec.query ?? [], spec.headers ?? {}, spec.acceptStatus ?? []]);
}

/** The thread's module: its one-file build in an installed package (scripts/build-dist.js), the TypeScript source (through tsx) in a checkout. */
function threadModule(): { file: string; execArgv: string[] } {
  const bundled = path.join(CODE_DIR, 'early-thread.js');
  if (fs.existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: path.join(CODE_DIR, 'kestra', 'early-thread-main.ts'), execArgv: ['--require', require.resolve('tsx/cjs', { paths: [PACKAGE_ROOT] })] };
}

/** GETs a thread of their own is sending: each one's answer (its parts; undefined when the attempt failed), and the attempts' events. */
export interface ThreadReads {
  gets: readonly RecordedGet[];
  answers: Array<Promise<AnswerParts | undefined>>;
  /** Takes the attempts' events from now on (those that came before first). */
  onEvent(listener: (event: KestraRequestEvent, endedAt: number) => void): void;
  /** Ends the thread: the GETs not yet answered are answered undefined (to be sent as usual). */
  stop(): void;
}

export interface AnswerParts {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Starts the thread, sending `gets` with `options` (its functions left out: a thread takes none). */
export function askOnThread(options: TransportOptions, gets: readonly RecordedGet[]): ThreadReads {
  const settle: Array<(a: AnswerParts | undefined) => void> = [];
  const answers = gets.map(() => new Promise<AnswerParts | undefined>((resolve) => settle.push(resolve)));
  const settleAll = () => settle.forEach((s) => s(undefined));
  const events: Array<[KestraRequestEvent, number]> = [];
  let listener: ((event: KestraRequestEvent, endedAt: number) => void) | undefined;
  let worker: Worker | undefined;
  const reads: ThreadReads = {
    gets,
    answers,
    onEvent(l) {
      listener = l;
      for (const [e, at] of events.splice(0)) l(e, at);
    },
    stop() {
      settleAll();
      void worker?.terminate();
    },
  };
  const { onRequest: _events, random: _random, ...plain } = options;
  try {
    const { file, execArgv } = threadModule();
    worker = new Worker(file, { workerData: { options: plain, gets }, execArgv });
  } catch {
    settleAll();
    return reads;
  }
  worker.unref();
  worker.on('message', (m: ThreadMessage) => {
    if (m.event) {
      if (listener) listener(m.event, m.endedAt!);
      else events.push([m.event, m.endedAt!]);
      return;
    }
    const i = m.i!;
    settle[i](m.status === undefined ? undefined : { status: m.status, headers: m.headers ?? {}, body: m.body ? Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength) : Buffer.alloc(0) });
  });
  // A thread that fails or ends leaves its unanswered GETs to be sent as usual (settling twice is a no-op).
  worker.on('error', settleAll);
  worker.on('exit', settleAll);
  return reads;
}
