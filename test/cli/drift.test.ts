/**
 * drift, apply --refresh-only and pull end to end (CLI against the embedded server), as a team
 * meets them: a flow edited in the UI, a file deleted there, a flow created there.
 */
import * as fs from 'node:fs';
import { driftJsonSchema } from '../../lib/render';
import { cliSuite, runCli } from './harness';

jest.setTimeout(180_000);

describe('drift, refresh-only and pull', () => {
  const suite = cliSuite({ applied: true });
  const editInUi = async (description: string) => {
    const src = ((await (await fetch(suite.api('/flows/company.team/hello-world?source=true'))).json()) as { source: string }).source;
    const put = await fetch(suite.api('/flows/company.team/hello-world'), { method: 'PUT', headers: { 'Content-Type': 'application/x-yaml' }, body: src.replace(/^description: .*$/m, `description: ${description}`) });
    expect(put.status).toBe(200);
    return ((await put.json()) as { revision: number }).revision;
  };


  it('reports a UI edit (diff and revision), a deleted file and an unmanaged flow, and writes nothing', async () => {
    const revision = await editInUi('Edited in the UI');
    expect((await fetch(suite.api('/namespaces/company.team/files?path=/scripts/etl.py'), { method: 'DELETE' })).status).toBe(200);
    await fetch(suite.api('/flows'), { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: 'id: ui-made\nnamespace: company.team.analytics\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: x\n' });
    const writes = suite.server.log.writes().length;
    const text = await runCli(suite.project.dir, ['drift'], suite.env);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`flow:company.team/hello-world has changed outside kestraform (revision 1 → ${revision})`);
    expect(text.stdout).toContain('+description: Edited in the UI');
    expect(text.stdout).toContain('file:company.team:/scripts/etl.py has been deleted outside kestraform');
    expect(text.stdout).toContain('flow:company.team.analytics/ui-made was created outside kestraform');
    const json = await runCli(suite.project.dir, ['drift', '--format', 'json'], suite.env);
    expect(driftJsonSchema.safeParse(JSON.parse(json.stdout)).success).toBe(true);
    const md = await runCli(suite.project.dir, ['drift', '--format', 'markdown'], suite.env);
    expect(md.stdout).toContain('<!-- kestraform-drift -->');
    expect(suite.server.log.writes().length).toBe(writes);

    const plan = await runCli(suite.project.dir, ['plan'], suite.env);
    const drift = plan.stdout.indexOf('Objects changed outside kestraform');
    expect(drift).toBeGreaterThanOrEqual(0);
    expect(plan.stdout.indexOf('flow:company.team/hello-world will be updated in-place')).toBeGreaterThan(drift);
    expect(plan.stdout).toContain('changed outside kestraform; will be reverted to Git');
  });

  it('apply --refresh-only accepts the drift: drift exits 0, plan shows the Git version as pending', async () => {
    const r = await runCli(suite.project.dir, ['apply', '--refresh-only', '--auto-approve'], suite.env);
    expect(r.code).toBe(0);
    // The unmanaged flow is not state's business: remove it so that drift can come back clean.
    await fetch(suite.api('/flows/company.team.analytics/ui-made'), { method: 'DELETE' });
    const drift = await runCli(suite.project.dir, ['drift'], suite.env);
    expect(drift.code).toBe(0);
    expect(drift.stdout).not.toContain('hello-world');
    expect(drift.stdout).not.toContain('etl.py');
    const plan = await runCli(suite.project.dir, ['plan'], suite.env);
    expect(plan.stdout).toContain('flow:company.team/hello-world will be updated in-place');
    expect(plan.stdout).toContain('(changed in Git)');
    expect(plan.stdout).toContain('file:company.team:/scripts/etl.py will be created');
  });

  it('pull writes exactly the UI edit into the tree; then plan has no change for it', async () => {
    await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env);
    const file = suite.project.at('company.team', 'flows', 'hello-world.yml');
    const before = fs.readFileSync(file, 'utf8');
    await editInUi('Pulled from the UI');
    const pull = await runCli(suite.project.dir, ['pull'], suite.env);
    expect(pull.code).toBe(0);
    expect(pull.stdout).toMatch(/wrote .*hello-world\.yml/);
    const after = fs.readFileSync(file, 'utf8');
    const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
    expect(changed).toEqual(['description: Pulled from the UI']);
    const plan = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(plan.stdout).not.toContain('hello-world will be');
    expect((await runCli(suite.project.dir, ['drift'], suite.env)).stdout).not.toContain('hello-world');
  });
});
