/** Flows from a folder laid out the team's way: namespace from YAML, fixed, or from folders. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IgnoreRules } from '../../lib/gittree/ignore-rules';
import { newReadContext } from '../../lib/gittree/read-context';
import { readFlowsDir, type FlowNamespaceRule } from '../../lib/gittree/read-flows';
import { formatDiagnostic } from '../../lib/util/diagnostics';

const FLOW = (id: string, ns: string, extra = '') => `id: ${id}\nnamespace: ${ns}\n${extra}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

function folder(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-flows-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

function read(files: Record<string, string>, namespace: FlowNamespaceRule = { from: 'yaml' }, recursive = true) {
  const root = folder(files);
  const ctx = newReadContext(root, { displayRoot: 'flows' });
  const flows = readFlowsDir(ctx, '', { rules: IgnoreRules.forDirectory(root, { kestraignoreDir: root }), namespace, recursive });
  fs.rmSync(root, { recursive: true, force: true });
  return { flows: flows.map((f) => `${f.namespace}/${f.id} ${f.file}:${f.line}`), ctx, messages: ctx.diagnostics.map(formatDiagnostic) };
}

describe('flows from a folder', () => {
  it('takes each namespace from the YAML, in any folder and under any file name', () => {
    const r = read({ 'ingest/rss.yaml': FLOW('rss', 'company.team.lighthouse.ingest'), 'myrootnamespace.marketing/marketing__flow1.yml': FLOW('flow1', 'myrootnamespace.marketing'), 'top.yml': FLOW('top', 'a') });
    expect(r.messages).toEqual([]);
    expect(r.flows).toEqual(['company.team.lighthouse.ingest/rss flows/ingest/rss.yaml:1', 'myrootnamespace.marketing/flow1 flows/myrootnamespace.marketing/marketing__flow1.yml:1', 'a/top flows/top.yml:1']);
  });

  it('reads only the folder itself when not recursive', () => {
    expect(read({ 'a.yml': FLOW('a', 'x'), 'sub/b.yml': FLOW('b', 'x') }, { from: 'yaml' }, false).flows).toEqual(['x/a flows/a.yml:1']);
  });

  it('holds every flow to the namespace a source names, at its namespace: line', () => {
    const r = read({ 'a.yml': FLOW('a', 'company.team'), 'b.yml': FLOW('b', 'other.team') }, { from: 'yaml', namespace: 'company.team' });
    expect(r.flows).toEqual(['company.team/a flows/a.yml:1']);
    expect(r.messages).toEqual(['flows/b.yml:2:12: namespace "other.team" differs from the namespace of its source, "company.team" — set `namespace: company.team`, or read this file with another source']);
  });

  it('takes the namespace from the folders below the source, after a root namespace', () => {
    const r = read({ 'x.yml': FLOW('x', 'prod'), 'backups/b.yml': FLOW('b', 'prod.backups'), 'aws/c.yml': FLOW('c', 'staging.aws') }, { from: 'folder', root: 'prod' });
    expect(r.flows).toEqual(['prod.backups/b flows/backups/b.yml:1', 'prod/x flows/x.yml:1']);
    expect(r.messages).toEqual(['flows/aws/c.yml:2:12: namespace "staging.aws" differs from the namespace of its folder flows/aws, "prod.aws" — set `namespace: prod.aws`, or move the file to the folder of its namespace']);
    const bare = read({ 'x.yml': FLOW('x', 'a'), 'a.b/y.yml': FLOW('y', 'a.b'), 'Bad Name/z.yml': FLOW('z', 'bad') }, { from: 'folder' });
    expect(bare.flows).toEqual(['a.b/y flows/a.b/y.yml:1']);
    expect(bare.messages).toEqual([
      'flows/Bad Name/z.yml: folder flows/Bad Name does not name a namespace Kestra accepts ("Bad Name": ^[a-z0-9][a-z0-9._-]*, at most 150 characters) — rename the folder',
      'flows/x.yml: flow directly in flows, whose namespace comes from its folders below flows — move it into the folder of its namespace, or give the source a root namespace',
    ]);
  });

  it('names both files of a flow defined twice', () => {
    const r = read({ 'a/one.yml': FLOW('same', 'x'), 'b/two.yml': FLOW('same', 'x') });
    expect(r.flows).toEqual(['x/same flows/a/one.yml:1']);
    expect(r.messages).toEqual(['flows/b/two.yml:1:1: flow x/same is also defined in flows/a/one.yml — each flow (namespace and id) may be defined in one file only: rename or delete one of them']);
  });

  it('keeps apps, TestSuites and dashboards with their sources, lists other unit tests and blueprints as found, and warns of other YAML', () => {
    const app = 'id: chat\nnamespace: x\ntype: io.kestra.plugin.ee.apps.App\nblocks: []\n';
    const suite = 'id: t\nnamespace: x\nflowId: f\ntestCases:\n  - id: c\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions: []\n';
    const dashboard = '# overview\nid: overview\ntitle: Overview\ncharts: []\n';
    const r = read({
      'f.yml': FLOW('f', 'x'),
      'apps/chat.yaml': app,
      'tests/t.yaml': suite,
      'tests/flow_test.yaml': 'id: flow_test\nnamespace: x\ntype: io.kestra.core.tests.Flow\nflowId: f\nfixtures: {}\nassertions: []\n',
      'dash/overview.yaml': dashboard,
      'topics/a.yaml': 'id: topic\nname: A\n',
      'notes.md': '# not YAML: ignored quietly',
    });
    expect(r.flows).toEqual(['x/f flows/f.yml:1']);
    expect(r.ctx.objects).toEqual({
      apps: [{ namespace: 'x', id: 'chat', file: 'flows/apps/chat.yaml', source: app, line: 1 }],
      tests: [{ namespace: 'x', id: 't', flowId: 'f', file: 'flows/tests/t.yaml', source: suite, line: 1 }],
      dashboards: [{ id: 'overview', file: 'flows/dash/overview.yaml', source: dashboard, line: 2 }],
    });
    expect(r.ctx.found).toEqual([{ kind: 'test', file: 'flows/tests/flow_test.yaml', line: 1, id: 'flow_test', namespace: 'x', why: expect.stringMatching(/^not a Kestra TestSuite \(no `testCases`\)/) }]);
    expect(r.messages).toEqual(["flows/topics/a.yaml: warning: is not a Kestra flow (has an `id` but no `namespace`, so it is no Kestra flow); ignored — keep only flows in this folder, or leave the file out with the source's `exclude`"]);
  });

  it('holds apps and TestSuites to the namespace of the source or folder, and refuses what Kestra would not take, at its line', () => {
    const APP = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntype: io.kestra.plugin.ee.apps.App\n`;
    const bound = read({ 'a.yaml': APP('a', 'company.team'), 'b.yaml': APP('b', 'other.team') }, { from: 'yaml', namespace: 'company.team' });
    expect(bound.ctx.objects.apps.map((a) => a.id)).toEqual(['a']);
    expect(bound.messages).toEqual(['flows/b.yaml:2:1: namespace "other.team" differs from the namespace of its source, "company.team" — set `namespace: company.team`, or read this file with another source']);
    const byFolder = read({ 'prod/a.yaml': APP('a', 'prod'), 'top.yaml': APP('top', 'prod') }, { from: 'folder' });
    expect(byFolder.ctx.objects.apps.map((a) => a.id)).toEqual(['a']);
    expect(byFolder.messages).toEqual([expect.stringMatching(/^flows\/top\.yaml: app directly in flows, whose namespace comes from its folders below flows/)]);
    const bad = read({
      'dotted.yaml': 'id: my.test\nnamespace: x\nflowId: f\ntestCases: [{id: c, type: io.kestra.core.tests.flow.UnitTest, assertions: []}]\n',
      'empty.yaml': 'id: empty\nnamespace: x\nflowId: f\ntestCases: []\n',
      'noflow.yaml': 'id: noflow\nnamespace: x\ntestCases: [{id: c}]\n',
      'two.yaml': `${APP('one', 'x')}---\n${APP('two', 'x')}`,
      'dup1.yaml': APP('same', 'x'),
      'dup2.yaml': APP('same', 'x'),
    });
    expect(bad.ctx.objects.apps.map((a) => a.file)).toEqual(['flows/dup1.yaml']);
    expect(bad.ctx.objects.tests).toEqual([]);
    expect(bad.messages.map((m) => m.replace(/ — .*/, ''))).toEqual([
      'flows/dotted.yaml:1:1: unit test id "my.test" does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]* (a TestSuite id holds no ".")',
      'flows/dup2.yaml:1:1: app x/same is also defined in flows/dup1.yaml',
      'flows/empty.yaml:4:1: `testCases` is empty: a TestSuite holds at least one test case',
      'flows/noflow.yaml: unit test has no `flowId` (the flow it tests, a string)',
      'flows/two.yaml: app file holds 2 YAML documents',
    ]);
  });

  it('warns of Terraform templatefile placeholders, naming the line, but not of shell code', () => {
    const flow = 'id: tf\nnamespace: x\nlabels:\n  env: ${environment}\ntasks:\n  - id: sh\n    type: io.kestra.plugin.scripts.shell.Commands\n    commands:\n      - echo ${HOME} ${TMP}\n  - id: get\n    type: io.kestra.plugin.core.http.Request\n    uri: https://%{ if prod }api%{ endif }.example.com\n';
    const r = read({ 'tf.yml': flow });
    expect(r.flows).toEqual(['x/tf flows/tf.yml:1']);
    expect(r.messages.map((m) => m.replace(/ — .*/, ''))).toEqual([
      'flows/tf.yml:4:8: warning: `${environment}` looks like a Terraform templatefile placeholder; kestraform sends the flow as written, so Kestra would receive it literally',
      'flows/tf.yml:12:10: warning: `%{ if` looks like a Terraform templatefile placeholder; kestraform sends the flow as written, so Kestra would receive it literally',
    ]);
    // A `$` before a Pebble expression, escaped for templatefile (Ben8t/kestra_enterprise_resources does so).
    expect(read({ 'm.yml': FLOW('m', 'x', 'description: |\n  Total: $${{ outputs.x }}\n  Shell: ${HOME}\n') }).messages.map((m) => m.replace(/ — .*/, ''))).toEqual(["flows/m.yml:3:14: warning: `$${` is Terraform templatefile's escape for `${`; kestraform sends the flow as written, so Kestra would receive `$${`"]);
    expect(read({ 'p.yml': FLOW('p', 'x', 'description: "costs $${{ outputs.x }}"\n') }).messages).toEqual(['flows/p.yml:3:14: warning: `$${` is Terraform templatefile\'s escape for `${`; kestraform sends the flow as written, so Kestra would receive `$${` — write `${` as Terraform would have rendered it; if `$${` is meant literally, ignore this warning']);
  });
});
