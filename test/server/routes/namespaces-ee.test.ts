/**
 * Namespace objects of the Enterprise Edition (POST /namespaces, GET|PUT|DELETE /namespaces/{id},
 * the search of objects), on both lines — and the open-source GET that answers any id.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../../lib/server';
import { errorTextOf } from '../support/error-text';

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const JSON_TYPE = { 'Content-Type': 'application/json' };

describe.each([2, 1] as const)('EE namespace objects on the %i.x line', (major) => {
  let s: RunningKestraServer;
  let base: string;
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${base}${p}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : JSON_TYPE });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const detail = (b: { detail?: string; message?: string }) => errorTextOf(major, b);
  beforeEach(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
    base = `${s.url}/api/v1/main`;
  });
  afterEach(() => s.close());

  it('creates, reads, replaces and deletes a namespace object', async () => {
    const created = await call('POST', '/namespaces', { id: 'company.team', deleted: false, description: 'Team', variables: { env: 'prod', n: 1 }, allowedNamespaces: [{ namespace: 'company.other' }] });
    expect(created).toEqual({ status: 200, body: { id: 'company.team', description: 'Team', variables: { env: 'prod', n: 1 }, allowedNamespaces: [{ namespace: 'company.other' }], deleted: false } });
    expect(await call('GET', '/namespaces/company.team')).toEqual(created);
    // PUT replaces the whole object: what is not sent is gone.
    const replaced = await call('PUT', '/namespaces/company.team', { id: 'company.team', deleted: false, variables: { env: 'dev' } });
    expect(replaced).toEqual({ status: 200, body: { id: 'company.team', variables: { env: 'dev' }, deleted: false } });
    expect((await call('GET', '/namespaces/company.team')).body).toEqual(replaced.body);
    expect(await call('DELETE', '/namespaces/company.team')).toEqual({ status: 204, body: undefined });
    expect((await call('GET', '/namespaces/company.team')).status).toBe(404);
    // Gone, it can be created again.
    expect((await call('POST', '/namespaces', { id: 'company.team', deleted: false })).status).toBe(200);
  });

  it('answers 404 for a namespace without an object, also one that holds flows', async () => {
    await fetch(`${base}/flows`, { method: 'POST', body: FLOW('a', 'company.flows'), headers: { 'Content-Type': 'application/x-yaml' } });
    for (const id of ['company.flows', 'company', 'nothing.here']) {
      const got = await call('GET', `/namespaces/${id}`);
      expect([id, got.status]).toEqual([id, 404]);
      expect(detail(got.body)).toBe(major === 2 ? 'Resource not found' : 'Not Found');
    }
    expect((await call('PUT', '/namespaces/company.flows', { id: 'company.flows', deleted: false })).status).toBe(404);
    expect((await call('DELETE', '/namespaces/nothing.here')).status).toBe(404);
  });

  it('refuses a taken id (409), a bad id (422) and an id other than the path (422)', async () => {
    await call('POST', '/namespaces', { id: 'company', deleted: false });
    const again = await call('POST', '/namespaces', { id: 'company', deleted: false, description: 'x' });
    expect(again.status).toBe(409);
    expect(detail(again.body)).toBe(major === 2 ? "Namespace 'company' already exists." : "Conflict: Namespace 'company' already exists.");
    if (major === 2) expect(again.body.type).toBe('https://kestra.io/docs/api-reference/problems/entity-already-exists');
    for (const id of ['Company', '.company', 'com pany', '', 7]) {
      const bad = await call('POST', '/namespaces', { id, deleted: false });
      expect([id, bad.status]).toEqual([id, 422]);
    }
    const moved = await call('PUT', '/namespaces/company', { id: 'other', deleted: false });
    expect(moved.status).toBe(422);
    expect(JSON.stringify(moved.body)).toContain('namespace.id');
    expect((await call('GET', '/namespaces/company')).body).toEqual({ id: 'company', deleted: false });
  });

  it("refuses bodies Kestra cannot bind: not JSON, not an object, a field of the wrong type", async () => {
    const raw = await fetch(`${base}/namespaces`, { method: 'POST', body: '{"id":', headers: JSON_TYPE });
    expect(raw.status).toBe(422);
    expect((await fetch(`${base}/namespaces`, { method: 'POST', body: '[]', headers: JSON_TYPE })).status).toBe(422);
    expect((await fetch(`${base}/namespaces`, { method: 'POST', body: 'id: a', headers: { 'Content-Type': 'application/x-yaml' } })).status).toBe(415);
    expect((await call('POST', '/namespaces', { id: 'a', variables: 'x' })).status).toBe(422);
    expect((await call('POST', '/namespaces', { id: 'a', allowedNamespaces: [{}] })).status).toBe(422);
    expect((await call('GET', '/namespaces/a')).status).toBe(404);
  });

  it("keeps the line's fields: 2.x drops unknown ones, 1.x refuses them", async () => {
    if (major === 2) {
      const created = await call('POST', '/namespaces', { id: 'a', deleted: false, pluginDefaults: [{ type: 'x', values: {} }], workerGroup: { key: 'g' }, concurrency: { limit: 2, behavior: 'QUEUE' } });
      expect(created).toEqual({ status: 200, body: { id: 'a', concurrency: { limit: 2, behavior: 'QUEUE' }, deleted: false } });
      expect((await call('POST', '/namespaces', { id: 'b', concurrency: { limit: 0, behavior: 'QUEUE' } })).status).toBe(422);
    } else {
      const refused = await call('POST', '/namespaces', { id: 'a', deleted: false, concurrency: { limit: 2, behavior: 'QUEUE' } });
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(/^Invalid json: Unrecognized field "concurrency"/);
      const created = await call('POST', '/namespaces', { id: 'a', deleted: false, pluginDefaults: [{ type: 'io.kestra.plugin.core.log.Log', values: { level: 'INFO' } }] });
      expect(created.body).toEqual({ id: 'a', pluginDefaults: [{ type: 'io.kestra.plugin.core.log.Log', values: { level: 'INFO' } }], deleted: false });
    }
  });

  it('refuses to delete a namespace that still holds flows (409), not one whose flows are gone', async () => {
    await call('POST', '/namespaces', { id: 'company.team', deleted: false });
    await fetch(`${base}/flows`, { method: 'POST', body: FLOW('a', 'company.team'), headers: { 'Content-Type': 'application/x-yaml' } });
    const refused = await call('DELETE', '/namespaces/company.team');
    expect(refused.status).toBe(409);
    expect(detail(refused.body)).toContain('still holds flows');
    await fetch(`${base}/flows/company.team/a`, { method: 'DELETE' });
    expect((await call('DELETE', '/namespaces/company.team')).status).toBe(204);
  });

  it('searches the objects alone, or with the placeholders of flow namespaces', async () => {
    await fetch(`${base}/flows`, { method: 'POST', body: FLOW('a', 'acme.data.ingest'), headers: { 'Content-Type': 'application/x-yaml' } });
    await call('POST', '/namespaces', { id: 'company.team', deleted: false, description: 'T' });
    await call('POST', '/namespaces', { id: 'company.team.sub', deleted: false });
    await call('POST', '/namespaces', { id: 'other', deleted: false });
    const ids = async (query: string) => (await call('GET', `/namespaces/search?${query}`)).body.results.map((r: { id: string }) => r.id);
    expect(await ids('existing=true&size=100')).toEqual(['company.team', 'company.team.sub', 'other']);
    expect(await ids('filters[existingOnly][EQUALS]=true&size=100')).toEqual(['company.team', 'company.team.sub', 'other']);
    expect(await ids('size=100')).toEqual(['acme', 'acme.data', 'acme.data.ingest', 'company', 'company.team', 'company.team.sub', 'other', 'system']);
    expect(await ids('existing=true&filters[namespace][PREFIX]=company.team&size=100')).toEqual(['company.team', 'company.team.sub']);
    expect(await ids(`existing=true&${major === 2 ? 'filters[q][EQUALS]' : 'q'}=SUB&size=100`)).toEqual(['company.team.sub']);
    expect(await ids('existing=true&sort=id:desc&size=2')).toEqual(['other', 'company.team.sub']);
    const page = await call('GET', '/namespaces/search?existing=true&page=2&size=2');
    expect(page.body).toEqual({ results: [{ id: 'other', deleted: false }], total: 3 });
    const objects = (await call('GET', '/namespaces/search?size=100')).body.results;
    expect(objects.find((r: { id: string }) => r.id === 'company.team')).toEqual({ id: 'company.team', description: 'T', deleted: false });
    expect(objects.find((r: { id: string }) => r.id === 'acme')).toEqual({ id: 'acme', deleted: false });
  });

  it('keeps the objects in the data folder across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-ns-'));
    try {
      let disk = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee', dataDir: dir });
      await fetch(`${disk.url}/api/v1/main/namespaces`, { method: 'POST', body: JSON.stringify({ id: 'kept', deleted: false, description: 'on disk' }), headers: JSON_TYPE });
      await fetch(`${disk.url}/api/v1/main/namespaces`, { method: 'POST', body: JSON.stringify({ id: 'dropped', deleted: false }), headers: JSON_TYPE });
      await fetch(`${disk.url}/api/v1/main/namespaces/dropped`, { method: 'DELETE' });
      await disk.close();
      disk = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee', dataDir: dir });
      expect(await (await fetch(`${disk.url}/api/v1/main/namespaces/kept`)).json()).toEqual({ id: 'kept', description: 'on disk', deleted: false });
      expect((await fetch(`${disk.url}/api/v1/main/namespaces/dropped`)).status).toBe(404);
      await disk.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each([2, 1] as const)('open-source namespaces on the %i.x line', (major) => {
  let s: RunningKestraServer;
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major });
  });
  afterAll(() => s.close());

  it('answers GET /namespaces/{id} with {id, deleted: false} for any id, and offers no writes', async () => {
    for (const id of ['company.team', 'never.seen']) {
      const res = await fetch(`${s.url}/api/v1/main/namespaces/${id}`);
      expect([res.status, await res.json()]).toEqual([200, { id, deleted: false }]);
    }
    const post = await fetch(`${s.url}/api/v1/main/namespaces`, { method: 'POST', body: JSON.stringify({ id: 'x', deleted: false }), headers: JSON_TYPE });
    expect(post.status).toBe(404);
    const del = await fetch(`${s.url}/api/v1/main/namespaces/company.team`, { method: 'DELETE' });
    expect([del.status, del.headers.get('allow')]).toEqual([405, 'GET']);
  });
});
