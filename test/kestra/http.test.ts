/**
 * Transport behaviour against a scripted loopback server: auth, retries, timeouts, size caps,
 * redirects and hostile answers.
 */
import {
  KestraApiError,
  KestraNetworkError,
  KestraProtocolError,
  KestraResponseTooLargeError,
  KestraTimeoutError,
  KestraUsageError,
} from '../../lib/kestra';
import * as zlib from 'node:zlib';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

const flow = { id: 'hello', namespace: 'company.team', revision: 3, disabled: false, deleted: false, updated: '2026-01-01T00:00:00Z' };
let server: ScriptedServer | undefined;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  while (closers.length) await closers.pop()!();
});

function client(url: string, overrides: Parameters<typeof testClient>[1] = {}) {
  const made = testClient(url, overrides);
  closers.push(() => made.client.close());
  return made;
}

describe('requests', () => {
  it('go to the tenant-prefixed path with basic auth, and are reported to onRequest', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, [flow]));
    const { client: kestra, events } = client(server.url, { tenant: 'team-a', auth: { kind: 'basic', username: 'admin@kestra.io', password: 'p@ss:word' } });
    expect(await kestra.listFlows('company.team')).toEqual([flow]);
    const [request] = server.requests;
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/api/v1/team-a/flows/company.team');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('admin@kestra.io:p@ss:word').toString('base64')}`);
    expect(events).toEqual([
      expect.objectContaining({ method: 'GET', path: '/api/v1/team-a/flows/company.team', query: '', operation: 'listFlows', status: 200, attempt: 1, bytesOut: 0, bytesIn: JSON.stringify([flow]).length }),
    ]);
    expect(events[0].ms).toBeGreaterThanOrEqual(0);
  });

  it('carry a bearer token', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, []));
    const { client: kestra } = client(server.url, { auth: { kind: 'bearer', token: 'tok-123' } });
    await kestra.listFlows('n');
    expect(server.requests[0].headers.authorization).toBe('Bearer tok-123');
  });

  it('stay within maxInFlight however many callers there are', async () => {
    let inFlight = 0;
    let most = 0;
    server = await startScriptedServer(async (_req, res) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      sendJson(res, 200, []);
    });
    const { client: kestra, events } = client(server.url, { maxInFlight: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => kestra.listFlows(`ns${i}`)));
    expect(server.requests).toHaveLength(8);
    expect(most).toBe(2);
    expect(Math.max(...events.map((e) => e.ms))).toBeLessThan(200); // queueing is not counted as request time
  });

  it('refuse names that URL normalisation would turn into another route', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, true));
    const { client: kestra } = client(server.url);
    await expect(kestra.deleteKv('company.team', '..')).rejects.toThrow(KestraUsageError);
    await expect(kestra.getFlow('.', 'x')).rejects.toThrow(KestraUsageError);
    await expect(kestra.deleteFlow('n', '')).rejects.toThrow(KestraUsageError);
    expect(server.requests).toHaveLength(0);
    await kestra.deleteKv('company.team', 'a b/c');
    expect(server.requests[0].path).toBe('/api/v1/main/namespaces/company.team/kv/a%20b%2Fc');
  });

  it('encode filters PHP-style and path segments safely', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, { results: [], total: 0 }));
    const { client: kestra, events } = client(server.url);
    await kestra.listKv('company.team');
    expect(server.requests[0].path).toBe('/api/v1/main/kv');
    expect(server.requests[0].query.get('filters[namespace][EQUALS]')).toBe('company.team');
    expect(events[0].query).toContain('filters%5Bnamespace%5D%5BEQUALS%5D=company.team');
  });
});

describe('authentication failures', () => {
  it('401 without credentials names the server and tenant and says what to set', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic' });
      res.end();
    });
    const { client: kestra, events } = client(server.url);
    const error = await failureOf(kestra.listFlows('n'));
    expect(error).toBeInstanceOf(KestraApiError);
    expect((error as KestraApiError).status).toBe(401);
    expect(error.message).toContain(`Kestra at ${server.url} (tenant "main")`);
    expect(error.message).toContain('no credentials are configured');
    expect(error.message).toContain('KESTRA_API_TOKEN');
    expect(events).toHaveLength(1); // not retried
  });

  it('401 with credentials says they were rejected without printing them', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 401, { message: 'Unauthorized' }));
    const { client: kestra } = client(server.url, { auth: { kind: 'basic', username: 'admin', password: 'S3cr3t-value' } });
    const error = await failureOf(kestra.listFlows('n'));
    expect(error.message).toContain('rejected the configured username/password');
    expect(error.message).not.toContain('S3cr3t-value');
    expect(error.message).not.toContain(Buffer.from('admin:S3cr3t-value').toString('base64'));
  });

  it('403 says the credentials lack permission for the operation', async () => {
    server = await startScriptedServer((_req, res) =>
      sendJson(res, 403, { type: 'https://kestra.io/docs/api-reference/problems/forbidden', title: 'Access denied', status: 403 }, { 'content-type': 'application/problem+json' }),
    );
    const { client: kestra } = client(server.url, { auth: { kind: 'bearer', token: 'tok-secret' } });
    const error = await failureOf(kestra.putKv('ns', 'k', { type: 'STRING', value: 'v' }));
    expect(error.message).toContain('HTTP 403');
    expect(error.message).toContain('Access denied');
    expect(error.message).toContain('not allowed to put KV ns/k');
    expect(error.message).toContain('tenant "main"');
    expect(error.message).not.toContain('tok-secret');
    expect((error as KestraApiError).problemType).toBe('https://kestra.io/docs/api-reference/problems/forbidden');
  });
});

describe('retries', () => {
  it('retry 502/503/504 on idempotent requests until success', async () => {
    server = await startScriptedServer((_req, res, n) => (n <= 3 ? sendJson(res, [502, 503, 504][n - 1], { message: 'busy' }) : sendJson(res, 200, [flow])));
    const { client: kestra, events } = client(server.url);
    expect(await kestra.listFlows('n')).toHaveLength(1);
    expect(events.map((e) => [e.attempt, e.status])).toEqual([[1, 502], [2, 503], [3, 504], [4, 200]]);
  });

  it('honour Retry-After on 429, capped by maxRetryAfterMs', async () => {
    server = await startScriptedServer((_req, res, n) => {
      if (n === 1) return sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '1' });
      sendJson(res, 200, []);
    });
    const started = Date.now();
    const { client: kestra } = client(server.url, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 250 } });
    await kestra.listFlows('n');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(240); // waited the capped 250 ms, not the 1 ms backoff
    expect(elapsed).toBeLessThan(1000); // and not the full second asked
  });

  it('honour Retry-After given as an HTTP date', async () => {
    server = await startScriptedServer((_req, res, n) => {
      if (n === 1) return sendJson(res, 503, {}, { 'retry-after': new Date(Date.now() + 1200).toUTCString() });
      sendJson(res, 200, []);
    });
    const started = Date.now();
    await client(server.url, { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 5000 } }).client.listFlows('n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // HTTP dates have 1 s resolution
  });

  it('retry a connection reset mid-request', async () => {
    server = await startScriptedServer((_req, res, n) => {
      if (n === 1) return void res.socket?.destroy();
      sendJson(res, 200, [flow]);
    });
    const { client: kestra, events } = client(server.url);
    expect(await kestra.listFlows('n')).toHaveLength(1);
    expect(events[0]).toMatchObject({ attempt: 1, status: 0 });
    expect(events[0].error).toBeDefined();
    expect(events[1]).toMatchObject({ attempt: 2, status: 200 });
  });

  it('retry a body cut off half-way', async () => {
    server = await startScriptedServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('[{"id":');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      sendJson(res, 200, [flow]);
    });
    const { client: kestra, events } = client(server.url);
    expect(await kestra.listFlows('n')).toHaveLength(1);
    expect(events).toHaveLength(2);
  });

  it('give up after the configured retries and say so', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 503, { message: 'Service Unavailable' }));
    const { client: kestra, events } = client(server.url, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await failureOf(kestra.listFlows('n'));
    expect(error).toBeInstanceOf(KestraApiError);
    expect(error.message).toContain('gave up after 3 attempts');
    expect(error.message).toContain('try again later');
    expect(events).toHaveLength(3);
  });

  it('never retry a 500 or a 4xx', async () => {
    server = await startScriptedServer((req, res) => sendJson(res, req.method === 'PUT' ? 422 : 500, { message: 'Internal server error: boom' }));
    const { client: kestra, events } = client(server.url);
    const error = await failureOf(kestra.listFlows('n'));
    expect(error.message).toContain('Internal server error: boom');
    expect(error.message).toContain('see the Kestra server log');
    await failureOf(kestra.updateFlow('n', 'f', 'id: f\nnamespace: n\n'));
    expect(events.map((e) => e.status)).toEqual([500, 422]);
  });

  it('retry refused connections, then report them with a hint', async () => {
    const scratch = await startScriptedServer((_req, res) => sendJson(res, 200, []));
    const url = scratch.url;
    await scratch.close();
    const { client: kestra, events } = client(url, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await failureOf(kestra.listFlows('n'));
    expect(error).toBeInstanceOf(KestraNetworkError);
    expect((error as KestraNetworkError).code).toBe('ECONNREFUSED');
    expect(error.message).toContain('list the flows of namespace n failed: the connection was refused');
    expect(error.message).toContain(`reachable at ${url}`);
    expect(events.map((e) => e.error)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  });
});

describe('a request keeps its place through its retries', () => {
  it('uses up its retries before the next queued request is sent: a Kestra that stops answering fails the first requests, not all of them in turn', async () => {
    server = await startScriptedServer((req, res) => (req.path.endsWith('/flows/down') ? sendJson(res, 503, { message: 'restarting' }) : sendJson(res, 200, [])));
    const { client: kestra } = client(server.url, { maxInFlight: 1, retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 20 } });
    const down = kestra.listFlows('down').then(() => 'ok', () => 'failed');
    const up = kestra.listFlows('up');
    expect(await down).toBe('failed');
    await up;
    expect(server.requests.map((r) => r.path.split('/').pop())).toEqual(['down', 'down', 'down', 'up']);
  });

  it('once the client is closed, sends nothing more: the queued requests fail at once, unsent', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    server = await startScriptedServer(async (_req, res) => {
      await held;
      sendJson(res, 200, []);
    });
    const { client: kestra } = client(server.url, { maxInFlight: 1 });
    const first = kestra.listFlows('first');
    const queued = kestra.listFlows('queued').then(() => undefined, (e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the first is at the server
    const closing = kestra.close();
    release();
    await first; // in flight when closed: answered
    await closing;
    expect(await queued).toBeInstanceOf(KestraUsageError);
    expect(String(await queued)).toMatch(/not sent — the client was closed/);
    expect(server.requests.map((r) => r.path.split('/').pop())).toEqual(['first']);
  });
});

describe('timeouts', () => {
  it('cover waiting for the response headers', async () => {
    server = await startScriptedServer(() => undefined); // never answers
    const { client: kestra } = client(server.url, { timeoutMs: 200, retry: { retries: 0 } });
    const started = Date.now();
    const error = await failureOf(kestra.listFlows('n'));
    expect(error).toBeInstanceOf(KestraTimeoutError);
    expect(error.message).toContain('timed out after 200 ms waiting for the response headers');
    expect(error.message).toContain('KESTRA_TIMEOUT_MS');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('cover a body that drips forever', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write('x')), 20);
      res.on('close', () => clearInterval(drip));
    });
    const { client: kestra, events } = client(server.url, { timeoutMs: 300, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const started = Date.now();
    const error = await failureOf(kestra.readFile('n', '/big.bin'));
    expect(error).toBeInstanceOf(KestraTimeoutError);
    expect(error.message).toContain('waiting for the response body');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(events.map((e) => e.error)).toEqual(['timeout', 'timeout']); // timeouts are retried
    expect(events[0].bytesIn).toBeGreaterThan(0);
  });
});

describe('response size cap', () => {
  it('refuses a body announced larger than the cap without reading it', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(4 * 1024 * 1024) });
      res.end(Buffer.alloc(4 * 1024 * 1024));
    });
    const { client: kestra, events } = client(server.url, { maxResponseBytes: 1024 * 1024 });
    const error = await failureOf(kestra.readFile('n', '/big.bin'));
    expect(error).toBeInstanceOf(KestraResponseTooLargeError);
    expect(error.message).toContain('larger than the 1 MiB limit');
    expect(error.message).toContain('maxResponseBytes');
    expect(events).toHaveLength(1); // not retried
  });

  it('stops reading an endless body at the cap', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const { client: kestra, events } = client(server.url, { maxResponseBytes: 256 * 1024 });
    const error = await failureOf(kestra.readFile('n', '/endless.bin'));
    expect(error).toBeInstanceOf(KestraResponseTooLargeError);
    expect(events[0].bytesIn).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('compressed answers', () => {
  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
  ] as const)('ask for compression and read a %s answer', async (coding, compress) => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
      res.end(compress(JSON.stringify([flow])));
    });
    const { client: kestra } = client(server.url);
    expect(await kestra.listFlows('company.team')).toEqual([flow]);
    expect(server.requests[0].headers['accept-encoding']).toBe('gzip, deflate');
  });

  it('stop a small gzip body that inflates past the cap', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024))); // a few KiB on the wire
    });
    const { client: kestra } = client(server.url, { maxResponseBytes: 1024 * 1024 });
    const error = await failureOf(kestra.readFile('n', '/bomb.bin'));
    expect(error).toBeInstanceOf(KestraResponseTooLargeError);
  });

  it('name a broken encoding instead of crashing', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end('not gzip at all');
    });
    const { client: kestra } = client(server.url, { retry: { retries: 0 } });
    const error = await failureOf(kestra.listFlows('n'));
    expect(error).toBeInstanceOf(KestraNetworkError);
    expect(error.message).toContain('gzip encoding is broken');
  });
});

describe('hostile or unexpected answers', () => {
  it('does not follow redirects, and says where to point KESTRA_URL', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example.com/login?next=%2F' });
      res.end();
    });
    const { client: kestra } = client(server.url, { auth: { kind: 'basic', username: 'u', password: 'p' } });
    const error = await failureOf(kestra.listFlows('n'));
    expect((error as KestraApiError).status).toBe(302);
    expect(error.message).toContain('redirected to https://elsewhere.example.com/login');
    expect(error.message).toContain('set KESTRA_URL to the final address');
    expect(server.requests).toHaveLength(1);
  });

  it('summarises a proxy HTML error page', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>');
    });
    const { client: kestra } = client(server.url, { retry: { retries: 0 } });
    const error = await failureOf(kestra.listFlows('n'));
    expect(error.message).toContain('HTML page titled "502 Bad Gateway"');
    expect(error.message).not.toContain('<center>');
  });

  it('turns a 200 with garbage into a protocol error naming the request', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<!doctype html><p>Welcome to the portal</p>');
    });
    const { client: kestra } = client(server.url);
    const error = await failureOf(kestra.listFlows('n'));
    expect(error).toBeInstanceOf(KestraProtocolError);
    expect(error.message).toContain('list the flows of namespace n');
    expect(error.message).toContain('the body is not JSON');
  });

  it('turns a 200 of the wrong shape into a protocol error', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, [{ id: 'x', namespace: 'n', revision: 'three' }]));
    const error = await failureOf(client(server.url).client.listFlows('n'));
    expect(error).toBeInstanceOf(KestraProtocolError);
    expect(error.message).toContain('"revision" should be a number');
  });

  it('reads a 1.x validation error message', async () => {
    server = await startScriptedServer((_req, res) =>
      sendJson(res, 422, { message: 'Invalid entity: flow.namespace: Illegal namespace update', _embedded: { errors: [{ message: 'Illegal namespace update', path: 'flow.namespace' }] } }),
    );
    const error = await failureOf(client(server.url).client.updateFlow('n', 'f', 'id: f\nnamespace: other\n'));
    expect(error.message).toBe(
      'update flow n/f failed with HTTP 422 (PUT /api/v1/main/flows/n/f): Invalid entity: flow.namespace: Illegal namespace update. ' +
        'Kestra rejected the flow source: fix it (`kestraform validate` checks it first) and run again',
    );
  });

  it('survives an instrumentation hook that throws', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, []));
    const { client: kestra } = client(server.url, {
      onRequest: () => {
        throw new Error('hook bug');
      },
    });
    await expect(kestra.listFlows('n')).resolves.toEqual([]);
  });
});

describe('answers kept by one client for another', () => {
  it('answer a GET asked again once each, from the same path and query only, never a write', async () => {
    let served = 0;
    server = await startScriptedServer((req, res) => {
      served++;
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      sendJson(res, 200, [{ ...flow, revision: served }]);
    });
    const { client: first } = client(server.url);
    const { client: second, events } = client(server.url);
    const kept = first.keepAnswers();
    const before = await first.listFlows('company.team');
    await first.listFlows('other');
    second.reuseAnswers(kept);
    // Taken: the very answer the first client got, no request made.
    expect(await second.listFlows('company.team')).toEqual(before);
    expect(served).toBe(2);
    expect(events).toEqual([]);
    // Once: asked again, it goes to the server.
    expect((await second.listFlows('company.team'))[0].revision).toBe(3);
    expect(served).toBe(3);
    // Another namespace is another question; a write is never answered from what was kept.
    expect((await second.listFlows('company.team.sub'))[0].revision).toBe(4);
    await second.deleteFlow('other', 'hello');
    expect(served).toBe(5);
    expect(kept.taken).toBe(1);
    kept.clear();
    expect((await second.listFlows('other'))[0].revision).toBe(6);
  });
});
