/**
 * The emulator's dashboards as kestra-io/kestra's DashboardController serves them: 2.x takes the
 * id from the source (mandatory, unique, not changed by an update) and shows a 1.x-made source
 * with its id line; 1.x makes the id up and refuses one in the source; both keep the source byte
 * for byte, list with `q` and pages, validate, and answer a delete of nothing as the repository's
 * IllegalStateException does (1.x 409, 2.x 500). Open-source 2.x lists and reads dashboards but
 * answers create, update and delete 405, as Kestra 2.0 OSS does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer, type KestraServerOptions, type RunningKestraServer } from '../../../lib/server';

const YAML = { 'Content-Type': 'application/x-yaml' };
const body = (title: string, extra = '') =>
  `title: ${title}\ndescription: Executions\ntimeWindow:\n  default: P7D\n  max: P365D\n${extra}charts:\n  - id: executions_timeseries\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n    chartOptions:\n      displayName: Executions\n`;
const withId = (id: string, title = `Dashboard ${id}`) => `id: ${id}\n${body(title)}`;

async function server(opts: KestraServerOptions): Promise<{ s: RunningKestraServer; base: string }> {
  const s = await startKestraServer({ port: 0, ...opts });
  return { s, base: `${s.url}/api/v1/main` };
}

describe.each(['ee', 'oss'] as const)('dashboards on the 2.x %s emulation', (edition) => {
  let s: RunningKestraServer;
  let base: string;
  const post = (b: string) => fetch(`${base}/dashboards`, { method: 'POST', body: b, headers: YAML });
  beforeAll(async () => ({ s, base } = await server({ edition })));
  afterAll(() => s.close());

  if (edition === 'oss') {
    it('lists, reads and validates, but answers create, update and delete 405 (Kestra 2.0 OSS)', async () => {
      for (const [method, p] of [['POST', '/dashboards'], ['PUT', '/dashboards/x'], ['DELETE', '/dashboards/x']]) {
        const res = await fetch(`${base}${p}`, { method, body: method === 'DELETE' ? undefined : withId('x'), headers: YAML });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toMatch(/GET/);
      }
      expect(await (await fetch(`${base}/dashboards`)).json()).toEqual({ results: [], total: 0 });
      expect((await fetch(`${base}/dashboards/x`)).status).toBe(404);
      expect(await (await fetch(`${base}/dashboards/validate`, { method: 'POST', body: withId('x'), headers: YAML })).json()).toEqual({ index: 0 });
    });
    return;
  }

  it('creates under the source\'s id, keeping the source and normalising the time window', async () => {
    const source = withId('ops');
    const res = await post(source);
    expect(res.status).toBe(200);
    const d = await res.json();
    expect(d).toEqual({
      tenantId: 'main',
      id: 'ops',
      title: 'Dashboard ops',
      description: 'Executions',
      timeWindow: { default: 'PT168H', max: 'PT8760H' },
      charts: [{ id: 'executions_timeseries', type: 'io.kestra.plugin.core.dashboard.chart.TimeSeries', chartOptions: { displayName: 'Executions' } }],
      deleted: false,
      created: d.created,
      updated: d.updated,
      sourceCode: source,
    });
    expect(await (await fetch(`${base}/dashboards/ops`)).json()).toEqual(d);
  });

  it('refuses a source without id, a duplicate, an id change, and what the model refuses', async () => {
    const noId = await post(body('No id'));
    expect(noId.status).toBe(422);
    expect((await noId.json()).detail).toBe('Dashboard id is mandatory');
    await post(withId('twice'));
    const dup = await post(withId('twice'));
    expect(dup.status).toBe(422);
    expect((await dup.json()).detail).toBe('dashboard.id: Dashboard id already exists');
    const moved = await fetch(`${base}/dashboards/twice`, { method: 'PUT', body: withId('renamed'), headers: YAML });
    expect(moved.status).toBe(422);
    expect((await moved.json()).detail).toBe('dashboard.id: Illegal dashboard id update');
    for (const [source, message] of [
      ['id: t\ndescription: no title\n', /title: must not be null/],
      [`id: t\n${body('Long', '').replace('P365D', 'P400D')}`, /Time window can't be more than 1 year/],
      ['id: t\ntitle: x\ncharts:\n  - type: io.kestra.plugin.core.dashboard.chart.Table\n', /charts\[0\]\.id: must not be null/],
      ['id: t\ntitle: x\nwidgets: []\n', /Unrecognized field "widgets"/],
      ['id: t\ntitle: [\n', /Illegal dashboard yaml/],
    ] as const) {
      const res = await post(source);
      expect(res.status).toBe(422);
      expect((await res.json()).detail).toMatch(message);
    }
  });

  it('updates in place; the same source again changes nothing', async () => {
    const { updated } = await (await post(withId('upd'))).json();
    const changed = withId('upd', 'Renamed');
    const res = await (await fetch(`${base}/dashboards/upd`, { method: 'PUT', body: changed, headers: YAML })).json();
    expect(res).toMatchObject({ id: 'upd', title: 'Renamed', sourceCode: changed });
    expect(res.updated >= updated).toBe(true);
    const again = await (await fetch(`${base}/dashboards/upd`, { method: 'PUT', body: changed, headers: YAML })).json();
    expect(again.updated).toBe(res.updated);
    expect((await fetch(`${base}/dashboards/none`, { method: 'PUT', body: withId('none'), headers: YAML })).status).toBe(404);
  });

  it('lists with q and pages, deletes, and answers a delete of nothing 500', async () => {
    for (const id of ['l1', 'l2', 'l3']) await post(withId(id, `Listed ${id}`));
    const page = await (await fetch(`${base}/dashboards?q=listed&page=2&size=2`)).json();
    expect(page.total).toBe(3);
    expect(page.results.map((r: { id: string }) => r.id)).toEqual(['l3']);
    expect(page.results[0].sourceCode).toBe(withId('l3', 'Listed l3'));
    expect((await fetch(`${base}/dashboards/l3`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base}/dashboards/l3`)).status).toBe(404);
    expect((await fetch(`${base}/dashboards/l3`, { method: 'DELETE' })).status).toBe(500);
  });

  it('validates without storing', async () => {
    const ok = await (await fetch(`${base}/dashboards/validate`, { method: 'POST', body: withId('v'), headers: YAML })).json();
    expect(ok).toEqual({ index: 0 });
    const bad = await (await fetch(`${base}/dashboards/validate`, { method: 'POST', body: 'id: v\n', headers: YAML })).json();
    expect(bad).toEqual({ index: 0, constraints: 'title: must not be null' });
    expect((await fetch(`${base}/dashboards/v`)).status).toBe(404);
  });
});

describe('dashboards on the 1.x emulation', () => {
  let s: RunningKestraServer;
  let base: string;
  const post = (b: string) => fetch(`${base}/dashboards`, { method: 'POST', body: b, headers: YAML });
  beforeAll(async () => ({ s, base } = await server({ kestraMajor: 1 })));
  afterAll(() => s.close());

  it('makes the id up on create and refuses a source that names one', async () => {
    const source = body('Made up');
    const d = await (await post(source)).json();
    expect(d.id).toMatch(/^[0-9A-Za-z]{20,22}$/);
    expect(d.sourceCode).toBe(source);
    expect((await (await fetch(`${base}/dashboards/${d.id}`)).json()).sourceCode).toBe(source);
    const other = await (await post(source)).json();
    expect(other.id).not.toBe(d.id);
    const named = await post(withId('mine'));
    expect(named.status).toBe(422);
    expect((await named.json()).message).toBe('Illegal argument: Dashboard id is not editable');
  });

  it('keeps the id of the path on update, and answers a delete of nothing 409', async () => {
    const { id } = await (await post(body('Before'))).json();
    const res = await (await fetch(`${base}/dashboards/${id}`, { method: 'PUT', body: body('After'), headers: YAML })).json();
    expect(res).toMatchObject({ id, title: 'After' });
    expect((await fetch(`${base}/dashboards/${id}`, { method: 'DELETE' })).status).toBe(204);
    const again = await fetch(`${base}/dashboards/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(409);
    expect((await again.json()).message).toBe(`Illegal state: Dashboard ${id} doesn't exists`);
  });
});

describe('dashboards with --data across lines', () => {
  it('2.x shows a dashboard 1.x made with its id line in front of the stored source', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-dash-'));
    try {
      const v1 = await server({ kestraMajor: 1, dataDir: dir });
      const made = await (await fetch(`${v1.base}/dashboards`, { method: 'POST', body: body('Legacy'), headers: YAML })).json();
      await v1.s.close();
      const v2 = await server({ kestraMajor: 2, dataDir: dir });
      const got = await (await fetch(`${v2.base}/dashboards/${made.id}`)).json();
      const listed = await (await fetch(`${v2.base}/dashboards`)).json();
      await v2.s.close();
      expect(got.sourceCode).toBe(`id: ${made.id}\n${body('Legacy')}`);
      // The listing carries the stored source as it is.
      expect(listed.results[0].sourceCode).toBe(body('Legacy'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
