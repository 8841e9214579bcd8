/**
 * Namespace files against a scripted server: the level-by-level walk (bounded concurrency, 404s,
 * hostile listings) and the exact multipart upload.
 */
import { Response } from 'undici';
import { KestraProtocolError, KestraUsageError, checkFilePath } from '../../lib/kestra';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { testClient } from './support/client';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const file = (fileName: string, size: number) => ({ fileName, type: 'File', size, lastModifiedTime: 1_700_000_000_000 + size, creationTime: 1_600_000_000_000, metadata: {} });
const dir = (fileName: string) => ({ fileName, type: 'Directory', size: 0, lastModifiedTime: 1, creationTime: 1, metadata: {} });

describe('listFiles', () => {
  it('walks every directory, siblings concurrently within the bound', async () => {
    const tree: Record<string, object[]> = {
      '': [file('README.md', 10), dir('scripts'), dir('data'), dir('empty')],
      '/scripts': [file('etl.py', 20), dir('lib')],
      '/scripts/lib': [file('util.py', 30)],
      '/data': Array.from({ length: 6 }, (_, i) => dir(`d${i}`)),
      '/empty': [],
      ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`/data/d${i}`, [file(`part-${i}.csv`, 100 + i)]])),
    };
    let inFlight = 0;
    let maxInFlight = 0;
    server = await startScriptedServer(async (req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 25));
      inFlight--;
      const listing = tree[req.query.get('path') ?? ''];
      if (listing) sendJson(res, 200, listing);
      else sendJson(res, 404, { message: 'Not Found' });
    });
    const { client } = testClient(server.url, { fileListConcurrency: 3 });
    const files = await client.listFiles('company.team');
    expect(files.map((f) => f.path)).toEqual([
      '/README.md',
      ...Array.from({ length: 6 }, (_, i) => `/data/d${i}/part-${i}.csv`),
      '/scripts/etl.py',
      '/scripts/lib/util.py',
    ]);
    expect(files[0]).toEqual({ path: '/README.md', size: 10, lastModifiedTime: 1_700_000_000_010, creationTime: 1_600_000_000_000 });
    expect(server.requests).toHaveLength(Object.keys(tree).length);
    expect(server.requests[0].query.has('path')).toBe(false); // the root is asked without a path
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    await client.close();
  });

  it('treats a 404 on the root as an empty namespace', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 404, { message: 'Not Found' }));
    const { client } = testClient(server.url);
    expect(await client.listFiles('new.namespace')).toEqual([]);
    await client.close();
  });

  it('skips a directory that vanished during the walk', async () => {
    server = await startScriptedServer((req, res) => {
      if (!req.query.has('path')) return sendJson(res, 200, [dir('gone'), file('a.txt', 1)]);
      sendJson(res, 404, { message: 'Not Found' });
    });
    const { client } = testClient(server.url);
    expect((await client.listFiles('n')).map((f) => f.path)).toEqual(['/a.txt']);
    await client.close();
  });

  it.each([
    ['a name with a slash', [file('../../etc/passwd', 1)]],
    ['an empty name', [file('', 1)]],
    ['a duplicate name', [file('a', 1), file('a', 2)]],
    ['an unknown type', [{ ...file('a', 1), type: 'Symlink' }]],
  ])('rejects a listing with %s', async (_what, listing) => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, listing));
    const { client } = testClient(server.url);
    await expect(client.listFiles('n')).rejects.toThrow(KestraProtocolError);
    await client.close();
  });

  it('stops a server that nests directories forever', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, [dir('again')]));
    const { client } = testClient(server.url);
    await expect(client.listFiles('n')).rejects.toThrow(/nest deeper than 128 levels/);
    await client.close();
  });
});

describe('uploadFile, readFile, createDirectory, deleteFile', () => {
  it('uploads the exact bytes in the fileContent part, under a name Kestra will not unpack', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const { client } = testClient(server.url);
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]); // a zip header, CRLF and dashes
    await client.uploadFile('company.team', '/archives/data.zip', bytes);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v1/main/namespaces/company.team/files');
    expect(request.query.get('path')).toBe('/archives/data.zip');
    const form = await new Response(request.body, { headers: { 'content-type': String(request.headers['content-type']) } }).formData();
    const part = form.get('fileContent') as File;
    expect(part).toBeTruthy();
    expect(part.name.toLowerCase().endsWith('.zip')).toBe(false);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes);
    await client.close();
  });

  it('reads bytes back verbatim, and addresses directories and deletes by path', async () => {
    const payload = Buffer.from('line1\r\nline2\n\u0000\u00ff', 'latin1');
    server = await startScriptedServer((req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(payload);
      } else {
        res.writeHead(200);
        res.end();
      }
    });
    const { client } = testClient(server.url);
    expect(await client.readFile('n', '/a b/ü.txt')).toEqual(payload);
    await client.createDirectory('n', '/a b');
    await client.deleteFile('n', '/a b');
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.query.get('path')}`)).toEqual([
      'GET /api/v1/main/namespaces/n/files /a b/ü.txt',
      'POST /api/v1/main/namespaces/n/files/directory /a b',
      'DELETE /api/v1/main/namespaces/n/files /a b',
    ]);
    await client.close();
  });

  it.each(['relative.txt', '/', '/a//b', '/a/../b', '/_flows/x.yml', '/_flows'])('refuses the path %j', (path) => {
    expect(() => checkFilePath(path)).toThrow(KestraUsageError);
  });

  it('accepts ordinary paths', () => {
    for (const path of ['/a.txt', '/dir/sub/file.py', '/_flowsish/x', '/.hidden']) expect(() => checkFilePath(path)).not.toThrow();
  });
});

describe('deleteFile after an answer that may be lost', () => {
  // Kestra answers 200 to a DELETE of a missing path, but first deletes the parent directory when
  // it holds one entry: for a path already gone that entry is a sibling. A DELETE is never sent
  // again blindly; the path is looked up first.
  const stats = (type: 'File' | 'Directory') => ({ fileName: 'a.txt', type, size: 1, lastModifiedTime: 1, creationTime: 1, metadata: {} });
  const calls = () => server!.requests.map((r) => `${r.method} ${r.path.replace('/api/v1/main/namespaces/n/files', '') || '/'} ${r.query.get('path')}`);

  it('does not repeat a DELETE whose path is gone once the answer was lost', async () => {
    server = await startScriptedServer((req, res, n) => {
      if (n === 1) return sendJson(res, 504, { message: 'Gateway Timeout' }); // the delete happened behind the proxy
      if (req.path.endsWith('/stats')) return sendJson(res, 404, { message: 'Not Found: File \'/docs/a.txt\' was not found' });
      sendJson(res, 599, { message: 'unexpected' });
    });
    const { client } = testClient(server.url);
    await client.deleteFile('n', '/docs/a.txt');
    expect(calls()).toEqual(['DELETE / /docs/a.txt', 'GET /stats /docs/a.txt']);
    await client.close();
  });

  it('repeats it while the path is still there, after a reset as after a 503', async () => {
    server = await startScriptedServer((req, res, n) => {
      if (n === 1) return req.method === 'DELETE' && res.socket?.destroy();
      if (req.path.endsWith('/stats')) return sendJson(res, 200, stats('File'));
      if (n === 3) return sendJson(res, 503, { message: 'Service Unavailable' });
      res.writeHead(200);
      res.end();
    });
    const { client } = testClient(server.url);
    await client.deleteFile('n', '/docs/a.txt');
    expect(calls()).toEqual(['DELETE / /docs/a.txt', 'GET /stats /docs/a.txt', 'DELETE / /docs/a.txt', 'GET /stats /docs/a.txt', 'DELETE / /docs/a.txt']);
    await client.close();
  });

  it('gives up after the retries, and never repeats a refusal', async () => {
    server = await startScriptedServer((req, res) => (req.path.endsWith('/stats') ? sendJson(res, 200, stats('Directory')) : sendJson(res, 502, { message: 'Bad Gateway' })));
    const { client } = testClient(server.url, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 } });
    await expect(client.deleteFile('n', '/docs')).rejects.toMatchObject({ status: 502 });
    expect(calls().filter((c) => c.startsWith('DELETE'))).toHaveLength(3);
    await server.close();
    server = await startScriptedServer((_req, res) => sendJson(res, 422, { message: 'Illegal argument: Forbidden path' }));
    const second = testClient(server.url).client;
    await expect(second.deleteFile('n', '/docs')).rejects.toMatchObject({ status: 422 });
    expect(calls()).toEqual(['DELETE / /docs']);
    await client.close();
    await second.close();
  });
});

describe('statFile, listDirectory', () => {
  it('says what is at a path, or null; lists a directory, or null', async () => {
    server = await startScriptedServer((req, res) => {
      const p = req.query.get('path');
      if (req.path.endsWith('/stats')) return p === '/cfg' ? sendJson(res, 200, dir('cfg')) : sendJson(res, 404, { message: 'Not Found' });
      return p === '/cfg' ? sendJson(res, 200, [file('a.yml', 3)]) : sendJson(res, 404, { message: 'Not Found' });
    });
    const { client } = testClient(server.url);
    expect(await client.statFile('n', '/cfg')).toMatchObject({ name: 'cfg', isDirectory: true });
    expect(await client.statFile('n', '/none')).toBeNull();
    expect(await client.listDirectory('n', '/cfg')).toEqual([{ name: 'a.yml', isDirectory: false, size: 3, lastModifiedTime: 1_700_000_000_003, creationTime: 1_600_000_000_000 }]);
    expect(await client.listDirectory('n', '/none')).toBeNull();
    await client.close();
  });
});
