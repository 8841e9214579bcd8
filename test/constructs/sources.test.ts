/**
 * The source constructs, as a user's stack writes them (`from 'kestraform'`): what they declare,
 * what they record as found, where pull writes new objects, and which namespaces they own.
 */
import { Testing } from 'cdktf';
import { useProjectDir } from '../support/project-dir';
import { Flows, KestraStack, KvPairs, NamespaceFiles, NamespaceTree, SyncFlowsTree, type KestraStackOptions } from 'kestraform';

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

const dir = useProjectDir('kf-sources-');
const files = (map: Record<string, string>) => dir.files(map);

interface Synth {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  kestraform: { namespaces: string[]; diagnostics: { severity: string; file: string; line: number; message: string }[]; found: unknown[]; pull_homes: unknown[] };
}

function synth(build: (s: KestraStack) => void, options: KestraStackOptions = {}): Synth {
  const stack = new KestraStack(Testing.app(), 'test', options);
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

const addresses = (out: Synth) =>
  Object.entries(out.resource ?? {})
    .flatMap(([type, byId]) => Object.values(byId).map((r) => `${type} ${r.namespace} ${r.flow_id ?? r.filename ?? r.key} <- ${r.source_file ?? r.source}`))
    .sort();

describe('source constructs', () => {
  it("declare what a team's own layout holds, each object with its project-relative file", () => {
    files({
      'flows/ingest/rss.yaml': FLOW('rss', 'company.team.ingest'),
      'flows/ingest/arxiv.yaml': FLOW('arxiv', 'company.team.ingest'),
      'flows/serve/chat.yml': FLOW('chat', 'company.team.serve'),
      'scripts/etl.py': 'print(1)\n',
      'kv/team.yaml': 'API_URL: https://example.com\n',
    });
    const out = synth((s) => {
      new Flows(s, 'flows', { dir: 'flows' });
      new NamespaceFiles(s, 'scripts', { dir: 'scripts', namespace: 'company.team', prefix: '/scripts' });
      new KvPairs(s, 'kv', { file: 'kv/team.yaml', namespace: 'company.team' });
    });
    expect(out.kestraform.diagnostics).toEqual([]);
    expect(addresses(out)).toEqual([
      'kestra_flow company.team.ingest arxiv <- flows/ingest/arxiv.yaml',
      'kestra_flow company.team.ingest rss <- flows/ingest/rss.yaml',
      'kestra_flow company.team.serve chat <- flows/serve/chat.yml',
      'kestra_kv company.team API_URL <- kv/team.yaml:1',
      'kestra_namespace_file company.team /scripts/etl.py <- scripts/etl.py',
    ]);
    // Folders are never namespaces by name: the stack names none, the engine owns those of its objects.
    expect(out.kestraform.namespaces).toEqual([]);
    expect(out.kestraform.pull_homes).toEqual([
      { kind: 'flow', namespace: 'company.team.ingest', dir: 'flows/ingest', extension: '.yaml' },
      { kind: 'flow', namespace: 'company.team.serve', dir: 'flows/serve', extension: '.yml' },
      { kind: 'file', namespace: 'company.team', dir: 'scripts', prefix: '/scripts' },
      { kind: 'kv', namespace: 'company.team', file: 'kv/team.yaml' },
    ]);
  });

  it('say where new flows go when a namespace is spread over folders only when told', () => {
    files({ 'flows/a/x.yml': FLOW('x', 'n'), 'flows/b/y.yml': FLOW('y', 'n'), 'flows/b/z.yml': FLOW('z', 'm') });
    expect(synth((s) => new Flows(s, 'f', { dir: 'flows' })).kestraform.pull_homes).toEqual([
      { kind: 'flow', namespace: 'n', candidates: ['flows/a', 'flows/b'] },
      { kind: 'flow', namespace: 'm', dir: 'flows/b', extension: '.yml' },
    ]);
    expect(synth((s) => new Flows(s, 'f', { dir: 'flows', newFlows: { n: 'flows/a' } })).kestraform.pull_homes).toContainEqual({ kind: 'flow', namespace: 'n', dir: 'flows/a', extension: '.yml' });
  });

  it('leave a flow of a protected namespace out and record it as found', () => {
    files({ 'ops/bootstrap.yml': FLOW('kestra-bootstrap', 'system'), 'flows/f.yml': FLOW('f', 'prod.backups') });
    const out = synth((s) => {
      new Flows(s, 'flows', { dir: 'flows' });
      new Flows(s, 'ops', { dir: 'ops' });
    });
    expect(addresses(out)).toEqual(['kestra_flow prod.backups f <- flows/f.yml']);
    expect(out.kestraform.found).toEqual([{ kind: 'flow', file: 'ops/bootstrap.yml', line: 1, id: 'kestra-bootstrap', namespace: 'system', reason: 'protected-namespace' }]);
  });

  it('do not upload a flow found among namespace files; warn when no flow source reads it', () => {
    files({ 'ml/forecast.yml': FLOW('forecast', 'dev'), 'ml/forecast.py': 'print()\n' });
    const alone = synth((s) => new NamespaceFiles(s, 'files', { dir: '.', namespace: 'company.scripts' }));
    expect(addresses(alone)).toEqual(['kestra_namespace_file company.scripts /ml/forecast.py <- ml/forecast.py']);
    expect(alone.kestraform.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', file: 'ml/forecast.yml', line: 1, message: expect.stringContaining('no flow source of this stack reads it') })]);
    const both = synth((s) => {
      new Flows(s, 'ml', { dir: 'ml' });
      new NamespaceFiles(s, 'files', { dir: '.', namespace: 'company.scripts' });
    });
    expect(both.kestraform.diagnostics).toEqual([]);
    expect(addresses(both)).toEqual(['kestra_flow dev forecast <- ml/forecast.yml', 'kestra_namespace_file company.scripts /ml/forecast.py <- ml/forecast.py']);
  });

  it("read Kestra's SyncFlows layout: _flows/ with child namespaces as folders, _files/", () => {
    files({ 'kestra/_flows/a.yml': FLOW('a', 'company.team'), 'kestra/_flows/sales/b.yml': FLOW('b', 'company.team.sales'), 'kestra/_files/q.sql': 'select 1' });
    const out = synth((s) => new SyncFlowsTree(s, 'sync', { dir: 'kestra', namespace: 'company.team' }));
    expect(out.kestraform.diagnostics).toEqual([]);
    expect(addresses(out)).toEqual([
      'kestra_flow company.team a <- kestra/_flows/a.yml',
      'kestra_flow company.team.sales b <- kestra/_flows/sales/b.yml',
      'kestra_namespace_file company.team /q.sql <- kestra/_files/q.sql',
    ]);
    expect(out.kestraform.pull_homes).toContainEqual({ kind: 'flow', namespace: 'company.team', dir: 'kestra/_flows', extension: '.yml' });
    expect(out.kestraform.pull_homes).toContainEqual({ kind: 'flow', namespace: 'company.team.sales', dir: 'kestra/_flows/sales', extension: '.yml' });
  });

  it("own no namespace for an empty namespace folder of Kestra's layout, and list what they found", () => {
    files({ 'kestra/a.b/flows/f.yml': FLOW('f', 'a.b'), 'kestra/empty.ns/flows/.gitkeep': '', 'kestra/a.b/apps/x.yaml': 'id: x\nnamespace: a.b\ntype: io.kestra.plugin.ee.apps.App\n' });
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'kestra' }));
    expect(out.kestraform.namespaces).toEqual([]);
    expect(addresses(out)).toEqual(['kestra_flow a.b f <- kestra/a.b/flows/f.yml']);
    expect(out.kestraform.found).toEqual([{ kind: 'app', file: 'kestra/a.b/apps/x.yaml', line: 1, id: 'x', namespace: 'a.b', reason: 'kind-not-managed', edition: 'ee', why: "Kestra Enterprise only: set edition: 'ee' on the stack to deploy apps" }]);
    expect(out.kestraform.pull_homes).toContainEqual({ kind: 'flow', namespace: 'empty.ns', dir: 'kestra/empty.ns/flows', extension: '.yml' });
  });
});
