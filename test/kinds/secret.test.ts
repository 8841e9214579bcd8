/**
 * Secrets: a value comes from an environment variable and reaches nothing but Kestra's PUT — not
 * the plan, its JSON or text, nor state. What can be known is shown: a value changed in the
 * environment since the last apply; keys added or removed in Kestra; description and tags.
 */
import { renderPlanJson, renderPlanText, renderDriftText } from '../../lib/render';
import { EmptyKestra, actions, planAndApply, planOf, stackOf } from './support/engine-harness';

const VALUE = 'hunter2-Very-Secret-Value';

class FakeSecrets extends EmptyKestra {
  readonly stored = new Map<string, { value: string; description?: string; tags: Array<{ key: string; value: string }> }>();
  readonly calls: string[] = [];
  async listSecrets(ns: string) {
    this.calls.push(`list ${ns}`);
    const secrets = [...this.stored].filter(([k]) => k.startsWith(`${ns}/`)).map(([k, v]) => ({ key: k.slice(ns.length + 1), description: v.description, tags: v.tags }));
    return { readOnly: false, secrets };
  }
  async putSecret(ns: string, s: { key: string; value: string; description?: string; tags?: Array<{ key: string; value: string }> }) {
    this.calls.push(`put ${ns}/${s.key}`);
    this.stored.set(`${ns}/${s.key}`, { value: s.value, description: s.description, tags: s.tags ?? [] });
  }
  async deleteSecret(ns: string, key: string) {
    this.calls.push(`delete ${ns}/${key}`);
    this.stored.delete(`${ns}/${key}`);
  }
}

const secretStack = (env: NodeJS.ProcessEnv, secrets: Record<string, Record<string, unknown>> = { api: { namespace: 'company.team', secret_key: 'API_TOKEN', value_from_env: 'CI_API_TOKEN', secret_description: 'the API token', secret_tags: { team: 'data' } } }) =>
  stackOf({ kestra_namespace_secret: secrets }, { env });

describe('secrets', () => {
  it('writes the value from its variable, and keeps it out of plans and state', async () => {
    const client = new FakeSecrets();
    const stack = secretStack({ CI_API_TOKEN: VALUE });
    const first = await planAndApply(stack, client, undefined);
    expect(actions(first.current.plan)).toEqual({ 'secret:company.team/API_TOKEN': 'create' });
    expect(client.stored.get('company.team/API_TOKEN')).toEqual({ value: VALUE, description: 'the API token', tags: [{ key: 'team', value: 'data' }] });
    const text = renderPlanText(first.current.plan, { color: false });
    expect(text).toContain('from $CI_API_TOKEN');
    for (const out of [text, JSON.stringify(renderPlanJson(first.current.plan)), JSON.stringify(first.state), JSON.stringify(first.current.plan), JSON.stringify(stack)]) expect(out).not.toContain(VALUE);
    // State keeps a salt and an scrypt digest, never the value nor a plain hash of it.
    const entry = first.state.resources['secret:company.team/API_TOKEN'];
    expect(Object.keys(entry.applied).sort()).toEqual(['description', 'digest', 'salt', 'tags', 'valueFrom']);
    const { createHash } = require('node:crypto');
    expect(JSON.stringify(first.state)).not.toContain(createHash('sha256').update(VALUE).digest('hex'));

    // Same value: nothing to do.
    const second = await planOf(secretStack({ CI_API_TOKEN: VALUE }), client, first.state);
    expect(second.plan.steps.map((s) => s.action)).toEqual(['no-op']);
    expect(second.plan.drift).toEqual([]);
  });

  it('sees a value changed in the environment since the last apply, and says what it cannot see', async () => {
    const client = new FakeSecrets();
    const { state } = await planAndApply(secretStack({ CI_API_TOKEN: VALUE }), client, undefined);
    const changed = await planAndApply(secretStack({ CI_API_TOKEN: 'rotated-value' }), client, state);
    expect(actions(changed.current.plan)).toEqual({ 'secret:company.team/API_TOKEN': 'update' });
    expect(renderPlanText(changed.current.plan, { color: false })).toContain('from $CI_API_TOKEN: changed since the last apply');
    expect(client.stored.get('company.team/API_TOKEN')?.value).toBe('rotated-value');
    // A value changed in Kestra itself cannot be read back: no drift is claimed for it.
    client.stored.get('company.team/API_TOKEN')!.value = 'set-in-the-ui';
    const after = await planOf(secretStack({ CI_API_TOKEN: 'rotated-value' }), client, changed.state);
    expect(after.plan.steps.map((s) => s.action)).toEqual(['no-op']);
  });

  it('reports keys added and removed in Kestra, never prunes a secret it did not make, and deletes the one removed from the stack', async () => {
    const client = new FakeSecrets();
    const two = { ...{ api: { namespace: 'company.team', secret_key: 'API_TOKEN', value_from_env: 'A' } }, db: { namespace: 'company.team', secret_key: 'DB_PASSWORD', value_from_env: 'B' } };
    const { state } = await planAndApply(stackOf({ kestra_namespace_secret: two }, { env: { A: 'a-value', B: 'b-value' } }), client, undefined);
    await client.putSecret('company.team', { key: 'MADE_IN_UI', value: 'x' });
    await client.deleteSecret('company.team', 'DB_PASSWORD');
    const drift = await planOf(stackOf({ kestra_namespace_secret: two }, { env: { A: 'a-value', B: 'b-value' }, prune: true }), client, state);
    expect(drift.plan.drift.map((d) => [d.address, d.drift]).sort()).toEqual([['secret:company.team/DB_PASSWORD', 'deleted'], ['secret:company.team/MADE_IN_UI', 'unmanaged']]);
    expect(renderDriftText(drift.plan.drift, { color: false })).not.toContain('a-value');
    // prune is on, yet the secret made in the UI is not deleted.
    expect(actions(drift.plan)).toEqual({ 'secret:company.team/API_TOKEN': 'no-op', 'secret:company.team/DB_PASSWORD': 'create' });
    const removed = await planAndApply(stackOf({ kestra_namespace_secret: { api: two.api } }, { env: { A: 'a-value' } }), client, state);
    expect(actions(removed.current.plan)).toEqual({ 'secret:company.team/API_TOKEN': 'no-op', 'secret:company.team/DB_PASSWORD': 'forget' });
    const third = await planAndApply(stackOf({ kestra_namespace_secret: two }, { env: { A: 'a-value', B: 'b-value' } }), client, removed.state);
    const gone = await planAndApply(stackOf({ kestra_namespace_secret: { api: two.api } }, { env: { A: 'a-value' } }), client, third.state);
    expect(actions(gone.current.plan)).toEqual({ 'secret:company.team/API_TOKEN': 'no-op', 'secret:company.team/DB_PASSWORD': 'delete' });
    expect([...client.stored.keys()].sort()).toEqual(['company.team/API_TOKEN', 'company.team/MADE_IN_UI']);
  });

  it('refuses a stack whose variable is unset or empty, naming the variable and never a value', () => {
    expect(() => secretStack({})).toThrow(/secret:company.team\/API_TOKEN takes its value from the environment variable CI_API_TOKEN, which is not set/);
    expect(() => secretStack({ CI_API_TOKEN: '' })).toThrow(/CI_API_TOKEN is empty/);
  });
});
