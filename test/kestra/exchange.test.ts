/**
 * One exchange over undici's dispatcher (lib/kestra/exchange.ts): a body gathered whole, cut at
 * its limit when it may be (an error answer read for its message), refused past it otherwise, the
 * phase a failure happened in, and informational answers passed over.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exchange, ExchangeFailure, type BodyLimit } from '../../lib/kestra/exchange';

const Agent = require('undici/lib/dispatcher/agent');

describe('an exchange', () => {
  let server: http.Server;
  let origin: string;
  const agent = new Agent({});
  const routes: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
    '/big-error': (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('e'.repeat(200_000));
    },
    '/informational': (_req, res) => {
      res.writeProcessing();
      res.writeHead(200, { 'content-type': 'application/json', 'x-two': ['a', 'b'] });
      res.end('{"ok":true}');
    },
    '/endless': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const more = () => res.write(Buffer.alloc(16 * 1024), () => setImmediate(more));
      more();
    },
    '/drip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('a');
    },
    '/silent': () => undefined,
  };
  beforeAll(async () => {
    server = http.createServer((req, res) => routes[req.url!](req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const run = (path: string, limit: BodyLimit, timeoutMs = 5000) => {
    const progress = { status: 0, bytes: 0 };
    const answer = exchange(agent, { origin, path, method: 'GET' }, { timeoutMs, bodyLimit: () => limit, tooLarge: (n) => new Error(`over ${n}`), progress });
    return { answer, progress };
  };

  it('keeps the first bytes of a body it may cut, and stops there', async () => {
    const { answer } = run('/big-error', { limit: 1000, truncate: true });
    const a = await answer;
    expect(a.status).toBe(500);
    expect(a.body).toEqual(Buffer.from('e'.repeat(1000)));
  });

  it('refuses a body past its limit, having read no further than the limit', async () => {
    const { answer, progress } = run('/endless', { limit: 100_000, truncate: false });
    await expect(answer).rejects.toThrow('over 100000');
    expect(progress.status).toBe(200);
    expect(progress.bytes).toBeGreaterThan(100_000);
    expect(progress.bytes).toBeLessThan(100_000 + 128 * 1024);
  });

  it('passes over an informational answer and reads the headers as undici parses them', async () => {
    const a = await run('/informational', { limit: 1000, truncate: false }).answer;
    expect(a.status).toBe(200);
    expect(a.headers['x-two']).toEqual(['a', 'b']);
    expect(a.body.toString()).toBe('{"ok":true}');
  });

  it('says in which phase the time ran out', async () => {
    for (const [path, phase] of [
      ['/silent', 'response headers'],
      ['/drip', 'response body'],
    ] as const) {
      const failure = await run(path, { limit: 1000, truncate: false }, 200).answer.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(ExchangeFailure);
      expect(failure).toMatchObject({ phase, timedOut: true });
    }
  });
});
