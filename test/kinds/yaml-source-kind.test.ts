/**
 * The YAML-source kinds (apps, test suites, dashboards) over fake clients: an app's uid comes from
 * Kestra and is kept in state; an unchanged app is vouched for by its update time (no read); a
 * dashboard is tenant-wide, read once, never pruned; each is ordered after the flows it needs.
 */
import { EmptyKestra, actions, planAndApply, planOf, stackOf } from './support/engine-harness';
import { renderDriftText } from '../../lib/render';

class FakeApps extends EmptyKestra {
  readonly apps = new Map<string, { uid: string; id: string; namespace: string; source: string; updated: string; disabled: boolean }>();
  readonly calls: string[] = [];
  private clock = 0;
  async searchApps(ns: string) {
    this.calls.push(`search ${ns}`);
    return [...this.apps.values()].filter((a) => a.namespace === ns).map(({ uid, id, namespace, updated, disabled }) => ({ uid, id, namespace, updated, enabled: !disabled }));
  }
  async getApp(uid: string) {
    this.calls.push(`get ${uid}`);
    const a = this.apps.get(uid);
    return a ? { ...a } : null;
  }
  async createApp(source: string) {
    const id = /^id: (\S+)/m.exec(source)![1];
    const namespace = /^namespace: (\S+)/m.exec(source)![1];
    const uid = `uid-${id}-${++this.clock}`;
    this.calls.push(`create ${uid}`);
    this.apps.set(uid, { uid, id, namespace, source, updated: `t${this.clock}`, disabled: false });
    return { ...this.apps.get(uid)! };
  }
  async updateApp(uid: string, source: string) {
    this.calls.push(`update ${uid}`);
    const a = this.apps.get(uid)!;
    Object.assign(a, { source, updated: `t${++this.clock}` });
    return { ...a };
  }
  async deleteApp(uid: string) {
    this.calls.push(`delete ${uid}`);
    this.apps.delete(uid);
  }
}

const APP = (title: string) => `id: chat\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.Execution\nflowId: hello\ntitle: ${title}\n`;
const appStack = (source: string) => stackOf({ kestra_app: { chat: { namespace: 'company.team', app_id: 'chat', source } } });

describe('apps', () => {
  it('records the uid Kestra gives, vouches for an unchanged app without reading it, and updates by uid', async () => {
    const client = new FakeApps();
    const first = await planAndApply(appStack(APP('Chat')), client, undefined);
    expect(actions(first.current.plan)).toEqual({ 'app:company.team/chat': 'create' });
    expect(first.current.plan.steps[0].dependsOn).toEqual([]); // the flow is not in this stack
    expect(first.state.resources['app:company.team/chat'].live).toMatchObject({ kind: 'app', handle: 'uid-chat-1', updated: 't1' });
    client.calls.length = 0;
    const same = await planOf(appStack(APP('Chat')), client, first.state);
    expect(same.plan.steps.map((s) => s.action)).toEqual(['no-op']);
    expect(client.calls).toEqual(['search company.team']);
    const changed = await planAndApply(appStack(APP('Chat 2')), client, first.state);
    expect(actions(changed.current.plan)).toEqual({ 'app:company.team/chat': 'update' });
    expect(client.calls).toContain('update uid-chat-1');
    expect(client.calls.filter((c) => c.startsWith('search'))).toHaveLength(2); // no search to find the uid
  });

  it('shows an app edited in Kestra as drift with its diff, and a disabled app as runtime state', async () => {
    const client = new FakeApps();
    const { state } = await planAndApply(appStack(APP('Chat')), client, undefined);
    await client.updateApp('uid-chat-1', APP('Edited in the UI'));
    client.apps.get('uid-chat-1')!.disabled = true;
    const drift = await planOf(appStack(APP('Chat')), client, state);
    expect(drift.plan.drift.map((d) => [d.address, d.drift])).toEqual([['app:company.team/chat', 'changed']]);
    const text = renderDriftText(drift.plan.drift, { color: false });
    expect(text).toContain('-title: Chat');
    expect(text).toContain('+title: Edited in the UI');
    expect(drift.plan.runtime?.map((r) => [r.address, r.attribute, r.live, r.handling])).toEqual([['app:company.team/chat', 'disabled', true, 'read-only']]);
  });

  it('is refused when its source names another namespace or id', () => {
    expect(() => stackOf({ kestra_app: { chat: { namespace: 'company.other', app_id: 'chat', source: APP('x') } } })).toThrow(/its source declares namespace "company.team"/);
  });

  it('is read only where the stack declares apps (no search in namespaces without them)', async () => {
    const client = new FakeApps();
    await planOf(stackOf({ kestra_kv: { k: { namespace: 'company.team', key: 'k', type: 'STRING', value: 'v' } } }), client, undefined);
    expect(client.calls).toEqual([]);
  });
});

class FakeDashboards extends EmptyKestra {
  readonly dashboards = new Map<string, { id: string; title: string; sourceCode: string }>();
  readonly calls: string[] = [];
  constructor(private readonly major: 1 | 2 = 2) {
    super();
  }
  async searchDashboards() {
    this.calls.push('search');
    return [...this.dashboards.values()].map((d) => ({ ...d }));
  }
  async getDashboard(id: string) {
    return this.dashboards.get(id) ?? null;
  }
  async createDashboard(source: string) {
    const id = this.major === 1 ? `gen-${this.dashboards.size + 1}` : /^id: (\S+)/m.exec(source)![1];
    this.calls.push(`create ${id}`);
    this.dashboards.set(id, { id, title: /^title: (.+)$/m.exec(source)![1], sourceCode: source });
    return { id, sourceCode: source };
  }
  async updateDashboard(id: string, source: string) {
    this.calls.push(`update ${id}`);
    this.dashboards.set(id, { id, title: /^title: (.+)$/m.exec(source)![1], sourceCode: source });
    return { id, sourceCode: source };
  }
  async deleteDashboard(id: string) {
    this.calls.push(`delete ${id}`);
    this.dashboards.delete(id);
  }
  async validateDashboard() {
    return undefined;
  }
}

const DASH = (title: string) => `id: overview\ntitle: ${title}\ncharts: []\n`;
const dashStack = (source: string | undefined, opts: { prune?: boolean; kestraVersion?: 1 | 2 } = {}) =>
  stackOf(source === undefined ? {} : { kestra_dashboard: { overview: { dashboard_id: 'overview', source_code: source } } }, { ...opts, namespaces: ['company.team'] });

describe('dashboards', () => {
  it('are tenant-wide: read with one search, never pruned, deleted only when state made them', async () => {
    const client = new FakeDashboards();
    client.dashboards.set('made-in-ui', { id: 'made-in-ui', title: 'Mine', sourceCode: 'id: made-in-ui\ntitle: Mine\n' });
    const first = await planAndApply(dashStack(DASH('Overview'), { prune: true }), client, undefined);
    expect(actions(first.current.plan)).toEqual({ 'dashboard:_global/overview': 'create' });
    expect(first.current.plan.drift).toEqual([]); // a dashboard kestraform did not make is no business of the stack
    const gone = await planAndApply(dashStack(undefined, { prune: true }), client, first.state);
    expect(actions(gone.current.plan)).toEqual({ 'dashboard:_global/overview': 'delete' });
    expect([...client.dashboards.keys()]).toEqual(['made-in-ui']);
  });

  it('on Kestra 1.x, records the id Kestra made up and finds the dashboard by it', async () => {
    const client = new FakeDashboards(1);
    const first = await planAndApply(dashStack(DASH('Overview'), { kestraVersion: 1 }), client, undefined);
    expect(first.state.resources['dashboard:_global/overview'].live).toMatchObject({ handle: 'gen-1' });
    const same = await planOf(dashStack(DASH('Overview'), { kestraVersion: 1 }), client, first.state);
    expect(same.plan.steps.map((s) => s.action)).toEqual(['no-op']);
    const changed = await planAndApply(dashStack(DASH('Overview').replace('charts: []', 'charts: [] # two'), { kestraVersion: 1 }), client, first.state);
    expect(actions(changed.current.plan)).toEqual({ 'dashboard:_global/overview': 'update' });
    expect(client.calls).toContain('update gen-1');
  });
});
