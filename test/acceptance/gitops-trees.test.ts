/**
 * The four real repositories of ../shared/corpus/gitops-trees, each copied into a fresh Git
 * repository with kestraform installed from `npm pack`, as a team would: `init`, then plan, apply,
 * drift, pull against an embedded Kestra server — through the installed CLI only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { KestraClient } from '../../lib/kestra';
import { describeWithShared, SHARED } from '../support/shared';
import { packedTarball, userRepo, type UserRepo } from './packaged';
import { withoutSynthReuse } from '../support/synth-reuse';

jest.setTimeout(600_000);

const TREES = path.join(SHARED, 'corpus', 'gitops-trees');
const flow = (id: string, ns: string, msg = 'hi') => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: ${msg}\n`;

interface Change {
  address: string;
  actions: string[];
}

async function planJson(repo: UserRepo, env: Record<string, string>): Promise<Change[]> {
  const r = await repo.run(['plan', '--format', 'json'], env);
  if (r.code !== 0) throw new Error(`plan failed (${r.code}):\n${r.stderr}`);
  return (JSON.parse(r.stdout).resource_changes as { address: string; change: { actions: string[] } }[]).map((c) => ({ address: c.address, actions: c.change.actions }));
}

const flowsOf = (changes: Change[]) => changes.filter((c) => c.address.startsWith('flow:')).map((c) => c.address.slice('flow:'.length)).sort();
const filesOf = (changes: Change[]) => changes.filter((c) => c.address.startsWith('file:')).map((c) => c.address.slice('file:'.length)).sort();
const namespacesOf = (ids: string[]) => [...new Set(ids.map((id) => id.slice(0, id.lastIndexOf('/'))))].sort();
const acting = (changes: Change[]) => changes.filter((c) => c.actions.join() !== 'no-op').map((c) => `${c.actions.join('+')} ${c.address}`);

/** The files of the installed kestraform package that the CLI's own process loads (not the app's: that is another process) running `args`. */
async function kestraformModulesLoaded(repo: UserRepo, args: string[], env: Record<string, string>): Promise<string[]> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-loaded-'));
  const probe = path.join(out, 'probe.js');
  fs.writeFileSync(probe, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)} + '/' + process.pid + '.json', JSON.stringify({ argv: process.argv, loaded: Object.keys(require.cache) })));\n`);
  try {
    const r = await repo.run(args, { ...env, NODE_OPTIONS: `--require ${probe}` });
    if (r.code !== 0) throw new Error(`kestraform ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
    const pkg = fs.realpathSync(path.join(repo.dir, 'node_modules', 'kestraform')) + path.sep;
    const records = fs.readdirSync(out).filter((f) => f !== 'probe.js').map((f) => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')) as { argv: string[]; loaded: string[] });
    const cli = records.filter((r) => /[\\/]kestraform(\.js)?$/.test(r.argv[1] ?? ''));
    expect(cli).toHaveLength(1);
    return cli[0].loaded.filter((f) => f.startsWith(pkg)).map((f) => f.slice(pkg.length).split(path.sep).join('/')).sort();
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function filesBelow(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesBelow(root, path.join(dir, e.name)) : [path.relative(root, path.join(dir, e.name)).split(path.sep).join('/')]));
}

/** Objects Kestra already holds in namespaces named like the repository's folders: nothing the stack declares lives there. */
async function seedFolderNamespaces(server: RunningKestraServer, namespaces: string[]): Promise<void> {
  for (const ns of namespaces) {
    const r = await fetch(`${server.url}/api/v1/main/flows`, { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: flow('was-here-before', ns) });
    if (r.status !== 200) throw new Error(`seeding ${ns}: ${r.status} ${await r.text()}`);
  }
}

async function stillThere(server: RunningKestraServer, namespaces: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const ns of namespaces) if ((await fetch(`${server.url}/api/v1/main/flows/${ns}/was-here-before`)).status !== 200) missing.push(ns);
  return missing;
}

/** Turns prune on in the generated stack, as a user would by uncommenting it. */
function enablePrune(repo: UserRepo): void {
  const file = path.join(repo.dir, 'stacks', 'main.ts');
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain('// prune: true,');
  fs.writeFileSync(file, text.replace('// prune: true,', 'prune: true,'));
}

/** Sets the stack's edition to Kestra Enterprise, as a user would by uncommenting the line init wrote. */
function enableEnterprise(repo: UserRepo): void {
  const file = path.join(repo.dir, 'stacks', 'main.ts');
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain("// edition: 'ee',");
  fs.writeFileSync(file, text.replace("// edition: 'ee',", "edition: 'ee',"));
}

describeWithShared('corpus/gitops-trees', 'real repositories, kestraform installed from npm pack', () => {
  let server: RunningKestraServer;
  let env: Record<string, string>;
  /** An embedded Kestra of the line the repository's flows need (init picks it: 1.x for flows with taskDefaults or ForEach). */
  const kestra = async (kestraMajor: 1 | 2, edition: 'oss' | 'ee' = 'oss') => {
    server = await startKestraServer({ port: 0, kestraMajor, edition });
    env = { KESTRA_URL: server.url };
  };
  beforeAll(() => {
    packedTarball();
  });
  afterEach(() => server?.close());

  it("anna-geller/kestra-ci-cd: flows/<namespace>/ and main.tf's folders as namespace files; apply, no change, one edit; pull --commit", async () => {
    await kestra(2);
    const repo = userRepo(path.join(TREES, 'anna-geller__kestra-ci-cd'));
    try {
      const init = await repo.run(['init', '--files', 'scripts=myrootnamespace:/scripts', '--files', 'dbt=myrootnamespace.analytics:/dbt']);
      expect(withoutSynthReuse(init.stderr)).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toMatch(/myrootnamespace\.marketing\s+3\s+0\s+0\s+flows\/myrootnamespace\.marketing\//);

      // The default target: the embedded local server, no KESTRA_URL.
      const local = await repo.run(['plan'], { KESTRA_URL: undefined });
      expect(local.code).toBe(0);
      expect(local.stdout).toContain('Plan: 22 to add, 0 to change, 0 to destroy.');

      const folders = ['flows', 'scripts', 'dbt', 'models', 'macros', 'mysubdir'];
      await seedFolderNamespaces(server, folders);
      enablePrune(repo);
      const plan = await planJson(repo, env);
      expect(namespacesOf(flowsOf(plan))).toEqual(['myrootnamespace', 'myrootnamespace.analytics', 'myrootnamespace.marketing']);
      expect(flowsOf(plan)).toHaveLength(8);
      // main.tf: fileset(path.module, "scripts/**") and "dbt/**", filename = "/${each.value}".
      const tree = path.join(TREES, 'anna-geller__kestra-ci-cd');
      expect(filesOf(plan)).toEqual([
        ...filesBelow(tree, path.join(tree, 'dbt')).map((f) => `myrootnamespace.analytics:/${f}`),
        ...filesBelow(tree, path.join(tree, 'scripts')).map((f) => `myrootnamespace:/${f}`),
      ].sort());
      expect(acting(plan).filter((a) => a.startsWith('delete'))).toEqual([]);

      expect((await repo.run(['apply', '--auto-approve'], env)).code).toBe(0);
      expect(await stillThere(server, folders)).toEqual([]);
      const again = await repo.run(['plan', '--detailed-exitcode'], env);
      expect(again.stdout).toContain('No changes.');
      expect(again.code).toBe(0);
      // The installed CLI runs from its one-file build: of kestraform's own files it loads the bin (with its code cache) and dist/cli.js.
      expect(await kestraformModulesLoaded(repo, ['plan'], env)).toEqual(['bin/code-cache.js', 'bin/kestraform.js', 'bin/load-kestraform.js', 'bin/private-cache-dir.js', 'dist/cli.js']);

      const edited = path.join(repo.dir, 'flows', 'myrootnamespace', 'flow2.yml');
      fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('Hello from', 'Hello again from'));
      expect(acting(await planJson(repo, env))).toEqual(['update flow:myrootnamespace/flow2']);
      expect((await repo.run(['apply', '--auto-approve'], env)).code).toBe(0);
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'kestraform project');

      // Kestra is edited outside Git: one flow changed in the UI, one created there.
      const ui = flow('flow1', 'myrootnamespace.marketing', 'edited in the UI');
      expect((await fetch(`${server.url}/api/v1/main/flows/myrootnamespace.marketing/flow1`, { method: 'PUT', headers: { 'Content-Type': 'application/x-yaml' }, body: ui })).status).toBe(200);
      const made = flow('made-in-ui', 'myrootnamespace.marketing', 'new in the UI');
      expect((await fetch(`${server.url}/api/v1/main/flows`, { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: made })).status).toBe(200);
      const commits = Number(repo.git('rev-list', '--count', 'HEAD'));
      const pull = await repo.run(['pull', '--include-unmanaged', '--commit', '--author', 'Kestra Bot <bot@example.com>'], env);
      expect(withoutSynthReuse(pull.stderr)).toBe('');
      expect(pull.code).toBe(0);
      // The edit goes into the flow's own file (named marketing__flow1.yml, not after its id); the new flow beside its namespace's flows.
      expect(fs.readFileSync(path.join(repo.dir, 'flows', 'myrootnamespace.marketing', 'marketing__flow1.yml'), 'utf8')).toBe(ui);
      expect(fs.readFileSync(path.join(repo.dir, 'flows', 'myrootnamespace.marketing', 'made-in-ui.yml'), 'utf8')).toBe(made);
      expect(Number(repo.git('rev-list', '--count', 'HEAD'))).toBe(commits + 1);
      expect(repo.git('show', '--name-only', '--format=%an <%ae>', 'HEAD').split('\n').filter(Boolean).sort()).toEqual(['Kestra Bot <bot@example.com>', 'flows/myrootnamespace.marketing/made-in-ui.yml', 'flows/myrootnamespace.marketing/marketing__flow1.yml'].sort());
      expect(repo.git('status', '--porcelain')).toBe('');
      const after = await repo.run(['plan', '--detailed-exitcode'], env);
      expect(after.stdout).toContain('No changes.');
      expect(after.code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('guglxni/lighthouse-kestra: flows in layer folders, namespace only in the YAML; apps deployed to Kestra Enterprise, flow tests that are no TestSuite listed', async () => {
    await kestra(1, 'ee');
    const repo = userRepo(path.join(TREES, 'guglxni__lighthouse-kestra'));
    try {
      const init = await repo.run(['init', '--files', 'flows/_namespace_files=company.team.lighthouse']);
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('Kestra line: 1.x (kestraVersion: 1)');
      const folders = ['flows', 'apps', 'tests', 'flow-tests', 'ingest', 'process', 'serve', 'deliver', 'monitors', 'maintenance', 'sql', 'topics', 'prompts'];
      await seedFolderNamespaces(server, folders);
      enablePrune(repo);
      // Without an edition the apps are listed, with the hint to set one.
      const before = await repo.run(['plan'], env);
      expect(before.code).toBe(0);
      expect(before.stdout).toMatch(/app \(Kestra Enterprise\)\s+company\.team\.lighthouse\.serve\/chat\s+flows\/apps\/chat\.yaml:1\s+— Kestra Enterprise only: set edition: 'ee'/);
      enableEnterprise(repo);
      const plan = await planJson(repo, env);
      expect(flowsOf(plan)).toHaveLength(16);
      expect(namespacesOf(flowsOf(plan))).toEqual(['deliver', 'ingest', 'maintenance', 'monitors', 'process', 'serve'].map((l) => `company.team.lighthouse.${l}`));
      expect(filesOf(plan)).toEqual(['/prompts/system.md', '/topics/agentic-eng.yaml', '/topics/data-eng-ai.yaml', '/topics/indie-saas.yaml', '/topics/solana-zk.yaml'].map((p) => `company.team.lighthouse:${p}`));
      expect(acting(plan).filter((a) => a.startsWith('create app:'))).toEqual(['chat', 'dashboard', 'deepdive'].map((a) => `create app:company.team.lighthouse.serve/${a}`));
      expect(acting(plan).filter((a) => a.startsWith('delete'))).toEqual([]);
      const text = await repo.run(['plan'], env);
      expect(text.code).toBe(0);
      expect(text.stderr).not.toMatch(/error/i);
      const notManaged = text.stdout.slice(text.stdout.indexOf('Not managed by this stack'));
      for (const t of ['test_brief_shape', 'test_classify_schema', 'test_rss_dedup']) expect(notManaged).toMatch(new RegExp(`unit test \\(Kestra Enterprise\\)\\s+company\\.team\\.lighthouse\\.tests/${t}\\s+tests/flow_tests/${t}\\.yaml:1\\s+— not a Kestra TestSuite`));
      expect(text.stdout).toMatch(/apps\s+/);
      expect((await repo.run(['validate'])).code).toBe(0);
      expect((await repo.run(['apply', '--auto-approve'], env)).code).toBe(0);
      expect(await stillThere(server, folders)).toEqual([]);
      expect((await repo.run(['plan', '--detailed-exitcode'], env)).code).toBe(0);

      // An app edited through the API is drift, with its diff.
      const client = new KestraClient({ url: server.url });
      const chat = (await client.searchApps('company.team.lighthouse.serve')).find((a) => a.id === 'chat')!;
      const source = (await client.getApp(chat.uid))!.source;
      await client.updateApp(chat.uid, source.replace('# Chat the brief', '# Chat the brief (edited in the UI)'));
      await client.close();
      const drift = await repo.run(['drift'], env);
      expect(drift.code).toBe(2);
      expect(drift.stdout).toContain('# app:company.team.lighthouse.serve/chat has changed outside kestraform');
      expect(drift.stdout).toContain('+      # Chat the brief (edited in the UI)');

      // The embedded server cannot execute flows, so it runs no test.
      const test = await repo.run(['test'], { KESTRA_URL: undefined });
      expect(test.code).toBe(1);
      expect(test.stderr).toContain('the embedded local Kestra server cannot execute flows, so it cannot run unit tests');
    } finally {
      repo.cleanup();
    }
  });

  it('mblink/kestra-automation: per-environment folders with prod.* / staging.* namespaces; the system flow reported, not deployed', async () => {
    await kestra(1);
    const repo = userRepo(path.join(TREES, 'mblink__kestra-automation'));
    try {
      const init = await repo.run(['init']);
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('namespace-files/ holds one folder per namespace: --files namespace-files/prod.aws=prod.aws --files namespace-files/shared=shared');
      const folders = ['flows', 'prod', 'staging', 'backups', 'aws', 'security', 'database', 'haproxy', 'suricata', 'ops', 'namespace-files', 'shared'];
      await seedFolderNamespaces(server, folders);
      enablePrune(repo);
      const plan = await planJson(repo, env);
      expect(flowsOf(plan)).toHaveLength(25);
      expect(namespacesOf(flowsOf(plan))).toEqual(['prod.aws', 'prod.backups', 'prod.database', 'prod.haproxy', 'prod.security', 'staging.backups', 'staging.haproxy', 'staging.suricata']);
      expect(flowsOf(plan).some((f) => f.startsWith('system/'))).toBe(false);
      expect(acting(plan).filter((a) => a.startsWith('delete'))).toEqual([]);
      const text = await repo.run(['plan'], env);
      expect(text.stdout).toMatch(/Not deployed, in a protected namespace \(never written\):\n\s+flow\s+system\/kestra-bootstrap\s+ops\/kestra-bootstrap\.yml:1/);
      expect((await repo.run(['apply', '--auto-approve'], env)).code).toBe(0);
      expect(await stillThere(server, folders)).toEqual([]);
      expect((await fetch(`${server.url}/api/v1/main/flows/system/kestra-bootstrap`)).status).toBe(404);
      expect((await repo.run(['plan', '--detailed-exitcode'], env)).code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('kestra-io/scripts: the whole repository as namespace files, as .kestraignore says; its flow deployed as a flow, not uploaded as a file', async () => {
    await kestra(2);
    const tree = path.join(TREES, 'kestra-io__scripts');
    const repo = userRepo(tree);
    try {
      // What the published repository also holds, which .kestraignore or .gitignore leave out.
      const planted = ['.github/workflows/ci.yml', '.idea/workspace.xml', '.vscode/settings.json', 'docker-compose.yml', '.env', 'etl/__pycache__/x.cpython-311.pyc'];
      for (const f of planted) {
        fs.mkdirSync(path.dirname(path.join(repo.dir, f)), { recursive: true });
        fs.writeFileSync(path.join(repo.dir, f), 'planted\n');
      }
      const init = await repo.run(['init', '--files', '.=company.scripts']);
      expect(init.code).toBe(0);
      const folders = ['etl', 'ml', 'dbt', 'automation', 'modal', 'shell', 'generate_data', 'mydbt'];
      await seedFolderNamespaces(server, folders);
      enablePrune(repo);
      const plan = await planJson(repo, env);
      expect(flowsOf(plan)).toEqual(['dev/forecast']);
      // Every file of the repository but .kestraignore itself and the flow; the planted ones stay out,
      // and so do kestraform's own project files.
      const expected = filesBelow(tree).filter((f) => f !== '.kestraignore' && f !== 'ml/forecast.yml').map((f) => `company.scripts:/${f}`).sort();
      expect(filesOf(plan)).toEqual(expected);
      expect(acting(plan).filter((a) => a.startsWith('delete'))).toEqual([]);
      expect((await repo.run(['apply', '--auto-approve'], env)).code).toBe(0);
      expect(await stillThere(server, folders)).toEqual([]);
      expect((await repo.run(['plan', '--detailed-exitcode'], env)).code).toBe(0);
      // A second init changes nothing.
      const before = repo.git('status', '--porcelain');
      const second = await repo.run(['init', '--files', '.=company.scripts']);
      expect(second.code).toBe(0);
      expect(second.stdout).not.toMatch(/^\s+(create|add to|overwrite)\s/m);
      expect(repo.git('status', '--porcelain')).toBe(before);
    } finally {
      repo.cleanup();
    }
  });
});
