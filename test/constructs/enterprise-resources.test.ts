/**
 * The app, unit test, dashboard, namespace and secret resources as a stack's code writes them:
 * the attributes cdk.tf.json holds (what the kinds decode), the checks at synth, the environment's
 * namespaces, and a secret whose value never reaches cdk.tf.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { KestraApp, KestraDashboard, KestraNamespace, KestraNamespaceSecret, KestraStack, KestraTestSuite, NamespaceSecrets, type KestraStackOptions } from 'kestraform';
import { attributeSchemas } from '../../lib/model/resources';

const APP = 'id: form\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.App\nblocks: []\n';
const SUITE = 'id: hello_works\nnamespace: company.team\nflowId: hello\ntestCases:\n  - id: c\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions: []\n';
const DASHBOARD = 'id: overview\ntitle: Overview\ncharts: []\n';

interface Synth {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  kestraform: { diagnostics: Array<{ severity: string; file: string; message: string }> };
}

function synth(build: (s: KestraStack) => void, options: KestraStackOptions = {}): Synth {
  const stack = new KestraStack(Testing.app(), 'test', options);
  build(stack);
  return JSON.parse(Testing.synth(stack, true));
}
const only = (out: Synth, type: string) => {
  const [r, ...rest] = Object.values(out.resource[type]);
  expect(rest).toEqual([]);
  const { '//': _meta, ...attrs } = r;
  return attrs;
};

describe('Enterprise resources written in a stack', () => {
  it('synthesize the attributes the kinds decode, each valid for its schema', () => {
    const out = synth((s) => {
      new KestraApp(s, 'app', { namespace: 'company.team', appId: 'form', source: APP });
      new KestraTestSuite(s, 'test', { namespace: 'company.team', testId: 'hello_works', flowId: 'hello', content: SUITE, sourceFile: 'tests/hello_works.yaml' });
      new KestraDashboard(s, 'dashboard', { dashboardId: 'overview', sourceCode: DASHBOARD });
      new KestraNamespace(s, 'ns', { namespace: 'company.team', properties: { description: 'Team', variables: { region: 'eu' }, concurrency: { limit: 2, behavior: 'QUEUE' } } });
      new KestraNamespaceSecret(s, 'secret', { namespace: 'company.team', secretKey: 'DB_PASSWORD', fromEnv: 'CI_DB_PASSWORD', description: 'the database', tags: { team: 'data' } });
    });
    expect(out.kestraform.diagnostics).toEqual([]);
    const shapes = {
      kestra_app: { namespace: 'company.team', app_id: 'form', source: APP },
      kestra_test: { namespace: 'company.team', test_id: 'hello_works', flow_id: 'hello', content: SUITE, source_file: 'tests/hello_works.yaml' },
      kestra_dashboard: { dashboard_id: 'overview', source_code: DASHBOARD },
      kestra_namespace: { namespace_id: 'company.team', properties: { description: 'Team', variables: { region: 'eu' }, concurrency: { limit: 2, behavior: 'QUEUE' } } },
      kestra_namespace_secret: { namespace: 'company.team', secret_key: 'DB_PASSWORD', value_from_env: 'CI_DB_PASSWORD', secret_description: 'the database', secret_tags: { team: 'data' } },
    };
    for (const [type, attrs] of Object.entries(shapes)) {
      expect(only(out, type)).toEqual(attrs);
      expect(attributeSchemas[type].safeParse(attrs).success).toBe(true);
    }
  });

  it('say where a source and its construct name different objects', () => {
    const out = synth((s) => {
      new KestraApp(s, 'app', { namespace: 'company.other', appId: 'form', source: APP });
      new KestraTestSuite(s, 'test', { namespace: 'company.team', testId: 'hello_works', flowId: 'bye', content: SUITE });
      new KestraDashboard(s, 'dash', { dashboardId: 'overview', sourceCode: '- not a mapping\n' });
    });
    expect(out.kestraform.diagnostics.map((d) => `${d.file}: ${d.message}`)).toEqual([
      'construct test/app: app test/app: its source says `namespace: company.team`, its construct company.other',
      'construct test/test: unit test test/test: its source says `flowId: hello`, its construct bye',
      'construct test/dash: dashboard source is not a YAML mapping',
    ]);
  });

  it('fail the synth on namespace properties Kestra does not take, naming the property', () => {
    expect(() => synth((s) => new KestraNamespace(s, 'ns', { namespace: 'company.team', properties: { workerGroup: { key: 'gpu' }, concurrency: { limit: 0, behavior: 'QUEUE' } } }))).toThrow(
      /kestra_namespace test\/ns: properties\.workerGroup: `workerGroup` is a namespace property of Kestra 1\.x only[\s\S]*properties\.concurrency\.limit: `concurrency\.limit` must be a whole number of at least 1/,
    );
    expect(() => synth((s) => new KestraNamespaceSecret(s, 'bad', { namespace: 'company.team', secretKey: 'A KEY', fromEnv: 'not a variable' }))).toThrow(/secret_key: must hold no "\/" and no white space[\s\S]*value_from_env: must be the name of an environment variable/);
  });

  it('take the namespaces of their environment; a dashboard keeps its own', () => {
    const out = synth((s) => {
      new KestraApp(s, 'app', { namespace: 'company.team', appId: 'form', source: APP });
      new KestraDashboard(s, 'dashboard', { dashboardId: 'overview', sourceCode: DASHBOARD });
      new KestraNamespace(s, 'ns', { namespace: 'company.team', properties: { allowedNamespaces: [{ namespace: 'company.team.child' }, { namespace: 'elsewhere' }] } });
      new NamespaceSecrets(s, 'secrets', { namespace: 'company.team', secrets: { TOKEN: { fromEnv: 'CI_TOKEN' } } });
    }, { environment: { name: 'prod', namespaces: { rename: { 'company.team': 'prod.team' } } } });
    expect(only(out, 'kestra_app')).toEqual({ namespace: 'prod.team', app_id: 'form', source: APP.replace('namespace: company.team', 'namespace: prod.team') });
    expect(only(out, 'kestra_dashboard')).toEqual({ dashboard_id: 'overview', source_code: DASHBOARD });
    expect(only(out, 'kestra_namespace')).toEqual({ namespace_id: 'prod.team', properties: { allowedNamespaces: [{ namespace: 'prod.team.child' }, { namespace: 'elsewhere' }] } });
    expect(only(out, 'kestra_namespace_secret')).toMatchObject({ namespace: 'prod.team', secret_key: 'TOKEN', value_from_env: 'CI_TOKEN' });
  });
});

describe('NamespaceSecrets', () => {
  const VALUE = 'v4lue-that-must-never-be-written-8f3a';
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('declares one secret per key, naming its variable, and never writes a value: not in cdk.tf.json, fast or plain', () => {
    process.env.CI_DB_PASSWORD = VALUE;
    process.env.CI_API_TOKEN = VALUE;
    for (const synthesis of ['fast', 'plain'] as const) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-secrets-'));
      const app = new App({ outdir, stackTraces: false });
      const stack = new KestraStack(app, 'secrets', { synthesis, edition: 'ee' });
      const secrets = new NamespaceSecrets(stack, 'secrets', { namespace: 'company.team', secrets: { DB_PASSWORD: { fromEnv: 'CI_DB_PASSWORD', description: 'db' }, API_TOKEN: { fromEnv: 'CI_API_TOKEN', tags: { owner: 'ops' } } } });
      app.synth();
      expect(stack.synthesisMode).toBe(synthesis);
      const text = fs.readFileSync(path.join(outdir, 'stacks', 'secrets', 'cdk.tf.json'), 'utf8');
      fs.rmSync(outdir, { recursive: true, force: true });
      expect(text).not.toContain(VALUE);
      const json = JSON.parse(text) as { resource: Record<string, Record<string, Record<string, unknown>>> };
      // Sorted by logical id, as cdk.tf.json lists them.
      expect(Object.values(json.resource.kestra_namespace_secret).map(({ '//': _m, ...a }) => a)).toEqual([
        { namespace: 'company.team', secret_key: 'API_TOKEN', value_from_env: 'CI_API_TOKEN', secret_tags: { owner: 'ops' } },
        { namespace: 'company.team', secret_key: 'DB_PASSWORD', value_from_env: 'CI_DB_PASSWORD', secret_description: 'db' },
      ]);
      expect(secrets.secrets.map((s) => `${s.namespace}/${s.secretKey}`)).toEqual(['company.team/DB_PASSWORD', 'company.team/API_TOKEN']);
    }
  });
});
