/**
 * Secrets on both lines: open-source Kestra lists its SECRET_* keys read-only and has no writes;
 * the Enterprise Edition stores them per namespace. A value is never answered, logged or written
 * to the data folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../../lib/server';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const VALUE = 'correct-horse-battery-staple-4242';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe.each([2, 1] as const)('EE secrets on the %i.x line', (major) => {
  let s: RunningKestraServer;
  let base: string;
  let dir: string;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${base}${p}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : JSON_TYPE });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
  const keysOf = (b: { results: Array<{ key: string; namespace: string }> }) => b.results.map((r) => `${r.namespace}/${r.key}`);
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-secrets-'));
    s = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee', dataDir: dir });
    base = `${s.url}/api/v1/main`;
  });
  afterEach(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts a secret and lists its metadata, never its value', async () => {
    const put = await call('PUT', '/namespaces/company.team/secrets', { key: 'DB_PASSWORD', value: VALUE, description: 'the db', tags: [{ key: 'owner', value: 'data' }] });
    expect(put).toMatchObject({ status: 200, body: [{ key: 'DB_PASSWORD', namespace: 'company.team', description: 'the db', tags: [{ key: 'owner', value: 'data' }] }] });
    await call('PUT', '/namespaces/company.team/secrets', { key: 'API_TOKEN', value: 'other' });
    await call('PUT', '/namespaces/company.team.child/secrets', { key: 'CHILD', value: 'c' });
    await call('PUT', '/namespaces/company/secrets', { key: 'PARENT', value: 'p' });
    const listed = await call('GET', '/secrets?filters[namespace][EQUALS]=company.team&page=1&size=10');
    expect(listed.body).toEqual({
      readOnly: false,
      results: [
        { key: 'API_TOKEN', namespace: 'company.team', tags: [] },
        { key: 'DB_PASSWORD', namespace: 'company.team', description: 'the db', tags: [{ key: 'owner', value: 'data' }] },
      ],
      total: 2,
    });
    expect(keysOf((await call('GET', '/secrets?size=10')).body)).toEqual(['company.team/API_TOKEN', 'company.team.child/CHILD', 'company.team/DB_PASSWORD', 'company/PARENT']);
    expect(keysOf((await call('GET', '/secrets?filters[namespace][PREFIX]=company.team&size=10')).body)).toEqual(['company.team/API_TOKEN', 'company.team.child/CHILD', 'company.team/DB_PASSWORD']);
    expect(keysOf((await call('GET', '/secrets?filters[q][EQUALS]=token&size=10')).body)).toEqual(['company.team/API_TOKEN']);
    expect(keysOf((await call('GET', '/secrets?filters[q][NOT_EQUALS]=a&size=10')).body)).toEqual(['company.team.child/CHILD']);
    expect((await call('GET', '/secrets?filters[q][STARTS_WITH]=a')).status).toBe(422);
    const paged = await call('GET', '/secrets?page=2&size=3');
    expect([paged.body.results.length, paged.body.total]).toEqual([1, 4]);
    expect(await call('GET', '/namespaces/company.team.child/inherited-secrets')).toMatchObject({ body: { 'company.team.child': ['CHILD'], 'company.team': ['API_TOKEN', 'DB_PASSWORD'], company: ['PARENT'] } });
    if (major === 1) {
      const legacy = await call('GET', '/namespaces/company.team/secrets?page=1&size=10');
      expect(legacy.body).toEqual({ ...listed.body });
    } else {
      expect((await call('GET', '/namespaces/company.team/secrets')).status).toBe(405); // removed in 2.0; PUT is there
    }
  });

  it('replaces a secret on PUT, its metadata on PATCH, and deletes it', async () => {
    await call('PUT', '/namespaces/ns/secrets', { key: 'K', value: 'v1', description: 'd1', tags: [{ key: 'a', value: '1' }] });
    await call('PUT', '/namespaces/ns/secrets', { key: 'K', value: 'v2' });
    expect((await call('GET', '/secrets?filters[namespace][EQUALS]=ns')).body.results).toEqual([{ key: 'K', namespace: 'ns', tags: [] }]);
    const patched = await call('PATCH', '/namespaces/ns/secrets/K', { description: 'd2', tags: [{ key: 'b', value: '2' }] });
    expect(patched.body).toEqual([{ key: 'K', namespace: 'ns', description: 'd2', tags: [{ key: 'b', value: '2' }] }]);
    expect((await call('GET', '/secrets?filters[namespace][EQUALS]=ns')).body.results).toEqual(patched.body);
    expect(await call('DELETE', '/namespaces/ns/secrets/K')).toMatchObject({ status: 200, body: ['K'] });
    expect((await call('GET', '/secrets?filters[namespace][EQUALS]=ns')).body).toEqual({ readOnly: false, results: [], total: 0 });
    expect((await call('DELETE', '/namespaces/ns/secrets/K')).status).toBe(404);
    expect((await call('PATCH', '/namespaces/ns/secrets/K', { tags: [] })).status).toBe(404);
    // Keys are kept as sent: k is not K.
    await call('PUT', '/namespaces/ns/secrets', { key: 'k', value: 'x' });
    expect((await call('DELETE', '/namespaces/ns/secrets/K')).status).toBe(404);
  });

  it('refuses a secret without key or value, or with bad tags (422), without repeating the body', async () => {
    for (const body of [{ value: VALUE }, { key: '', value: VALUE }, { key: 'K' }, { key: 'K', value: '' }, { key: 'K', value: VALUE, tags: [{ key: 'a' }] }, { key: 'K', value: VALUE, tags: 'x' }, { key: 1, value: VALUE }]) {
      const res = await call('PUT', '/namespaces/ns/secrets', body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 422]);
      expect(res.text).not.toContain(VALUE);
    }
    const broken = await fetch(`${base}/namespaces/ns/secrets`, { method: 'PUT', body: `{"key":"K","value":"${VALUE}"`, headers: JSON_TYPE });
    expect(broken.status).toBe(422);
    expect(await broken.text()).not.toContain(VALUE);
    expect((await call('GET', '/secrets')).body.total).toBe(0);
  });

  it('keeps the value out of every answer, the request log and the data folder', async () => {
    await call('PUT', '/namespaces/ns/secrets', { key: 'K', value: VALUE, description: 'kept' });
    const answers = [await call('GET', '/secrets?filters[namespace][EQUALS]=ns'), await call('GET', '/namespaces/ns/inherited-secrets'), await call('PATCH', '/namespaces/ns/secrets/K', { description: 'kept', tags: [] })];
    for (const a of answers) expect(a.text).not.toContain(VALUE);
    expect(JSON.stringify(s.log.entries())).not.toContain(VALUE);
    const files = filesUnder(dir);
    // The metadata is in the data folder (its journal), the value in none of its files.
    expect(files.some((f) => fs.readFileSync(f, 'utf8').includes('"valueSha256"'))).toBe(true);
    for (const f of files) expect(fs.readFileSync(f, 'utf8').includes(VALUE)).toBe(false);
    // …and the metadata survives a restart.
    await s.close();
    s = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee', dataDir: dir });
    base = `${s.url}/api/v1/main`;
    expect((await call('GET', '/secrets?filters[namespace][EQUALS]=ns')).body.results).toEqual([{ key: 'K', namespace: 'ns', description: 'kept', tags: [] }]);
  });
});

describe.each([2, 1] as const)('open-source secrets on the %i.x line', (major) => {
  let s: RunningKestraServer;
  let base: string;
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major, ossSecrets: ['github_token', 'DB_PASSWORD', 'API_KEY'] });
    base = `${s.url}/api/v1/main`;
  });
  afterAll(() => s.close());

  it('lists the SECRET_* keys, upper-cased, read-only, for any namespace filter', async () => {
    const all = { readOnly: true, results: [{ key: 'API_KEY' }, { key: 'DB_PASSWORD' }, { key: 'GITHUB_TOKEN' }], total: 3 };
    expect(await (await fetch(`${base}/secrets?filters[namespace][EQUALS]=company.team`)).json()).toEqual(all);
    expect(await (await fetch(`${base}/secrets?filters[q][EQUALS]=Key&page=1&size=10`)).json()).toEqual({ readOnly: true, results: [{ key: 'API_KEY' }], total: 1 });
    expect(await (await fetch(`${base}/namespaces/any.ns/inherited-secrets`)).json()).toEqual({ 'any.ns': ['API_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN'] });
    if (major === 1) expect(await (await fetch(`${base}/namespaces/any.ns/secrets`)).json()).toEqual(all);
  });

  it('offers no writes: PUT, PATCH and DELETE are answered as operations it lacks', async () => {
    const put = await fetch(`${base}/namespaces/ns/secrets`, { method: 'PUT', body: JSON.stringify({ key: 'K', value: VALUE }), headers: JSON_TYPE });
    // 1.x serves GET on that path (the namespace listing): 405; 2.x nothing: 404.
    expect([put.status, put.headers.get('allow')]).toEqual(major === 1 ? [405, 'GET'] : [404, null]);
    expect((await fetch(`${base}/namespaces/ns/secrets/K`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${base}/namespaces/ns/secrets/K`, { method: 'PATCH', body: '{}', headers: JSON_TYPE })).status).toBe(404);
    expect(s.log.entries().filter((e) => e.method !== 'GET').every((e) => e.operationId === '')).toBe(true);
  });
});
