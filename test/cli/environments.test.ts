/**
 * The example project's environments through the real CLI, one embedded Kestra per environment
 * on loopback: `dev` (every namespace under `dev.`), `staging` (renamed by a rule), `prod` (Git's
 * namespaces, its own KV value) and a pull-request `preview` on dev's Kestra, created and
 * destroyed again. As a user runs them: the URLs from KESTRA_DEV_URL / KESTRA_STAGING_URL /
 * KESTRA_PROD_URL, nothing else set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { KestraClient } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { makeProject, runCli, type TempProject } from './harness';

jest.setTimeout(300_000);

const TREE_NAMESPACES = ['company.team', 'company.team.analytics'];
const MARKER = `kf-${process.pid}`;

interface Deployed {
  flows: Map<string, string>;
  files: string[];
  kv: string[];
}

async function deployedIn(url: string, namespaces: string[]): Promise<Deployed> {
  const client = new KestraClient({ url });
  const out: Deployed = { flows: new Map(), files: [], kv: [] };
  try {
    for (const ns of namespaces) {
      for (const f of await client.listFlows(ns)) if (!f.deleted) out.flows.set(`${ns}/${f.id}`, (await client.getFlow(ns, f.id))?.source ?? '');
      for (const f of await client.listFiles(ns)) out.files.push(`${ns}:${f.path}`);
      for (const k of await client.listKv(ns)) out.kv.push(`${ns}/${k.key}`);
    }
    return out;
  } finally {
    await client.close();
  }
}

async function kvValue(url: string, ns: string, key: string): Promise<unknown> {
  const r = await fetch(`${url}/api/v1/main/namespaces/${ns}/kv/${key}`);
  expect(r.status).toBe(200);
  return ((await r.json()) as { value: unknown }).value;
}

/** A stack's state, as the kestra-kv backend keeps it (namespace `kestraform`). */
async function stateIn(url: string, key: string): Promise<{ resources: Record<string, unknown> }> {
  const value = await kvValue(url, 'kestraform', key);
  return typeof value === 'string' ? JSON.parse(value) : (value as { resources: Record<string, unknown> });
}

/** Every comment line of the tree's flows. */
function treeComments(p: TempProject): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ns of TREE_NAMESPACES) {
    const dir = p.at(ns, 'flows');
    for (const f of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const id = String(parse(text).id);
      out.set(`${ns}/${id}`, text.split('\n').filter((l) => l.trim().startsWith('#')));
    }
  }
  return out;
}

describe('environments of one tree (CLI end to end, one Kestra per environment)', () => {
  let dev: RunningKestraServer;
  let staging: RunningKestraServer;
  let prod: RunningKestraServer;
  let project: TempProject;
  let env: Record<string, string | undefined>;
  const preview = () => ({ ...env, KESTRAFORM_PREVIEW_PREFIX: 'pr-42.' });

  beforeAll(async () => {
    // dev answers a little slowly, so that a destroy of the preview can be killed half-way.
    [dev, staging, prod] = await Promise.all([startKestraServer({ port: 0, latency: { fixedMs: 10 } }), startKestraServer({ port: 0 }), startKestraServer({ port: 0 })]);
    project = makeProject({ context: { 'kestraform:environments': true } });
    env = { KESTRA_URL: undefined, KESTRA_TENANT: undefined, KESTRAFORM_PREVIEW_PREFIX: undefined, KESTRA_DEV_URL: dev.url, KESTRA_STAGING_URL: staging.url, KESTRA_PROD_URL: prod.url };
  });
  afterAll(async () => {
    await Promise.all([dev?.close(), staging?.close(), prod?.close()]);
    project?.cleanup();
  });

  it('deploys dev under dev.* and prod under Git’s namespaces, with mapped subflows and flow triggers, prod’s own KV value, and every comment', async () => {
    const r = await runCli(project.dir, ['apply', '--stack', 'dev', '--stack', 'prod', '--auto-approve'], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error/i) });
    expect(r.stdout).toContain('Stack "dev" (environment dev):');
    expect(r.stdout).toContain('Stack "prod" (environment prod):');

    const onDev = await deployedIn(dev.url, TREE_NAMESPACES.map((ns) => `dev.${ns}`));
    const onProd = await deployedIn(prod.url, TREE_NAMESPACES);
    // Each server holds the tree under its own names, and only there.
    expect([...onDev.flows.keys()].sort()).toEqual([...onProd.flows.keys()].map((k) => `dev.${k}`).sort());
    expect(onDev.flows.size).toBe(7);
    expect(onDev.files.length).toBe(onProd.files.length);
    expect(onDev.kv.length).toBe(onProd.kv.length);
    expect((await deployedIn(dev.url, TREE_NAMESPACES)).flows.size).toBe(0);
    expect((await deployedIn(prod.url, TREE_NAMESPACES.map((ns) => `dev.${ns}`))).flows.size).toBe(0);

    // The subflow call and the flow trigger's upstream point at the environment's namespaces.
    const ingestDev = parse(onDev.flows.get('dev.company.team/daily-ingest')!);
    expect(ingestDev.namespace).toBe('dev.company.team');
    expect(ingestDev.tasks.find((t: { id: string }) => t.id === 'transform')).toMatchObject({ namespace: 'dev.company.team.analytics', flowId: 'transform-orders' });
    expect(ingestDev.labels).toEqual({ team: 'data', domain: 'orders', env: 'dev' });
    const ingestProd = parse(onProd.flows.get('company.team/daily-ingest')!);
    expect(ingestProd.tasks.find((t: { id: string }) => t.id === 'transform')).toMatchObject({ namespace: 'company.team.analytics', flowId: 'transform-orders' });
    expect(parse(onDev.flows.get('dev.company.team.analytics/refresh-dashboard')!).triggers[0].dependsOn).toEqual([{ namespace: 'dev.company.team', flowId: 'daily-ingest', states: ['SUCCESS'] }]);
    expect(parse(onProd.flows.get('company.team.analytics/refresh-dashboard')!).triggers[0].dependsOn).toEqual([{ namespace: 'company.team', flowId: 'daily-ingest', states: ['SUCCESS'] }]);
    // prod deploys Git's flows byte for byte.
    expect(onProd.flows.get('company.team/daily-ingest')).toBe(fs.readFileSync(project.at('company.team', 'flows', 'daily-ingest.yml'), 'utf8'));

    // The comments of every flow survive on both.
    const comments = treeComments(project);
    expect([...comments.values()].flat().length).toBeGreaterThanOrEqual(5);
    for (const [flow, lines] of comments) {
      for (const c of lines) {
        expect({ flow, dev: onDev.flows.get(`dev.${flow}`)!.includes(c) }).toEqual({ flow, dev: true });
        expect({ flow, prod: onProd.flows.get(flow)!.includes(c) }).toEqual({ flow, prod: true });
      }
    }
    // The KV overlay gives prod its own value; dev keeps the tree's.
    expect(await kvValue(prod.url, 'company.team', 'API_BASE_URL')).toBe('https://warehouse.prod.example.com/api');
    expect(await kvValue(dev.url, 'dev.company.team', 'API_BASE_URL')).toBe('https://warehouse.example.com/api');

    // The plan shows the rewritten source: nothing left to do for either.
    const again = await runCli(project.dir, ['plan', '--stack', 'dev', '--stack', 'prod', '--detailed-exitcode'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\n {2}dev {4}dev {10}http:\/\/127\.0\.0\.1:\d+ +0 +0 +0 +0 +0  no changes\n/);
  });

  it('in CI, refuses to apply to an embedded stand-in for an environment whose URL variable is unset', async () => {
    const r = await runCli(project.dir, ['apply', '--stack', 'prod', '--auto-approve'], { ...env, CI: 'true', KESTRA_PROD_URL: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stack "prod" deploys to the Kestra named by KESTRA_PROD_URL, which is not set (nor KESTRA_URL); in CI (CI=true) kestraform does not fall back to its embedded local server — set KESTRA_PROD_URL (a missing secret or variable?), or set KESTRAFORM_EMBEDDED=1');
    const onPurpose = await runCli(project.dir, ['plan', '--stack', 'prod'], { ...env, CI: 'true', KESTRA_PROD_URL: undefined });
    expect(onPurpose.code).toBe(0);
    expect(onPurpose.stderr).toContain('Using the embedded local Kestra server "prod" (Kestra 2.x API; neither KESTRA_URL nor KESTRA_PROD_URL is set;');
    const applied = await runCli(project.dir, ['apply', '--stack', 'prod', '--auto-approve'], { ...env, CI: 'true', KESTRA_PROD_URL: undefined, KESTRAFORM_EMBEDDED: '1' });
    expect({ code: applied.code, local: fs.existsSync(path.join(project.dir, '.kestraform', 'local', 'prod')) }).toEqual({ code: 0, local: true });
  });

  it('warns with file and line about a namespace reference its mapping does not cover, and still plans', async () => {
    const file = project.at('company.team', 'flows', 'post-to-shared.yml');
    fs.writeFileSync(file, ['id: post-to-shared', 'namespace: company.team', 'tasks:', '  - id: webhook', '    type: io.kestra.plugin.core.log.Log', `    message: "{{ kv('SLACK_WEBHOOK', 'company.shared') }}"`, ''].join('\n'));
    try {
      const r = await runCli(project.dir, ['plan', '--stack', 'staging', '--detailed-exitcode'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`tree/company.team/flows/post-to-shared.yml:6:38: warning: namespace "company.shared" (kv() in task "webhook" (Log)) is not covered by this environment's namespace mapping: left as is`);
      expect(r.stdout).toContain('flow:staging.company.team/post-to-shared will be created');
      expect(r.stdout).toContain(`kv('SLACK_WEBHOOK', 'company.shared')`);
    } finally {
      fs.rmSync(file);
    }
  });

  it('plan --all-stacks exits 2 while any stack has changes and 0 once none has; one table of all', async () => {
    const before = await runCli(project.dir, ['plan', '--all-stacks', '--detailed-exitcode'], env);
    expect(before.code).toBe(2);
    // One summary table of all of them: dev and prod are applied, staging and example are not.
    expect(before.stdout).toMatch(/\n4 stacks:\n {2}stack +environment +target +add +change +destroy +import +drift +plan\n/);
    expect(before.stdout).toMatch(/\n {2}dev +dev +http:\/\/127\.0\.0\.1:\d+ +0 +0 +0 +0 +0 +no changes\n/);
    expect(before.stdout).toMatch(/\n {2}example +- +embedded:\/\/\.kestraform\/local +23 +0 +0 +0 +0 +changes\n/);
    expect(before.stdout).toMatch(/\n {2}staging +staging +http:\/\/127\.0\.0\.1:\d+ +23 +0 +0 +0 +0 +changes\n/);
    // The same for a pull-request comment: one marker for the comment, the table, then each plan.
    const md = await runCli(project.dir, ['plan', '--all-stacks', '--format', 'markdown'], env);
    expect(md.stdout.split('\n').slice(0, 3)).toEqual(['<!-- kestraform-plan:dev,example,prod,staging -->', '| stack | environment | target | add | change | destroy | import | drift | plan |', '|---|---|---|---:|---:|---:|---:|---:|---|']);
    expect(md.stdout).toMatch(/\n\| `staging` \| staging \| http:\/\/127\.0\.0\.1:\d+ \| 23 \| 0 \| 0 \| 0 \| 0 \| changes \|\n/);
    expect(md.stdout).toContain('#### kestraform plan — stack `staging`');
    const applied = await runCli(project.dir, ['apply', '--all-stacks', '--auto-approve'], env);
    expect(applied.code).toBe(0);
    expect(applied.stdout.match(/Apply complete!/g)).toHaveLength(2);
    // And one table of what each stack's apply did.
    expect(applied.stdout).toMatch(/\n4 stacks:\n {2}stack +environment +target +result\n {2}dev +dev +http:\/\/127\.0\.0\.1:\d+ +no changes\n {2}example +- +embedded:\/\/\.kestraform\/local +23 added, 0 changed, 0 destroyed\n {2}prod +prod +http:\S+ +no changes\n {2}staging +staging +http:\S+ +23 added, 0 changed, 0 destroyed\n$/);
    const after = await runCli(project.dir, ['plan', '--all-stacks', '--detailed-exitcode'], env);
    expect({ code: after.code, errors: after.stderr.split('\n').filter((l) => /error/i.test(l)) }).toEqual({ code: 0, errors: [] });
    // Staging renamed by its rule.
    expect((await deployedIn(staging.url, TREE_NAMESPACES.map((ns) => `staging.${ns}`))).flows.size).toBe(7);
    // A command that changes something wants the stacks named when there are several.
    const unnamed = await runCli(project.dir, ['apply', '--auto-approve'], env);
    expect(unnamed.code).toBe(1);
    expect(unnamed.stderr).toContain('this project has 4 stacks (dev, example, prod, staging): name the ones to apply with --stack NAME (repeatable), or pass --all-stacks');
  });

  it('status shows an edit made by hand on prod as drifted on prod only', async () => {
    const source = fs.readFileSync(project.at('company.team', 'flows', 'hello-world.yml'), 'utf8').replace('Says hello', 'Says hello (hotfix made in the UI)');
    const put = await fetch(`${prod.url}/api/v1/main/flows/company.team/hello-world`, { method: 'PUT', headers: { 'Content-Type': 'application/x-yaml' }, body: source });
    expect(put.status).toBe(200);
    const json = await runCli(project.dir, ['status', '--all-stacks', '--format', 'json'], env);
    expect(json.code).toBe(0);
    const view = JSON.parse(json.stdout) as { stacks: Array<{ stack: string }>; objects: Array<{ kind: string; source: string; cells: Record<string, { status: string; address?: string }> }> };
    expect(view.stacks.map((s) => s.stack)).toEqual(['dev', 'example', 'prod', 'staging']);
    const hello = view.objects.find((o) => o.kind === 'flow' && o.source === 'tree/company.team/flows/hello-world.yml')!;
    expect(hello.cells).toEqual({
      example: { address: 'flow:company.team/hello-world', status: 'in-sync' },
      dev: { address: 'flow:dev.company.team/hello-world', status: 'in-sync' },
      staging: { address: 'flow:staging.company.team/hello-world', status: 'in-sync' },
      prod: expect.objectContaining({ address: 'flow:company.team/hello-world', status: 'drifted' }),
    });
    // Nothing else drifted anywhere.
    const drifted = view.objects.flatMap((o) => Object.entries(o.cells).filter(([, c]) => c.status === 'drifted').map(([s]) => `${s} ${o.source}`));
    expect(drifted).toEqual(['prod tree/company.team/flows/hello-world.yml']);
    const drift = await runCli(project.dir, ['drift'], env);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/\n4 stacks:\n {2}stack +environment +changed +deleted +created outside\n {2}dev +dev +0 +0 +0\n {2}example +- +0 +0 +0\n {2}prod +prod +1 +0 +0\n {2}staging +staging +0 +0 +0\n$/);
    const text = await runCli(project.dir, ['status', '--all-stacks'], env);
    expect(text.stdout).toMatch(/\n {2}flow tree\/company\.team\/flows\/hello-world\.yml +in sync +in sync +drifted +in sync\n/);
    const md = await runCli(project.dir, ['status', '--all-stacks', '--format', 'markdown'], env);
    expect(md.stdout).toContain('| flow tree/company.team/flows/hello-world.yml | ✅ in sync | ✅ in sync | ⚠️ drifted | ✅ in sync |');
    // Back to Git for the tests after this one.
    expect((await runCli(project.dir, ['apply', '--stack', 'prod', '--auto-approve'], env)).code).toBe(0);
  });

  it('pull brings a UI edit back from prod, and refuses what an environment rewrote or gave its own value', async () => {
    const file = project.at('company.team', 'flows', 'hello-world.yml');
    const git = fs.readFileSync(file, 'utf8');
    const hotfix = git.replace('Says hello', 'Says hello (hotfix)');
    const put = (url: string, ns: string, body: string) => fetch(`${url}/api/v1/main/flows/${ns}/hello-world`, { method: 'PUT', headers: { 'Content-Type': 'application/x-yaml' }, body });
    // dev's flows are rewritten (dev. namespaces, env label): Kestra's version cannot go back into the shared file.
    const devSource = (await deployedIn(dev.url, ['dev.company.team'])).flows.get('dev.company.team/hello-world')!;
    expect((await put(dev.url, 'dev.company.team', devSource.replace('Says hello', 'Says hello (dev hotfix)'))).status).toBe(200);
    const fromDev = await runCli(project.dir, ['pull', '--stack', 'dev', 'flow:dev.company.team/hello-world'], env);
    expect({ code: fromDev.code, out: fromDev.stdout.trim() }).toEqual({ code: 1, out: 'Nothing pulled; 1 object changed outside kestraform could not be pulled (see the warnings above).' });
    expect(fromDev.stderr).toContain('Warning: not pulled: flow:dev.company.team/hello-world: its source is rewritten for environment "dev"');
    // prod's KV overlay is prod's own value, not the shared kv.yaml's.
    const client = new KestraClient({ url: prod.url });
    await client.putKv('company.team', 'API_BASE_URL', { type: 'STRING', value: 'https://hotfix.example.com' }).finally(() => client.close());
    const kvPull = await runCli(project.dir, ['pull', '--stack', 'prod', 'kv:company.team/API_BASE_URL'], env);
    expect(kvPull.code).toBe(1);
    expect(kvPull.stderr).toContain('Warning: not pulled: kv:company.team/API_BASE_URL: environment "prod" gives it its own value or description');
    // prod deploys the file as it is: its hotfix goes back into that very file.
    expect((await put(prod.url, 'company.team', hotfix)).status).toBe(200);
    const fromProd = await runCli(project.dir, ['pull', '--stack', 'prod', 'flow:company.team/hello-world'], env);
    expect({ code: fromProd.code, stderr: fromProd.stderr.split('\n').filter((l) => /warning|error/i.test(l)) }).toEqual({ code: 0, stderr: [] });
    expect(fs.readFileSync(file, 'utf8')).toBe(hotfix);
    // Back to Git's version everywhere for the tests after this one.
    fs.writeFileSync(file, git);
    expect((await runCli(project.dir, ['apply', '--stack', 'dev', '--stack', 'prod', '--auto-approve'], env)).code).toBe(0);
  });

  it('a pull-request preview: triggers disabled, destroyed exactly, twice, and after a SIGKILL', async () => {
    const previewNs = TREE_NAMESPACES.map((ns) => `pr-42.${ns}`);
    const devBefore = await deployedIn(dev.url, TREE_NAMESPACES.map((ns) => `dev.${ns}`));
    const up = await runCli(project.dir, ['apply', '--stack', 'preview', '--auto-approve'], preview());
    expect({ code: up.code, errors: up.stderr.split('\n').filter((l) => /error/i.test(l)) }).toEqual({ code: 0, errors: [] });
    const deployed = await deployedIn(dev.url, previewNs);
    expect(deployed.flows.size).toBe(7);
    // Every trigger it deploys is disabled (Schedules and the Flow trigger alike), none dropped.
    const triggers = (sources: Iterable<string>) => [...sources].flatMap((src) => (parse(src).triggers ?? []) as Array<{ id: string; type: string; disabled?: boolean }>);
    const inTree = triggers([...treeComments(project).keys()].map((f) => fs.readFileSync(project.at(f.slice(0, f.lastIndexOf('/')), 'flows', `${f.slice(f.lastIndexOf('/') + 1)}.yml`), 'utf8')));
    const shipped = triggers(deployed.flows.values());
    expect(shipped.map((t) => t.id).sort()).toEqual(inTree.map((t) => t.id).sort());
    expect(shipped.filter((t) => t.type.endsWith('.Schedule')).length).toBeGreaterThanOrEqual(2);
    expect(shipped.filter((t) => t.disabled !== true)).toEqual([]);
    expect(parse(deployed.flows.get('pr-42.company.team/daily-ingest')!).labels).toMatchObject({ env: 'preview', preview: 'pr-42' });
    // Its own state, in dev's Kestra, keyed by the preview's name (dev's beside it).
    const previewState = () => stateIn(dev.url, 'kestraform_state_preview_pr-42');
    const total = deployed.flows.size + deployed.files.length + deployed.kv.length;
    expect(Object.keys((await previewState()).resources).length).toBe(total);
    expect(Object.keys((await stateIn(dev.url, 'kestraform_state_dev')).resources).length).toBe(total);

    // Someone makes a flow by hand in a preview namespace: the preview's destroy leaves it.
    const byHand = `id: made-by-hand\nnamespace: pr-42.company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${MARKER}\n`;
    expect((await fetch(`${dev.url}/api/v1/main/flows`, { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: byHand })).status).toBe(200);

    // SIGKILL half-way through a destroy (one delete at a time on the slow dev), then run again.
    const count = async () => {
      const d = await deployedIn(dev.url, previewNs);
      return d.flows.size + d.files.length + d.kv.length;
    };
    const killed = await runCli(project.dir, ['destroy', '--stack', 'preview', '--auto-approve', '--parallelism', '1'], preview(), { killWhen: async () => (await count()) < total - 2, signal: 'SIGKILL' });
    expect(killed.killed).toBe(true);
    const half = await deployedIn(dev.url, previewNs);
    expect(await count()).toBeGreaterThan(1);
    // State still records every managed object that is live (an entry goes only after its delete).
    const recorded = Object.keys((await previewState()).resources);
    const live = [...[...half.flows.keys()].filter((f) => !f.endsWith('/made-by-hand')).map((f) => `flow:${f}`), ...half.files.map((f) => `file:${f}`), ...half.kv.map((k) => `kv:${k}`)];
    expect(live.filter((a) => !recorded.includes(a))).toEqual([]);

    const down = await runCli(project.dir, ['destroy', '--stack', 'preview', '--auto-approve'], preview());
    expect({ code: down.code, errors: down.stderr.split('\n').filter((l) => /error/i.test(l)) }).toEqual({ code: 0, errors: [] });
    expect(down.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
    const left = await deployedIn(dev.url, previewNs);
    expect({ flows: [...left.flows.keys()], files: left.files, kv: left.kv }).toEqual({ flows: ['pr-42.company.team/made-by-hand'], files: [], kv: [] });
    expect((await previewState()).resources).toEqual({});
    // dev, on the same Kestra, is untouched.
    const devAfter = await deployedIn(dev.url, TREE_NAMESPACES.map((ns) => `dev.${ns}`));
    expect({ flows: [...devAfter.flows.entries()].sort(), files: devAfter.files.sort(), kv: devAfter.kv.sort() }).toEqual({ flows: [...devBefore.flows.entries()].sort(), files: devBefore.files.sort(), kv: devBefore.kv.sort() });

    const nothing = await runCli(project.dir, ['destroy', '--stack', 'preview', '--auto-approve'], preview());
    expect({ code: nothing.code, last: nothing.stdout.trim().split('\n').pop() }).toEqual({ code: 0, last: 'No objects to destroy.' });
  });
});
