/**
 * KV routes beside get/put (covered in test/server/server.test.ts): the ancestors' keys of
 * GET /namespaces/{ns}/kv/inheritance (KVController.listKeysWithInheritence — never key
 * "inheritance"), and the namespace listing GET /namespaces/{ns}/kv, served by the 1.x emulation
 * only (removed in 2.0, where the path answers 405: DELETE is still there).
 */
import { startKestraServer, type RunningKestraServer } from '../../../lib/server';

describe.each([2, 1] as const)('KV routes of the %i.x emulation', (major) => {
  let s: RunningKestraServer;
  let base: string;
  const put = (ns: string, key: string, body: string, headers: Record<string, string> = {}) => fetch(`${base}/namespaces/${ns}/kv/${key}`, { method: 'PUT', body, headers: { 'Content-Type': 'text/plain', ...headers } });
  beforeEach(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major });
    base = `${s.url}/api/v1/main`;
  });
  afterEach(() => s.close());

  it("lists the ancestors' keys, the nearest ancestor's first, never the namespace's own", async () => {
    await put('a', 'SHARED', '"from a"');
    await put('a', 'ROOT', '1');
    await put('a.b', 'SHARED', '"from a.b"', { description: 'nearest' });
    await put('a.b.c', 'OWN', '1');
    await put('a.b', 'GONE', '1', { ttl: 'PT0.05S' });
    await put('x', 'OTHER', '1');
    await new Promise((r) => setTimeout(r, 80));
    const r = await fetch(`${base}/namespaces/a.b.c/kv/inheritance`);
    expect(r.status).toBe(200);
    const entries = await r.json();
    expect(entries.map((e: { namespace: string; key: string }) => `${e.namespace}/${e.key}`)).toEqual(['a.b/SHARED', 'a/ROOT']);
    expect(entries[0]).toMatchObject({ description: 'nearest', [major === 2 ? 'revision' : 'version']: 1 });
    expect(s.log.entries().at(-1)).toMatchObject({ operationId: 'listKeysWithInheritence' });
    expect(await (await fetch(`${base}/namespaces/a/kv/inheritance`)).json()).toEqual([]);
  });

  it(major === 1 ? 'lists a namespace (1.x)' : 'answers the 1.x namespace listing with 405, as 2.0 does', async () => {
    await put('n', 'K', '1');
    const r = await fetch(`${base}/namespaces/n/kv`);
    if (major === 1) {
      expect(r.status).toBe(200);
      expect((await r.json()).map((e: { key: string }) => e.key)).toEqual(['K']);
    } else {
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('DELETE');
    }
  });
});
