/**
 * The client's apps against the embedded EE server on both lines: the uid Kestra gives, all pages
 * of a search kept to exactly the namespace (1.x ignores the 2.0 filter and answers every app),
 * reads with sources, updates, enable/disable, deletes of something gone, and Kestra's refusals
 * as errors that name the request and say Kestra's words.
 */
import { KestraApiError } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { failureOf, testClient } from './support/client';

const app = (id: string, ns = 'company.team') =>
  `id: ${id}\ntype: io.kestra.plugin.ee.apps.Execution\ndisplayName: App ${id}\nnamespace: ${ns}\nflowId: get_data\naccess:\n  type: PRIVATE\nlayout:\n  - on: OPEN\n    blocks:\n      - type: io.kestra.plugin.ee.apps.core.blocks.Markdown\n        content: hi\n`;

describe.each([2, 1] as const)('apps through the client, %i.x EE', (major) => {
  let s: RunningKestraServer;
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
  });
  afterAll(() => s.close());

  it('creates, finds, reads, updates, toggles and deletes an app', async () => {
    const { client } = testClient(s.url, { pageSize: 2 });
    try {
      const created = await client.createApp(app('form'));
      expect(created).toMatchObject({ source: app('form'), disabled: false });
      expect(created.uid).toMatch(/^[0-9A-Za-z]+$/);

      const found = await client.searchApps('company.team');
      expect(found).toEqual([expect.objectContaining({ uid: created.uid, id: 'form', namespace: 'company.team', enabled: true, name: 'App form', type: 'io.kestra.plugin.ee.apps.Execution' })]);
      expect(found[0].updated).toBe(created.updated);

      expect(await client.getApp(created.uid)).toMatchObject({ uid: created.uid, namespace: 'company.team', source: app('form'), disabled: false });
      const changed = app('form').replace('content: hi', 'content: hello');
      expect((await client.updateApp(created.uid, changed)).source).toBe(changed);

      await client.setAppEnabled(created.uid, false);
      expect((await client.getApp(created.uid))?.disabled).toBe(true);
      expect((await client.searchApps('company.team'))[0].enabled).toBe(false);
      await client.setAppEnabled(created.uid, true);
      expect((await client.getApp(created.uid))?.disabled).toBe(false);

      await client.deleteApp(created.uid);
      expect(await client.getApp(created.uid)).toBeNull();
      await expect(client.deleteApp(created.uid)).resolves.toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('reads every page of a search and keeps exactly the namespace asked for', async () => {
    const { client, events } = testClient(s.url, { pageSize: 2 });
    try {
      for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) await client.createApp(app(id, 'paged'));
      await client.createApp(app('kid', 'paged.child'));
      await client.createApp(app('near', 'pagedx'));
      const before = events.length;
      const found = await client.searchApps('paged');
      expect(found.map((a) => a.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      const pages = events.slice(before).filter((e) => e.operation === 'searchApps');
      // 2.x filters on the server: 3 pages of 2. 1.x ignores the filter and pages through every app.
      if (major === 2) expect(pages).toHaveLength(3);
      else expect(pages.length).toBeGreaterThanOrEqual(4);
      expect(pages.every((e) => e.query.includes(encodeURIComponent('filters[namespace][EQUALS]')))).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('reports Kestra\'s refusals with its words', async () => {
    const { client } = testClient(s.url);
    try {
      const refused = await failureOf(client.createApp(app('bad').replace('namespace: company.team\n', '')));
      expect(refused).toBeInstanceOf(KestraApiError);
      expect((refused as KestraApiError).status).toBe(422);
      expect(refused.message).toMatch(/create an app failed with HTTP 422 \(POST \/api\/v1\/main\/apps\)/);
      expect(refused.message).toMatch(/namespace: must not be null/);
      const missing = await failureOf(client.updateApp('noSuchUid', app('x')));
      expect((missing as KestraApiError).status).toBe(404);
      expect(missing.message).toMatch(/app noSuchUid does not exist any more/);
      expect(await client.getApp('noSuchUid')).toBeNull();
    } finally {
      await client.close();
    }
  });
});

describe('apps through the client, open-source Kestra', () => {
  it('fail with the 404 of an operation the server does not have', async () => {
    const s = await startKestraServer({ port: 0 });
    const { client } = testClient(s.url);
    try {
      const error = await failureOf(client.searchApps('company.team'));
      expect(error).toBeInstanceOf(KestraApiError);
      expect((error as KestraApiError).status).toBe(404);
    } finally {
      await client.close();
      await s.close();
    }
  });
});
