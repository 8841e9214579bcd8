/**
 * The Enterprise kinds end to end through the CLI, against the embedded server in `ee` mode: a
 * dashboard, a namespace object with variables, an app, a unit test and a secret read from an
 * environment variable are applied, a second plan has nothing to do, edits made through the API are
 * drift, the secret's value is in no output, state, plan or synthesized file, and a secret removed
 * from the stack is deleted. The same stack against `oss` fails before any write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, runCli, type CliResult, type TempProject } from './harness';
import { KestraClient } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';

const SECRET = 'sk-live-7c1f0e9a-kestraform-never-print-me';
const SECRETS = { 'company.team': { API_TOKEN: { fromEnv: 'CI_API_TOKEN', description: 'the partner API' }, DB_PASSWORD: { fromEnv: 'CI_DB_PASSWORD' } } };

function writeTree(project: TempProject): void {
  const put = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(project.at(rel)), { recursive: true });
    fs.writeFileSync(project.at(rel), text);
  };
  put('company.team/namespace.yaml', 'description: The data team\nvariables:\n  region: eu-west-1\n  retries: 3\n');
  put('_global/dashboards/overview.yaml', 'id: overview\ntitle: Team overview\ncharts:\n  - id: executions\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n');
  put('company.team/apps/greeter.yaml', 'id: greeter\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.Execution\ndisplayName: Greeter\nflowId: hello-world\n');
  put('company.team/tests/hello-world-tests.yaml', 'id: hello-world-tests\nnamespace: company.team\nflowId: hello-world\ntestCases:\n  - id: greets\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions:\n      - value: "{{ outputs.hello.value }}"\n        equalTo: hi\n');
}

function everyFile(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

describe('Enterprise kinds through the CLI', () => {
  let ee: RunningKestraServer;
  let project: TempProject;
  const outputs: CliResult[] = [];
  const context = (secrets: unknown = SECRETS) => {
    const file = path.join(project.dir, 'cdktf.json');
    const cdktf = JSON.parse(fs.readFileSync(file, 'utf8'));
    cdktf.context['kestraform:secrets'] = secrets;
    fs.writeFileSync(file, JSON.stringify(cdktf, null, 2));
  };
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const r = await runCli(project.dir, args, { KESTRA_URL: ee.url, CI_API_TOKEN: SECRET, CI_DB_PASSWORD: 'db-Pa55-also-secret', ...env });
    outputs.push(r);
    return r;
  };

  beforeAll(async () => {
    ee = await startKestraServer({ port: 0, edition: 'ee' });
    project = makeProject({ context: { 'kestraform:edition': 'ee', 'kestraform:secrets': SECRETS } });
    writeTree(project);
  });
  afterAll(async () => {
    await ee?.close();
    project?.cleanup();
  });

  it('plans every kind, applies it, and then has nothing to do', async () => {
    const plan = await run(['plan', '--out', 'ee.plan', '--format', 'json']);
    expect(plan.code).toBe(0);
    const changes = JSON.parse(plan.stdout).resource_changes.map((c: { address: string; change: { actions: string[] } }) => `${c.change.actions.join('+')} ${c.address}`);
    for (const a of ['dashboard:_global/overview', 'namespace:company.team', 'app:company.team/greeter', 'test:company.team/hello-world-tests', 'secret:company.team/API_TOKEN', 'secret:company.team/DB_PASSWORD']) expect(changes).toContain(`create ${a}`);
    const text = await run(['plan']);
    expect(text.stdout).toContain('from $CI_API_TOKEN');
    expect(text.stdout).toMatch(/region/);
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);
    // The objects are in Kestra as Git has them.
    const client = new KestraClient({ url: ee.url });
    expect((await client.getNamespace('company.team'))?.variables).toEqual({ region: 'eu-west-1', retries: 3 });
    expect((await client.listSecrets('company.team')).secrets.map((s) => s.key).sort()).toEqual(['API_TOKEN', 'DB_PASSWORD']);
    expect((await client.getDashboard('overview'))?.title).toBe('Team overview');
    await client.close();
  });

  it('reports edits made through the API as drift, each with what changed', async () => {
    const client = new KestraClient({ url: ee.url });
    const current = (await client.getNamespace('company.team'))!;
    await client.updateNamespace({ ...current, variables: { region: 'us-east-1', retries: 3 } });
    await client.updateDashboard('overview', 'id: overview\ntitle: Renamed in the UI\ncharts:\n  - id: executions\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n');
    await client.putSecret('company.team', { key: 'ADDED_IN_UI', value: 'ui-value' });
    await client.deleteSecret('company.team', 'DB_PASSWORD');
    await client.close();
    const drift = await run(['drift']);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('namespace:company.team');
    expect(drift.stdout).toContain('us-east-1');
    expect(drift.stdout).toContain('dashboard:_global/overview');
    expect(drift.stdout).toContain('+title: Renamed in the UI');
    expect(drift.stdout).toContain('secret:company.team/ADDED_IN_UI');
    expect(drift.stdout).toContain('secret:company.team/DB_PASSWORD');
    // Back to Git (the secret made in the UI is not the stack's: left alone).
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    expect((await run(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('deletes a secret taken out of the stack', async () => {
    context({ 'company.team': { API_TOKEN: SECRETS['company.team'].API_TOKEN } });
    const apply = await run(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/secret:company.team\/DB_PASSWORD/);
    const client = new KestraClient({ url: ee.url });
    expect((await client.listSecrets('company.team')).secrets.map((s) => s.key).sort()).toEqual(['ADDED_IN_UI', 'API_TOKEN']);
    await client.close();
    context();
  });

  it('pulls an app and a dashboard changed in Kestra into their files, and a new app into its namespace\'s apps folder', async () => {
    expect((await run(['apply', '--auto-approve'])).code).toBe(0); // the secret the last test took out is back
    const client = new KestraClient({ url: ee.url });
    const greeter = (await client.searchApps('company.team')).find((a) => a.id === 'greeter')!;
    const edited = (await client.getApp(greeter.uid))!.source.replace('displayName: Greeter', 'displayName: Greeter (from the UI)');
    await client.updateApp(greeter.uid, edited);
    const dashboard = 'id: overview\ntitle: Team overview (from the UI)\ncharts:\n  - id: executions\n    type: io.kestra.plugin.core.dashboard.chart.TimeSeries\n';
    await client.updateDashboard('overview', dashboard);
    const made = 'id: made-in-ui\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.Execution\nflowId: hello-world\n';
    await client.createApp(made);
    await client.close();
    const pull = await run(['pull', '--include-unmanaged']);
    expect(pull.code).toBe(0);
    expect(fs.readFileSync(project.at('company.team', 'apps', 'greeter.yaml'), 'utf8')).toBe(edited);
    expect(fs.readFileSync(project.at('_global', 'dashboards', 'overview.yaml'), 'utf8')).toBe(dashboard);
    expect(fs.readFileSync(project.at('company.team', 'apps', 'made-in-ui.yaml'), 'utf8')).toBe(made);
    const after = await run(['plan', '--detailed-exitcode']);
    expect(after.stdout).toContain('No changes.');
    expect(after.code).toBe(0);
  });

  it('runs no unit test on the embedded server, and says so', async () => {
    const test = await run(['test', '--junit', 'reports/junit.xml']);
    expect(test.code).toBe(1);
    expect(test.stdout + test.stderr).toMatch(/cannot execute flows/);
    expect(test.stdout + test.stderr).not.toMatch(/passed, [1-9]/);
  });

  it('never shows, stores or plans the secret value', () => {
    const files = [...everyFile(path.join(project.dir, '.kestraform')), path.join(project.dir, 'ee.plan'), ...everyFile(path.join(project.dir, 'cdktf.out'))];
    expect(files.some((f) => f.endsWith('.json') && f.includes(`${path.sep}state${path.sep}`))).toBe(true);
    for (const f of files) expect({ file: f, leaked: fs.readFileSync(f).includes(SECRET) }).toEqual({ file: f, leaked: false });
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('against open-source Kestra: plan exits 1 naming the Enterprise kinds, and nothing is written', async () => {
    const oss = await startKestraServer({ port: 0, edition: 'oss' });
    try {
      const plan = await run(['plan'], { KESTRA_URL: oss.url });
      expect(plan.code).toBe(1);
      for (const word of ['open-source Kestra (edition OSS)', 'Kestra Enterprise', 'app', 'unit test', 'dashboard', 'namespace', 'secret']) expect(plan.stderr).toContain(word);
      const requests = oss.log.entries();
      expect(requests.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /api/v1/configs']);
      expect(requests.filter((e) => e.method !== 'GET')).toEqual([]);
    } finally {
      await oss.close();
    }
  });
});
