/** The early GETs' thread (./early-thread): one attempt per GET, each answer posted as it comes; the thread ends after the last. */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { HttpTransport, type RecordedGet, type TransportOptions } from './http';
import type { ThreadMessage } from './early-thread';

const { options, gets } = workerData as { options: TransportOptions; gets: RecordedGet[] };
const now = () => performance.timeOrigin + performance.now();
// Every attempt's event goes to the asking thread, which hands it to the client's instrumentation.
const transport = new HttpTransport({ ...options, onRequest: (event) => parentPort!.postMessage({ event, endedAt: now() } satisfies ThreadMessage) });
let left = gets.length;
const post = (m: ThreadMessage & { i: number }) => {
  if (m.body) {
    // Its own buffer (a small body may share one with others), moved rather than copied again.
    const own = new Uint8Array(m.body);
    parentPort!.postMessage({ ...m, body: own } satisfies ThreadMessage, [own.buffer]);
  } else parentPort!.postMessage(m);
  if (--left === 0) void transport.close();
};
gets.forEach((get, i) => {
  transport.attempt({ ...get, method: 'GET', idempotent: true }, 1).then(
    (r) => post({ i, status: r.status, headers: r.headers.raw, body: r.body }),
    () => post({ i }),
  );
});
if (!gets.length) void transport.close();
