/**
 * `apply PLANFILE` carries out the steps saved in the file — the reviewed plan — once nothing
 * they were computed from has moved; a stale file, one from another version, and one holding a
 * step kestraform would not plan are refused before anything is written.
 */
import * as fs from 'node:fs';
import { cliSuite, runCli } from './harness';

jest.setTimeout(180_000);

describe('apply of a saved plan', () => {
  const suite = cliSuite({ applied: true });
  const writes = () => suite.server.log.entries().filter((e) => e.method !== 'GET' && !e.path.endsWith('/flows/validate'));
  const edit = (id: string, from: string, to: string) => {
    const f = suite.project.at('company.team', 'flows', `${id}.yml`);
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(from, to));
  };


  it('runs the saved steps, and only those', async () => {
    edit('hello-world', 'Says hello', 'Says hello again');
    edit('daily-ingest', 'description: |', 'description: |\n  Reviewed.');
    const planPath = `${suite.project.dir}/two.plan`;
    expect((await runCli(suite.project.dir, ['plan', '--out', planPath], suite.env)).code).toBe(0);
    const file = JSON.parse(fs.readFileSync(planPath, 'utf8'));
    const updates = file.plan.steps.filter((s: { action: string }) => s.action === 'update').map((s: { address: string }) => s.address);
    expect(updates).toEqual(['flow:company.team/daily-ingest', 'flow:company.team/hello-world']);

    // The reviewer approved only the first update: the plan file holds only that step.
    file.plan.steps = file.plan.steps.filter((s: { address: string }) => s.address !== 'flow:company.team/hello-world');
    fs.writeFileSync(planPath, JSON.stringify(file));
    const before = writes().length;
    const apply = await runCli(suite.project.dir, ['apply', planPath], suite.env);
    expect({ code: apply.code, stderr: apply.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining('Error') });
    const done = writes().slice(before);
    expect(done.map((e) => `${e.method} ${e.path}`)).toEqual(['PUT /api/v1/main/flows/company.team/daily-ingest']);
    expect(apply.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');

    // The step left out is still to do.
    const next = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(next.code).toBe(2);
    expect(next.stdout).toContain('flow:company.team/hello-world will be updated in-place');
    expect(next.stdout).not.toContain('daily-ingest will be');
  });

  it('refuses a file holding a step kestraform would not plan (here: deleting an object it does not own)', async () => {
    const put = await fetch(suite.api('/flows'), { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: 'id: made-in-ui\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n' });
    expect(put.status).toBe(200);
    const planPath = `${suite.project.dir}/foreign.plan`;
    expect((await runCli(suite.project.dir, ['plan', '--out', planPath], suite.env)).code).toBe(0);
    const file = JSON.parse(fs.readFileSync(planPath, 'utf8'));
    file.plan.steps.push({ address: 'flow:company.team/made-in-ui', kind: 'flow', tfType: 'kestra_flow', namespace: 'company.team', action: 'delete', reason: 'pruned', dependsOn: [], phase: 3 });
    fs.writeFileSync(planPath, JSON.stringify(file));
    const before = writes().length;
    const apply = await runCli(suite.project.dir, ['apply', planPath], suite.env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('Saved plan is stale');
    expect(apply.stderr).toContain('delete flow:company.team/made-in-ui');
    expect(writes().length).toBe(before);
    expect((await fetch(suite.api('/flows/company.team/made-in-ui'))).status).toBe(200);
  });

  it('refuses a stale file and one of another format version, writing nothing', async () => {
    const planPath = `${suite.project.dir}/stale.plan`;
    expect((await runCli(suite.project.dir, ['plan', '--out', planPath], suite.env)).code).toBe(0);
    edit('hello-world', 'Says hello again', 'Says hello once more');
    const before = writes().length;
    const stale = await runCli(suite.project.dir, ['apply', planPath], suite.env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the configuration (stacks or Git tree) changed since the plan was made');

    const old = JSON.parse(fs.readFileSync(planPath, 'utf8'));
    fs.writeFileSync(planPath, JSON.stringify({ ...old, version: 1 }));
    const foreign = await runCli(suite.project.dir, ['apply', planPath], suite.env);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('a plan file of version 1, made by another version of kestraform');
    expect(writes().length).toBe(before);
  });
});
