/**
 * A flow's source as an environment deploys it (lib/gittree/flow-transform): namespaces renamed
 * where the flow names them, labels set, triggers disabled — edited in place, so every byte
 * outside a rewritten value (comments, blank lines, quoting, key order, CRLF, BOM) stays.
 */
import { parse } from 'yaml';
import { transformFlow, type FlowTransform, type NamespaceMapping } from '../../lib/gittree/flow-transform';
import { listNamespaceReferences } from '../../lib/gittree/flow-namespace-references';

const FILE = 'company/team/flows/caller.yml';
const TEAM: NamespaceMapping = { rules: [{ from: 'company.team', to: 'prod.company.team' }] };

function run(source: string, t: Partial<FlowTransform>) {
  return transformFlow(source, { kestraMajor: 1, ...t }, { file: FILE });
}

/** The output of a transform that must report nothing. */
function clean(source: string, t: Partial<FlowTransform>): string {
  const out = run(source, t);
  expect(out.diagnostics).toEqual([]);
  return out.source;
}

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('transformFlow: a source with nothing to change comes back identical', () => {
  const SOURCE = lines(
    '# a flow', //
    'id: caller',
    "namespace: 'company.team'   # own",
    '',
    'tasks:',
    '  - id: call',
    '    type: io.kestra.plugin.core.flow.Subflow',
    '    namespace: "company.team.child"',
    '    flowId: child',
    "    message: \"{{ kv('K', 'company.team') }}\"",
    'triggers:',
    '  - id: t',
    '    type: io.kestra.plugin.core.trigger.Flow',
    '    conditions:',
    '      - type: io.kestra.plugin.core.condition.ExecutionNamespaceCondition',
    '        namespace: company',
    '        prefix: true',
  );
  const IDENTITY: NamespaceMapping = {
    rules: [
      { from: 'company', to: 'company' },
      { from: 'company.team', to: 'company.team' },
    ],
  };

  it('without any transform', () => {
    const out = run(SOURCE, {});
    expect(out).toEqual({ source: SOURCE, diagnostics: [] });
    expect(run(SOURCE, { labels: {}, disableTriggers: false })).toEqual({ source: SOURCE, diagnostics: [] });
  });

  it('with rules mapping every namespace to itself (the same string, no diagnostic)', () => {
    const out = run(SOURCE, { namespaces: IDENTITY });
    expect(out.source).toBe(SOURCE);
    expect(out.diagnostics).toEqual([]);
    expect(run(SOURCE, { namespaces: IDENTITY, kestraMajor: 2 }).source).toBe(SOURCE);
  });

  it('with a mapping that maps nothing (every namespace reported, none touched)', () => {
    const out = run(SOURCE, { namespaces: { rules: [] } });
    expect(out.source).toBe(SOURCE);
    expect(out.diagnostics.map((d) => [d.line, d.severity])).toEqual([
      [3, 'warning'],
      [8, 'warning'],
      [10, 'warning'],
      [16, 'warning'],
    ]);
  });

  it('with identity rules, a literal Kestra would reject is not reported as the mapping’s doing', () => {
    const src = lines('id: a', 'namespace: company.team', 'tasks:', '  - id: t', '    type: x', "    v: \"{{ kv('K', 'Legacy.Team') }}\"");
    expect(run(src, { namespaces: { rules: [{ from: 'company.team', to: 'company.team' }, { from: 'Legacy.Team', to: 'Legacy.Team' }] } })).toEqual({ source: src, diagnostics: [] });
  });

  it('keeps CRLF and a BOM byte for byte', () => {
    const crlf = SOURCE.replace(/\n/g, '\r\n');
    expect(run(crlf, { namespaces: IDENTITY }).source).toBe(crlf);
    const bom = `\uFEFF${crlf}`;
    expect(run(bom, { namespaces: IDENTITY }).source).toBe(bom);
  });
});

describe('transformFlow: namespace rewrites (Kestra 1.x shapes)', () => {
  const SOURCE = `# header comment
id: caller
namespace: "company.team"   # own namespace

description: calls company.team flows   # prose is not a namespace

variables:
  k: "{{ kv('KEY', 'company.team') }}"
  k2: "{{ kv('KEY', namespace='company.team.data') }}"
  k3: '{{ read(''f.sql'', ''company.team'') }}'
  k4: "{{ fileURI('a.txt', \\"company.team\\") }}"
  own: "{{ kv('K', flow.namespace) }}"

tasks:
  - id: call          # a Subflow
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team.child
    flowId: child
    inputs:
      x: 1

  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ outputs.x }}"
    namespace: 'company.team'
    flowId: child
  - {id: legacy, type: io.kestra.core.tasks.flows.Flow, namespace: company.team, flowId: legacy}
  - id: legacy2
    type: io.kestra.plugin.core.flow.Flow
    flowId: legacy
    namespace: company.team
  - id: templated
    type: io.kestra.plugin.core.flow.Subflow
    namespace: "{{ flow.namespace }}"
    flowId: child
  - id: script
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles:
      enabled: true
      namespaces:
        - company.team
        - "company.team.shared"
    commands:
      - |
        echo {{ kv('KEY', 'company.team') }}
        echo "company.team"
triggers:
  - id: listen
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlowCondition
        namespace: company.team
        flowId: upstream
      - type: io.kestra.plugin.core.condition.ExecutionNamespaceCondition
        namespace: company.team
        prefix: true
    preconditions:
      id: p
      flows:
        - namespace: company.team
          flowId: up
        - namespace: company.team.other
`;
  const EXPECTED = `# header comment
id: caller
namespace: "prod.company.team"   # own namespace

description: calls company.team flows   # prose is not a namespace

variables:
  k: "{{ kv('KEY', 'prod.company.team') }}"
  k2: "{{ kv('KEY', namespace='prod.company.team.data') }}"
  k3: '{{ read(''f.sql'', ''prod.company.team'') }}'
  k4: "{{ fileURI('a.txt', \\"prod.company.team\\") }}"
  own: "{{ kv('K', flow.namespace) }}"

tasks:
  - id: call          # a Subflow
    type: io.kestra.plugin.core.flow.Subflow
    namespace: prod.company.team.child
    flowId: child
    inputs:
      x: 1

  - id: each
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ outputs.x }}"
    namespace: 'prod.company.team'
    flowId: child
  - {id: legacy, type: io.kestra.core.tasks.flows.Flow, namespace: prod.company.team, flowId: legacy}
  - id: legacy2
    type: io.kestra.plugin.core.flow.Flow
    flowId: legacy
    namespace: prod.company.team
  - id: templated
    type: io.kestra.plugin.core.flow.Subflow
    namespace: "{{ flow.namespace }}"
    flowId: child
  - id: script
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles:
      enabled: true
      namespaces:
        - prod.company.team
        - "prod.company.team.shared"
    commands:
      - |
        echo {{ kv('KEY', 'prod.company.team') }}
        echo "company.team"
triggers:
  - id: listen
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlowCondition
        namespace: prod.company.team
        flowId: upstream
      - type: io.kestra.plugin.core.condition.ExecutionNamespaceCondition
        namespace: prod.company.team
        prefix: true
    preconditions:
      id: p
      flows:
        - namespace: prod.company.team
          flowId: up
        - namespace: prod.company.team.other
`;

  it('rewrites every namespace the flow names, and nothing else', () => {
    expect(clean(SOURCE, { namespaces: TEAM })).toBe(EXPECTED);
  });

  it('re-parses to the input with exactly those namespaces mapped', () => {
    const expected = parse(SOURCE);
    expected.namespace = 'prod.company.team';
    expected.variables.k = "{{ kv('KEY', 'prod.company.team') }}";
    expected.variables.k2 = "{{ kv('KEY', namespace='prod.company.team.data') }}";
    expected.variables.k3 = "{{ read('f.sql', 'prod.company.team') }}";
    expected.variables.k4 = '{{ fileURI(\'a.txt\', "prod.company.team") }}';
    expected.tasks[0].namespace = 'prod.company.team.child';
    expected.tasks[1].namespace = 'prod.company.team';
    expected.tasks[2].namespace = 'prod.company.team';
    expected.tasks[3].namespace = 'prod.company.team';
    expected.tasks[5].namespaceFiles.namespaces = ['prod.company.team', 'prod.company.team.shared'];
    expected.tasks[5].commands = ["echo {{ kv('KEY', 'prod.company.team') }}\necho \"company.team\"\n"];
    expected.triggers[0].conditions[0].namespace = 'prod.company.team';
    expected.triggers[0].conditions[1].namespace = 'prod.company.team';
    expected.triggers[0].preconditions.flows[0].namespace = 'prod.company.team';
    expected.triggers[0].preconditions.flows[1].namespace = 'prod.company.team.other';
    const out = parse(clean(SOURCE, { namespaces: TEAM }));
    expect(out).toEqual(expected);
    // and the untouched parts are the input's
    expect(out.description).toBe('calls company.team flows');
    expect(out.tasks[4].namespace).toBe('{{ flow.namespace }}');
    expect(out.variables.own).toBe("{{ kv('K', flow.namespace) }}");
  });

  it('keeps CRLF line breaks and the BOM while rewriting', () => {
    const crlf = `\uFEFF${SOURCE.replace(/\n/g, '\r\n')}`;
    expect(clean(crlf, { namespaces: TEAM })).toBe(`\uFEFF${EXPECTED.replace(/\n/g, '\r\n')}`);
  });

  it('lists the references it rewrote, each at its value', () => {
    const refs = listNamespaceReferences(SOURCE, { kestraMajor: 1 });
    const at = (line: number, column: number) => SOURCE.split('\n')[line - 1].slice(column - 1);
    expect(refs.map((r) => `${r.line}:${r.column} ${r.match} ${r.namespace} (${r.via})`)).toEqual([
      "3:12 exact company.team (the flow's namespace)",
      '8:20 exact company.team (kv())',
      '9:31 exact company.team.data (kv())',
      '10:28 exact company.team (read())',
      '11:29 exact company.team (fileURI())',
      '17:16 exact company.team.child (flowId "child" in task "call" (Subflow))',
      '25:16 exact company.team (flowId "child" in task "each" (ForEachItem))',
      '27:68 exact company.team (flowId "legacy" in task "legacy" (Flow))',
      '31:16 exact company.team (flowId "legacy" in task "legacy2" (Flow))',
      '41:11 exact company.team (namespaceFiles.namespaces in task "script" (Commands))',
      '42:11 exact company.team.shared (namespaceFiles.namespaces in task "script" (Commands))',
      '45:27 exact company.team (kv() in task "script" (Commands))',
      '52:20 exact company.team (flowId "upstream" in trigger "listen" (Flow))',
      '55:20 prefix company.team (namespace of ExecutionNamespace condition in trigger "listen" (Flow))',
      '60:22 exact company.team (flowId "up" in trigger "listen" (Flow))',
      '62:22 exact company.team.other (an upstream flow entry in trigger "listen" (Flow))',
    ]);
    expect(refs[0]).toMatchObject({ own: true });
    for (const r of refs) {
      expect(at(r.line, r.column).replace(/^\\?["']/, '').startsWith(r.namespace)).toBe(true);
      expect(SOURCE.slice(r.start!, r.end)).toBe(r.namespace);
    }
  });

  it('maps with a prefix too, and a rule wins over the prefix (a prefix filter it splits is reported)', () => {
    const out = run(SOURCE, { namespaces: { rules: [{ from: 'company.team.child', to: 'children' }], prefix: 'dev.' } });
    expect(out.source).toBe(EXPECTED.replace(/prod\.company\.team\.child/, 'children').replace(/prod\.company/g, 'dev.company'));
    expect(out.diagnostics.map((d) => [d.severity, d.line, d.column, d.message])).toEqual([
      ['warning', 55, 20, 'namespace prefix "company.team" (namespace of ExecutionNamespace condition in trigger "listen" (Flow)) becomes "dev.company.team", but "company.team.child" → "children" maps part of what it matched elsewhere: those namespaces no longer match'],
    ]);
  });

  it('renames taskDefaults / pluginDefaults namespaces of subflow and KV tasks (1.x), not for 2.x', () => {
    const src = lines(
      'id: parallel',
      'namespace: blueprint',
      'tasks:',
      '  - id: flow1',
      '    type: io.kestra.core.tasks.flows.Flow',
      '    flowId: flow1',
      'taskDefaults:',
      '  - type: io.kestra.core.tasks.flows.Flow',
      '    values:',
      '      namespace: blueprint',
      '      wait: true',
      'pluginDefaults:',
      '  - type: io.kestra.plugin.core.kv.Get',
      '    values:',
      '      namespace: blueprint.kv',
    );
    const m = { rules: [], prefix: 'dev.' };
    expect(clean(src, { namespaces: m })).toBe(src.replace(/(namespace: )blueprint/g, '$1dev.blueprint'));
    expect(listNamespaceReferences(src, { kestraMajor: 1 }).map((r) => r.via)).toEqual(["the flow's namespace", 'namespace of taskDefaults for Flow', 'namespace of pluginDefaults for Get']);
  });

  it('renames a subflow task whose flowId comes from the defaults', () => {
    const src = lines('id: a', 'namespace: x', 'tasks:', '  - id: c', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: x.sub', 'pluginDefaults:', '  - type: io.kestra.plugin.core.flow.Subflow', '    values:', '      flowId: "{{ task.id }}"');
    expect(clean(src, { namespaces: { rules: [{ from: 'x', to: 'y' }] } })).toBe(src.replace('namespace: x\n', 'namespace: y\n').replace('x.sub', 'y.sub'));
  });

  it('rewrites the namespace literals of other core tasks and conditions', () => {
    const src = lines(
      'id: a',
      'namespace: company.team',
      'tasks:',
      '  - id: set',
      '    type: io.kestra.plugin.core.kv.Set',
      '    namespace: company.team',
      '    key: k',
      '    value: v',
      '  - id: upload',
      '    type: io.kestra.plugin.core.namespace.UploadFiles',
      '    namespace: company.team.files',
      '  - id: purge',
      '    type: io.kestra.plugin.core.kv.PurgeKV',
      '    namespaces: [company.team, company.team.a]',
      '  - id: purgeExecutions',
      '    type: io.kestra.plugin.core.execution.PurgeExecutions',
      '    namespace: company.team',
      'triggers:',
      '  - id: f',
      '    type: io.kestra.plugin.core.trigger.Flow',
      '    preconditions:',
      '      id: p',
      '      where:',
      '        - id: w',
      '          filters:',
      '            - field: NAMESPACE',
      '              type: IN',
      '              values: [company.team, company.team.b]',
      '    conditions:',
      '      - type: io.kestra.plugin.core.condition.MultipleCondition',
      '        id: multiple',
      '        conditions:',
      '          a:',
      '            type: io.kestra.plugin.core.condition.ExecutionFlowCondition',
      '            namespace: company.team',
      '            flowId: upstream',
    );
    expect(clean(src, { namespaces: TEAM })).toBe(src.replace(/company\.team/g, 'prod.company.team'));
    const refs = listNamespaceReferences(src, { kestraMajor: 1 });
    expect(refs.map((r) => `${r.match} ${r.via}`)).toEqual([
      "exact the flow's namespace",
      'exact namespace of task "set" (Set)',
      'exact namespace of task "upload" (UploadFiles)',
      'exact namespaces of task "purge" (PurgeKV)',
      'exact namespaces of task "purge" (PurgeKV)',
      'prefix namespace of task "purgeExecutions" (PurgeExecutions)',
      'exact NAMESPACE filter IN in trigger "f" (Flow)',
      'exact NAMESPACE filter IN in trigger "f" (Flow)',
      'exact flowId "upstream" in trigger "f" (Flow)',
    ]);
  });

  it('leaves templated values alone, without a warning', () => {
    const src = lines(
      'id: a',
      'namespace: company.team',
      'tasks:',
      '  - id: call',
      '    type: io.kestra.plugin.core.flow.Subflow',
      '    namespace: "{{ flow.namespace }}"',
      '    flowId: child',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      "    message: \"{{ kv('K', flow.namespace) }} {{ kv('K', namespace=inputs.ns) }} {{ read('f', 'company.' ~ inputs.team) }}\"",
      '  - id: kv',
      '    type: io.kestra.plugin.core.kv.Get',
      "    namespace: \"{{ flow.namespace ~ '.kv' }}\"",
      '    key: k',
    );
    expect(clean(src, { namespaces: TEAM })).toBe(src.replace('namespace: company.team', 'namespace: prod.company.team'));
    expect(listNamespaceReferences(src, { kestraMajor: 1 }).map((r) => r.via)).toEqual(["the flow's namespace"]);
  });

  it('keeps the quoting style of every rewritten value', () => {
    const src = lines('id: a', "namespace: 'company.team'", 'tasks:', '  - id: c', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: "company.team"', '    flowId: b', '  - id: d', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: company.team # plain', '    flowId: b');
    expect(clean(src, { namespaces: TEAM })).toBe(lines('id: a', "namespace: 'prod.company.team'", 'tasks:', '  - id: c', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: "prod.company.team"', '    flowId: b', '  - id: d', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: prod.company.team # plain', '    flowId: b'));
  });

  it('renames an anchored namespace once, for every alias of it', () => {
    const src = lines('id: a', 'namespace: &ns company.team', 'tasks:', '  - id: c', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: *ns', '    flowId: b');
    const out = clean(src, { namespaces: TEAM });
    expect(out).toBe(src.replace('&ns company.team', '&ns prod.company.team'));
    expect(parse(out).tasks[0].namespace).toBe('prod.company.team');
  });

  it('rewrites Pebble literals inside block scalars and multi-line strings', () => {
    const src = lines('id: a', 'namespace: company.team', 'tasks:', '  - id: s', '    type: io.kestra.plugin.scripts.shell.Script', '    script: >', "      echo {{ kv('A', 'company.team') }}", "      {{ secret('B', \"company.team.x\") }}", "    other: \"{{ kv('A',", "      'company.team') }}\"");
    const out = clean(src, { namespaces: TEAM });
    expect(out).toBe(src.replace(/'company\.team'/g, "'prod.company.team'").replace('"company.team.x"', '"prod.company.team.x"').replace('namespace: company.team', 'namespace: prod.company.team'));
    expect(parse(out).tasks[0].other).toBe("{{ kv('A', 'prod.company.team') }}");
  });
});

describe('transformFlow: Kestra 2.x Flow triggers', () => {
  // 2.x: `dependsOn` lists the upstream flows (namespace, flowId, states) and `when` is a Pebble
  // condition whose `namespace` comparisons name namespaces too.
  const SOURCE = `id: downstream
namespace: company.team

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi

triggers:
  - id: after_upstream
    type: io.kestra.plugin.core.trigger.Flow
    # the upstream flows
    dependsOn:
      - namespace: company.team
        flowId: upstream
        states: [SUCCESS]
      - {namespace: 'company.team.sub', flowId: other}
      - namespace: company.team.any   # every flow of a namespace
    when: "{{ namespace == 'company.team' or namespace | startsWith('company.team.') }}"
`;

  it('rewrites the dependsOn entries and the when comparisons', () => {
    const out = clean(SOURCE, { namespaces: TEAM, kestraMajor: 2 });
    expect(out).toBe(`id: downstream
namespace: prod.company.team

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi

triggers:
  - id: after_upstream
    type: io.kestra.plugin.core.trigger.Flow
    # the upstream flows
    dependsOn:
      - namespace: prod.company.team
        flowId: upstream
        states: [SUCCESS]
      - {namespace: 'prod.company.team.sub', flowId: other}
      - namespace: prod.company.team.any   # every flow of a namespace
    when: "{{ namespace == 'prod.company.team' or namespace | startsWith('prod.company.team.') }}"
`);
    const expected = parse(SOURCE);
    expected.namespace = 'prod.company.team';
    expected.triggers[0].dependsOn[0].namespace = 'prod.company.team';
    expected.triggers[0].dependsOn[1].namespace = 'prod.company.team.sub';
    expected.triggers[0].dependsOn[2].namespace = 'prod.company.team.any';
    expected.triggers[0].when = "{{ namespace == 'prod.company.team' or namespace | startsWith('prod.company.team.') }}";
    expect(parse(out)).toEqual(expected);
  });

  it('takes `when` comparisons on 2.x Flow triggers only', () => {
    const refs = (major: 1 | 2) => listNamespaceReferences(SOURCE, { kestraMajor: major }).map((r) => `${r.match} ${r.namespace} (${r.via})`);
    expect(refs(2)).toEqual([
      "exact company.team (the flow's namespace)",
      'exact company.team (flowId "upstream" in trigger "after_upstream" (Flow))',
      'exact company.team.sub (flowId "other" in trigger "after_upstream" (Flow))',
      'exact company.team.any (an upstream flow entry in trigger "after_upstream" (Flow))',
      'exact company.team (namespace == in trigger "after_upstream" (Flow))',
      'prefix company.team. (namespace | startsWith() in trigger "after_upstream" (Flow))',
    ]);
    expect(refs(1)).toEqual(refs(2).slice(0, 4));
    const schedule = lines('id: a', 'namespace: n', 'triggers:', '  - id: s', '    type: io.kestra.plugin.core.trigger.Schedule', '    cron: "0 * * * *"', "    when: \"{{ namespace == 'n' }}\"");
    expect(listNamespaceReferences(schedule, { kestraMajor: 2 }).map((r) => r.via)).toEqual(["the flow's namespace"]);
  });

  it('warns about a prefix comparison some rule sends elsewhere, and still rewrites it', () => {
    const m: NamespaceMapping = { rules: [{ from: 'company', to: 'prod.company' }, { from: 'company.team.sub', to: 'sub' }] };
    const out = run(SOURCE, { namespaces: m, kestraMajor: 2 });
    expect(out.source).toContain("startsWith('prod.company.team.')");
    expect(out.source).toContain("{namespace: 'sub', flowId: other}");
    expect(out.diagnostics).toEqual([
      {
        severity: 'warning',
        file: FILE,
        line: 19,
        column: 69,
        message: 'namespace prefix "company.team." (namespace | startsWith() in trigger "after_upstream" (Flow)) becomes "prod.company.team.", but "company.team.sub" → "sub" maps part of what it matched elsewhere: those namespaces no longer match',
        hint: 'list those namespaces explicitly, or make the rules agree with the prefix',
      },
    ]);
  });
});

describe('transformFlow: what cannot be rewritten is left as is and reported', () => {
  it('a literal namespace no rule covers (rules only): a warning at the value', () => {
    const src = lines(
      'id: a',
      'namespace: company.team',
      'tasks:',
      '  - id: call',
      '    type: io.kestra.plugin.core.flow.Subflow',
      "    namespace: 'other.ns'",
      '    flowId: child',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      "    message: \"{{ kv('K', 'other.kv') }}\"",
    );
    const out = run(src, { namespaces: TEAM });
    expect(out.source).toBe(src.replace('namespace: company.team', 'namespace: prod.company.team'));
    expect(out.diagnostics).toEqual([
      {
        severity: 'warning',
        file: FILE,
        line: 6,
        column: 16,
        message: 'namespace "other.ns" (flowId "child" in task "call" (Subflow)) is not covered by this environment\'s namespace mapping: left as is',
        hint: 'add a rename rule for "other.ns" (or a namespace above it) or a namespace prefix, if this environment should use its own',
      },
      {
        severity: 'warning',
        file: FILE,
        line: 10,
        column: 26,
        message: 'namespace "other.kv" (kv() in task "log" (Log)) is not covered by this environment\'s namespace mapping: left as is',
        hint: 'add a rename rule for "other.kv" (or a namespace above it) or a namespace prefix, if this environment should use its own',
      },
    ]);
    expect(src.split('\n')[5].slice(15)).toBe("'other.ns'");
    expect(src.split('\n')[9].slice(25, 35)).toBe("'other.kv'");
  });

  it('the flow’s own namespace, uncovered, is reported too', () => {
    const src = lines('id: a', 'namespace:   elsewhere', 'tasks: []');
    expect(run(src, { namespaces: TEAM }).diagnostics.map((d) => [d.severity, d.line, d.column, d.message])).toEqual([
      ['warning', 2, 14, 'namespace "elsewhere" (the flow\'s namespace) is not covered by this environment\'s namespace mapping: left as is'],
    ]);
  });

  it('a pattern filter: a warning, untouched', () => {
    const src = lines('id: a', 'namespace: company.team', 'triggers:', '  - id: f', '    type: io.kestra.plugin.core.trigger.Flow', '    preconditions:', '      id: p', '      where:', '        - id: w', '          filters:', '            - field: NAMESPACE', '              type: ENDS_WITH', '              value: .team');
    const out = run(src, { namespaces: TEAM });
    expect(out.source).toBe(src.replace('namespace: company.team', 'namespace: prod.company.team'));
    expect(out.diagnostics.map((d) => [d.severity, d.line, d.column, d.message])).toEqual([
      ['warning', 13, 22, 'NAMESPACE filter ENDS_WITH in trigger "f" (Flow) matches namespaces by a pattern (".team") the namespace mapping cannot rewrite: left as is'],
    ]);
  });

  it('a literal written with escapes: a warning, untouched', () => {
    const src = lines('id: a', 'namespace: company.team', 'tasks:', '  - id: c', '    type: io.kestra.plugin.core.flow.Subflow', '    namespace: "company\\x2eteam"', '    flowId: b');
    const out = run(src, { namespaces: TEAM });
    expect(out.source).toBe(src.replace('namespace: company.team', 'namespace: prod.company.team'));
    expect(out.diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([['warning', 6, 16]]);
    expect(out.diagnostics[0].message).toMatch(/could not be rewritten in place/);
  });

  it('a mapping that makes an invalid namespace: an error, untouched', () => {
    const src = lines('id: a', 'namespace: company.team', 'tasks: []');
    const out = run(src, { namespaces: { rules: [], prefix: 'Prod.' } });
    expect(out.source).toBe(src);
    expect(out.diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([['error', 2, 12]]);
    expect(out.diagnostics[0].message).toBe('the namespace mapping turns namespace "company.team" (the flow\'s namespace) into "Prod.company.team", which is not a Kestra namespace');
  });

  it('invalid YAML: one error, the source unchanged', () => {
    const src = lines('id: a', 'namespace: company.team', 'tasks: [', '  - id: b');
    const out = run(src, { namespaces: TEAM, labels: { env: 'prod' }, disableTriggers: true });
    expect(out.source).toBe(src);
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({ severity: 'error', file: FILE, message: 'flow cannot be transformed for this environment: its YAML does not parse as one document' });
    expect(out.diagnostics[0].line).toBeGreaterThanOrEqual(3);
  });

  it('several documents, or a document that is not a map: one error, unchanged', () => {
    for (const src of ['id: a\nnamespace: x\n---\nid: b\nnamespace: y\n', '- a\n- b\n', '']) {
      const out = run(src, { namespaces: TEAM });
      expect(out.source).toBe(src);
      expect(out.diagnostics.map((d) => d.severity)).toEqual(['error']);
    }
  });
});

describe('transformFlow: labels', () => {
  it('adds a labels map after `namespace:` when there is none, with the document’s indent', () => {
    const src = lines('id: a', 'namespace: company.team   # own', '# tasks follow', 'tasks:', '    - id: t', '      type: io.kestra.plugin.core.log.Log');
    expect(clean(src, { labels: { env: 'prod', tier: '2' } })).toBe(lines('id: a', 'namespace: company.team   # own', 'labels:', '    env: prod', '    tier: "2"', '# tasks follow', 'tasks:', '    - id: t', '      type: io.kestra.plugin.core.log.Log'));
    const two = lines('id: a', 'namespace: n', 'inputs:', '  - id: x', '    type: STRING');
    expect(clean(two, { labels: { env: 'prod' } })).toBe(lines('id: a', 'namespace: n', 'labels:', '  env: prod', 'inputs:', '  - id: x', '    type: STRING'));
  });

  it('adds them after `id:` without a namespace, and at the end of a source without a final line break', () => {
    expect(clean('namespace: n', { labels: { env: 'prod' } })).toBe('namespace: n\nlabels:\n  env: prod');
    expect(clean(lines('id: a', 'tasks: []'), { labels: { env: 'prod' } })).toBe(lines('id: a', 'labels:', '  env: prod', 'tasks: []'));
  });

  it('merges into a block map: replaces the same key (keeping its quotes), appends the others', () => {
    const src = lines('id: a', 'namespace: n', 'labels:', '  env: "dev"   # which env', "  owner: 'me'", '  team: data', '', 'tasks: []');
    expect(clean(src, { labels: { env: 'prod', owner: "it's", team: 'data', new: 'yes' } })).toBe(
      lines('id: a', 'namespace: n', 'labels:', '  env: "prod"   # which env', "  owner: 'it''s'", '  team: data', '  new: "yes"', '', 'tasks: []'),
    );
  });

  it('merges into a flow-style map', () => {
    const src = lines('id: a', 'namespace: n', 'labels: {env: dev, team: "data"}', 'tasks: []');
    expect(clean(src, { labels: { team: 'ops', owner: 'me' } })).toBe(lines('id: a', 'namespace: n', 'labels: {env: dev, team: "ops", owner: me}', 'tasks: []'));
    expect(clean(lines('id: a', 'labels: {}'), { labels: { env: 'prod' } })).toBe(lines('id: a', 'labels: {env: prod}'));
  });

  it('merges into a list of {key, value}', () => {
    const src = lines('id: a', 'namespace: n', 'labels:', '  - key: env', "    value: 'dev'", '  - key: team', '    value: data', 'tasks: []');
    expect(clean(src, { labels: { env: 'prod', owner: 'me' } })).toBe(lines('id: a', 'namespace: n', 'labels:', '  - key: env', "    value: 'prod'", '  - key: team', '    value: data', '  - key: owner', '    value: me', 'tasks: []'));
    expect(clean(lines('id: a', 'labels: [{key: env, value: dev}]'), { labels: { env: 'prod', x: 'y' } })).toBe(lines('id: a', 'labels: [{key: env, value: prod}, {key: x, value: "y"}]'));
    expect(clean(lines('id: a', 'labels:', '  - key: env', 'tasks: []'), { labels: { env: 'prod' } })).toBe(lines('id: a', 'labels:', '  - key: env', '    value: prod', 'tasks: []'));
  });

  it('fills a label or a labels key written without a value', () => {
    expect(clean(lines('id: a', 'labels:', '  env:', '  x: y', 'tasks: []'), { labels: { env: 'prod' } })).toBe(lines('id: a', 'labels:', '  env: prod', '  x: y', 'tasks: []'));
    expect(clean(lines('id: a', 'labels:', '  - key: env', '    value:   # to fill', 'tasks: []'), { labels: { env: 'prod' } })).toBe(lines('id: a', 'labels:', '  - key: env', '    value: prod   # to fill', 'tasks: []'));
    expect(clean(lines('id: a', 'labels:', 'tasks: []'), { labels: { env: 'prod' } })).toBe(lines('id: a', 'labels:', '  env: prod', 'tasks: []'));
    expect(clean(lines('id: a', 'labels: ~', 'tasks: []'), { labels: { env: 'prod' } })).toBe(lines('id: a', 'labels: {env: prod}', 'tasks: []'));
  });

  it('replaces a label whose value is a block scalar or a collection without eating the next line', () => {
    const src = lines('id: a', 'labels:', '  env: |', '    dev', '  list:', '    - a', '  map:', '    a: b', 'tasks: []');
    const out = clean(src, { labels: { env: 'prod', list: 'l', map: 'm' } });
    expect(out).toBe(lines('id: a', 'labels:', '  env: prod', '  list: l', '  map: m', 'tasks: []'));
    expect(parse(out)).toEqual({ id: 'a', labels: { env: 'prod', list: 'l', map: 'm' }, tasks: [] });
  });

  it('sets labels on a flow written as one flow-style map', () => {
    const src = '{id: a, namespace: n, tasks: [{id: t, type: x}]}\n';
    const out = clean(src, { labels: { env: 'prod' } });
    expect(out).toBe('{id: a, namespace: n, tasks: [{id: t, type: x}], labels: {env: prod}}\n');
    expect(parse(out).labels).toEqual({ env: 'prod' });
  });

  it('keeps CRLF in the lines it adds', () => {
    const src = lines('id: a', 'namespace: n', 'labels:', '  - key: x', '    value: y', 'tasks: []').replace(/\n/g, '\r\n');
    expect(clean(src, { labels: { env: 'prod' } })).toBe(lines('id: a', 'namespace: n', 'labels:', '  - key: x', '    value: y', '  - key: env', '    value: prod', 'tasks: []').replace(/\n/g, '\r\n'));
    expect(clean('id: a\r\nnamespace: n\r\n', { labels: { env: 'prod' } })).toBe('id: a\r\nnamespace: n\r\nlabels:\r\n  env: prod\r\n');
  });

  it('reports labels that are neither a map nor a list, at the value', () => {
    const out = run(lines('id: a', 'namespace: n', 'labels: "env=dev"'), { labels: { env: 'prod' } });
    expect(out.source).toBe(lines('id: a', 'namespace: n', 'labels: "env=dev"'));
    expect(out.diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([['error', 3, 9]]);
  });

  it('sets labels and namespaces in one pass', () => {
    const src = lines('id: a', 'namespace: company.team', 'tasks: []');
    expect(clean(src, { namespaces: TEAM, labels: { env: 'prod' } })).toBe(lines('id: a', 'namespace: prod.company.team', 'labels:', '  env: prod', 'tasks: []'));
  });
});

describe('transformFlow: disableTriggers', () => {
  const SOURCE = `id: a
namespace: n
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule   # hourly
    cron: "0 * * * *"

  - {id: inline, type: io.kestra.plugin.core.trigger.Webhook, key: k}
  - id: off
    type: io.kestra.plugin.core.trigger.Schedule
    disabled: false   # for now
    cron: "0 0 * * *"
  - id: already
    type: io.kestra.plugin.core.trigger.Schedule
    disabled: true
  - {id: inlineOff, type: io.kestra.plugin.core.trigger.Webhook, disabled: false}
  - id: empty
    type: io.kestra.plugin.core.trigger.Webhook
    disabled:
  - type: io.kestra.plugin.core.trigger.Webhook
    id: typeFirst
`;

  it('gives every trigger disabled: true, in place', () => {
    const out = clean(SOURCE, { disableTriggers: true });
    expect(out).toBe(`id: a
namespace: n
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule   # hourly
    disabled: true
    cron: "0 * * * *"

  - {id: inline, type: io.kestra.plugin.core.trigger.Webhook, key: k, disabled: true}
  - id: off
    type: io.kestra.plugin.core.trigger.Schedule
    disabled: true   # for now
    cron: "0 0 * * *"
  - id: already
    type: io.kestra.plugin.core.trigger.Schedule
    disabled: true
  - {id: inlineOff, type: io.kestra.plugin.core.trigger.Webhook, disabled: true}
  - id: empty
    type: io.kestra.plugin.core.trigger.Webhook
    disabled: true
  - type: io.kestra.plugin.core.trigger.Webhook
    disabled: true
    id: typeFirst
`);
    const parsed = parse(out);
    expect(parsed.triggers.map((t: { disabled?: unknown }) => t.disabled)).toEqual([true, true, true, true, true, true, true]);
    expect(parsed.tasks[0]).toEqual({ id: 't', type: 'io.kestra.plugin.core.log.Log', message: 'hi' });
  });

  it('leaves a flow without triggers, or whose triggers are all disabled, identical', () => {
    const none = lines('id: a', 'namespace: n', 'tasks: []');
    expect(run(none, { disableTriggers: true })).toEqual({ source: none, diagnostics: [] });
    const empty = lines('id: a', 'namespace: n', 'triggers: []');
    expect(run(empty, { disableTriggers: true })).toEqual({ source: empty, diagnostics: [] });
    const off = lines('id: a', 'namespace: n', 'triggers:', '  - id: t', '    type: x', '    disabled: true', '  - {id: u, type: y, disabled: true}');
    expect(run(off, { disableTriggers: true })).toEqual({ source: off, diagnostics: [] });
  });

  it('handles flow-style trigger lists, a `disabled:` block scalar and CRLF', () => {
    expect(clean('id: a\ntriggers: [{id: t, type: x}, {id: u, type: y, disabled: false}]\n', { disableTriggers: true })).toBe('id: a\ntriggers: [{id: t, type: x, disabled: true}, {id: u, type: y, disabled: true}]\n');
    const block = lines('id: a', 'triggers:', '  - id: t', '    type: x', '    disabled: |', '      false', '    cron: x');
    const out = clean(block, { disableTriggers: true });
    expect(out).toBe(lines('id: a', 'triggers:', '  - id: t', '    type: x', '    disabled: true', '    cron: x'));
    const crlf = lines('id: a', 'triggers:', '  - id: t', '    type: x').replace(/\n/g, '\r\n');
    expect(clean(crlf, { disableTriggers: true })).toBe(lines('id: a', 'triggers:', '  - id: t', '    type: x', '    disabled: true').replace(/\n/g, '\r\n'));
  });

  it('disables triggers, sets labels and renames namespaces together', () => {
    const src = lines('id: a', 'namespace: company.team', 'triggers:', '  - id: f', '    type: io.kestra.plugin.core.trigger.Flow', '    conditions:', '      - type: io.kestra.plugin.core.condition.ExecutionFlowCondition', '        namespace: company.team', '        flowId: up');
    expect(clean(src, { namespaces: TEAM, labels: { env: 'prod' }, disableTriggers: true })).toBe(
      lines('id: a', 'namespace: prod.company.team', 'labels:', '  env: prod', 'triggers:', '  - id: f', '    type: io.kestra.plugin.core.trigger.Flow', '    disabled: true', '    conditions:', '      - type: io.kestra.plugin.core.condition.ExecutionFlowCondition', '        namespace: prod.company.team', '        flowId: up'),
    );
  });
});
