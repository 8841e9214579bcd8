/**
 * The flow kind's runtime state: the text edits of a flow's own `disabled` (in place, every other
 * byte kept), the comparison that tells Kestra's UI toggle from an edit, and refresh's reads —
 * one trigger search per namespace whose declared flows have triggers, none otherwise, and the
 * source state vouches for completed with the listing's `disabled`.
 */
import { refresh } from '../../lib/engine/refresh';
import { declaresTriggers, flowDisabled, sameApartFromDisabled, withFlowDisabled } from '../../lib/kinds/flow-source';
import { flowKind, type FlowTriggerState, type LiveFlow } from '../../lib/kinds/flow';
import { KindRegistry } from '../../lib/kinds/registry';
import { flow, flowSource, liveOf, stack, stateOf } from '../engine/factory';

const src = 'id: a\nnamespace: n # team\n\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

describe('withFlowDisabled', () => {
  it('adds `disabled: true` after `namespace:` and keeps every other byte (comments, blank lines, CRLF, BOM)', () => {
    expect(withFlowDisabled(src, true)).toBe('id: a\nnamespace: n # team\ndisabled: true\n\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n');
    const crlf = `\uFEFF${src.replace(/\n/g, '\r\n')}`;
    expect(withFlowDisabled(crlf, true)).toBe(`\uFEFF${withFlowDisabled(src, true).replace(/\n/g, '\r\n')}`);
    expect(withFlowDisabled('{id: a, namespace: n, tasks: []}', true)).toBe('{id: a, namespace: n, tasks: [], disabled: true}');
  });

  it('sets an existing value in place, and leaves a source that already says it (or an enabled flow) alone', () => {
    const off = 'id: a\nnamespace: n\ndisabled: false # toggled\ntasks: []\n';
    expect(withFlowDisabled(off, true)).toBe('id: a\nnamespace: n\ndisabled: true # toggled\ntasks: []\n');
    expect(withFlowDisabled(off, false)).toBe(off);
    expect(withFlowDisabled(src, false)).toBe(src);
    const ui = `${src}\ndisabled: true`;
    expect(withFlowDisabled(ui, true)).toBe(ui);
    expect(withFlowDisabled(ui, false)).toBe(`${src}\ndisabled: false`);
    expect(withFlowDisabled('not: [valid', true)).toBe('not: [valid');
  });

  it('reads back as Kestra reads it', () => {
    for (const s of [src, `${src}\ndisabled: true`, 'id: a\ndisabled: false\n', '# c\n{id: a, disabled: true}']) {
      for (const v of [true, false]) expect(flowDisabled(withFlowDisabled(s, v))).toBe(v);
    }
    expect(flowDisabled('id: a\ntasks:\n  - id: t\n    disabled: true\n')).toBe(false);
    expect(flowDisabled('id: a\ntriggers:\n  - id: t\n    disabled: true\n')).toBe(false);
  });
});

describe('sameApartFromDisabled', () => {
  it("tells Kestra's toggle (appended or replaced) from an edit", () => {
    expect(sameApartFromDisabled(`${src}\ndisabled: true`, src)).toBe(true);
    expect(sameApartFromDisabled(`${src}\ndisabled: true`, withFlowDisabled(src, true))).toBe(true);
    expect(sameApartFromDisabled('id: a\ndisabled: true\ntasks: []\n', 'id: a\ndisabled: false\ntasks: []\n')).toBe(true);
    expect(sameApartFromDisabled(`${src.replace('hi', 'ho')}\ndisabled: true`, src)).toBe(false);
    expect(sameApartFromDisabled(src.replace('# team', '# other'), src)).toBe(false);
    expect(sameApartFromDisabled('{id: a, disabled: true}', '{id: a}')).toBe(true);
    expect(sameApartFromDisabled(src.replace(/\n/g, '\r\n'), `${src}\ndisabled: true`)).toBe(true);
  });
});

describe('declaresTriggers', () => {
  it.each([
    ['triggers:\n  - id: x\n', true],
    ['triggers: # the schedules\n  - id: x\n', true],
    ['triggers: [{id: x, type: y}]\n', true],
    ['triggers: []\n', false],
    ['tasks:\n  - id: t\n    triggers: 1\n', false],
    [src, false],
  ])('%j → %s', (text, expected) => expect(declaresTriggers(text)).toBe(expected));
});

/** Flows and trigger states of a Kestra, for refresh's reads. */
class FakeKestra {
  calls: string[] = [];
  constructor(
    private readonly flows: Array<{ namespace: string; id: string; revision: number; source: string; disabled?: boolean }>,
    private readonly triggers: FlowTriggerState[] = [],
  ) {}
  async listFlows(ns: string) {
    this.calls.push(`listFlows ${ns}`);
    return this.flows.filter((f) => f.namespace === ns).map(({ source: _s, ...f }) => f);
  }
  async getFlow(ns: string, id: string) {
    this.calls.push(`getFlow ${ns}/${id}`);
    return this.flows.find((f) => f.namespace === ns && f.id === id) ?? null;
  }
  async exportFlowSources(ns: string) {
    this.calls.push(`exportFlowSources ${ns}`);
    return new Map(this.flows.filter((f) => f.namespace === ns).map((f) => [f.id, f.source]));
  }
  async searchTriggers(ns: string) {
    this.calls.push(`searchTriggers ${ns}`);
    return this.triggers.filter((t) => t.namespace === ns);
  }
}

describe('refresh of flows with runtime state', () => {
  const kinds = new KindRegistry([flowKind]);
  const withTrigger = (ns: string, id: string) => flow(ns, id, flowSource(ns, id, 'triggers:\n  - id: daily\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "0 6 * * *"\n'));

  it('searches trigger states once per namespace whose declared flows have triggers, and notes those disabled at runtime only', async () => {
    const desired = [withTrigger('a', 'f1'), withTrigger('a', 'f2'), flow('b', 'plain')];
    const live = liveOf(desired, ['a', 'b']);
    const state = stateOf(desired, live);
    const kestra = new FakeKestra(
      desired.map((d) => ({ namespace: d.namespace!, id: (d as { flowId: string }).flowId, revision: 1, source: (d as { content: string }).content })),
      [
        { namespace: 'a', flowId: 'f1', triggerId: 'daily', disabled: true },
        { namespace: 'a', flowId: 'f2', triggerId: 'daily', disabled: true, disabledInSource: true },
        { namespace: 'a', flowId: 'gone', triggerId: 'daily', disabled: true },
      ],
    );
    const snapshot = await refresh(stack(desired), state, { client: kestra, kinds });
    expect(kestra.calls.sort()).toEqual(['listFlows a', 'listFlows b', 'searchTriggers a']);
    expect((snapshot.objects.get('flow:a/f1') as LiveFlow).triggersDisabledAtRuntime).toEqual(['daily']);
    expect((snapshot.objects.get('flow:a/f2') as LiveFlow).triggersDisabledAtRuntime).toEqual([]);
    expect((snapshot.objects.get('flow:b/plain') as LiveFlow).triggersDisabledAtRuntime).toBeUndefined();
  });

  it('a stack without flows with triggers makes no trigger search', async () => {
    const desired = [flow('a', 'f')];
    const kestra = new FakeKestra([{ namespace: 'a', id: 'f', revision: 1, source: flow('a', 'f').content }]);
    await refresh(stack(desired), stateOf(desired, liveOf(desired, ['a'])), { client: kestra, kinds });
    expect(kestra.calls).toEqual(['listFlows a']);
  });

  it('completes the source state vouches for with the listing\'s `disabled` (a write that kept it), without reading it', async () => {
    const d = flow('a', 'f');
    const state = stateOf([d], liveOf([d], ['a']));
    const kestra = new FakeKestra([{ namespace: 'a', id: 'f', revision: 1, source: withFlowDisabled(d.content, true), disabled: true }]);
    const snapshot = await refresh(stack([d]), state, { client: kestra, kinds });
    expect(kestra.calls).toEqual(['listFlows a']);
    const l = snapshot.objects.get('flow:a/f') as LiveFlow;
    expect(l).toMatchObject({ disabled: true, source: withFlowDisabled(d.content, true), sourceHash: state.resources['flow:a/f'].live.sourceHash });
  });
});
