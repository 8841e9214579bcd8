/**
 * GETs sent from a thread of their own before anyone asks (lib/kestra/early-thread.ts), and a
 * client taking their answers (takeEarlyFromThread): the same results as asking, each answer
 * taken once and only by the very same GET, a failed early attempt asked again for real.
 */
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { KestraClient, type KestraRequestEvent, type RecordedGet } from '../../lib/kestra';
import { askOnThread } from '../../lib/kestra/early-thread';
import { transportOptions } from '../../lib/kestra/transport-options';

const NS = 'company.early';
let server: RunningKestraServer;

beforeAll(async () => {
  server = await startKestraServer({ port: 0 });
  const c = new KestraClient({ url: server.url });
  await c.createFlow(`id: one\nnamespace: ${NS}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`);
  await c.uploadFile(NS, '/dir/a.sql', Buffer.from('select 1'));
  await c.putKv(NS, 'k', { type: 'STRING', value: 'v' });
  await c.close();
});
afterAll(() => server.close());

/** What a client asks for a namespace's flows, files and KV — recorded as a plan records them. */
async function reading(c: KestraClient) {
  return { flows: await c.listFlows(NS), files: await c.listFiles(NS), kv: await c.listKv(NS) };
}

async function recorded(): Promise<RecordedGet[]> {
  const c = new KestraClient({ url: server.url });
  const gets = c.recordGets();
  await reading(c);
  await c.close();
  return [...gets];
}

async function sentEarly(gets: RecordedGet[]) {
  const reads = askOnThread(transportOptions({ url: server.url, maxInFlight: 4 }), gets);
  await Promise.all(reads.answers);
  return reads;
}

describe('GETs sent early from a thread of their own', () => {
  it('answers the same GETs asked later without asking Kestra again, each once', async () => {
    const gets = await recorded();
    expect(gets.length).toBeGreaterThanOrEqual(3);
    const expected = await reading(new KestraClient({ url: server.url }));
    const reads = await sentEarly(gets);
    server.log.clear();
    const events: KestraRequestEvent[] = [];
    const c = new KestraClient({ url: server.url, onRequest: (e) => events.push(e) });
    c.takeEarlyFromThread(reads);
    expect(await reading(c)).toEqual(expected);
    expect(server.log.entries()).toHaveLength(0);
    expect(c.earlyAnswers).toEqual({ asked: gets.length, taken: gets.length });
    // The thread's attempts reach the client's instrumentation, as its own requests do.
    expect(events.map((e) => e.operation).sort()).toEqual(gets.map((g) => g.operation).sort());
    // Taken once: the same reading again asks Kestra.
    await reading(c);
    expect(server.log.entries()).toHaveLength(gets.length);
    await c.close();
  });

  it('gives an answer only to a GET that reads it the same way (accepted statuses)', async () => {
    const gets = await recorded();
    const lenient = gets.findIndex((g) => g.acceptStatus?.length);
    expect(lenient).toBeGreaterThanOrEqual(0); // a directory listing accepts 404 (absent)
    const reads = await sentEarly(gets.map((g, i) => (i === lenient ? { ...g, acceptStatus: undefined } : g)));
    server.log.clear();
    const c = new KestraClient({ url: server.url });
    c.takeEarlyFromThread(reads);
    await reading(c);
    expect(server.log.entries().map((e) => e.path + (e.query ? `?${e.query}` : ''))).toHaveLength(1);
    expect(c.earlyAnswers.taken).toBe(gets.length - 1);
    await c.close();
  });

  it('asks again, for real, a GET whose early attempt failed: its error is the one reported', async () => {
    const gets = await recorded();
    const flows = gets.filter((g) => g.operation === 'listFlows');
    expect(flows).toHaveLength(1);
    server.knobs.override('listFlowsByNamespace', (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"early failure"}');
    });
    let reads;
    try {
      reads = await sentEarly(flows);
    } finally {
      server.knobs.override('listFlowsByNamespace', undefined);
    }
    server.log.clear();
    const c = new KestraClient({ url: server.url, retry: { retries: 0 } });
    c.takeEarlyFromThread(reads);
    expect((await c.listFlows(NS)).map((f) => f.id)).toEqual(['one']);
    expect(server.log.entries()).toHaveLength(1);
    expect(c.earlyAnswers.taken).toBe(0);
    // And the error the real request meets is the one reported, not the early attempt's.
    const again = await sentEarly(flows);
    server.knobs.override('listFlowsByNamespace', (_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"not allowed"}');
    });
    try {
      const d = new KestraClient({ url: server.url, retry: { retries: 0 } });
      d.takeEarlyFromThread(again); // taken: those answers were fine; a later listing is refused
      expect((await d.listFlows(NS)).map((f) => f.id)).toEqual(['one']);
      await expect(d.listFlows(NS)).rejects.toMatchObject({ status: 403 });
      await d.close();
    } finally {
      server.knobs.override('listFlowsByNamespace', undefined);
    }
    await c.close();
  });

  it('awaits nothing more from the thread once an early attempt failed: the rest are asked at once', async () => {
    const gets = await recorded();
    // A thread whose first answer fails and whose others never come (a Kestra that stopped answering).
    let stopped = 0;
    const settle: Array<(a: undefined) => void> = [];
    const reads = {
      gets,
      answers: gets.map((_, i) => (i === 0 ? Promise.resolve(undefined) : new Promise<undefined>((resolve) => settle.push(resolve)).then(() => undefined))),
      onEvent: () => undefined,
      stop: () => {
        stopped++;
        settle.forEach((s) => s(undefined));
      },
    };
    const c = new KestraClient({ url: server.url, maxInFlight: 4 });
    c.takeEarlyFromThread(reads);
    const expected = await reading(new KestraClient({ url: server.url }));
    server.log.clear();
    expect(await reading(c)).toEqual(expected);
    expect(stopped).toBeGreaterThan(0);
    expect(server.log.entries()).toHaveLength(gets.length);
    await c.close();
  });
});
