import { computePlan } from '../../lib/engine/plan';
import { emptySnapshot } from '../../lib/kinds';
import type { DriftItem, Plan } from '../../lib/engine/plan-types';
import { renderPlanText, renderPlanMarkdown, renderPlanJson, renderDriftJson, renderDriftMarkdown, renderDriftText, planJsonSchema, driftJsonSchema, shouldColor, formatApplySummary } from '../../lib/render';
import { file, flow, flowSource, kv, liveFlow, liveOf, stack, stateOf, target } from '../engine/factory';

const SECRET = 'tok-3f9a-very-secret';
const ns = 'company.team';

function mixedPlan(): Plan {
  const old = [flow(ns, 'gone'), file(ns, '/old.sql', 'select 1'), flow(ns, 'keep'), kv(ns, 'TOKEN', 'STRING', 'old-' + SECRET, { sensitive: true })];
  const live = liveOf(old, [ns]);
  const state = stateOf(old, live);
  const edited = flowSource(ns, 'keep').replace('message: hi', 'message: hello');
  live.objects.set('flow:company.team/keep', liveFlow(ns, 'keep', edited, 3));
  const desired = [flow(ns, 'keep'), flow(ns, 'new'), kv(ns, 'TOKEN', 'STRING', SECRET, { sensitive: true }), kv(ns, 'N', 'NUMBER', '5')];
  return computePlan({ stack: stack(desired), live, state, target });
}

describe('text renderer', () => {
  it('lists deletions first, the legend of used symbols only, drift apart, and the summary line', () => {
    const text = renderPlanText(mixedPlan(), { color: false });
    const order = ['will be destroyed', 'will be updated in-place', 'will be created'].map((s) => text.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toContain('Objects changed outside kestraform');
    expect(text.indexOf('Objects changed outside kestraform')).toBeLessThan(text.indexOf('will be destroyed'));
    expect(text).toContain('  + create');
    expect(text).not.toContain('-/+ destroy and then create replacement');
    expect(text).toMatch(/Plan: 2 to add, 2 to change, 2 to destroy\.$/);
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('colours only when asked, and decides like no-color.org', () => {
    expect(renderPlanText(mixedPlan(), { color: true })).toMatch(/\u001b\[3[12]m/);
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('says No changes when there is nothing to do', () => {
    const p = computePlan({ stack: stack([]), live: emptySnapshot(), state: undefined, target });
    expect(renderPlanText(p, { color: false })).toBe('No changes. Your Kestra namespaces match the configuration.');
  });

  it('formats the apply summary like Terraform', () => {
    expect(formatApplySummary({ added: 1, changed: 2, destroyed: 3 })).toBe('Apply complete! Resources: 1 added, 2 changed, 3 destroyed.');
    expect(formatApplySummary({ added: 0, changed: 0, destroyed: 0, imported: 4 })).toBe('Apply complete! Resources: 4 imported, 0 added, 0 changed, 0 destroyed.');
  });
});

describe('JSON renderer', () => {
  it('validates against the schema, maps actions like Terraform and masks sensitive values', () => {
    const doc = renderPlanJson(mixedPlan());
    expect(planJsonSchema.safeParse(JSON.parse(JSON.stringify(doc))).success).toBe(true);
    const by = Object.fromEntries(doc.resource_changes.map((c) => [c.address, c]));
    expect(by['flow:company.team/gone'].change.actions).toEqual(['delete']);
    expect(by['flow:company.team/gone'].action_reason).toBe('delete_because_no_resource_config');
    expect(by['flow:company.team/new'].change.actions).toEqual(['create']);
    expect(by['kv:company.team/TOKEN'].change.after_sensitive).toEqual({ value: true });
    expect(doc.resource_drift.map((d) => d.address)).toContain('flow:company.team/keep');
  });
});

describe('Markdown renderer', () => {
  it('has the marker, summary, deletion warning, table and folded diffs', () => {
    const md = renderPlanMarkdown(mixedPlan());
    expect(md.split('\n')[0]).toBe('<!-- kestraform-plan:test -->');
    expect(md).toContain('**Plan: 2 to add, 2 to change, 2 to destroy.**');
    expect(md).toContain('⚠️ **2 objects will be deleted.**');
    expect(md).toContain('| `company.team` |');
    expect(md).toContain('<details><summary>diff</summary>');
  });

  it('stays under the cap with 5,000 changes and 5,000 drift items, listing what it drops', () => {
    const many = Array.from({ length: 5000 }, (_, i) => flow(ns, `f${i}`, flowSource(ns, `f${i}`, `description: ${'long text '.repeat(20)}\n`)));
    const p = computePlan({ stack: stack(many), live: emptySnapshot([ns]), state: undefined, target });
    const md = renderPlanMarkdown(p, { maxChars: 65000 });
    expect(md.length).toBeLessThanOrEqual(65000);
    expect(md).toMatch(/and \d+ more/);
    const drift: DriftItem[] = Array.from({ length: 5000 }, (_, i) => ({ address: `flow:${ns}/d${i}`, kind: 'flow', tfType: 'kestra_flow', namespace: ns, drift: 'changed', before: { source: `a${i}\n`, revision: 1 }, after: { source: `b${i}\n`, revision: 2 } }));
    const dmd = renderDriftMarkdown(drift, { maxChars: 65000 });
    expect(dmd.length).toBeLessThanOrEqual(65000);
    expect(dmd).toContain('Drift: 5000 changed');
  });

  it('cannot be broken by a diff holding fences or </details>', () => {
    const evil = flow(ns, 'evil', flowSource(ns, 'evil', 'description: "```\\n</details> <script>"\n'));
    const p = computePlan({ stack: stack([evil]), live: emptySnapshot([ns]), state: undefined, target });
    const md = renderPlanMarkdown(p);
    const diffBlock = md.slice(md.indexOf('<details>'));
    expect(diffBlock.match(/<\/details>/g)).toHaveLength(1);
    expect(md).toContain('````diff');
  });
});

describe('drift renderers', () => {
  const items: DriftItem[] = [
    { address: 'flow:a/x', kind: 'flow', tfType: 'kestra_flow', namespace: 'a', drift: 'changed', before: { source: 'a\n', revision: 2 }, after: { source: 'b\n', revision: 4 } },
    { address: 'kv:a/S', kind: 'kv', tfType: 'kestra_kv', namespace: 'a', drift: 'changed', sensitive: true, before: { value: undefined }, after: { value: undefined } },
    { address: 'file:a:/f', kind: 'file', tfType: 'kestra_namespace_file', namespace: 'a', drift: 'deleted' },
    { address: 'flow:a/ui', kind: 'flow', tfType: 'kestra_flow', namespace: 'a', drift: 'unmanaged' },
  ];
  it('text, JSON (schema) and no-drift wording', () => {
    const t = renderDriftText(items, { color: false });
    expect(t).toContain('flow:a/x has changed outside kestraform (revision 2 → 4)');
    expect(t).toContain('file:a:/f has been deleted outside kestraform');
    expect(t).toContain('flow:a/ui was created outside kestraform');
    expect(t).toContain('(sensitive value)');
    expect(driftJsonSchema.safeParse(renderDriftJson(items)).success).toBe(true);
    expect(renderDriftText([], { color: false })).toContain('No drift');
  });
});

describe('secrets', () => {
  it('never appear in any output format', () => {
    const p = mixedPlan();
    for (const out of [renderPlanText(p, { color: false }), renderPlanText(p, { color: true }), renderPlanMarkdown(p), JSON.stringify(renderPlanJson(p)), JSON.stringify(p)]) {
      expect(out).not.toContain(SECRET);
    }
  });
});
