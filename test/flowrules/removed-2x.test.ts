/**
 * Constructs Kestra 2.0 no longer parses (lib/flowrules/removed-2x), as checkFlow reports them:
 * an error naming the construct and the migration guide when the stack targets 2.x, a warning
 * that the flow will not parse on 2.x when it targets 1.x, which still accepts them. `runIf` and
 * checks' `condition`, which 2.0 still accepts through an alias, are a warning on both lines.
 */
import { parse } from 'yaml';
import { checkFlow, type FlowViolation, type KestraMajor } from '../../lib/flowrules';
import { REMOVED_TASK_TYPES } from '../../lib/flowrules/removed-2x';

const HEAD = 'id: hello\nnamespace: company.team\n';
const LOG_TASK = 'tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n';
const check = (yaml: string, kestraMajor: KestraMajor): FlowViolation[] => checkFlow(parse(yaml), { kestraMajor });
const summary = (v: FlowViolation) => ({ severity: v.severity, path: v.path.join('.'), message: v.message, hint: v.hint, construct: v.construct });

const PLUGIN_KESTRA_HINT = 'use the equivalent task of plugin-kestra (io.kestra.plugin.kestra.*) (Kestra 2.0 migration guide: index (Flows))';
const LOOP_HINT = 'use io.kestra.plugin.core.flow.Loop (Kestra 2.0 migration guide: foreach-loop)';
const REMOVED_TYPES: Array<[type: string, construct: string, hint: string]> = [
  ['io.kestra.plugin.core.flow.ForEach', 'ForEach task', LOOP_HINT],
  ['io.kestra.plugin.core.flow.ForEachItem', 'ForEachItem task', LOOP_HINT],
  ['io.kestra.core.tasks.flows.ForEachItem', 'ForEachItem task', LOOP_HINT],
  ['io.kestra.plugin.core.execution.Count', 'core execution.Count task', PLUGIN_KESTRA_HINT],
  ['io.kestra.plugin.core.execution.Resume', 'core execution.Resume task', PLUGIN_KESTRA_HINT],
  ['io.kestra.plugin.core.trigger.Toggle', 'core trigger.Toggle task', PLUGIN_KESTRA_HINT],
  ['io.kestra.plugin.core.log.Fetch', 'core log.Fetch task', PLUGIN_KESTRA_HINT],
];

describe('task types removed in Kestra 2.0', () => {
  it('this test lists every removed type the rules know', () => {
    expect(REMOVED_TYPES.map(([type]) => type).sort()).toEqual(Object.keys(REMOVED_TASK_TYPES).sort());
  });

  it.each(REMOVED_TYPES)('%s: an error on 2.x, a warning that it will not parse on 1.x', (type, construct, hint) => {
    const flow = `${HEAD}tasks:\n  - id: old\n    type: ${type}\n`;
    expect(check(flow, 2).map(summary)).toEqual([{ severity: 'error', path: 'tasks.0.type', message: `${construct} was removed in Kestra 2.0`, hint, construct }]);
    expect(check(flow, 1).map(summary)).toEqual([{ severity: 'warning', path: 'tasks.0.type', message: `${construct} was removed in Kestra 2.0; this flow will not parse on Kestra 2.x`, hint, construct }]);
  });

  it('finds a removed type nested in a flowable task', () => {
    const flow = `${HEAD}tasks:\n  - id: par\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: each\n        type: io.kestra.plugin.core.flow.ForEach\n`;
    expect(check(flow, 2).map((v) => `${v.severity} ${v.path.join('.')}: ${v.message}`)).toEqual(['error tasks.0.tasks.0.type: ForEach task was removed in Kestra 2.0']);
  });

  it('accepts Loop, their replacement, on both lines', () => {
    const flow = `${HEAD}tasks:\n  - id: loop\n    type: io.kestra.plugin.core.flow.Loop\n`;
    expect(check(flow, 2)).toEqual([]);
    expect(check(flow, 1)).toEqual([]);
  });
});

describe('flow-level defaults blocks', () => {
  const POLICY_HINT = 'set the values on each task (open source) or move them to a namespace Policy (Enterprise) (Kestra 2.0 migration guide: plugin-defaults-removed)';

  it.each(['pluginDefaults', 'taskDefaults'])('%s: one error on 2.x at its key (not also an unknown-property finding), one warning on 1.x', (key) => {
    const flow = `${HEAD}${LOG_TASK}${key}:\n  - type: io.kestra.plugin.core.log.Log\n    values:\n      level: INFO\n`;
    expect(check(flow, 2).map((v) => ({ ...summary(v), at: v.at }))).toEqual([{ severity: 'error', path: key, at: 'key', message: `${key} was removed in Kestra 2.0`, hint: POLICY_HINT, construct: key }]);
    expect(check(flow, 1).map(summary)).toEqual([{ severity: 'warning', path: key, message: `${key} was removed in Kestra 2.0; this flow will not parse on Kestra 2.x`, hint: POLICY_HINT, construct: key }]);
  });
});

describe('trigger conditions', () => {
  const flowWithTrigger = (trigger: string) => `${HEAD}${LOG_TASK}triggers:\n  - id: upstream\n    type: io.kestra.plugin.core.trigger.Flow\n${trigger}`;

  it.each([
    ['conditions', 'trigger `conditions`', 'replace the list with one `when:` Pebble expression on the trigger (Flow triggers: `dependsOn` and `window`)'],
    ['preconditions', 'Flow trigger `preconditions`', 'list the upstream flows under `dependsOn:` and move the time window to `window:`'],
    ['multipleConditions', 'Flow trigger `multipleConditions`', 'list the upstream flows under `dependsOn:` with a `window:`'],
  ])('`%s`: an error on 2.x at its key, a warning on 1.x', (key, construct, replacement) => {
    const flow = flowWithTrigger(`    ${key}:\n      - type: io.kestra.plugin.core.condition.ExecutionStatus\n`);
    const hint = `${replacement} (Kestra 2.0 migration guide: trigger-conditions-redesign)`;
    expect(check(flow, 2).map((v) => ({ ...summary(v), at: v.at }))).toEqual([{ severity: 'error', path: `triggers.0.${key}`, at: 'key', message: `${construct} was removed in Kestra 2.0`, hint, construct }]);
    expect(check(flow, 1).map(summary)).toEqual([{ severity: 'warning', path: `triggers.0.${key}`, message: `${construct} was removed in Kestra 2.0; this flow will not parse on Kestra 2.x`, hint, construct }]);
  });

  it('accepts `when`, `dependsOn` and `window`, their replacements', () => {
    const flow = flowWithTrigger('    when: "{{ trigger.state == \'SUCCESS\' }}"\n    dependsOn:\n      - namespace: company.team\n        flowId: first\n    window: PT1H\n');
    expect(check(flow, 2)).toEqual([]);
  });
});

describe('check `condition`, deprecated but still accepted by 2.0', () => {
  const flowWithCheck = (check: string) => `${HEAD}${LOG_TASK}checks:\n  - ${check}\n    message: inputs are wrong\n`;

  // Migration guide v2.0.0, checks-condition-renamed-when: "A deprecated alias keeps condition
  // functional in 2.0.0 so existing flows continue to parse without changes."
  it('is a warning on both lines at its key, without saying the flow will not parse', () => {
    const flow = flowWithCheck('condition: "{{ inputs.a > 0 }}"');
    const warning = {
      severity: 'warning',
      path: 'checks.0.condition',
      at: 'key',
      message: 'check `condition` is deprecated in Kestra 2.0 (an alias still accepts it)',
      hint: 'rename `condition:` to `when:` on the check (Kestra 2.0 migration guide: checks-condition-renamed-when)',
      construct: 'check `condition`',
    };
    expect(check(flow, 2).map((v) => ({ ...summary(v), at: v.at }))).toEqual([warning]);
    expect(check(flow, 1).map((v) => ({ ...summary(v), at: v.at }))).toEqual([warning]);
    expect(check(flow, 2).some((v) => v.severity === 'error')).toBe(false);
  });

  it('accepts `when`, its replacement', () => {
    expect(check(flowWithCheck('when: "{{ inputs.a > 0 }}"'), 2)).toEqual([]);
  });
});

describe('task `runIf`, deprecated but still accepted by 2.0', () => {
  const flowWithRunIf = `${HEAD}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    runIf: "{{ inputs.enabled }}"\n`;
  const runIfFindings = (kestraMajor: KestraMajor) => check(flowWithRunIf, kestraMajor).map((v) => ({ ...summary(v), at: v.at }));

  it('is a warning on both lines, without saying the flow will not parse', () => {
    const warning = {
      severity: 'warning',
      path: 'tasks.0.runIf',
      at: 'key',
      message: 'task `runIf` is deprecated in Kestra 2.0 (an alias still accepts it)',
      hint: 'rename `runIf:` to `when:` (Kestra 2.0 migration guide: run-if-renamed-when)',
      construct: 'task `runIf`',
    };
    expect(runIfFindings(2)).toEqual([warning]);
    expect(runIfFindings(1)).toEqual([warning]);
  });

  it('accepts `when`, its replacement', () => {
    expect(check(flowWithRunIf.replace('runIf', 'when'), 2)).toEqual([]);
  });
});
