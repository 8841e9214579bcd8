/** What init proposes for a repository's layout: the sources a person would write, and why. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { propose, type ProposeOptions } from '../../lib/init/propose';
import { scanRepository } from '../../lib/init/scan';
import { terraformFileHints } from '../../lib/init/terraform-hints';

const FLOW = (id: string, ns: string, extra = '') => `id: ${id}\nnamespace: ${ns}\n${extra}tasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

function repoOf(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-propose-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

function proposalFor(files: Record<string, string>, opts: Partial<ProposeOptions> = {}) {
  const root = repoOf(files);
  try {
    const scan = scanRepository(root);
    return { ...propose(scan, { files: [], kv: [], ...opts }), hints: terraformFileHints(root, scan.files) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('init proposes sources', () => {
  it("reads Kestra's layout with a NamespaceTree at its root (dotted and nested namespace folders)", () => {
    const p = proposalFor({ 'kestra/company.team/flows/a.yml': FLOW('a', 'company.team'), 'kestra/company/sales/flows/b.yml': FLOW('b', 'company.sales'), 'README.md': '#' });
    // 'kestra' is the provider's construct id in the generated stack: the source takes another.
    expect(p.sources).toEqual([{ kind: 'tree', id: 'kestra-tree', root: 'kestra', namespaces: undefined }]);
  });

  it('names the namespaces of a layout at the repository root when other folders hold flows too', () => {
    const p = proposalFor({ 'company.team/flows/a.yml': FLOW('a', 'company.team'), 'other/x.yml': FLOW('x', 'misc') });
    expect(p.sources).toEqual([
      { kind: 'tree', id: 'tree', root: '.', namespaces: ['company.team'] },
      { kind: 'flows', id: 'other', dir: 'other' },
    ]);
  });

  it("reads SyncFlows' _flows/ for the namespace its flows agree on; falls back to Flows when they do not", () => {
    const sync = proposalFor({ 'git/_flows/a.yml': FLOW('a', 'company.team'), 'git/_flows/sales/b.yml': FLOW('b', 'company.team.sales'), 'git/_files/q.sql': 'select 1' });
    expect(sync.sources).toEqual([{ kind: 'sync', id: 'git', dir: 'git', namespace: 'company.team' }]);
    const mixed = proposalFor({ '_flows/a.yml': FLOW('a', 'company.team'), '_flows/sales/b.yml': FLOW('b', 'elsewhere') });
    expect(mixed.sources).toEqual([{ kind: 'flows', id: '_flows', dir: '_flows' }]);
  });

  it('gives each top-level folder one Flows source at the folder its objects share, and the root its own non-recursive one', () => {
    const p = proposalFor({
      'flows/prod/backups/a.yml': FLOW('a', 'prod.backups'),
      'flows/staging/b.yml': FLOW('b', 'staging'),
      'ops/deep/c.yml': FLOW('c', 'system'),
      'top.yml': FLOW('top', 'x'),
      'tests/flow_tests/t.yaml': 'id: t\nnamespace: x\nflowId: top\ntestCases: []\n',
    });
    expect(p.sources).toEqual([
      { kind: 'flows', id: 'root-flows', dir: '.', recursive: false },
      { kind: 'flows', id: 'flows', dir: 'flows' },
      { kind: 'flows', id: 'ops-deep', dir: 'ops/deep' },
      { kind: 'flows', id: 'tests-flow_tests', dir: 'tests/flow_tests' },
    ]);
    expect(p.protectedFlows).toEqual([{ file: 'ops/deep/c.yml', namespace: 'system', id: 'c' }]);
  });

  it('leaves out of a Flows source the folders mapped to namespace files and those holding only other YAML', () => {
    const p = proposalFor(
      { 'flows/ingest/rss.yaml': FLOW('rss', 'a.ingest'), 'flows/serve/chat.yaml': FLOW('chat', 'a.serve'), 'flows/_namespace_files/topics/t.yaml': 'id: t\nname: T\n', 'flows/config/x.yaml': 'a: 1\n', 'flows/ingest/notes.yaml': 'b: 2\n' },
      { files: [{ dir: 'flows/_namespace_files', namespace: 'a', prefix: '/' }] },
    );
    expect(p.sources).toEqual([
      { kind: 'flows', id: 'flows', dir: 'flows', exclude: ['/_namespace_files/', '/config/', '/ingest/notes.yaml'] },
      { kind: 'files', id: 'a-files', dir: 'flows/_namespace_files', namespace: 'a', prefix: '/' },
    ]);
    expect(p.unmapped).toEqual([{ file: 'flows/config/x.yaml', why: 'no `id` and `namespace`: not a Kestra flow' }, { file: 'flows/ingest/notes.yaml', why: 'no `id` and `namespace`: not a Kestra flow' }]);
  });

  it('leaves the other YAML beside flows at the repository root out of the root source', () => {
    const p = proposalFor({ 'finpay_pipeline.yml': FLOW('finpay', 'finance'), 'docker-compose.yml': 'services: {}\n', 'pkg/x.py': 'x' });
    expect(p.sources).toEqual([{ kind: 'flows', id: 'root-flows', dir: '.', recursive: false, exclude: ['/docker-compose.yml'] }]);
  });

  it('suggests the _files folder of a namespace folder, and nothing for a namespace already mapped', () => {
    const files = { 'kestra/flows/a.yaml': FLOW('a', 'ai_concierge'), 'kestra/storage/main/ai_concierge/_files/scripts/x.js': 'x', 'kestra/scripts/x.js': 'x' };
    expect(proposalFor(files).suggestions).toEqual(['kestra/storage/main/ai_concierge/_files/ looks like namespace files: --files kestra/storage/main/ai_concierge/_files=ai_concierge[:/<path prefix>]']);
    expect(proposalFor(files, { files: [{ dir: 'kestra/scripts', namespace: 'ai_concierge', prefix: '/scripts' }] }).suggestions).toEqual([]);
  });

  it("keeps kestraform's own project files out of namespace files mapped at the repository root", () => {
    const p = proposalFor({ 'etl/a.py': 'print()', 'ml/forecast.yml': FLOW('forecast', 'dev') }, { files: [{ dir: '', namespace: 'company.scripts', prefix: '/' }] });
    expect(p.sources[1]).toEqual({ kind: 'files', id: 'company-scripts-files', dir: '.', namespace: 'company.scripts', prefix: '/', exclude: ['/cdktf.json', '/main.ts', '/tsconfig.json', '/stacks/', '/package.json', '/package-lock.json', '/.github/workflows/kestraform.yml'] });
  });

  it('picks Kestra 1.x when a flow only 1.x parses, naming file and line; a forced line stays', () => {
    const p = proposalFor({ 'f/a.yml': FLOW('a', 'x', 'taskDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values: {level: INFO}\n'), 'f/b.yml': FLOW('b', 'x') });
    expect(p.kestraVersion).toBe(1);
    expect(p.needs1x).toEqual([{ file: 'f/a.yml', line: 3, construct: 'taskDefaults' }]);
    expect(proposalFor({ 'f/a.yml': FLOW('a', 'x', 'pluginDefaults: []\n') }, { kestraVersion: 2 }).kestraVersion).toBe(2);
    expect(proposalFor({ 'f/b.yml': FLOW('b', 'x') }).kestraVersion).toBe(2);
  });

  it('reports flows defined twice, and suggests folders that look like namespace files', () => {
    const p = proposalFor({
      'flows/a/x.yml': FLOW('x', 'prod.aws'),
      'flows/b/x.yml': FLOW('x', 'prod.aws'),
      'namespace-files/prod.aws/clean.sh': 'echo',
      'namespace-files/shared/sys.sh': 'echo',
      'prod.aws/run.sh': 'echo',
    });
    expect(p.duplicates).toEqual([{ key: 'prod.aws/x', files: ['flows/a/x.yml', 'flows/b/x.yml'] }]);
    expect(p.suggestions).toEqual([
      'namespace-files/ holds one folder per namespace: --files namespace-files/prod.aws=prod.aws --files namespace-files/shared=shared',
      'prod.aws/ looks like namespace files: --files prod.aws=prod.aws[:/<path prefix>]',
    ]);
  });

  it("reads main.tf's kestra_namespace_file fileset mappings as --files suggestions", () => {
    const tf = `resource "kestra_namespace" "kestra" {\n  namespace_id = "myroot"\n}\nresource "kestra_namespace_file" "s" {\n  for_each  = fileset(path.module, "scripts/**")\n  namespace = kestra_namespace.kestra.namespace_id\n  filename  = "/\${each.value}"\n  content   = file(each.value)\n}\nresource "kestra_namespace_file" "d" {\n  for_each  = fileset(path.module, "dbt/**")\n  namespace = "myroot.analytics"\n  filename  = "/\${each.value}"\n}\n`;
    expect(proposalFor({ 'main.tf': tf, 'scripts/a.py': 'x' }).hints).toEqual([
      { tfFile: 'main.tf', dir: 'scripts', namespace: 'myroot', prefix: '/scripts' },
      { tfFile: 'main.tf', dir: 'dbt', namespace: 'myroot.analytics', prefix: '/dbt' },
    ]);
  });
});
