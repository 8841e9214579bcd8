/**
 * Namespace objects: the fields the stack names are managed; every other field Kestra holds is
 * sent back unchanged by the full-replacement PUT; a field removed from Git is cleared.
 */
import { EmptyKestra, actions, planAndApply, planOf, stackOf } from './support/engine-harness';
import { renderPlanText, renderDriftText } from '../../lib/render';

class FakeNamespaces extends EmptyKestra {
  readonly objects = new Map<string, Record<string, unknown>>();
  readonly flows = new Map<string, string[]>();
  readonly calls: string[] = [];
  async getNamespace(id: string) {
    this.calls.push(`get ${id}`);
    const o = this.objects.get(id);
    return o ? { id, deleted: false, variables: {}, allowedNamespaces: [], ...structuredClone(o) } : null;
  }
  async createNamespace(ns: { id: string } & Record<string, unknown>) {
    this.calls.push(`create ${ns.id}`);
    const { id, deleted: _d, ...rest } = ns;
    this.objects.set(id, rest);
    return { ...ns };
  }
  async updateNamespace(ns: { id: string } & Record<string, unknown>) {
    this.calls.push(`update ${ns.id}`);
    const { id, deleted: _d, ...rest } = ns;
    this.objects.set(id, rest);
    return { ...ns };
  }
  async deleteNamespace(id: string) {
    this.calls.push(`delete ${id}`);
    this.objects.delete(id);
  }
  async listFlows(ns: string) {
    return (this.flows.get(ns) ?? []).map((id) => ({ id, namespace: ns, revision: 1 }));
  }
}

const nsStack = (properties: Record<string, unknown>) => stackOf({ kestra_namespace: { team: { namespace_id: 'company.team', properties } } });

describe('namespace objects', () => {
  it('creates, leaves an equal one alone, and keeps fields it does not manage on update', async () => {
    const client = new FakeNamespaces();
    const first = await planAndApply(nsStack({ description: 'the team', variables: { region: 'eu' } }), client, undefined);
    expect(actions(first.current.plan)).toEqual({ 'namespace:company.team': 'create' });
    expect(client.objects.get('company.team')).toEqual({ description: 'the team', variables: { region: 'eu' } });
    const same = await planOf(nsStack({ description: 'the team', variables: { region: 'eu' } }), client, first.state);
    expect(same.plan.steps.map((s) => s.action)).toEqual(['no-op']);

    // Set in Kestra outside Git, on a field the stack does not name: neither drift nor lost.
    client.objects.get('company.team')!.defaultWorkerSelector = { tags: ['gpu'] };
    const other = await planOf(nsStack({ description: 'the team', variables: { region: 'eu' } }), client, first.state);
    expect(other.plan.drift).toEqual([]);
    const changed = await planAndApply(nsStack({ description: 'the data team', variables: { region: 'eu' } }), client, first.state);
    expect(actions(changed.current.plan)).toEqual({ 'namespace:company.team': 'update' });
    expect(renderPlanText(changed.current.plan, { color: false })).toContain('description');
    expect(client.objects.get('company.team')).toEqual({ description: 'the data team', variables: { region: 'eu' }, defaultWorkerSelector: { tags: ['gpu'] }, allowedNamespaces: [] });

    // A managed field removed from Git is cleared; a managed field edited in Kestra is drift.
    const cleared = await planAndApply(nsStack({ description: 'the data team' }), client, changed.state);
    expect(actions(cleared.current.plan)).toEqual({ 'namespace:company.team': 'update' });
    expect(client.objects.get('company.team')!.variables).toBeUndefined();
    client.objects.get('company.team')!.description = 'edited in the UI';
    const drift = await planOf(nsStack({ description: 'the data team' }), client, cleared.state);
    expect(drift.plan.drift.map((d) => [d.address, d.drift])).toEqual([['namespace:company.team', 'changed']]);
    expect(renderDriftText(drift.plan.drift, { color: false })).toContain('edited in the UI');
  });

  it('deletes a namespace object removed from the stack only once it holds no flows', async () => {
    const client = new FakeNamespaces();
    const { state } = await planAndApply(nsStack({ description: 'x' }), client, undefined);
    client.flows.set('company.team', ['hello']);
    const empty = stackOf({});
    await expect(planAndApply(empty, client, state)).rejects.toThrow(/namespace company.team still holds 1 flow \(hello\); kestraform deletes a namespace object only once it is empty/);
    client.flows.set('company.team', []);
    const done = await planAndApply(empty, client, state);
    expect(actions(done.current.plan)).toEqual({ 'namespace:company.team': 'delete' });
    expect(client.objects.has('company.team')).toBe(false);
  });
});
