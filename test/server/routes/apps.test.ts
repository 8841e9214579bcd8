/**
 * The emulator's apps (Kestra Enterprise), on both lines: the uid Kestra makes up, the source kept
 * byte for byte, ApiAppSource and ApiApp answers, Kestra's 422s (unreadable YAML, missing id or
 * namespace, a type that is no app plugin, a duplicate, an update that moves the app), the search
 * (2.0: `filters` required and exact; 1.3: a flat namespace prefix, `filters` not bound), enable
 * and disable, delete, the open-source edition without any of it, and `--data` across restarts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../../lib/server';
import { errorTextOf } from '../support/error-text';

const app = (id: string, ns = 'company.team', extra = '') =>
  `id: ${id}\ntype: io.kestra.plugin.ee.apps.Execution\ndisplayName: App ${id}\nnamespace: ${ns}\nflowId: get_data\naccess:\n  type: PRIVATE\ntags:\n  - Reporting\n${extra}layout:\n  - on: OPEN\n    blocks:\n      - type: io.kestra.plugin.ee.apps.core.blocks.Markdown\n        content: "## Hi"\n`;
const YAML = { 'Content-Type': 'application/x-yaml' };

describe.each([2, 1] as const)('apps on the %i.x EE emulation', (major) => {
  let s: RunningKestraServer;
  let base: string;
  const post = (body: string) => fetch(`${base}/apps`, { method: 'POST', body, headers: YAML });
  const put = (uid: string, body: string) => fetch(`${base}/apps/${uid}`, { method: 'PUT', body, headers: YAML });
  const errorText = async (res: Response) => errorTextOf(major, await res.json());
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
    base = `${s.url}/api/v1/main`;
  });
  afterAll(() => s.close());

  it('creates an app under a uid it makes up, keeping the source as sent', async () => {
    const source = app('request_form');
    const res = await post(source);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.uid).toMatch(/^[0-9A-Za-z]{20,22}$/);
    expect(body).toEqual({ uid: body.uid, name: 'App request_form', namespace: 'company.team', tags: ['Reporting'], disabled: false, source, created: body.created, updated: body.updated });
    const got = await (await fetch(`${base}/apps/${body.uid}`)).json();
    expect(got.source).toBe(source);
    expect(got.uid).toBe(body.uid);
    // Another app gets another uid.
    const other = await (await post(app('other_form'))).json();
    expect(other.uid).not.toBe(body.uid);
  });

  it('refuses what Kestra refuses, with its 422', async () => {
    const cases: Array<[string, RegExp]> = [
      ['id: x\nnamespace: a\n  bad: [', /Illegal app yaml/],
      [app('dup_check').replace('id: dup_check\n', ''), /id: must not be null/],
      [app('no_ns').replace('namespace: company.team\n', ''), /namespace: must not be null/],
      [app('wrong').replace('io.kestra.plugin.ee.apps.Execution', 'io.kestra.plugin.core.log.Log'), /Invalid type: io\.kestra\.plugin\.core\.log\.Log/],
    ];
    expect((await post(app('dup'))).status).toBe(200);
    for (const [source, message] of cases) {
      const res = await post(source);
      expect(res.status).toBe(422);
      expect(await errorText(res)).toMatch(message);
    }
    const dup = await post(app('dup'));
    expect(dup.status).toBe(422);
    expect(await errorText(dup)).toMatch(/app\.id: App id already exists/);
    // The same id in another namespace is another app.
    expect((await post(app('dup', 'company.other'))).status).toBe(200);
  });

  it('updates under the same uid and refuses an update that moves the app', async () => {
    const { uid, updated } = await (await post(app('to_update'))).json();
    const changed = app('to_update').replace('## Hi', '## Changed');
    const res = await put(uid, changed);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.uid).toBe(uid);
    expect(body.source).toBe(changed);
    expect(body.updated >= updated).toBe(true);
    const sameAgain = await (await put(uid, changed)).json();
    expect(sameAgain.updated).toBe(body.updated);
    const moved = await put(uid, app('renamed'));
    expect(moved.status).toBe(422);
    expect(await errorText(moved)).toMatch(/app\.id: Illegal app id update/);
    const otherNs = await put(uid, app('to_update', 'company.elsewhere'));
    expect(await errorText(otherNs)).toMatch(/app\.namespace: Illegal namespace update/);
    expect((await put('noSuchUid', changed)).status).toBe(404);
  });

  it('disables and enables an app outside its source', async () => {
    const { uid } = await (await post(app('toggled'))).json();
    const off = await fetch(`${base}/apps/${uid}/disable`, { method: 'POST' });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ uid, id: 'toggled', namespace: 'company.team', type: 'io.kestra.plugin.ee.apps.Execution', enabled: false });
    const got = await (await fetch(`${base}/apps/${uid}`)).json();
    expect(got.disabled).toBe(true);
    expect(got.source).toBe(app('toggled'));
    expect(await (await fetch(`${base}/apps/${uid}/enable`, { method: 'POST' })).json()).toMatchObject({ enabled: true });
    expect((await fetch(`${base}/apps/missing/enable`, { method: 'POST' })).status).toBe(404);
  });

  it('deletes an app; a second delete and a read are 404', async () => {
    const { uid } = await (await post(app('doomed'))).json();
    expect((await fetch(`${base}/apps/${uid}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${base}/apps/${uid}`)).status).toBe(404);
    expect((await fetch(`${base}/apps/${uid}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('searches as the line does, without sources', async () => {
    for (const [id, ns] of [['s1', 'search.ns'], ['s2', 'search.ns'], ['s3', 'search.ns'], ['child', 'search.ns.child'], ['near', 'search.nsx']]) {
      expect((await post(app(id, ns))).status).toBe(200);
    }
    const search = async (query: string) => (await fetch(`${base}/apps/search?${query}`)).json();
    const ids = (page: { results: Array<{ id: string }> }) => page.results.map((r) => r.id);
    if (major === 2) {
      expect(ids(await search('filters[namespace][EQUALS]=search.ns&size=10'))).toEqual(['s1', 's2', 's3']);
      expect(ids(await search('filters[namespace][PREFIX]=search.ns&size=10'))).toEqual(['s1', 's2', 's3', 'child']);
      const page = await search('filters[namespace][EQUALS]=search.ns&page=2&size=2');
      expect(page.total).toBe(3);
      expect(ids(page)).toEqual(['s3']);
      expect(page.results[0]).toEqual({ uid: page.results[0].uid, id: 's3', name: 'App s3', type: 'io.kestra.plugin.ee.apps.Execution', namespace: 'search.ns', flowId: 'get_data', tags: ['Reporting'], enabled: true, created: page.results[0].created, updated: page.results[0].updated });
      expect((await fetch(`${base}/apps/search?page=1&size=10`)).status).toBe(400);
      expect((await fetch(`${base}/apps/search?filters[color][EQUALS]=red`)).status).toBe(400);
    } else {
      // 1.3: `namespace` is a prefix filter; `filters` is not bound, so it changes nothing.
      expect(ids(await search('namespace=search.ns&size=10'))).toEqual(['s1', 's2', 's3', 'child', 'near']);
      expect((await search('filters[namespace][EQUALS]=search.ns&size=100')).total).toBe((await search('size=100')).total);
    }
  });
});

describe('apps in the open-source edition', () => {
  it('are not offered', async () => {
    const s = await startKestraServer({ port: 0 });
    try {
      const res = await fetch(`${s.url}/api/v1/main/apps`, { method: 'POST', body: app('x'), headers: YAML });
      expect(res.status).toBe(404);
      expect((await fetch(`${s.url}/api/v1/main/apps/search?filters[namespace][EQUALS]=a`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});

describe('apps with --data', () => {
  it('survive a restart with their uid, source and flag', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-apps-'));
    try {
      let s = await startKestraServer({ port: 0, edition: 'ee', dataDir: dir });
      const { uid } = await (await fetch(`${s.url}/api/v1/main/apps`, { method: 'POST', body: app('kept'), headers: YAML })).json();
      await fetch(`${s.url}/api/v1/main/apps/${uid}/disable`, { method: 'POST' });
      await s.close();
      s = await startKestraServer({ port: 0, edition: 'ee', dataDir: dir });
      const got = await (await fetch(`${s.url}/api/v1/main/apps/${uid}`)).json();
      await s.close();
      expect(got).toMatchObject({ uid, source: app('kept'), disabled: true, namespace: 'company.team' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
