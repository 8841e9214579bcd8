/** Adopting what already runs in Kestra: plan shows imports, `import` records objects in state. */
import * as fs from 'node:fs';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { makeProject, runCli } from './harness';
import { withoutSynthReuse } from '../support/synth-reuse';

jest.setTimeout(120_000);

describe('import', () => {
  let server: RunningKestraServer;
  beforeAll(async () => {
    server = await startKestraServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('plans identical live objects as imports and adopts a differing one with `kestraform import`', async () => {
    const project = makeProject();
    const env = { KESTRA_URL: server.url };
    try {
      const same = fs.readFileSync(project.at('company.team', 'flows', 'hello-world.yml'), 'utf8');
      const post = (body: string) => fetch(`${server.url}/api/v1/main/flows`, { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body });
      expect((await post(same)).status).toBe(200);
      const other = fs.readFileSync(project.at('company.team', 'flows', 'notify-on-failure.yml'), 'utf8').replace('*/15', '*/30');
      expect((await post(other)).status).toBe(200);

      const plan = await runCli(project.dir, ['plan'], env);
      expect(plan.stdout).toContain('flow:company.team/hello-world will be imported');
      expect(plan.stdout).toMatch(/Plan: 1 to import, \d+ to add, 1 to change, 0 to destroy\./);

      const imported = await runCli(project.dir, ['import', 'flow:company.team/notify-on-failure'], env);
      expect(imported.code).toBe(0);
      const after = await runCli(project.dir, ['plan'], env);
      expect(after.stdout).toContain('flow:company.team/notify-on-failure will be updated in-place');
      expect(after.stdout).toContain('(changed in Git)');
      expect(after.stdout).not.toContain('notify-on-failure has changed outside');

      const missing = await runCli(project.dir, ['import', 'flow:company.team/not-declared'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('not in Kestra, so nothing to import: flow:company.team/not-declared');
      const elsewhere = await runCli(project.dir, ['import', 'flow:other.team/x'], env);
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stderr).toContain('neither declared nor in a namespace any stack owns: flow:other.team/x');

      const apply = await runCli(project.dir, ['apply', '--auto-approve'], env);
      expect(apply.stdout).toMatch(/Apply complete! Resources: 1 imported, \d+ added, 1 changed, 0 destroyed\./);
    } finally {
      project.cleanup();
    }
  });
});

describe('import of an object not in Git yet', () => {
  let server: RunningKestraServer;
  beforeAll(async () => {
    server = await startKestraServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('writes it where the stack keeps new objects of its namespace, adopts it, and the next plan has no change for it', async () => {
    const project = makeProject();
    const env = { KESTRA_URL: server.url };
    try {
      expect((await runCli(project.dir, ['apply', '--auto-approve'], env)).code).toBe(0);
      const source = 'id: made-in-ui\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: from the UI\n';
      const post = await fetch(`${server.url}/api/v1/main/flows`, { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: source });
      expect(post.status).toBe(200);
      const imported = await runCli(project.dir, ['import', 'flow:company.team/made-in-ui'], env);
      expect(withoutSynthReuse(imported.stderr)).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain('flow:company.team/made-in-ui: written to tree/company.team/flows/made-in-ui.yml');
      expect(fs.readFileSync(project.at('company.team', 'flows', 'made-in-ui.yml'), 'utf8')).toBe(source);
      const plan = await runCli(project.dir, ['plan', '--detailed-exitcode'], env);
      expect(plan.stdout).toContain('No changes.');
      expect(plan.code).toBe(0);
    } finally {
      project.cleanup();
    }
  });
});
