/**
 * checkFlowDocument / withRanges (lib/flowrules/document): the same findings as checkFlow, each
 * with the source range of what it names — the value, or the key when the rule says so, or the
 * nearest enclosing node when the named field is missing. Ranges are shown as the line:column
 * the tree reader reports (file:line:column) and as the source text they cover.
 */
import { LineCounter, parseDocument } from 'yaml';
import { checkFlow, type KestraMajor } from '../../lib/flowrules';
import { checkFlowDocument, withRanges } from '../../lib/flowrules/document';

const FILE = 'company.team/flows/hello.yml';

/** Each finding as `file:line:column <message>`, plus the source text its range covers. */
function placed(text: string, kestraMajor: KestraMajor = 2): Array<{ at: string; covers: string; message: string }> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return checkFlowDocument(doc, { kestraMajor }).map((v) => {
    if (!v.range) throw new Error(`no range for "${v.message}"`);
    const { line, col } = lines.linePos(v.range[0]);
    return { at: `${FILE}:${line}:${col}`, covers: text.slice(v.range[0], v.range[1]), message: v.message };
  });
}

describe('positions of flow rule findings', () => {
  it('points at the offending value', () => {
    const text = [
      'id: "bad id"',
      'namespace: company.team',
      'tasks:',
      '  - id: log',
      '    type: Log',
      '',
    ].join('\n');
    expect(placed(text)).toEqual([
      { at: `${FILE}:1:5`, covers: '"bad id"', message: 'flow id "bad id" does not match ^[a-zA-Z0-9][a-zA-Z0-9._-]*' },
      { at: `${FILE}:5:11`, covers: 'Log', message: 'task type "Log" is not a fully-qualified class name' },
    ]);
  });

  it('points at the key for rules about a key', () => {
    const text = [
      'id: hello',
      'namespace: company.team',
      'title: Hello',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '    runIf: "{{ true }}"',
      'labels:',
      '  system.owner: me',
      '',
    ].join('\n');
    expect(placed(text)).toEqual([
      { at: `${FILE}:3:1`, covers: 'title', message: 'unknown flow property `title`: Kestra refuses flows with properties it does not know' },
      { at: `${FILE}:7:5`, covers: 'runIf', message: 'task `runIf` is deprecated in Kestra 2.0 (an alias still accepts it)' },
      { at: `${FILE}:9:3`, covers: 'system.owner', message: 'label "system.owner" uses the `system.` prefix, which Kestra reserves' },
    ]);
  });

  it('points at the enclosing mapping when the named field is missing', () => {
    const text = [
      'id: hello',
      'namespace: company.team',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.log.Log',
      '  - id: second',
      '',
    ].join('\n');
    expect(placed(text)).toEqual([{ at: `${FILE}:6:5`, covers: 'id: second\n', message: 'task "second" without `type`' }]);
    expect(placed('id: hello\nnamespace: company.team\n')).toEqual([{ at: `${FILE}:1:1`, covers: 'id: hello\nnamespace: company.team\n', message: 'missing required field `tasks`' }]);
  });

  it('places findings inside flow-style collections', () => {
    const text = 'id: hello\nnamespace: company.team\ntasks: [{id: a, type: io.kestra.plugin.core.log.Log}, {id: a, type: x.Y}]\n';
    expect(placed(text)).toEqual([{ at: `${FILE}:3:60`, covers: 'a', message: 'task id "a" is used twice in this flow (also at tasks.0)' }]);
  });

  it('follows a Dag task through its `task:` wrapper', () => {
    const text = [
      'id: hello',
      'namespace: company.team',
      'tasks:',
      '  - id: dag',
      '    type: io.kestra.plugin.core.flow.Dag',
      '    tasks:',
      '      - task:',
      '          id: inner',
      '          type: io.kestra.plugin.core.flow.ForEach',
      '        dependsOn: []',
      '',
    ].join('\n');
    expect(placed(text, 2)).toEqual([{ at: `${FILE}:9:17`, covers: 'io.kestra.plugin.core.flow.ForEach', message: 'ForEach task was removed in Kestra 2.0' }]);
  });

  it('points at the alias when the finding is in an aliased node', () => {
    const text = [
      'id: hello',
      'namespace: company.team',
      'variables:',
      '  shared: &t',
      '    id: "bad id"',
      '    type: io.kestra.plugin.core.log.Log',
      'tasks:',
      '  - *t',
      '',
    ].join('\n');
    expect(placed(text)).toEqual([{ at: `${FILE}:8:5`, covers: '*t', message: 'task id "bad id" does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]*' }]);
  });

  it('points at the start of a document that is not a mapping', () => {
    expect(placed('- id: hello\n')).toEqual([{ at: `${FILE}:1:1`, covers: '- id: hello\n', message: 'a flow must be a YAML mapping' }]);
  });

  it('counts lines past comments and block scalars', () => {
    const text = [
      '# the hello flow',
      'id: hello',
      'namespace: company.team',
      'description: |',
      '  line one',
      '  line two',
      'tasks:',
      '  - id: log',
      '    type: io.kestra.plugin.core.flow.ForEachItem',
      '',
    ].join('\n');
    expect(placed(text, 1).map((p) => p.at)).toEqual([`${FILE}:9:11`]);
  });
});

describe('withRanges', () => {
  it('adds ranges to the findings of checkFlow and changes nothing else', () => {
    const text = 'id: hello\nnamespace: Company\ntasks:\n  - id: log\n';
    const doc = parseDocument(text);
    const plain = checkFlow(doc.toJS(), { kestraMajor: 2 });
    expect(plain.length).toBe(2);
    const ranged = withRanges(doc, plain);
    expect(ranged.map(({ range: _range, ...rest }) => rest)).toEqual(plain);
    expect(ranged.map((v) => text.slice(v.range![0], v.range![1]))).toEqual(['Company', 'id: log\n']);
  });
});
