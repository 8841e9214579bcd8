/**
 * An object created in Kestra and adopted by `pull --include-unmanaged` is written into the working
 * tree only: a plan from a checkout without that file (another clone, CI on the main branch, the
 * file put back) must not delete it — it says so and leaves it — and once the configuration
 * declares it, state records it like any other.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSuite, runCli } from './harness';

jest.setTimeout(120_000);

describe('an object pull adopted', () => {
  const suite = cliSuite({ applied: true });
  const address = 'flow:company.team/made-in-ui';
  const stateFile = () => JSON.parse(fs.readFileSync(path.join(suite.project.dir, '.kestraform', 'state', 'example.json'), 'utf8'));

  it('is left in Kestra by a configuration that lacks its file, and recorded plainly once it has it', async () => {
    const source = 'id: made-in-ui\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: made in the UI\n';
    const made = await fetch(suite.api('/flows'), { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: source });
    expect(made.status).toBe(200);
    const pull = await runCli(suite.project.dir, ['pull', '--include-unmanaged', '--force'], suite.env);
    expect(pull.code).toBe(0);
    const file = suite.project.at('company.team', 'flows', 'made-in-ui.yml');
    expect(fs.existsSync(file)).toBe(true);
    expect(stateFile().resources[address].pulledAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    // The pulled file is not in this checkout.
    const pulled = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const plan = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(plan.stdout + plan.stderr).toContain(`${address} was pulled from Kestra into a working tree (kestraform pull,`);
    expect(plan.stdout).not.toMatch(/made-in-ui will be destroyed/);
    const apply = await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env);
    expect(apply.code).toBe(0);
    expect((await fetch(suite.api('/flows/company.team/made-in-ui'))).status).toBe(200);

    // Merged: the configuration declares it, and state records it without the mark.
    fs.writeFileSync(file, pulled);
    const next = await runCli(suite.project.dir, ['plan', '--detailed-exitcode'], suite.env);
    expect(next.stdout).toContain('No changes.');
    expect((await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env)).code).toBe(0);
    expect(stateFile().resources[address].pulledAt).toBeUndefined();
  });
});
