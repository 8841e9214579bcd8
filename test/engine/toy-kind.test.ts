/**
 * A kind the engine has never heard of — a handler and a fake client, both in this file — is
 * read from cdk.tf.json, refreshed, planned, applied, imported, rendered and accepted after
 * drift, with no engine file touched: the engine only ever asks a kind's handler.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KindRegistry, entryFromLive, type DesiredBase, type KindHandler, type LiveBase } from '../../lib/kinds';
import { formatAddress, parseAddress } from '../../lib/model/addresses';
import { sha256 } from '../../lib/util/hash';
import { readDesired } from '../../lib/desired/read';
import { planStack } from '../../lib/engine/run';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import { newState } from '../../lib/engine/state';
import { acceptDriftSteps, planImport, stateOnlyPlan } from '../../lib/engine/plan-state-only';
import type { StateFile } from '../../lib/engine/state-types';
import { isQuiet, type Plan } from '../../lib/engine/plan-types';
import { renderPlanJson, renderPlanText, renderDriftText } from '../../lib/render';
import { reasonText } from '../../lib/render/reasons';

/** A toy: a colour per name in a namespace, with a version Kestra-like listings report. */
interface DesiredToy extends DesiredBase {
  kind: 'toy';
  namespace: string;
  toy: string;
  colour: string;
}
interface LiveToy extends LiveBase {
  kind: 'toy';
  version: number;
  colour?: string;
}

/** The fake server side: toys by namespace, each with a version bumped on every write. */
class ToyClient {
  readonly toys = new Map<string, { colour: string; version: number }>();
  readonly calls: string[] = [];
  async listToys(ns: string) {
    this.calls.push(`list ${ns}`);
    return [...this.toys].filter(([k]) => k.startsWith(`${ns}/`)).map(([k, v]) => ({ name: k.slice(ns.length + 1), version: v.version }));
  }
  async getToy(ns: string, name: string) {
    this.calls.push(`get ${ns}/${name}`);
    return this.toys.get(`${ns}/${name}`) ?? null;
  }
  async putToy(ns: string, name: string, colour: string) {
    this.calls.push(`put ${ns}/${name}`);
    const version = (this.toys.get(`${ns}/${name}`)?.version ?? 0) + 1;
    this.toys.set(`${ns}/${name}`, { colour, version });
    return version;
  }
  async deleteToy(ns: string, name: string) {
    this.calls.push(`delete ${ns}/${name}`);
    this.toys.delete(`${ns}/${name}`);
  }
}

const toyClient = (c: unknown) => c as ToyClient;
const hashOf = (colour: string) => sha256(`colour:${colour}`);
const nameOf = (address: string) => parseAddress(address)!;

const toyKind: KindHandler<DesiredToy, LiveToy> = {
  kind: 'toy',
  tfTypes: ['kestra_toy'],
  noun: { one: 'toy', many: 'toys', column: 'toys' },
  phases: { write: 1, remove: 4 },
  ignorable: ['colour'],
  provenance: [],
  storedAs: 'entry',
  decode(raw, common) {
    if (typeof raw.namespace !== 'string' || typeof raw.name !== 'string' || typeof raw.colour !== 'string') return { problems: ['namespace, name and colour must be strings'] };
    return { resource: { kind: 'toy', address: formatAddress('toy', raw.namespace, raw.name), ...common, namespace: raw.namespace, toy: raw.name, colour: raw.colour } };
  },
  origin: () => undefined,
  async refresh(ns, ctx) {
    for (const t of await toyClient(ctx.client).listToys(ns)) {
      const live: LiveToy = { kind: 'toy', address: formatAddress('toy', ns, t.name), namespace: ns, version: t.version };
      ctx.put(live);
      const s = ctx.entry(live.address);
      if (s && s.live.version === t.version) live.colour = s.applied.colour as string; // vouched for by state
      else if (ctx.desired(live.address) || s) live.colour = (await ctx.read(() => toyClient(ctx.client).getToy(ns, t.name)))?.colour;
    }
  },
  equal: (d, l) => l.colour === d.colour,
  desiredHash: (d) => hashOf(d.colour),
  liveHash: (l) => (l.colour === undefined ? undefined : hashOf(l.colour)),
  fingerprintString: (l) => `v:${l.version}`,
  matchesState: (l, fp) => l.version === fp.version,
  sensitive: () => false,
  viewOfDesired: (d) => ({ namespace: d.namespace, value: d.colour }),
  viewOfLive: (l) => ({ namespace: l.namespace, value: l.colour, revision: l.version }),
  viewOfApplied: (s) => ({ value: s.applied.colour as string, revision: s.live.version as number }),
  fingerprint: (l) => ({ kind: 'toy', version: l.version }),
  applied: (d) => ({ appliedHash: hashOf(d.colour), applied: { colour: d.colour } }),
  appliedFromLive: (l) => (l.colour === undefined ? undefined : { appliedHash: hashOf(l.colour), applied: { colour: l.colour } }),
  async write(d, _action, ctx) {
    return { kind: 'toy', version: await toyClient(ctx.client).putToy(d.namespace, d.toy, d.colour) };
  },
  async remove(address, ctx) {
    const p = nameOf(address);
    await toyClient(ctx.client).deleteToy(p.namespace, p.name);
  },
  display: (shown) => [{ type: 'values', rows: [{ name: 'colour', before: shown.sides === 'create' ? undefined : shown.before?.value, after: shown.sides === 'delete' ? undefined : shown.after?.value }] }],
};

// The toy alone: the fake client serves no built-in kind.
const kinds = new KindRegistry([toyKind as unknown as KindHandler]);
const target = { url: 'toy://', tenant: 'main' };

/** A synthesized project holding toys, read back as every command reads one. */
function stackOf(toys: Record<string, string>, namespaces: string[] = ['play']) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-toy-'));
  const out = path.join(dir, 'cdktf.out');
  fs.mkdirSync(path.join(out, 'stacks', 'toys'), { recursive: true });
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { toys: { name: 'toys', synthesizedStackPath: 'stacks/toys/cdk.tf.json' } } }));
  const resource = { kestra_toy: Object.fromEntries(Object.entries(toys).map(([name, colour]) => [name, { namespace: 'play', name, colour }])) };
  const settings = { namespaces, prune: false, protected_namespaces: ['system'], backend: { type: 'local' }, kestra_version: 2, diagnostics: [], found: [], pull_homes: [] };
  fs.writeFileSync(path.join(out, 'stacks', 'toys', 'cdk.tf.json'), JSON.stringify({ kestraform: settings, resource }));
  const desired = readDesired(out, dir, { kinds });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(desired.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return desired.stacks[0];
}

async function planAndApply(client: ToyClient, toys: Record<string, string>, state: StateFile | undefined) {
  const stack = stackOf(toys);
  const current = await planStack(stack, state, { client, target, kinds });
  let stored = current.state ?? newState(stack.name);
  const live = new LiveState(stored, { write: async (s) => void (stored = structuredClone(s)) });
  const result = await applyPlan({ client, stack, plan: current.plan, state: live, kinds });
  return { current, result, state: stored };
}

const actions = (p: Plan) => Object.fromEntries(p.steps.map((s) => [s.address, s.action]));

describe('a kind added in a test file', () => {
  it('is decoded, refreshed, planned, applied, rendered and left alone once equal', async () => {
    const client = new ToyClient();
    const first = await planAndApply(client, { ball: 'red', kite: 'blue' }, undefined);
    expect(actions(first.current.plan)).toEqual({ 'toy:play/ball': 'create', 'toy:play/kite': 'create' });
    expect(first.result.added).toBe(2);
    expect(client.toys.get('play/ball')).toEqual({ colour: 'red', version: 1 });
    expect(first.state.resources['toy:play/ball']).toMatchObject({ appliedHash: hashOf('red'), live: { kind: 'toy', version: 1 }, applied: { colour: 'red' } });
    const text = renderPlanText(first.current.plan, { color: false, kinds });
    expect(text).toContain('# toy:play/ball will be created');
    expect(text).toContain('colour = red');
    expect(renderPlanJson(first.current.plan, kinds).resource_changes.map((c) => c.type)).toEqual(['kestra_toy', 'kestra_toy']);

    // Nothing changed: state vouches for both (no content read), nothing to do.
    client.calls.length = 0;
    const second = await planAndApply(client, { ball: 'red', kite: 'blue' }, first.state);
    expect(second.current.plan.steps.every(isQuiet)).toBe(true);
    expect(client.calls).toEqual(['list play']);

    // Changed in Git: an update, carried out; a toy gone from Git: deleted.
    const third = await planAndApply(client, { ball: 'green' }, second.state);
    expect(actions(third.current.plan)).toEqual({ 'toy:play/ball': 'update', 'toy:play/kite': 'delete' });
    expect(reasonText(third.current.plan.steps[0])).toBe('changed in Git');
    expect(client.toys.get('play/ball')).toEqual({ colour: 'green', version: 2 });
    expect(client.toys.has('play/kite')).toBe(false);
    expect(Object.keys(third.state.resources)).toEqual(['toy:play/ball']);
  });

  it('reports drift, reverts it or accepts it, and imports a live toy as it is', async () => {
    const client = new ToyClient();
    const { state } = await planAndApply(client, { ball: 'red' }, undefined);
    await client.putToy('play', 'ball', 'purple'); // changed outside kestraform
    await client.putToy('play', 'yoyo', 'black'); // created outside kestraform

    const drifted = await planStack(stackOf({ ball: 'red', yoyo: 'white' }), state, { client, target, kinds });
    expect(drifted.plan.drift.map((d) => [d.address, d.drift])).toEqual([['toy:play/ball', 'changed']]);
    expect(renderDriftText(drifted.plan.drift, { color: false, kinds })).toContain('colour = red -> purple');
    expect(actions(drifted.plan)).toEqual({ 'toy:play/ball': 'update', 'toy:play/yoyo': 'update' });
    expect(drifted.plan.steps.map((s) => s.reason)).toEqual(['changed-outside', 'unmanaged-differs']);

    // Accepted into state instead: state takes purple, the update from Git is still pending.
    let stored = state;
    const sink = { write: async (s: StateFile) => void (stored = structuredClone(s)) };
    const accept = stateOnlyPlan(drifted.plan, acceptDriftSteps(drifted.plan, drifted.live, drifted.state, { kinds }));
    await applyPlan({ client, stack: drifted.stack, plan: accept, state: new LiveState(state, sink), kinds });
    expect(stored.resources['toy:play/ball']).toMatchObject({ applied: { colour: 'purple' }, live: { version: 2 } });
    expect(client.calls.filter((c) => c.startsWith('put'))).toHaveLength(3); // nothing written by the acceptance

    // Imported as it is: state records black, and the plan then shows the change to white.
    const again = await planStack(drifted.stack, stored, { client, target, kinds });
    expect(again.plan.drift).toEqual([]);
    const imported = planImport(again.plan, ['toy:play/yoyo'], again.stack, again.live, again.state, kinds);
    await applyPlan({ client, stack: again.stack, plan: imported, state: new LiveState(stored, sink), kinds });
    expect(stored.resources['toy:play/yoyo']).toMatchObject({ applied: { colour: 'black' }, live: { kind: 'toy', version: 1 } });
    const last = await planStack(again.stack, stored, { client, target, kinds });
    expect(actions(last.plan)).toEqual({ 'toy:play/ball': 'update', 'toy:play/yoyo': 'update' });
    expect(last.plan.steps.map((s) => s.reason)).toEqual(['changed-in-git', 'changed-in-git']);
    expect(entryFromLive(toyKind as unknown as KindHandler, last.live.objects.get('toy:play/yoyo')!, undefined, undefined, 'now')?.applied).toEqual({ colour: 'black' });
  });
});
