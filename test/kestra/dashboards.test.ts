/**
 * The client's dashboards: on 2.x the id is the source's, on 1.x the one Kestra made up (the
 * create's answer); every page of the listing with sources; validate; a delete of a dashboard
 * already gone resolves whether Kestra answers it 409 (1.x) or 500 (2.x), but only once a read
 * says it is gone; open-source 2.0's 405 on writes is explained.
 */
import { KestraApiError, type DashboardInfo } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

const body = (title: string) => `title: ${title}\ncharts:\n  - id: table\n    type: io.kestra.plugin.core.dashboard.chart.Table\n`;

describe.each([
  [2, 'ee'],
  [1, 'oss'],
] as const)('dashboards through the client, %i.x %s', (major, edition) => {
  let s: RunningKestraServer;
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major, edition });
  });
  afterAll(() => s.close());
  const source = (id: string, title: string) => (major === 2 ? `id: ${id}\n${body(title)}` : body(title));

  it('creates, lists every page, reads, updates and deletes', async () => {
    const { client } = testClient(s.url, { pageSize: 2 });
    try {
      const made: DashboardInfo[] = [];
      for (const n of [1, 2, 3]) made.push(await client.createDashboard(source(`d${n}`, `Dash ${n}`)));
      if (major === 2) expect(made.map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
      else expect(new Set(made.map((d) => d.id)).size).toBe(3);
      expect(made[0].sourceCode).toBe(source('d1', 'Dash 1'));

      const listed = await client.searchDashboards();
      expect(listed.map((d) => d.title).sort()).toEqual(['Dash 1', 'Dash 2', 'Dash 3']);
      expect(listed.find((d) => d.id === made[1].id)?.sourceCode).toBe(source('d2', 'Dash 2'));

      const id = made[0].id;
      expect(await client.getDashboard(id)).toMatchObject({ id, title: 'Dash 1', sourceCode: source('d1', 'Dash 1') });
      expect(await client.updateDashboard(id, source('d1', 'Renamed'))).toMatchObject({ id, sourceCode: source('d1', 'Renamed') });
      await client.deleteDashboard(id);
      expect(await client.getDashboard(id)).toBeNull();
      // Kestra answers this delete 500 (2.x) or 409 (1.x): the dashboard is gone, so it resolves.
      await expect(client.deleteDashboard(id)).resolves.toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('validates with Kestra\'s words', async () => {
    const { client } = testClient(s.url);
    try {
      expect(await client.validateDashboard(source('v', 'Valid'))).toBeUndefined();
      expect(await client.validateDashboard('description: untitled\n')).toBe('title: must not be null');
    } finally {
      await client.close();
    }
  });
});

describe('dashboards through the client, open-source 2.x', () => {
  it('explains the 405 Kestra 2.0 OSS answers a write with', async () => {
    const s = await startKestraServer({ port: 0 });
    const { client } = testClient(s.url);
    try {
      expect(await client.searchDashboards()).toEqual([]);
      const error = await failureOf(client.createDashboard(`id: x\n${body('X')}`));
      expect((error as KestraApiError).status).toBe(405);
      expect(error.message).toMatch(/no longer creates, changes or deletes them \(an Enterprise Edition feature since 2\.0\)/);
    } finally {
      await client.close();
      await s.close();
    }
  });
});

describe('deleteDashboard after a 409 or 500', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => server?.close());

  it('fails when the dashboard is still there', async () => {
    server = await startScriptedServer((req, res) => {
      if (req.method === 'DELETE') return sendJson(res, 500, { type: 'https://kestra.io/docs/api-reference/problems/internal-error', title: 'Internal server error', status: 500 });
      return sendJson(res, 200, { id: 'x', title: 'X', deleted: false, sourceCode: 'id: x\ntitle: X\n' });
    });
    const { client } = testClient(server.url);
    try {
      const error = await failureOf(client.deleteDashboard('x'));
      expect((error as KestraApiError).status).toBe(500);
      expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'GET']);
    } finally {
      await client.close();
    }
  });
});
