/**
 * Refresh decides per object what it must read: content state vouches for is never fetched, a
 * changed object is fetched for its diff, and what Kestra no longer has is gone from the snapshot.
 */
import { readAhead, refresh, namespacesToRead } from '../../lib/engine/refresh';
import { kvValueHash, type LiveFile, type LiveFlow, type LiveKv } from '../../lib/kinds';
import type { KvType } from '../../lib/model/names';
import { file, flow, flowSource, kv, liveOf, sha, stack, stateOf } from './factory';

/** An in-memory Kestra for the reads refresh makes, logging each call. */
class FakeKestra {
  flows = new Map<string, { source: string; revision: number }>();
  files = new Map<string, { bytes: Buffer; lastModifiedTime: number }>();
  kv = new Map<string, { type: KvType; value: unknown; updateDate: string; expirationDate?: string }>();
  calls: string[] = [];
  /** Objects that vanish between the listing and the read. */
  vanishing = new Set<string>();

  private under<T>(map: Map<string, T>, ns: string): Array<[string, T]> {
    return [...map].filter(([k]) => k.startsWith(`${ns}|`)).map(([k, v]) => [k.slice(ns.length + 1), v]);
  }
  async listFlows(ns: string) {
    this.calls.push(`listFlows ${ns}`);
    return this.under(this.flows, ns).map(([id, f]) => ({ id, namespace: ns, revision: f.revision }));
  }
  async exportFlowSources(ns: string) {
    this.calls.push(`exportFlowSources ${ns}`);
    return new Map(this.under(this.flows, ns).map(([id, f]) => [id, f.source]));
  }
  async getFlow(ns: string, id: string) {
    this.calls.push(`getFlow ${ns}/${id}`);
    return this.vanishing.has(`flow:${ns}/${id}`) ? null : (this.flows.get(`${ns}|${id}`) ?? null);
  }
  async listFiles(ns: string) {
    this.calls.push(`listFiles ${ns}`);
    return this.under(this.files, ns).map(([path, f]) => ({ path, size: f.bytes.length, lastModifiedTime: f.lastModifiedTime }));
  }
  async readFile(ns: string, path: string) {
    this.calls.push(`readFile ${ns}:${path}`);
    return this.files.get(`${ns}|${path}`)!.bytes;
  }
  async listKv(ns: string) {
    this.calls.push(`listKv ${ns}`);
    return this.under(this.kv, ns).map(([key, k]) => ({ key, updateDate: k.updateDate, expirationDate: k.expirationDate }));
  }
  async getKv(ns: string, key: string) {
    this.calls.push(`getKv ${ns}/${key}`);
    if (this.vanishing.has(`kv:${ns}/${key}`)) return null;
    const k = this.kv.get(`${ns}|${key}`);
    return k ? { type: k.type, value: k.value } : null;
  }
  reads(): string[] {
    return this.calls.filter((c) => !c.startsWith('list')).sort();
  }
}

const ns = 'n';
const desired = [flow(ns, 'a'), flow(ns, 'b'), file(ns, '/same.txt', 'hello'), file(ns, '/edited.txt', 'v1'), kv(ns, 'K', 'STRING', 'v'), kv(ns, 'N', 'NUMBER', '5')];

/** Kestra holding exactly what state says was applied (revision 1, time 1000, update date of liveOf). */
function applied(): { kestra: FakeKestra; state: ReturnType<typeof stateOf> } {
  const live = liveOf(desired, [ns]);
  const state = stateOf(desired, live);
  const kestra = new FakeKestra();
  for (const o of live.objects.values()) {
    if (o.kind === 'flow') kestra.flows.set(`${ns}|${(o as LiveFlow).id}`, { source: (o as LiveFlow).source!, revision: 1 });
    if (o.kind === 'file') kestra.files.set(`${ns}|${(o as LiveFile).path}`, { bytes: (o as LiveFile).bytes!, lastModifiedTime: 1000 });
    if (o.kind === 'kv') kestra.kv.set(`${ns}|${(o as LiveKv).key}`, { type: (o as LiveKv).type!, value: (o as LiveKv).type === 'NUMBER' ? 5 : (o as LiveKv).value, updateDate: '2026-01-01T00:00:00Z' });
  }
  return { kestra, state };
}

describe('refresh', () => {
  it('reads no content when every listing shows what state recorded', async () => {
    const { kestra, state } = applied();
    const live = await refresh(stack(desired), state, { client: kestra });
    expect(kestra.reads()).toEqual([]);
    expect(kestra.calls.sort()).toEqual(['listFiles n', 'listFlows n', 'listKv n']);
    const a = live.objects.get('flow:n/a') as LiveFlow;
    expect(a.sourceHash).toBe(state.resources['flow:n/a'].live.sourceHash); // vouched for by state
    expect((live.objects.get('file:n:/same.txt') as LiveFile).sha256).toBe(sha('hello'));
    expect((live.objects.get('kv:n/K') as LiveKv).valueHash).toBe(kvValueHash('STRING', 'v'));
  });

  it('fetches what moved: a flow at a new revision, a file of the desired size, a KV pair updated since', async () => {
    const { kestra, state } = applied();
    kestra.flows.set('n|a', { source: flowSource(ns, 'a', 'description: UI\n'), revision: 2 });
    kestra.files.set('n|/edited.txt', { bytes: Buffer.from('v2'), lastModifiedTime: 2000 }); // same size as desired 'v1'
    kestra.kv.set('n|K', { type: 'STRING', value: 'w', updateDate: '2026-02-02T00:00:00Z' });
    const live = await refresh(stack(desired), state, { client: kestra });
    expect(kestra.reads()).toEqual(['getFlow n/a', 'getKv n/K', 'readFile n:/edited.txt']);
    expect((live.objects.get('flow:n/a') as LiveFlow).source).toContain('description: UI');
    expect((live.objects.get('file:n:/edited.txt') as LiveFile).bytes?.toString()).toBe('v2');
    expect((live.objects.get('kv:n/K') as LiveKv).value).toBe('w');
  });

  it('uses one export instead of many reads when many sources of a namespace are needed', async () => {
    const many = Array.from({ length: 6 }, (_, i) => flow(ns, `f${i}`));
    const kestra = new FakeKestra();
    for (const f of many) kestra.flows.set(`${ns}|${f.flowId}`, { source: `${f.content}# live\n`, revision: 3 });
    await refresh(stack(many), undefined, { client: kestra, exportThreshold: 3 });
    expect(kestra.reads()).toEqual(['exportFlowSources n']);
  });

  it('reads a managed file about to be deleted (its lines are shown), but not an unmanaged one', async () => {
    const { kestra, state } = applied();
    kestra.files.set('n|/stranger.txt', { bytes: Buffer.from('not ours'), lastModifiedTime: 5 });
    const withoutFile = desired.filter((r) => r.address !== 'file:n:/same.txt');
    const live = await refresh(stack(withoutFile, { namespaces: [ns] }), state, { client: kestra });
    expect(kestra.reads()).toEqual(['readFile n:/same.txt']);
    expect((live.objects.get('file:n:/stranger.txt') as LiveFile).bytes).toBeUndefined();
  });

  it('drops expired KV pairs and objects deleted between listing and read', async () => {
    const { kestra, state } = applied();
    kestra.kv.set('n|OLD', { type: 'STRING', value: 'x', updateDate: '2020-01-01T00:00:00Z', expirationDate: '2020-01-02T00:00:00Z' });
    kestra.flows.set('n|b', { source: 'changed', revision: 9 });
    kestra.vanishing.add('flow:n/b');
    const live = await refresh(stack(desired), state, { client: kestra, now: () => Date.parse('2026-06-01T00:00:00Z') });
    expect(live.objects.has('kv:n/OLD')).toBe(false);
    expect(live.objects.has('flow:n/b')).toBe(false);
  });

  it('reads the namespaces the stack owns and those state still has objects in, never protected ones', () => {
    const state = stateOf([flow('gone.ns', 'x'), flow('system', 'y')], liveOf([flow('gone.ns', 'x'), flow('system', 'y')]));
    expect(namespacesToRead(stack([flow('a', 'f')], { namespaces: ['a', 'b'] }), state)).toEqual(['a', 'b', 'gone.ns']);
  });
});

describe('refresh with a reading made ahead (while the app ran)', () => {
  const two = [...desired, flow('m', 'c'), kv('m', 'K', 'STRING', 'v')];
  function kestraOfTwo(): { kestra: FakeKestra; state: ReturnType<typeof stateOf> } {
    const live = liveOf(two, [ns, 'm']);
    const state = stateOf(two, live);
    const { kestra } = applied();
    kestra.flows.set('m|c', { source: (live.objects.get('flow:m/c') as LiveFlow).source!, revision: 1 });
    kestra.kv.set('m|K', { type: 'STRING', value: 'v', updateDate: '2026-01-01T00:00:00Z' });
    return { kestra, state };
  }
  const plain = (snapshot: Awaited<ReturnType<typeof refresh>>) => ({ namespaces: snapshot.namespaces, objects: [...snapshot.objects].sort(([a], [b]) => (a < b ? -1 : 1)) });

  it('takes every namespace when the stack is the same: no request sent again, the same snapshot', async () => {
    const { kestra, state } = kestraOfTwo();
    const ahead = readAhead(stack(two), state, { client: kestra });
    await Promise.all(ahead.namespaces.values());
    const before = kestra.calls.length;
    const live = await refresh(stack(two), state, { client: kestra, ahead });
    expect(kestra.calls.length).toBe(before);
    expect(plain(live)).toEqual(plain(await refresh(stack(two), state, { client: new FakeKestraFrom(kestra) })));
  });

  it('reads again a namespace where a desired object the kinds looked at changed, and takes the others', async () => {
    const { kestra, state } = kestraOfTwo();
    kestra.files.set('n|/edited.txt', { bytes: Buffer.from('v2'), lastModifiedTime: 2000 }); // the file kind compares with desired
    const ahead = readAhead(stack(two), state, { client: kestra });
    await Promise.all(ahead.namespaces.values());
    kestra.calls = [];
    const edited = two.map((r) => (r.address === 'file:n:/edited.txt' ? file(ns, '/edited.txt', 'v3 longer') : r));
    const live = await refresh(stack(edited), state, { client: kestra, ahead });
    expect(kestra.calls.filter((c) => c.includes(' m'))).toEqual([]);
    expect(kestra.calls.filter((c) => c.startsWith('list')).sort()).toEqual(['listFiles n', 'listFlows n', 'listKv n']);
    expect(plain(live)).toEqual(plain(await refresh(stack(edited), state, { client: new FakeKestraFrom(kestra) })));
  });

  it('takes nothing made with another state, and reads a namespace the stack gained', async () => {
    const { kestra, state } = kestraOfTwo();
    const ahead = readAhead(stack(desired), state, { client: kestra });
    await Promise.all(ahead.namespaces.values());
    kestra.calls = [];
    await refresh(stack(two), state, { client: kestra, ahead });
    expect(kestra.calls.filter((c) => c.startsWith('list')).sort()).toEqual(['listFiles m', 'listFlows m', 'listKv m']);
    kestra.calls = [];
    await refresh(stack(two), JSON.parse(JSON.stringify(state)), { client: kestra, ahead });
    expect(kestra.calls.filter((c) => c.startsWith('list')).sort()).toEqual(['listFiles m', 'listFiles n', 'listFlows m', 'listFlows n', 'listKv m', 'listKv n']);
  });

  it('reads again a namespace whose reading ahead failed', async () => {
    const { kestra, state } = kestraOfTwo();
    const failing = Object.assign(new FakeKestraFrom(kestra), {
      async listKv(n: string): Promise<never> {
        throw new Error(`listKv ${n} failed`);
      },
    });
    const ahead = readAhead(stack(two), state, { client: failing });
    await Promise.allSettled(ahead.namespaces.values());
    kestra.calls = [];
    const live = await refresh(stack(two), state, { client: kestra, ahead });
    expect(kestra.calls.filter((c) => c.startsWith('list')).sort()).toEqual(['listFiles m', 'listFiles n', 'listFlows m', 'listFlows n', 'listKv m', 'listKv n']);
    expect(live.objects.has('kv:m/K')).toBe(true);
  });
});

/** The same Kestra, with a log of its own (a second client of one server). */
class FakeKestraFrom extends FakeKestra {
  constructor(of: FakeKestra) {
    super();
    this.flows = of.flows;
    this.files = of.files;
    this.kv = of.kv;
  }
}
