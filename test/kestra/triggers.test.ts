/**
 * Trigger runtime state through the client: the paged search of a namespace in both of Kestra's
 * shapes (2.0 `{trigger, state}`, 1.x `{abstractTrigger, triggerContext}`), a server without it
 * (remembered), and the runtime toggle against the embedded server of each line.
 */
import { KestraProtocolError } from '../../lib/kestra';
import { startKestraServer } from '../../lib/server';
import { sendJson, startScriptedServer, type RecordedRequest, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const state2 = (flowId: string, triggerId: string, disabled: boolean, namespace = 'company.team') => ({
  trigger: { id: triggerId, type: 'io.kestra.plugin.core.trigger.Schedule', cron: '0 6 * * *' },
  state: { namespace, flowId, triggerId, updatedAt: '2026-01-01T00:00:00Z', disabled, locked: false, kind: 'SCHEDULE' },
});

/** Answers GET /triggers/search like Kestra: filters[namespace][EQUALS], 1-based page, size capped at `cap`; `total` may count states left out. */
function pagedSearch(all: object[], opts: { cap?: number; extraTotal?: number } = {}) {
  return (req: RecordedRequest) => {
    const namespace = req.query.get('filters[namespace][EQUALS]');
    const page = Number(req.query.get('page') ?? 1);
    const size = Math.min(Number(req.query.get('size') ?? 10), opts.cap ?? Infinity);
    const matching = all.filter((e) => (e as { state: { namespace: string } }).state.namespace === namespace);
    return { results: matching.slice((page - 1) * size, page * size), total: matching.length + (opts.extraTotal ?? 0) };
  };
}

describe('searchTriggers', () => {
  it('reads every page of one namespace search, even when the total counts states the server leaves out', async () => {
    const all = [...Array.from({ length: 7 }, (_, i) => state2(`flow-${i}`, 'schedule', i % 2 === 0)), state2('x', 'y', true, 'other.ns')];
    const answer = pagedSearch(all, { cap: 3, extraTotal: 2 });
    server = await startScriptedServer((req, res) => sendJson(res, 200, answer(req)));
    const { client, events } = testClient(server.url, { pageSize: 5 });
    const states = await client.searchTriggers('company.team');
    expect(states).toHaveLength(7);
    expect(states![0]).toEqual({ namespace: 'company.team', flowId: 'flow-0', triggerId: 'schedule', disabled: true, type: 'io.kestra.plugin.core.trigger.Schedule' });
    expect(server.requests[0].path).toBe('/api/v1/main/triggers/search');
    expect(Object.fromEntries(server.requests[0].query)).toEqual({ 'filters[namespace][EQUALS]': 'company.team', page: '1', size: '5' });
    // 3 per page (capped): pages 1-3 hold the 7, page 4 is empty (no news): stop.
    expect(events.filter((e) => e.operation === 'searchTriggers')).toHaveLength(4);
  });

  it("reads Kestra 1.x's items and a trigger disabled in its source", async () => {
    server = await startScriptedServer((_req, res) =>
      sendJson(res, 200, {
        results: [
          { abstractTrigger: { id: 'a', type: 't.Schedule', disabled: true }, triggerContext: { tenantId: 'main', namespace: 'ns', flowId: 'f', triggerId: 'a', date: '2026-01-01T00:00:00Z', disabled: true } },
          { abstractTrigger: null, triggerContext: { namespace: 'ns', flowId: 'f', triggerId: 'gone', date: '2026-01-01T00:00:00Z' } },
        ],
        total: 2,
      }),
    );
    const { client } = testClient(server.url);
    expect(await client.searchTriggers('ns')).toEqual([
      { namespace: 'ns', flowId: 'f', triggerId: 'a', disabled: true, disabledInSource: true, type: 't.Schedule' },
      { namespace: 'ns', flowId: 'f', triggerId: 'gone', disabled: false },
    ]);
  });

  it('gives undefined for a server without the search, and does not ask it again', async () => {
    for (const status of [404, 405]) {
      server = await startScriptedServer((_req, res) => sendJson(res, status, { message: 'no' }));
      const { client } = testClient(server.url);
      expect(await client.searchTriggers('a')).toBeUndefined();
      expect(await client.searchTriggers('b')).toBeUndefined();
      expect(server.requests).toHaveLength(1);
      await server.close();
      server = undefined;
    }
  });

  it('gives undefined for a namespace whose triggers this identity may not read, and asks for the next one', async () => {
    server = await startScriptedServer((req, res) => (req.query.get('filters[namespace][EQUALS]') === 'secret' ? sendJson(res, 403, { message: 'forbidden' }) : sendJson(res, 200, { results: [], total: 0 })));
    const { client } = testClient(server.url);
    expect(await client.searchTriggers('secret')).toBeUndefined();
    expect(await client.searchTriggers('open')).toEqual([]);
  });

  it('refuses an answer that is not a page of trigger states', async () => {
    server = await startScriptedServer((_req, res) => sendJson(res, 200, { results: [{ state: { namespace: 'ns' } }], total: 1 }));
    const { client } = testClient(server.url);
    expect(await failureOf(client.searchTriggers('ns'))).toBeInstanceOf(KestraProtocolError);
  });
});

describe.each([2, 1] as const)('against the embedded Kestra %i.x', (major) => {
  it('disables a trigger at runtime and reads it back', async () => {
    const kestra = await startKestraServer({ port: 0, kestraMajor: major });
    try {
      const { client } = testClient(kestra.url);
      await client.createFlow('id: f\nnamespace: ns\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: every-day\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 6 * * *"\n');
      expect(await client.searchTriggers('ns')).toEqual([{ namespace: 'ns', flowId: 'f', triggerId: 'every-day', disabled: false, type: 'io.kestra.plugin.core.trigger.Schedule' }]);
      await client.setTriggerDisabled({ namespace: 'ns', flowId: 'f', triggerId: 'every-day' }, true);
      expect((await client.searchTriggers('ns'))?.[0].disabled).toBe(true);
      expect(await client.searchTriggers('empty')).toEqual([]);
      await client.close();
    } finally {
      await kestra.close();
    }
  });
});
