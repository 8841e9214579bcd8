/**
 * The fast flow checker (js-yaml, positions from node events) must answer exactly as the `yaml`
 * checker does: same id, namespace, lines and diagnostics at the same line:column.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFlowSource, checkFlowSourceWithYaml, type CheckedFlow } from '../../lib/gittree/flow-file';
import { describeWithShared, SHARED } from '../support/shared';

const CORPUS = path.join(SHARED, 'corpus', 'flows');

function comparable(x: CheckedFlow, withNamespaceLine: boolean) {
  return { id: x.id, namespace: x.namespace, idLine: x.idLine, namespaceLine: withNamespaceLine ? x.namespaceLine : undefined, diagnostics: x.diagnostics };
}

function expectSameAnswers(source: string, label: string): void {
  for (const kestraMajor of [1, 2] as const) {
    for (const expectedNamespace of [undefined, 'company.team']) {
      const fast = checkFlowSource(source, label, { kestraMajor, expectedNamespace });
      const slow = checkFlowSourceWithYaml(source, label, { kestraMajor, expectedNamespace });
      // A clean flow's fast answer leaves out the namespace line (nothing points at it).
      expect({ label, ...comparable(fast, fast.namespaceLine !== undefined) }).toEqual({ label, ...comparable(slow, fast.namespaceLine !== undefined) });
    }
  }
}

const SOURCES: Record<string, string> = {
  'warnings in nested tasks, comments and block scalars': `# a comment first
id: legacy
namespace: company.team   # trailing comment
inputs:
  - name: user      # deprecated alias
    type: STRING
taskDefaults:
  - type: io.kestra.plugin.core.log.Log
    values: {}
tasks:
  - id: each
    type: io.kestra.core.tasks.flows.EachSequential
    value: ["a", "b"]
    tasks:
      - id: script
        type: io.kestra.plugin.scripts.python.Script
        runIf: "{{ true }}"
        script: |
          # not a YAML comment
          print("hi")
triggers:
  - id: t
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
`,
  'flow-style collections and anchors': `id: styles
namespace: other.ns
labels: {system.owner: me, team: data}
tasks: [{id: a, type: io.kestra.plugin.core.log.Log, message: x}, {id: a, type: bad type}]
triggers:
  - &t
    id: t1
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 * * * *"
  - <<: *t
    id: t1
`,
  'errors at the top': `id: "bad id"
namespace: Company
tasks: []
`,
  'scalar document': 'just a string\n',
  'id that is a number': 'id: 123\nnamespace: company.team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n',
  'CRLF and BOM': '\uFEFFid: crlf\r\nnamespace: company.team\r\ntasks:\r\n  - id: x\r\n    type: io.kestra.plugin.core.log.Log\r\n    runIf: yes\r\n',
};

describe('fast flow checker', () => {
  for (const [name, source] of Object.entries(SOURCES)) {
    it(`answers as the yaml checker: ${name}`, () => expectSameAnswers(source, `${name}.yml`));
  }

  it('points at the keys and values rules name', () => {
    const r = checkFlowSource(SOURCES['warnings in nested tasks, comments and block scalars'], 'f.yml', { kestraMajor: 1 });
    const at = (m: RegExp) => r.diagnostics.filter((d) => m.test(d.message)).map((d) => `${d.line}:${d.column}`);
    expect(at(/input `name`/)).toEqual(['5:5']);
    expect(at(/taskDefaults/)).toEqual(['7:1']);
    expect(at(/runIf/)).toEqual(['17:9']);
    expect(at(/trigger `conditions`/)).toEqual(['24:5']);
  });

});

describeWithShared('corpus/flows', 'fast flow checker on the corpus', () => {
  it('answers as the yaml checker on every corpus flow, valid and invalid', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    walk(CORPUS);
    expect(files.length).toBeGreaterThan(500);
    for (const file of files) expectSameAnswers(fs.readFileSync(file, 'utf8'), path.relative(CORPUS, file));
  });
});
