/**
 * `kestraform destroy` through the real CLI against the embedded server: it removes exactly what
 * the stack's state manages, asks first, keeps an empty state, and converges after a kill.
 */
import * as fs from 'node:fs';
import { KestraClient } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import type { StateFile } from '../../lib/engine/state-types';
import { cliSuite, runCli, type TempProject } from './harness';
import { flowYaml, generatedProject, stateFileOf } from '../reliability/cli-fixtures';

jest.setTimeout(240_000);

const readState = (p: TempProject): StateFile => JSON.parse(fs.readFileSync(stateFileOf(p), 'utf8'));

/** Every flow, namespace file and KV pair of these namespaces, as the server lists them. */
async function listed(url: string, namespaces: string[]): Promise<string[]> {
  const client = new KestraClient({ url });
  try {
    const out: string[] = [];
    for (const ns of namespaces) {
      for (const f of await client.listFlows(ns)) if (!f.deleted) out.push(`flow:${ns}/${f.id}`);
      for (const f of await client.listFiles(ns)) out.push(`file:${ns}:${f.path}`);
      for (const k of await client.listKv(ns)) out.push(`kv:${ns}/${k.key}`);
    }
    return out.sort();
  } finally {
    await client.close();
  }
}

describe('destroy (CLI end to end)', () => {
  const suite = cliSuite({ applied: true });
  const namespaces = ['company.team', 'company.team.analytics'];
  const byHand = 'flow:company.team/made-by-hand';

  it('asks first, then removes every managed object and nothing else, keeping an empty state', async () => {
    const created = await fetch(suite.api('/flows'), { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: flowYaml('company.team', 'made-by-hand') });
    expect(created.status).toBe(200);
    const managed = Object.keys(readState(suite.project).resources).sort();
    const before = await listed(suite.server.url, namespaces);
    expect(before).toEqual([...managed, byHand].sort());

    // No terminal, no --auto-approve: refused after showing the plan, nothing deleted.
    const refused = await runCli(suite.project.dir, ['destroy'], suite.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('destroy needs approval but no terminal is attached — pass --auto-approve');
    expect(refused.stdout).toContain(`Plan: 0 to add, 0 to change, ${managed.length} to destroy.`);
    // The object made by hand is reported (drift: not managed), never planned.
    expect(refused.stdout).toContain(`# ${byHand} was created outside kestraform`);
    expect(refused.stdout).not.toContain(`${byHand} will be destroyed`);
    expect(await listed(suite.server.url, namespaces)).toEqual(before);
    expect(fs.existsSync(stateFileOf(suite.project).replace(/\.json$/, '.lock'))).toBe(false);

    // plan --destroy previews exactly that, with Terraform's exit codes, and writes nothing.
    const preview = await runCli(suite.project.dir, ['plan', '--destroy', '--detailed-exitcode'], suite.env);
    expect(preview.code).toBe(2);
    expect(preview.stdout).toContain(`Plan: 0 to add, 0 to change, ${managed.length} to destroy.`);
    expect(preview.stdout).toContain('# flow:company.team/hello-world will be destroyed');
    expect(preview.stdout).not.toContain('the plan below reverts them to Git');
    expect(await listed(suite.server.url, namespaces)).toEqual(before);

    const serialBefore = readState(suite.project).serial;
    const destroy = await runCli(suite.project.dir, ['destroy', '--auto-approve'], suite.env);
    expect({ code: destroy.code, errors: destroy.stderr.split('\n').filter((l) => /error/i.test(l)) }).toEqual({ code: 0, errors: [] });
    expect(destroy.stdout).toContain('# flow:company.team/hello-world will be destroyed');
    expect(destroy.stdout).toContain('# (the stack is being destroyed)');
    expect(destroy.stdout).toContain(`Destroy complete! Resources: ${managed.length} destroyed.`);
    // A subflow goes after the flow that calls it.
    expect(destroy.stdout.indexOf('flow:company.team/daily-ingest: Destruction complete')).toBeLessThan(destroy.stdout.indexOf('flow:company.team.analytics/transform-orders: Destruction complete'));

    expect(await listed(suite.server.url, namespaces)).toEqual([byHand]);
    const after = readState(suite.project);
    expect(after.resources).toEqual({});
    expect(after.serial).toBeGreaterThan(serialBefore);

    const again = await runCli(suite.project.dir, ['destroy', '--auto-approve'], suite.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\nNo objects to destroy\.\n$/);
    expect(again.stdout).not.toContain('will be destroyed');
    expect(readState(suite.project).serial).toBe(after.serial);
    const empty = await runCli(suite.project.dir, ['plan', '--destroy', '--detailed-exitcode'], suite.env);
    expect({ code: empty.code, last: empty.stdout.trim().split('\n').pop() }).toEqual({ code: 0, last: 'No objects to destroy: the state manages none.' });
  });

  it('carries out a saved `plan --destroy --out FILE` with apply FILE, and refuses it once stale', async () => {
    expect((await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env)).code).toBe(0);
    const managed = Object.keys(readState(suite.project).resources).length;
    const file = `${suite.project.dir}/destroy.plan`;
    expect((await runCli(suite.project.dir, ['plan', '--destroy', '--out', file], suite.env)).code).toBe(0);
    // Someone edits a managed flow in Kestra after the review: the saved plan no longer holds.
    const edited = await fetch(suite.api('/flows/company.team/hello-world'), { method: 'PUT', headers: { 'Content-Type': 'application/x-yaml' }, body: flowYaml('company.team', 'hello-world') + '# edited in the UI\n' });
    expect(edited.status).toBe(200);
    const stale = await runCli(suite.project.dir, ['apply', file], suite.env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Saved plan is stale');
    expect(stale.stderr).toContain('flow:company.team/hello-world');

    expect((await runCli(suite.project.dir, ['plan', '--destroy', '--out', file], suite.env)).code).toBe(0);
    const applied = await runCli(suite.project.dir, ['apply', file], suite.env);
    expect({ code: applied.code, stderr: applied.stderr.split('\n').filter((l) => /error/i.test(l)) }).toEqual({ code: 0, stderr: [] });
    expect(applied.stdout).toContain(`Destroy complete! Resources: ${managed} destroyed.`);
    expect(await listed(suite.server.url, namespaces)).toEqual([byHand]);
    expect(readState(suite.project).resources).toEqual({});
  });
});

describe('interrupted destroy', () => {
  let server: RunningKestraServer;
  beforeAll(async () => {
    server = await startKestraServer({ port: 0, latency: { fixedMs: 15 } });
  });
  afterAll(() => server.close());

  it('converges to empty after a SIGKILL mid-destroy, and stops cleanly on SIGINT', async () => {
    const project = generatedProject(60);
    const env = { KESTRA_URL: server.url };
    const namespaces = ['rel.ns0', 'rel.ns1', 'rel.ns2', 'rel.ns3'];
    const lock = `${project.dir}/.kestraform/state/example.lock`;
    try {
      for (const signal of ['SIGKILL', 'SIGINT'] as const) {
        expect((await runCli(project.dir, ['apply', '--auto-approve'], env)).code).toBe(0);
        const managed = Object.keys(readState(project).resources).length;
        expect(managed).toBe(61);
        // Past synth (the lock is held), while the 61 deletes run 2 at a time at 15 ms each.
        const r = await runCli(project.dir, ['destroy', '--auto-approve', '--parallelism', '2'], env, { killAfterFile: lock, killAfterMs: signal === 'SIGKILL' ? 500 : 300, signal });
        expect({ signal, killed: r.killed }).toEqual({ signal, killed: true });
        if (signal === 'SIGINT') {
          expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
          expect(r.stderr).toMatch(/Interrupt(ed)?\b/);
          expect(fs.existsSync(lock)).toBe(false);
        }
        // Whatever the point, state is whole and still records every object that is live
        // (an entry goes only after its delete succeeded).
        const recorded = Object.keys(readState(project).resources);
        const live = await listed(server.url, namespaces);
        expect(live.filter((a) => !recorded.includes(a))).toEqual([]);

        const rerun = await runCli(project.dir, ['destroy', '--auto-approve'], env);
        expect({ signal, code: rerun.code }).toEqual({ signal, code: 0 });
        expect(await listed(server.url, namespaces)).toEqual([]);
        expect(readState(project).resources).toEqual({});
        const nothing = await runCli(project.dir, ['destroy', '--auto-approve'], env);
        expect({ code: nothing.code, stdout: nothing.stdout }).toEqual({ code: 0, stdout: 'No objects to destroy.\n' });
      }
      expect(fs.readdirSync(`${project.dir}/.kestraform/state`).filter((f) => f.includes('.tmp'))).toEqual([]);
    } finally {
      project.cleanup();
    }
  });
});
