/** Renderers show what a step really is, as its kind draws it. */
import { computePlan } from '../../lib/engine/plan';
import { addReviewDetail } from '../../lib/engine/run';
import { renderPlanText } from '../../lib/render';
import { blocksText, driftBlocks, stepBlocks, valueLines } from '../../lib/render/display';
import { file, flow, kv, liveFile, liveFlow, liveOf, stack, stateOf, target } from '../engine/factory';
import { emptySnapshot, type LiveFile } from '../../lib/kinds';

const ns = 'n';
const crlf = 'line one\r\nline two\r\n';

describe('what a drift shows', () => {
  it('labels its diff as what was applied against what is live, and a plan step as live against desired', () => {
    const applied = flow(ns, 'f', 'id: f\nnamespace: n\ntasks: []\n');
    const live = liveOf([applied], [ns]);
    const state = stateOf([applied], live);
    live.objects.set(applied.address, liveFlow(ns, 'f', 'id: f\nnamespace: n\ndescription: edited in the UI\ntasks: []\n', 2));
    const plan = computePlan({ stack: stack([applied]), live, state, target });
    const drift = blocksText(driftBlocks(plan.drift[0]), { values: false })!;
    expect(drift).toMatch(/^--- n\/f\tapplied\n\+\+\+ n\/f\tlive\n/);
    expect(drift).toContain('+description: edited in the UI');
    const step = blocksText(stepBlocks(plan.steps[0]), { values: false })!;
    expect(step).toMatch(/^--- n\/f\tlive\n\+\+\+ n\/f\tdesired\n/);
    expect(step).toContain('-description: edited in the UI');
  });
});

describe('what a step shows', () => {
  it('shows the lines of a text file with CRLF endings when it is created and when it is deleted', () => {
    const created = computePlan({ stack: stack([file(ns, '/a.txt', crlf)]), live: emptySnapshot([ns]), state: undefined, target });
    addReviewDetail(created, stack([file(ns, '/a.txt', crlf)]));
    const gone = [file(ns, '/a.txt', crlf)];
    const live = liveOf(gone, [ns]);
    const deleted = computePlan({ stack: stack([], { namespaces: [ns] }), live, state: stateOf(gone, live), target });
    expect(deleted.steps[0].action).toBe('delete');
    for (const plan of [created, deleted]) {
      const text = blocksText(stepBlocks(plan.steps[0]), { values: false })!;
      expect(text).toMatch(/^[+-]line one\r?$/m);
      expect(text).not.toContain('binary');
    }
  });

  it('calls a file binary only when its bytes were read and are not text, and says when they were not read', () => {
    const bin = Buffer.from([0, 1, 2, 3]);
    const live = liveOf([], [ns]);
    live.objects.set('file:n:/x.bin', liveFile(ns, '/x.bin', bin));
    const unread: LiveFile = { kind: 'file', address: 'file:n:/big.txt', namespace: ns, path: '/big.txt', size: 9_000_000, lastModifiedTime: 3 };
    live.objects.set(unread.address, unread);
    const plan = computePlan({ stack: stack([], { namespaces: [ns], prune: true }), live, state: undefined, target });
    const shown = Object.fromEntries(plan.steps.map((s) => [s.address, blocksText(stepBlocks(s), { values: false })]));
    expect(shown['file:n:/x.bin']).toMatch(/^binary, 4 bytes, sha256 [0-9a-f]{8}…$/);
    expect(shown['file:n:/big.txt']).toBe('9000000 bytes, sha256 (not read)');
  });

  it('aligns values Terraform-style and never shows a sensitive one', () => {
    const was = [kv(ns, 'K', 'STRING', 'old', { description: 'a' }), kv(ns, 'S', 'STRING', 'old-secret', { sensitive: true })];
    const live = liveOf(was, [ns]);
    const state = stateOf(was, live);
    const now = [kv(ns, 'K', 'NUMBER', '5', { description: 'b', ttl: 'PT1H' }), kv(ns, 'S', 'STRING', 'new-secret', { sensitive: true })];
    const plan = computePlan({ stack: stack(now), live, state, target });
    const k = stepBlocks(plan.steps.find((s) => s.address === 'kv:n/K')!);
    expect(k[0].type === 'values' && valueLines(k[0])).toEqual(['type        = STRING -> NUMBER', 'value       = "old" -> 5', 'description = "a" -> "b"', 'ttl         = PT1H']);
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('value = (sensitive value)');
    expect(text).not.toMatch(/old-secret|new-secret/);
  });
});
