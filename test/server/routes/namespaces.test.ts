/**
 * GET /namespaces/search as OSS Kestra's NamespaceController answers it: the namespaces of live
 * flows with their ancestors and `system` — not those holding only files or KV pairs — `q` in any
 * case, `sort` descending, a page past the end with total 0, and `filters` (which the OSS
 * controller does not bind) changing nothing.
 */
import { startKestraServer, type RunningKestraServer } from '../../../lib/server';

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

describe.each([2, 1] as const)('namespace search of the %i.x emulation', (major) => {
  let s: RunningKestraServer;
  let base: string;
  const search = async (query: string) => (await fetch(`${base}/namespaces/search?${query}`)).json();
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major });
    base = `${s.url}/api/v1/main`;
    for (const [id, ns] of [['a', 'company.team'], ['b', 'company.data.ingest'], ['c', 'Acme'.toLowerCase()], ['gone', 'old.ns']]) {
      await fetch(`${base}/flows`, { method: 'POST', body: FLOW(id, ns), headers: { 'Content-Type': 'application/x-yaml' } });
    }
    await fetch(`${base}/flows/old.ns/gone`, { method: 'DELETE' });
    await fetch(`${base}/namespaces/kv.only/kv/K`, { method: 'PUT', body: '1', headers: { 'Content-Type': 'text/plain' } });
    const form = new FormData();
    form.append('fileContent', new Blob(['x']), 'x');
    await fetch(`${base}/namespaces/files.only/files?path=/x.txt`, { method: 'POST', body: form });
  });
  afterAll(() => s.close());

  const ids = (page: { results: Array<{ id: string }> }) => page.results.map((r) => r.id);

  it('lists flow namespaces, their ancestors and system, and nothing else', async () => {
    const page = await search('page=1&size=100');
    expect(ids(page)).toEqual(['acme', 'company', 'company.data', 'company.data.ingest', 'company.team', 'system']);
    expect(page.total).toBe(6);
  });

  it('filters with q in any case, ignores filters, sorts descending on request', async () => {
    expect(ids(await search('q=DATA&size=100'))).toEqual(['company.data', 'company.data.ingest']);
    expect(ids(await search('filters[namespace][EQUALS]=company.team&size=100'))).toHaveLength(6);
    expect(ids(await search('sort=id:desc&size=2'))).toEqual(['system', 'company.team']);
  });

  it('pages, and answers a page past the end with total 0', async () => {
    expect(await search('page=2&size=4')).toEqual({ results: [{ id: 'company.team', deleted: false }, { id: 'system', deleted: false }], total: 6 });
    expect(await search('page=9&size=4')).toEqual({ results: [], total: 0 });
  });
});
