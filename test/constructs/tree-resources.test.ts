/**
 * Apps, unit tests, dashboards and namespace objects from a repository: declared by the tree
 * sources as the stack's edition allows (`edition: 'ee'`; dashboards always on Kestra 1.x),
 * listed as found otherwise with what to set, each found object once; their pull homes; an
 * environment renaming their namespaces as it renames the flows'.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { useProjectDir } from '../support/project-dir';
import { describeWithShared, SHARED } from '../support/shared';
import { Flows, KestraStack, NamespaceFiles, NamespaceTree, type KestraStackOptions } from 'kestraform';

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const APP = (id: string, ns: string) =>
  `id: ${id}\nnamespace: ${ns}\ntype: io.kestra.plugin.ee.apps.App\nblocks:\n  - id: form\n    type: io.kestra.plugin.ee.apps.blocks.Form\n    onSubmit:\n      type: io.kestra.plugin.core.flow.Subflow\n      namespace: ${ns}\n      flowId: hello\n`;
const SUITE = (id: string, ns: string, flowId: string) => `id: ${id}\nnamespace: ${ns}\nflowId: ${flowId}\ntestCases:\n  - id: works\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions:\n      - value: "{{ outputs.log }}"\n        isNotNull: true\n`;
const DASHBOARD = 'id: overview\ntitle: Overview\ncharts:\n  - id: executions\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n';
const NAMESPACE_YAML = 'description: The team\nvariables:\n  region: eu\nallowedNamespaces:\n  - namespace: company.other\n';

/** Kestra's own layout, with each kind kestraform reads from it. */
const KESTRA_TREE: Record<string, string> = {
  'kestra/company.team/flows/hello.yml': FLOW('hello', 'company.team'),
  'kestra/company.team/apps/form.yaml': APP('form', 'company.team'),
  'kestra/company.team/tests/hello_works.yaml': SUITE('hello_works', 'company.team', 'hello'),
  'kestra/company.team/tests/legacy.yaml': 'id: legacy\nnamespace: company.team\ntype: io.kestra.core.tests.Flow\nflowId: hello\nfixtures: {}\nassertions: []\n',
  'kestra/company.team/namespace.yaml': NAMESPACE_YAML,
  'kestra/system/apps/admin.yaml': APP('admin', 'system'),
  'kestra/_global/dashboards/overview.yaml': DASHBOARD,
};

const dir = useProjectDir('kf-tree-resources-');

interface Synth {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  kestraform: { namespaces: string[]; edition?: string; diagnostics: Array<{ severity: string; file: string; message: string }>; found: Array<Record<string, unknown>>; pull_homes: Array<Record<string, unknown>> };
}

function synth(build: (s: KestraStack) => void, options: KestraStackOptions = {}): Synth {
  const stack = new KestraStack(Testing.app(), 'test', options);
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

/** Each resource's attributes, without cdktf's metadata, by type. */
const resourcesOf = (out: Synth, type: string) => Object.values(out.resource?.[type] ?? {}).map(({ '//': _meta, ...attrs }) => attrs);
/** What was found, sorted, with the first clause of why (`not a Kestra TestSuite (no \`testCases\`)`, `Kestra Enterprise only`). */
const foundOf = (out: Synth) => out.kestraform.found.map((f) => `${f.kind} ${f.namespace ?? '-'}/${f.id ?? '-'} ${f.reason}${f.edition ? ` ${f.edition}` : ''}${f.why ? `: ${String(f.why).split(':')[0]}` : ''}`).sort();
const homesOf = (out: Synth, kinds: string[]) => out.kestraform.pull_homes.filter((h) => kinds.includes(h.kind as string));

describe("tree sources in Kestra's layout, by edition", () => {
  it("with edition: 'ee', declare apps, TestSuites, the dashboard and the namespace object, each with its source", () => {
    dir.files(KESTRA_TREE);
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'kestra' }), { edition: 'ee' });
    expect(out.kestraform.diagnostics).toEqual([]);
    expect(out.kestraform.edition).toBe('ee');
    expect(resourcesOf(out, 'kestra_app')).toEqual([{ namespace: 'company.team', app_id: 'form', source: KESTRA_TREE['kestra/company.team/apps/form.yaml'], source_file: 'kestra/company.team/apps/form.yaml' }]);
    expect(resourcesOf(out, 'kestra_test')).toEqual([{ namespace: 'company.team', test_id: 'hello_works', flow_id: 'hello', content: KESTRA_TREE['kestra/company.team/tests/hello_works.yaml'], source_file: 'kestra/company.team/tests/hello_works.yaml' }]);
    expect(resourcesOf(out, 'kestra_dashboard')).toEqual([{ dashboard_id: 'overview', source_code: DASHBOARD, source_file: 'kestra/_global/dashboards/overview.yaml' }]);
    expect(resourcesOf(out, 'kestra_namespace')).toEqual([{ namespace_id: 'company.team', properties: { description: 'The team', variables: { region: 'eu' }, allowedNamespaces: [{ namespace: 'company.other' }] }, source_file: 'kestra/company.team/namespace.yaml' }]);
    // The unit test that is no TestSuite, and the app of the protected namespace, stay out.
    expect(foundOf(out)).toEqual(['app system/admin protected-namespace', 'test company.team/legacy kind-not-managed: not a Kestra TestSuite (no `testCases`)']);
    expect(homesOf(out, ['app', 'test', 'dashboard', 'namespace'])).toEqual([
      { kind: 'app', namespace: 'company.team', dir: 'kestra/company.team/apps', extension: '.yaml' },
      { kind: 'test', namespace: 'company.team', dir: 'kestra/company.team/tests', extension: '.yaml' },
      { kind: 'namespace', namespace: 'company.team', file: 'kestra/company.team/namespace.yaml' },
      { kind: 'dashboard', namespace: '_global', dir: 'kestra/_global/dashboards', extension: '.yaml' },
    ]);
  });

  it('without an edition, list them as found with what to set, and give them no pull home', () => {
    dir.files(KESTRA_TREE);
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'kestra' }));
    expect(out.kestraform.diagnostics).toEqual([]);
    expect(out.kestraform.edition).toBeUndefined();
    expect(Object.keys(out.resource ?? {})).toEqual(['kestra_flow']);
    expect(foundOf(out)).toEqual([
      'app company.team/form kind-not-managed ee: Kestra Enterprise only',
      'app system/admin protected-namespace',
      'dashboard -/overview kind-not-managed ee: Kestra 2.x writes dashboards in its Enterprise edition only',
      'namespace company.team/- kind-not-managed ee: Kestra Enterprise only',
      'test company.team/hello_works kind-not-managed ee: Kestra Enterprise only',
      'test company.team/legacy kind-not-managed: not a Kestra TestSuite (no `testCases`)',
    ]);
    expect(out.kestraform.found.find((f) => f.kind === 'dashboard')).toMatchObject({ file: 'kestra/_global/dashboards/overview.yaml', line: 1, why: "Kestra 2.x writes dashboards in its Enterprise edition only: set edition: 'ee' on the stack to deploy dashboards" });
    expect(homesOf(out, ['app', 'test', 'dashboard', 'namespace'])).toEqual([]);
    // The same with edition 'oss' said outright, which the settings carry.
    const oss = synth((s) => new NamespaceTree(s, 'tree', { root: 'kestra' }), { edition: 'oss' });
    expect(oss.kestraform.edition).toBe('oss');
    expect(foundOf(oss)).toEqual(foundOf(out));
  });

  it('on Kestra 1.x, declare dashboards whatever the edition (open source writes them there), named by their file', () => {
    // Kestra 1.x makes a dashboard's id up and refuses one in its source.
    dir.files({ ...KESTRA_TREE, 'kestra/_global/dashboards/overview.yaml': DASHBOARD.replace(/^id: .*\n/m, '') });
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'kestra' }), { kestraVersion: 1 });
    expect(resourcesOf(out, 'kestra_dashboard').map((d) => d.dashboard_id)).toEqual(['overview']);
    expect(resourcesOf(out, 'kestra_app')).toEqual([]);
    expect(homesOf(out, ['dashboard'])).toEqual([{ kind: 'dashboard', namespace: '_global', dir: 'kestra/_global/dashboards', extension: '.yaml' }]);
  });

  it('on Kestra 1.x, refuse a dashboard whose source names an id, at its line', () => {
    dir.files(KESTRA_TREE);
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'kestra' }), { kestraVersion: 1 });
    expect(resourcesOf(out, 'kestra_dashboard')).toEqual([]);
    expect(out.kestraform.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', file: 'kestra/_global/dashboards/overview.yaml', line: 1, message: 'Kestra 1.x refuses a dashboard whose source names an `id` (it makes one up)' }));
  });

  it('refuse an edition that is neither', () => {
    expect(() => new KestraStack(Testing.app(), 'bad', { edition: 'enterprise' as 'ee' })).toThrow("edition must be 'oss' or 'ee', not \"enterprise\"");
  });

  it('in an environment, rename the namespaces an app, a test and a namespace object name, never a dashboard', () => {
    dir.files(KESTRA_TREE);
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'kestra' }), { edition: 'ee', environment: { name: 'prod', namespaces: { prefix: 'prod.' } } });
    expect(out.kestraform.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [app] = resourcesOf(out, 'kestra_app');
    expect(app.namespace).toBe('prod.company.team');
    expect(app.source).toBe(APP('form', 'company.team').replace(/namespace: company\.team/g, 'namespace: prod.company.team'));
    const [test] = resourcesOf(out, 'kestra_test');
    expect([test.namespace, test.flow_id]).toEqual(['prod.company.team', 'hello']);
    expect(test.content).toBe(SUITE('hello_works', 'prod.company.team', 'hello'));
    expect(resourcesOf(out, 'kestra_namespace')).toEqual([expect.objectContaining({ namespace_id: 'prod.company.team', properties: expect.objectContaining({ allowedNamespaces: [{ namespace: 'prod.company.other' }] }) })]);
    expect(resourcesOf(out, 'kestra_dashboard')).toEqual([expect.objectContaining({ dashboard_id: 'overview', source_code: DASHBOARD })]);
    // New apps and tests made in a renamed namespace have no home in Git (they would name the environment's namespace).
    expect(homesOf(out, ['app', 'test'])).toEqual([
      { kind: 'app', namespace: 'prod.company.team', refused: expect.stringMatching(/^environment "prod" renames namespace company\.team to prod\.company\.team, so an app made there/) },
      { kind: 'test', namespace: 'prod.company.team', refused: expect.stringMatching(/so a unit test made there/) },
    ]);
    expect(homesOf(out, ['namespace', 'dashboard'])).toEqual([
      { kind: 'namespace', namespace: 'prod.company.team', file: 'kestra/company.team/namespace.yaml' },
      { kind: 'dashboard', namespace: '_global', dir: 'kestra/_global/dashboards', extension: '.yaml' },
    ]);
  });
});

describe('Flows sources with apps, tests and dashboards among the flows', () => {
  it("declare them with edition: 'ee' where their files are, and give their folders as homes", () => {
    dir.files({ 'flows/hello.yml': FLOW('hello', 'company.team'), 'flows/apps/form.yaml': APP('form', 'company.team'), 'flows/tests/t.yaml': SUITE('t', 'company.team', 'hello'), 'dashboards/overview.yaml': DASHBOARD });
    const out = synth((s) => {
      new Flows(s, 'flows', { dir: 'flows' });
      new Flows(s, 'dashboards', { dir: 'dashboards' });
    }, { edition: 'ee' });
    expect(out.kestraform.diagnostics).toEqual([]);
    expect(resourcesOf(out, 'kestra_app').map((a) => `${a.namespace}/${a.app_id} <- ${a.source_file}`)).toEqual(['company.team/form <- flows/apps/form.yaml']);
    expect(resourcesOf(out, 'kestra_test').map((a) => `${a.namespace}/${a.test_id} of ${a.flow_id} <- ${a.source_file}`)).toEqual(['company.team/t of hello <- flows/tests/t.yaml']);
    expect(resourcesOf(out, 'kestra_dashboard').map((d) => d.dashboard_id)).toEqual(['overview']);
    expect(out.kestraform.found).toEqual([]);
    expect(homesOf(out, ['app', 'test', 'dashboard'])).toEqual([
      { kind: 'app', namespace: 'company.team', dir: 'flows/apps', extension: '.yaml' },
      { kind: 'test', namespace: 'company.team', dir: 'flows/tests', extension: '.yaml' },
      { kind: 'dashboard', namespace: '_global', dir: 'dashboards', extension: '.yaml' },
    ]);
  });

  it('list an app once: not as found when another source declares it, with a hint where none does', () => {
    dir.files({ 'ml/forecast.py': 'print()\n', 'ml/app.yaml': APP('ml_app', 'company.team') });
    const both = synth((s) => {
      new NamespaceFiles(s, 'files', { dir: 'ml', namespace: 'company.team' });
      new Flows(s, 'ml', { dir: 'ml' });
    }, { edition: 'ee' });
    expect(resourcesOf(both, 'kestra_app').map((a) => a.app_id)).toEqual(['ml_app']);
    expect(resourcesOf(both, 'kestra_namespace_file').map((f) => f.filename)).toEqual(['/forecast.py']);
    expect(both.kestraform.found).toEqual([]);
    const filesOnly = synth((s) => new NamespaceFiles(s, 'files', { dir: 'ml', namespace: 'company.team' }), { edition: 'ee' });
    expect(filesOnly.kestraform.found).toEqual([{ kind: 'app', file: 'ml/app.yaml', line: 1, id: 'ml_app', namespace: 'company.team', reason: 'kind-not-managed', why: expect.stringMatching(/^lies among namespace files, .*: read its folder with a Flows source to deploy it$/) }]);
  });
});

describeWithShared('corpus/gitops-trees/guglxni__lighthouse-kestra', 'guglxni__lighthouse-kestra as its stack reads it', () => {
  const REPO = path.join(SHARED, 'corpus', 'gitops-trees', 'guglxni__lighthouse-kestra');
  const copy = () => fs.cpSync(REPO, dir.path, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git${path.sep}`) && !src.endsWith(`${path.sep}.git`) });
  const build = (s: KestraStack) => {
    new Flows(s, 'flows', { dir: 'flows', exclude: ['_namespace_files/'] });
    new Flows(s, 'tests', { dir: 'tests' });
    new NamespaceFiles(s, 'files', { dir: 'flows/_namespace_files', namespace: 'company.team.lighthouse' });
  };

  it("declares its three apps with edition: 'ee', never its three flow tests", () => {
    copy();
    const out = synth(build, { edition: 'ee', kestraVersion: 1 });
    expect(out.kestraform.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(resourcesOf(out, 'kestra_flow')).toHaveLength(16);
    expect(resourcesOf(out, 'kestra_app').map((a) => `${a.namespace}/${a.app_id}`)).toEqual(['chat', 'dashboard', 'deepdive'].map((id) => `company.team.lighthouse.serve/${id}`));
    for (const app of resourcesOf(out, 'kestra_app')) expect(app.source).toBe(fs.readFileSync(path.join(REPO, app.source_file as string), 'utf8'));
    expect(resourcesOf(out, 'kestra_test')).toEqual([]);
    expect(foundOf(out)).toEqual(['test_brief_shape', 'test_classify_schema', 'test_rss_dedup'].map((id) => `test company.team.lighthouse.tests/${id} kind-not-managed: not a Kestra TestSuite (no \`testCases\`)`));
  });

  it('lists the apps as found, saying to set the edition, without one', () => {
    copy();
    const out = synth(build, { kestraVersion: 1 });
    expect(resourcesOf(out, 'kestra_app')).toEqual([]);
    expect(out.kestraform.found.filter((f) => f.kind === 'app').map((f) => `${f.id} ${f.edition} ${f.file}:${f.line}`)).toEqual(['chat', 'dashboard', 'deepdive'].map((id) => `${id} ee flows/apps/${id}.yaml:1`));
  });
});
