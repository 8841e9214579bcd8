/**
 * Runtime state end to end (CLI against the embedded server): a flow disabled in Kestra the way
 * its UI does it (the source written back with `disabled: true`) and a trigger disabled through
 * Kestra's trigger API are runtime state — listed by drift and plan in a section of their own, not
 * drift, not a pending change. With the default policy deploys keep the flow disabled, also after
 * a Git edit of it; with `runtimeState.flowDisabled: 'git'` the plan says beforehand that the
 * apply re-enables it, and it does.
 */
import * as fs from 'node:fs';
import { driftJsonSchema, planJsonSchema } from '../../lib/render';
import { cliSuite, makeProject, runCli, type TempProject } from './harness';
import type { RunningKestraServer } from '../../lib/server';
import { withoutSynthReuse } from '../support/synth-reuse';

jest.setTimeout(240_000);

const HELLO = '/flows/company.team/hello-world';

async function liveFlow(api: (p: string) => string, path = HELLO): Promise<{ source: string; disabled: boolean; revision: number }> {
  return (await (await fetch(api(`${path}?source=true`))).json()) as { source: string; disabled: boolean; revision: number };
}

/** What Kestra's UI toggle does (FlowService.injectDisabled): the stored source gets `\ndisabled: true` at its end, as a new revision. */
async function disableInUi(api: (p: string) => string, path = HELLO): Promise<number> {
  const { source } = await liveFlow(api, path);
  const put = await fetch(api(path), { method: 'PUT', headers: { 'Content-Type': 'application/x-yaml' }, body: `${source}\ndisabled: true` });
  expect(put.status).toBe(200);
  return ((await put.json()) as { revision: number }).revision;
}

const updates = (server: RunningKestraServer) => server.log.entries().filter((e) => e.operationId === 'updateFlow' || e.operationId === 'createFlow').length;

describe('runtime state, default policy (keep)', () => {
  const suite = cliSuite({ applied: true });

  it('a flow disabled in the UI is runtime state: drift exits 0, plan has no change for it', async () => {
    const revision = await disableInUi(suite.api);
    const drift = await runCli(suite.project.dir, ['drift'], suite.env);
    expect(withoutSynthReuse(drift.stderr)).toBe('');
    expect(drift.code).toBe(0);
    expect(drift.stdout).toContain('No drift');
    expect(drift.stdout).toContain('Runtime state in Kestra (1 kept)');
    expect(drift.stdout).toContain('flow:company.team/hello-world is disabled in Kestra (Git: enabled)');
    expect(drift.stdout).toContain("kept: deploys keep Kestra's value (runtimeState.flowDisabled: keep)");
    expect(drift.stdout).not.toContain('has changed outside kestraform');

    const json = JSON.parse((await runCli(suite.project.dir, ['drift', '--format', 'json'], suite.env)).stdout);
    expect(driftJsonSchema.safeParse(json).success).toBe(true);
    expect(json.drift_detected).toBe(false);
    expect(json.runtime_state).toEqual([
      { address: 'flow:company.team/hello-world', type: 'kestra_flow', namespace: 'company.team', part: null, attribute: 'disabled', live: true, desired: false, stored_in: 'source', handling: 'kept', policy: { setting: 'runtimeState.flowDisabled', value: 'keep' } },
    ]);

    const plan = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.stdout).toContain('flow:company.team/hello-world is disabled in Kestra (Git: enabled)');
    expect(plan.stdout).not.toContain('hello-world will be');

    const md = (await runCli(suite.project.dir, ['plan', '--format', 'markdown'], suite.env)).stdout;
    expect(md).toContain('### Runtime state in Kestra (1 kept)');
    expect(md).not.toContain('will be reset to Git');
    const planJson = JSON.parse((await runCli(suite.project.dir, ['plan', '--format', 'json'], suite.env)).stdout);
    expect(planJsonSchema.safeParse(planJson).success).toBe(true);
    expect(planJson.runtime_state.map((r: { handling: string }) => r.handling)).toEqual(['kept']);
    expect(planJson.resource_drift).toEqual([]);

    // apply keeps it disabled and writes no flow; state learns the new revision, so the next plan reads nothing more.
    const before = updates(suite.server);
    expect((await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env)).code).toBe(0);
    expect(updates(suite.server)).toBe(before);
    expect(await liveFlow(suite.api)).toMatchObject({ disabled: true, revision });
    suite.server.log.clear();
    // What the plan itself asks (early reads would send the last plan's GETs once more: lib/cli/early-reads.ts).
    const again = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], { ...suite.env, KESTRAFORM_EARLY_READS: '0' });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
    expect(suite.server.log.entries().filter((e) => e.operationId === 'getFlow' || e.operationId === 'exportFlowsByQuery')).toEqual([]);
  });

  it('a Git edit of the disabled flow deploys Git\'s new source with `disabled: true` (a saved plan too); then no changes', async () => {
    const file = suite.project.at('company.team', 'flows', 'hello-world.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^description: .*$/m, 'description: Edited in Git'));
    const plan = await runCli(suite.project.dir, ['plan', '--out', 'kept.plan'], suite.env);
    expect(plan.stdout).toContain('flow:company.team/hello-world will be updated in-place');
    expect(plan.stdout).toContain('(changed in Git)');
    expect(plan.stdout).toContain('+description: Edited in Git');
    expect(plan.stdout).toContain('kept: deploys keep');

    const apply = await runCli(suite.project.dir, ['apply', 'kept.plan'], suite.env);
    expect(withoutSynthReuse(apply.stderr)).toBe('');
    expect(apply.code).toBe(0);
    const live = await liveFlow(suite.api);
    expect(live.disabled).toBe(true);
    // Git's new source, byte for byte, with one line more: `disabled: true` after `namespace:`.
    const git = fs.readFileSync(file, 'utf8');
    expect(live.source).toBe(git.replace(/^(namespace: .*\n)/m, '$1disabled: true\n'));

    const after = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('No changes.');
    expect(after.stdout).toContain('flow:company.team/hello-world is disabled in Kestra (Git: enabled)');
    expect((await runCli(suite.project.dir, ['drift'], suite.env)).code).toBe(0);
  });

  it('a trigger disabled through the trigger API is listed by drift (read-only), with one trigger search per namespace', async () => {
    const put = await fetch(suite.api('/triggers/set-disabled'), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ namespace: 'company.team', flowId: 'daily-ingest', triggerId: 'every-morning', disabled: true }) });
    expect(put.status).toBe(200);
    suite.server.log.clear();
    const drift = await runCli(suite.project.dir, ['drift'], suite.env);
    expect(drift.code).toBe(0);
    expect(drift.stdout).toContain("flow:company.team/daily-ingest trigger every-morning is disabled in Kestra (Kestra's runtime state, not its source)");
    expect(drift.stdout).toContain('read-only: kestraform reports it and never changes it');
    // The example tree has flows with triggers in two namespaces: one search each, none per flow.
    const searches = suite.server.log.entries().filter((e) => e.operationId === 'searchTriggers');
    expect(searches.map((e) => new URLSearchParams(e.query).get('filters[namespace][EQUALS]')).sort()).toEqual(['company.team', 'company.team.analytics']);
    expect(suite.server.log.entries().some((e) => e.operationId === 'searchTriggersForFlow')).toBe(false);

    const json = JSON.parse((await runCli(suite.project.dir, ['drift', '--format', 'json'], suite.env)).stdout);
    expect(json.runtime_state).toContainEqual({ address: 'flow:company.team/daily-ingest', type: 'kestra_flow', namespace: 'company.team', part: { type: 'trigger', id: 'every-morning' }, attribute: 'disabled', live: true, desired: null, stored_in: 'instance', handling: 'read-only', policy: null });
    const md = (await runCli(suite.project.dir, ['drift', '--format', 'markdown'], suite.env)).stdout;
    expect(md).toContain('trigger every-morning is disabled in Kestra');

    // The plan lists it too, and changes nothing for it.
    const plan = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('trigger every-morning is disabled in Kestra');
  });
});

describe("runtime state, policy 'git'", () => {
  let server: RunningKestraServer;
  let project: TempProject;
  let env: Record<string, string>;
  const api = (p: string) => `${server.url}/api/v1/main${p}`;
  beforeAll(async () => {
    const { startKestraServer } = await import('../../lib/server');
    server = await startKestraServer({ port: 0 });
    project = makeProject({ context: { 'kestraform:runtimeState.flowDisabled': 'git' } });
    env = { KESTRA_URL: server.url };
    expect((await runCli(project.dir, ['apply', '--auto-approve'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    project?.cleanup();
  });

  it('the plan says beforehand that the apply re-enables the flow, called out as a deletion is; apply does', async () => {
    await disableInUi(api);
    const plan = await runCli(project.dir, ['plan', '--detailed-exitcode'], env);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('flow:company.team/hello-world will be updated in-place');
    expect(plan.stdout).toContain('the stack resets it to Git');
    expect(plan.stdout).toContain("Warning: flow:company.team/hello-world is disabled in Kestra; this apply re-enables it, as Git's source says (runtimeState.flowDisabled is 'git')");
    expect(plan.stdout).toContain('-disabled: true');
    expect(plan.stdout).not.toContain('Objects changed outside kestraform');

    const md = (await runCli(project.dir, ['plan', '--format', 'markdown'], env)).stdout;
    expect(md).toContain('> ⚠️ **1 runtime value set in Kestra will be reset to Git:**');
    expect(md).toContain('**reset to Git: this apply re-enables it (runtimeState.flowDisabled: git)**');
    const json = JSON.parse((await runCli(project.dir, ['plan', '--format', 'json'], env)).stdout);
    expect(planJsonSchema.safeParse(json).success).toBe(true);
    expect(json.warnings.some((w: string) => w.includes('this apply re-enables it'))).toBe(true);
    expect(json.runtime_state).toMatchObject([{ address: 'flow:company.team/hello-world', handling: 'reset', live: true, desired: false }]);

    const drift = await runCli(project.dir, ['drift'], env);
    expect(drift.code).toBe(0);
    expect(drift.stdout).toContain('reset to Git: this apply re-enables it');

    expect((await runCli(project.dir, ['apply', '--auto-approve'], env)).code).toBe(0);
    expect((await liveFlow(api)).disabled).toBe(false);
    const after = await runCli(project.dir, ['plan', '--detailed-exitcode'], env);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain('Runtime state');
  });
});
