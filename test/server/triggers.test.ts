/**
 * The embedded server's trigger routes, as Kestra's TriggerController answers them: one state per
 * scheduled trigger of a live flow (Webhook and Flow triggers hold none in 2.0), the paged search
 * with its namespace filter, and the runtime `disabled` flag set through the 2.0 and 1.x APIs —
 * kept across saves of the flow while the trigger keeps its id, gone with the trigger.
 */
import { startKestraServer, type RunningKestraServer } from '../../lib/server';

const yaml = { 'Content-Type': 'application/x-yaml' };
const json = { 'Content-Type': 'application/json' };

const flowWith = (ns: string, id: string, triggers: string, extra = '') =>
  `id: ${id}\nnamespace: ${ns}\n${extra}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n${triggers}`;
const schedule = (id: string, more = '') => `  - id: ${id}\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 6 * * *"\n${more}`;
const webhook = (id: string) => `  - id: ${id}\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: secret\n`;
const realtime = (id: string) => `  - id: ${id}\n    type: io.kestra.plugin.kafka.RealtimeTrigger\n    topic: t\n`;

describe.each([2, 1] as const)('trigger routes of the Kestra %i.x emulation', (major) => {
  let server: RunningKestraServer;
  const api = (p: string) => `${server.url}/api/v1/main${p}`;
  const search = async (query: string) => (await (await fetch(api(`/triggers/search?${query}`))).json()) as { results: Array<Record<string, Record<string, unknown>>>; total: number };
  const stateOf = (item: Record<string, Record<string, unknown>>) => (major === 2 ? item.state : item.triggerContext);
  const definitionOf = (item: Record<string, Record<string, unknown>>) => (major === 2 ? item.trigger : item.abstractTrigger);
  const setDisabled = (namespace: string, flowId: string, triggerId: string, disabled: boolean) =>
    major === 2
      ? fetch(api('/triggers/set-disabled'), { method: 'PUT', headers: json, body: JSON.stringify({ namespace, flowId, triggerId, disabled }) })
      : fetch(api('/triggers'), { method: 'PUT', headers: json, body: JSON.stringify({ namespace, flowId, triggerId, disabled, date: new Date().toISOString() }) });

  beforeAll(async () => {
    server = await startKestraServer({ port: 0, kestraMajor: major });
    for (const body of [
      flowWith('company.team', 'daily', schedule('morning') + webhook('hook')),
      flowWith('company.team', 'stream', realtime('events')),
      flowWith('company.team.sub', 'other', schedule('noon')),
      flowWith('company.team', 'off', schedule('never', '    disabled: true\n')),
    ]) expect((await fetch(api('/flows'), { method: 'POST', headers: yaml, body })).status).toBe(200);
  });
  afterAll(() => server.close());

  it('lists one state per scheduled trigger of the namespace, with its definition; Webhook triggers hold none', async () => {
    const page = await search('filters[namespace][EQUALS]=company.team&page=1&size=10');
    expect(page.total).toBe(3);
    expect(page.results.map((r) => [stateOf(r).flowId, stateOf(r).triggerId, stateOf(r).disabled])).toEqual([
      ['daily', 'morning', false],
      ['off', 'never', false],
      ['stream', 'events', false],
    ]);
    expect(definitionOf(page.results[1])).toMatchObject({ id: 'never', type: 'io.kestra.plugin.core.trigger.Schedule', disabled: true });
    if (major === 2) expect(page.results[2].state.kind).toBe('REALTIME');
    const paged = await search('filters[namespace][PREFIX]=company.team&page=2&size=2');
    expect(paged.total).toBe(4);
    expect(paged.results.map((r) => stateOf(r).triggerId)).toEqual(['events', 'noon']);
  });

  it('sets the runtime flag; a save of the flow keeps it while the trigger keeps its id, removing the trigger drops it', async () => {
    const res = await setDisabled('company.team', 'daily', 'morning', true);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ namespace: 'company.team', flowId: 'daily', triggerId: 'morning', disabled: true });
    const flag = async () => stateOf((await search('filters[namespace][EQUALS]=company.team&filters[flowId][EQUALS]=daily')).results[0] ?? { state: {}, triggerContext: {} })?.disabled;
    expect(await flag()).toBe(true);
    // The definition (in the source) says nothing of it.
    expect(definitionOf((await search('filters[namespace][EQUALS]=company.team')).results[0]).disabled).toBeUndefined();

    const put = (body: string) => fetch(api('/flows/company.team/daily'), { method: 'PUT', headers: yaml, body });
    expect((await put(flowWith('company.team', 'daily', schedule('morning').replace('0 6', '0 7') + webhook('hook'), 'description: saved\n'))).status).toBe(200);
    expect(await flag()).toBe(true);
    // Removed and added back between two reads: a new trigger state.
    expect((await put(flowWith('company.team', 'daily', webhook('hook')))).status).toBe(200);
    expect((await put(flowWith('company.team', 'daily', schedule('morning')))).status).toBe(200);
    expect(await flag()).toBe(false);
  });

  it('answers 404 for a trigger it does not know, and refuses a realtime trigger', async () => {
    expect((await setDisabled('company.team', 'daily', 'nope', true)).status).toBe(404);
    expect((await setDisabled('company.team', 'missing', 'morning', true)).status).toBe(404);
    expect((await setDisabled('company.team', 'stream', 'events', true)).status).toBe(major === 2 ? 409 : 422);
  });

  it('toggles in bulk by ids and by query (2.0: accepted as an async operation)', async () => {
    const byIds = await fetch(api('/triggers/set-disabled/by-triggers'), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ triggers: [{ namespace: 'company.team', flowId: 'daily', triggerId: 'morning' }, { namespace: 'company.team.sub', flowId: 'other', triggerId: 'noon' }, { namespace: 'x', flowId: 'y', triggerId: 'z' }], disabled: true }),
    });
    expect(byIds.status).toBe(major === 2 ? 202 : 200);
    expect(await byIds.json()).toMatchObject(major === 2 ? { totalItems: 2, operationId: expect.any(String) } : { count: 2 });
    const disabled = async () => (await search('page=1&size=50')).results.filter((r) => stateOf(r).disabled).map((r) => stateOf(r).triggerId);
    expect(await disabled()).toEqual(['morning', 'noon']);
    const byQuery = await fetch(api('/triggers/set-disabled/by-query?filters[namespace][EQUALS]=company.team&disabled=false'), { method: 'POST' });
    expect(byQuery.status).toBe(major === 2 ? 202 : 200);
    expect(await disabled()).toEqual(['noon']);
  });

  it('lists the states of one flow', async () => {
    const res = (await (await fetch(api('/triggers/company.team.sub/other'))).json()) as { results: Array<Record<string, unknown>>; total: number };
    expect(res.total).toBe(1);
    expect(res.results[0]).toMatchObject({ namespace: 'company.team.sub', flowId: 'other', triggerId: 'noon', disabled: true });
  });

  it(`serves only its line's single-trigger toggle (${major === 2 ? 'PUT /triggers/set-disabled' : 'PUT /triggers'})`, async () => {
    const other = major === 2 ? api('/triggers') : api('/triggers/set-disabled');
    const res = await fetch(other, { method: 'PUT', headers: json, body: JSON.stringify({ namespace: 'company.team', flowId: 'daily', triggerId: 'morning', disabled: true }) });
    expect([404, 405]).toContain(res.status);
  });
});
