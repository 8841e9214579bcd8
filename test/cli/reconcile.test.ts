import * as fs from 'node:fs';
import { cliSuite, makeProject, runCli } from './harness';
import { withoutSynthReuse } from '../support/synth-reuse';

jest.setTimeout(180_000);

describe('plan / apply / drift / pull against the embedded server (CLI end to end)', () => {
  const suite = cliSuite();


  it('plans the example stack as creates, applies it, then has no changes', async () => {
    const plan = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(withoutSynthReuse(plan.stderr)).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect(plan.stdout).toContain('flow:company.team/hello-world');

    const apply = await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./);

    const again = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });

  it('shows exactly one update, one delete, one update after editing a flow, deleting a file and changing a KV value', async () => {
    const flowFile = suite.project.at('company.team', 'flows', 'hello-world.yml');
    fs.writeFileSync(flowFile, fs.readFileSync(flowFile, 'utf8').replace('Says hello', 'Greets'));
    fs.rmSync(suite.project.at('company.team', 'files', 'scripts', 'lib', 'helpers.py'));
    const kv = suite.project.at('company.team', 'kv.yaml');
    fs.writeFileSync(kv, fs.readFileSync(kv, 'utf8').replace('value: 500', 'value: 750'));

    const json = await runCli(suite.project.dir, ['plan', '--format', 'json'], suite.env);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    const acting = doc.resource_changes.filter((c: { change: { actions: string[] } }) => c.change.actions.join() !== 'no-op');
    expect(acting.map((c: { address: string; change: { actions: string[] } }) => `${c.change.actions.join('+')} ${c.address}`).sort()).toEqual([
      'delete file:company.team:/scripts/lib/helpers.py',
      'update flow:company.team/hello-world',
      'update kv:company.team/BATCH_SIZE',
    ]);
    const text = await runCli(suite.project.dir, ['plan'], suite.env);
    expect(text.stdout).toContain('+description: Greets');
    expect(text.stdout).toContain('Plan: 0 to add, 2 to change, 1 to destroy.');

    expect((await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env)).code).toBe(0);
    const after = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(after.code).toBe(0);
  });

  it('lists a flow created through the API as unmanaged and does not delete it; prune does', async () => {
    const created = await fetch(suite.api('/flows'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-yaml' },
      body: 'id: made-in-ui\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: x\n',
    });
    expect(created.status).toBe(200);
    const plan = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(plan.stdout).toContain('flow:company.team/made-in-ui');
    expect(plan.stdout).not.toMatch(/made-in-ui will be destroyed/);
    expect((await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env)).code).toBe(0);
    expect((await fetch(suite.api('/flows/company.team/made-in-ui'))).status).toBe(200);

    const pruning = makeProject({ context: { 'kestraform:prune': true } });
    try {
      fs.rmSync(pruning.tree, { recursive: true });
      fs.cpSync(suite.project.tree, pruning.tree, { recursive: true });
      const p = await runCli(pruning.dir, ['plan'], suite.env);
      expect(p.stdout).toMatch(/flow:company\.team\/made-in-ui will be destroyed/);
    } finally {
      pruning.cleanup();
    }
  });

  it('refuses a saved plan after an object it covers changed through the API', async () => {
    const flowFile = suite.project.at('company.team', 'flows', 'hello-world.yml');
    fs.writeFileSync(flowFile, fs.readFileSync(flowFile, 'utf8').replace('Greets', 'Welcomes'));
    const planPath = `${suite.project.dir}/saved.plan`;
    expect((await runCli(suite.project.dir, ['plan', '--out', planPath], suite.env)).code).toBe(0);
    const src = (await (await fetch(suite.api('/flows/company.team/daily-ingest?source=true'))).json()) as { source: string };
    const put = await fetch(suite.api('/flows/company.team/daily-ingest'), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/x-yaml' },
      body: String(src.source).replace('description: |', 'description: |\n  Edited in the UI.'),
    });
    expect(put.status).toBe(200);
    const apply = await runCli(suite.project.dir, ['apply', planPath], suite.env);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('Saved plan is stale');
    expect(apply.stderr).toContain('flow:company.team/daily-ingest');
  });

  it('drift reports the UI edit with its diff and revision; refresh-only accepts it; pull writes it to Git', async () => {
    const drift = await runCli(suite.project.dir, ['drift'], suite.env);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain('flow:company.team/daily-ingest');
    expect(drift.stdout).toContain('Edited in the UI.');
    const writesBefore = suite.server.log.entries().filter((e) => e.method !== 'GET' && !e.path.endsWith('/flows/validate')).length;
    await runCli(suite.project.dir, ['drift', '--format', 'json'], suite.env);
    expect(suite.server.log.entries().filter((e) => e.method !== 'GET' && !e.path.endsWith('/flows/validate')).length).toBe(writesBefore);

    const pull = await runCli(suite.project.dir, ['pull', 'flow:company.team/daily-ingest'], suite.env);
    expect(pull.code).toBe(0);
    expect(fs.readFileSync(suite.project.at('company.team', 'flows', 'daily-ingest.yml'), 'utf8')).toContain('Edited in the UI.');
    const d2 = await runCli(suite.project.dir, ['drift'], suite.env);
    expect(d2.stdout).not.toContain('daily-ingest');
  });
});
