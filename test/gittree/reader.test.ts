/** The tree reader on generated cases the corpus lacks, and on hostile input. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTreeSync } from '../../lib/gittree';

const FLOW = (id: string, ns = 'a.b') => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

function tree(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-tree-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}
const errorsOf = (root: string) => readTreeSync(root).diagnostics.filter((d) => d.severity === 'error');

describe('tree reader: encodings and YAML features', () => {
  it('keeps CRLF and a BOM in the flow source, and non-ASCII text', () => {
    const src = '\uFEFF' + FLOW('crlf').replace(/\n/g, '\r\n').replace('message: hi', 'message: héllo — 你好');
    const r = readTreeSync(tree({ 'a.b/flows/crlf.yml': src }));
    expect(r.diagnostics).toEqual([]);
    expect(r.namespaces[0].flows[0].source).toBe(src);
  });

  it('accepts anchors and aliases', () => {
    const src = `id: anchors\nnamespace: a.b\nvariables:\n  base: &base {retries: 3}\ntasks:\n  - id: one\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n    meta: *base\n`;
    expect(errorsOf(tree({ 'a.b/flows/anchors.yml': src }))).toEqual([]);
  });

  it('says that YAML forbids tab indentation, with the position', () => {
    const [e] = errorsOf(tree({ 'a.b/flows/tabs.yml': 'id: tabs\nnamespace: a.b\ntasks:\n\t- id: x\n\t  type: io.kestra.plugin.core.log.Log\n' }));
    expect(e.message).toMatch(/tab/i);
    expect(e.line).toBe(4);
  });

  it('keeps namespace file bytes exactly: binary, non-UTF-8, empty, CRLF', () => {
    const bin = Buffer.from([0, 255, 0xfe, 0x0d, 0x0a, 0x80]);
    const r = readTreeSync(tree({ 'a.b/files/bin.dat': bin, 'a.b/files/empty.txt': '', 'a.b/files/dir/crlf.txt': 'x\r\n' }));
    const byPath = Object.fromEntries(r.namespaces[0].files.map((f) => [f.path, f]));
    expect(byPath['/bin.dat'].size).toBe(6);
    expect(byPath['/empty.txt'].size).toBe(0);
    expect(byPath['/dir/crlf.txt'].size).toBe(3);
    expect(byPath['/bin.dat'].sha256).toBe(require('node:crypto').createHash('sha256').update(bin).digest('hex'));
  });

  it('warns when a file stem differs from the flow id', () => {
    const r = readTreeSync(tree({ 'a.b/flows/other-name.yml': FLOW('real-id') }));
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('differs from the flow id "real-id"') })]);
    expect(r.namespaces[0].flows[0].id).toBe('real-id');
  });
});

describe('tree reader: hostile input yields errors, never a crash or hang', () => {
  it('handles deep nesting, huge files, truncation, wrong types, non-UTF-8', () => {
    const deep = `id: deep\nnamespace: a.b\ntasks: ${'['.repeat(10000)}${']'.repeat(10000)}\n`;
    const huge = FLOW('huge') + `description: "${'x'.repeat(2 * 1024 * 1024)}"\n`;
    const root = tree({
      'a.b/flows/deep.yml': deep,
      'a.b/flows/huge.yml': huge,
      'a.b/flows/truncated.yml': FLOW('truncated').slice(0, 40) + '"unterminated',
      'a.b/flows/types.yml': 'id: [1]\nnamespace: a.b\ntasks: 5\n',
      'a.b/flows/latin1.yml': Buffer.concat([Buffer.from('id: latin1\nnamespace: a.b\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\ntasks: []\n')]),
    });
    const started = Date.now();
    const errors = errorsOf(root);
    expect(Date.now() - started).toBeLessThan(5000);
    const files = new Set(errors.map((e) => path.basename(e.file)));
    expect(files).toEqual(new Set(['deep.yml', 'huge.yml', 'truncated.yml', 'types.yml', 'latin1.yml']));
    expect(errors.find((e) => e.file.endsWith('huge.yml'))!.message).toMatch(/bytes/);
    expect(errors.find((e) => e.file.endsWith('latin1.yml'))!.message).toMatch(/UTF-8/);
  });

  // (A path component over 255 bytes cannot be created on Linux file systems, so it is not planted here.)
  it('refuses symlinks (inside and out of the tree) and reserved paths', () => {
    const root = tree({ 'a.b/flows/ok.yml': FLOW('ok'), 'a.b/files/real.txt': 'x', 'a.b/files/_flows/f.yml': FLOW('f') });
    fs.symlinkSync('/etc/hostname', path.join(root, 'a.b/files/out.txt'));
    fs.symlinkSync(path.join(root, 'a.b/files/real.txt'), path.join(root, 'a.b/files/in.txt'));
    fs.symlinkSync('/tmp', path.join(root, 'linked.ns'));
    const errors = errorsOf(root).map((e) => `${path.basename(e.file)}: ${e.message}`);
    expect(errors.some((e) => e.startsWith('out.txt') && /outside the tree/.test(e))).toBe(true);
    expect(errors.some((e) => e.startsWith('in.txt') && /symbolic link/.test(e))).toBe(true);
    expect(errors.some((e) => e.startsWith('linked.ns') && /symbolic link/.test(e))).toBe(true);
    expect(errors.some((e) => /_flows/.test(e))).toBe(true);
  });

  it('refuses a file name that is not valid UTF-8', () => {
    const root = tree({ 'a.b/flows/ok.yml': FLOW('ok') });
    fs.mkdirSync(path.join(root, 'a.b/files'), { recursive: true });
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, 'a.b/files/bad-')), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'x');
    expect(errorsOf(root).some((e) => /not valid UTF-8/.test(e.message))).toBe(true);
  });

  it('reads 2,000 flows and 2,000 files quickly enough to scale', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) {
      files[`ns${i % 20}/flows/f${i}.yml`] = FLOW(`f${i}`, `ns${i % 20}`);
      files[`ns${i % 20}/files/d${i % 7}/x${i}.py`] = `print(${i})\n`;
    }
    const root = tree(files);
    const started = Date.now();
    const r = readTreeSync(root);
    expect(r.diagnostics).toEqual([]);
    expect(r.namespaces.reduce((n, ns) => n + ns.flows.length + ns.files.length, 0)).toBe(4000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("Kestra's layout, as NamespaceSync and TenantSync read it", () => {
  it('reads a namespace as one dotted folder or as nested folders, and child namespaces below a namespace', () => {
    const r = readTreeSync(tree({
      'company.team/flows/a.yml': FLOW('a', 'company.team'),
      'company/flows/top.yml': FLOW('top', 'company'),
      'company/sales/flows/s.yml': FLOW('s', 'company.sales'),
      'company/sales/files/q.sql': 'select 1',
      'company/sales/kv.yaml': 'K: 1\n',
    }));
    expect(r.diagnostics).toEqual([]);
    expect(r.namespaces.map((n) => `${n.name}: ${n.flows.length} flows, ${n.files.length} files, ${n.kv.length} kv (${n.dir})`)).toEqual([
      'company: 1 flows, 0 files, 0 kv (company)',
      'company.sales: 1 flows, 1 files, 1 kv (company/sales)',
      'company.team: 1 flows, 0 files, 0 kv (company.team)',
    ]);
  });

  it('never takes a folder without Kestra content for a namespace (dbt/, scripts/, docs/)', () => {
    const r = readTreeSync(tree({ 'dbt/models/x.sql': 'select 1', 'scripts/a.py': 'print()', 'Docs/readme.md': '#', 'a.b/flows/f.yml': FLOW('f') }));
    expect(r.diagnostics).toEqual([]);
    expect(r.namespaces.map((n) => n.name)).toEqual(['a.b']);
  });

  it('says when the same namespace lies in two folders and an object is in both', () => {
    const r = readTreeSync(tree({ 'a.b/flows/f.yml': FLOW('f'), 'a/b/flows/f.yml': FLOW('f'), 'a/b/flows/g.yml': FLOW('g') }));
    expect(r.namespaces.map((n) => `${n.name}: ${n.flows.map((f) => f.id).join(',')}`)).toEqual(['a.b: f,g']);
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^flow f of namespace a\.b is also in .*a[./]b\/flows\/f\.yml \(folders .*a[./]b and .*a[./]b both hold namespace a\.b\)$/)]);
  });

  it('reads apps, TestSuites, dashboards and namespace properties with their sources; lists blueprints and other unit tests, never as flows', () => {
    const app = 'id: app\nnamespace: a.b\ntype: io.kestra.plugin.ee.apps.App\n';
    const suite = 'id: t\nnamespace: a.b\nflowId: f\ntestCases:\n  - id: c\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions: []\n';
    const dashboard = 'id: d\ntitle: D\ncharts: []\n';
    const r = readTreeSync(tree({
      'a.b/flows/f.yml': FLOW('f'),
      'a.b/apps/app.yaml': app,
      'a.b/tests/t.yaml': suite,
      'a.b/tests/flow_test.yaml': 'id: flow_test\nnamespace: a.b\nflowId: f\n',
      'a.b/namespace.yaml': 'description: The team\nvariables:\n  region: eu\nallowedNamespaces:\n  - namespace: c.d\n',
      '_global/dashboards/d.yaml': dashboard,
      '_global/blueprints/b.yaml': 'id: b\ntitle: B\n',
    }), { displayRoot: 'kestra' });
    expect(r.diagnostics).toEqual([]);
    expect(r.objects).toEqual({
      apps: [{ namespace: 'a.b', id: 'app', file: 'kestra/a.b/apps/app.yaml', source: app, line: 1 }],
      tests: [{ namespace: 'a.b', id: 't', flowId: 'f', file: 'kestra/a.b/tests/t.yaml', source: suite, line: 1 }],
      dashboards: [{ id: 'd', file: 'kestra/_global/dashboards/d.yaml', source: dashboard, line: 1 }],
    });
    expect(r.namespaces[0].properties).toEqual({ namespace: 'a.b', file: 'kestra/a.b/namespace.yaml', line: 1, properties: { description: 'The team', variables: { region: 'eu' }, allowedNamespaces: [{ namespace: 'c.d' }] } });
    expect(r.found.map((f) => `${f.kind} ${f.namespace ?? '-'}/${f.id} ${f.file}${f.why ? ` (${f.why.slice(0, 22)})` : ''}`)).toEqual([
      'blueprint -/b kestra/_global/blueprints/b.yaml',
      'test a.b/flow_test kestra/a.b/tests/flow_test.yaml (not a Kestra TestSuite)',
    ]);
  });

  it("holds apps and tests to their namespace folder, and says what Kestra's layout would not take, at its line", () => {
    const r = readTreeSync(tree({
      'a.b/apps/other.yaml': 'id: other\nnamespace: c.d\ntype: io.kestra.plugin.ee.apps.App\n',
      'a.b/apps/renamed.yaml': 'id: real\nnamespace: a.b\ntype: io.kestra.plugin.ee.apps.App\n',
      'a.b/apps/nested/x.yaml': 'id: x\nnamespace: a.b\n',
      'a.b/apps/readme.md': '# apps',
      'a.b/tests/broken.yaml': 'id: [unclosed\n',
      '_global/dashboards/noid.yaml': 'title: No id\ncharts: []\n',
    }));
    expect(r.objects.apps.map((a) => a.id)).toEqual(['real']);
    expect(r.diagnostics.map((d) => `${path.basename(d.file)}:${d.line}: ${d.severity}: ${d.message}`)).toEqual([
      'noid.yaml:0: error: dashboard has no `id` (a string)',
      'nested:0: warning: folders inside apps/ are not read',
      'other.yaml:2: error: namespace "c.d" differs from its folder "a.b"',
      'readme.md:0: warning: is not a .yml/.yaml file; ignored',
      'renamed.yaml:1: warning: file name "renamed.yaml" differs from the app id "real"',
      expect.stringMatching(/^broken\.yaml:0: error: is not valid YAML: /),
    ]);
  });

  it('reads namespace.yaml as the namespace object: every unknown key or wrong type at its line, for the Kestra line', () => {
    const text = 'description: 3\nvariables: [a]\nconcurrency:\n  limit: 0\n  behavior: QUEUE\npluginDefaults: []\ncolour: blue\nsdkDefaultAuthentication:\n  username: bot\n  password: hunter2\n';
    const r = readTreeSync(tree({ 'a.b/namespace.yaml': text, 'a.b/flows/f.yml': FLOW('f') }));
    expect(r.namespaces[0].properties).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '1:14 `description` must be a string, not number 3',
      '2:12 `variables` must be a mapping, not a list',
      '4:10 `concurrency.limit` must be a whole number of at least 1, not number 0',
      '6:1 `pluginDefaults` is a namespace property of Kestra 1.x only, not of the 2.x this stack targets',
      "7:1 `colour` is not a property of Kestra's Namespace",
      '10:13 `sdkDefaultAuthentication.password` holds a credential written out: kestraform puts no secret into Git, cdk.tf.json, state or plans',
    ]);
    // On 1.x, concurrency is the unknown one and pluginDefaults is fine.
    const v1 = readTreeSync(tree({ 'a.b/namespace.yaml': 'concurrency: {limit: 1, behavior: QUEUE}\npluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values: {level: INFO}\n' }), { kestraMajor: 1 });
    expect(v1.diagnostics.map((d) => `${d.line} ${d.message}`)).toEqual(['1 `concurrency` is a namespace property of Kestra 2.x only, not of the 1.x this stack targets']);
  });

  it('takes a folder holding only namespace.yaml for a namespace, but never a Kubernetes manifest for one', () => {
    const r = readTreeSync(tree({ 'a.b/namespace.yaml': 'description: only properties\n', 'k8s/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kestra\n', 'c.d/namespace.yml': 'description: x\n', 'c.d/flows/f.yml': FLOW('f', 'c.d') }));
    expect(r.namespaces.map((n) => `${n.name}: ${JSON.stringify(n.properties?.properties)}`)).toEqual(['a.b: {"description":"only properties"}', 'c.d: undefined']);
    expect(r.diagnostics.map((d) => `${d.severity}: ${d.file.slice(d.file.lastIndexOf('/', d.file.lastIndexOf('/') - 1) + 1)} ${d.message}`)).toEqual(["warning: c.d/namespace.yml is not read: the namespace's properties are read from namespace.yaml"]);
  });

  it('says when two folders of one namespace both hold its properties', () => {
    const r = readTreeSync(tree({ 'a.b/namespace.yaml': 'description: one\n', 'a/b/namespace.yaml': 'description: two\n' }));
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^the properties \(namespace\.yaml\) of namespace a\.b is also in /)]);
  });

  it('refuses a folder with Kestra content whose name is no namespace, and warns of a flow beside flows/', () => {
    const r = readTreeSync(tree({ 'My Team/flows/f.yml': FLOW('f', 'my'), 'a.b/flows/f.yml': FLOW('f'), 'a.b/stray.yml': FLOW('stray') }));
    expect(r.namespaces.map((n) => n.name)).toEqual(['a.b']);
    expect(r.diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([
      expect.stringMatching(/^error: folder .*My Team holds flows but "My Team" is not a namespace Kestra accepts/),
      expect.stringMatching(/^warning: flow a\.b\/stray lies in namespace folder .*a\.b itself, where it is not read/),
    ]);
  });

  it('with the namespaces named, enters only the folders on their way (a repository root holding other things)', () => {
    const root = tree({ 'c.d/flows/g.yml': FLOW('g', 'c.d'), 'Other Stuff/flows/x.yml': FLOW('x', 'zz'), 'docs/files/a.md': '#', 'c/e/flows/h.yml': FLOW('h', 'c.e') });
    fs.symlinkSync('/tmp', path.join(root, 'linked'));
    const r = readTreeSync(root, { namespaces: ['c.d', 'c.e'] });
    expect(r.diagnostics).toEqual([]);
    expect(r.namespaces.map((n) => n.name)).toEqual(['c.d', 'c.e']);
  });

  it('reads only the namespaces asked for, and says which are missing', () => {
    const r = readTreeSync(tree({ 'a.b/flows/f.yml': FLOW('f'), 'c.d/flows/g.yml': FLOW('g', 'c.d') }), { namespaces: ['c.d', 'e.f'] });
    expect(r.namespaces.map((n) => n.name)).toEqual(['c.d']);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['namespace "e.f" has no folder in the tree (neither e.f/ nor e/f/)']);
  });
});
