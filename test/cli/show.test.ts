/**
 * `kestraform show PLANFILE`: a saved plan printed as `plan` printed it — text, Markdown, JSON —
 * from the file alone (no synth, no request to Kestra); a file that is not a plan is refused.
 */
import * as fs from 'node:fs';
import { cliSuite, runCli } from './harness';

jest.setTimeout(120_000);

describe('show of a saved plan', () => {
  const suite = cliSuite({ applied: true });

  it('prints the saved plan as plan did, in each format, without synth or Kestra', async () => {
    const flow = suite.project.at('company.team', 'flows', 'hello-world.yml');
    fs.writeFileSync(flow, fs.readFileSync(flow, 'utf8').replace('Says hello', 'Says hello, shown'));
    const planPath = `${suite.project.dir}/shown.plan`;
    const made = await runCli(suite.project.dir, ['plan', '--out', planPath], suite.env);
    expect(made.code).toBe(0);
    const asJson = await runCli(suite.project.dir, ['plan', '--format', 'json'], suite.env);
    const asMarkdown = await runCli(suite.project.dir, ['plan', '--format', 'markdown'], suite.env);

    // No Kestra to ask (an address nothing listens on), no app: the file is all it reads.
    const offline = { KESTRA_URL: 'http://127.0.0.1:9' };
    const requests = suite.server.log.entries().length;
    fs.rmSync(`${suite.project.dir}/cdktf.out`, { recursive: true, force: true });
    const text = await runCli(suite.project.dir, ['show', planPath], offline);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('flow:company.team/hello-world will be updated in-place');
    expect(text.stdout).toContain('Says hello, shown');
    // What plan printed, from its plan on (plan prints the stack's summary and the saving note around it).
    const planned = made.stdout.slice(made.stdout.indexOf(text.stdout.split('\n')[0]), made.stdout.indexOf('\nSaved the plan to'));
    expect(text.stdout.trimEnd()).toBe(planned.trimEnd());
    const json = await runCli(suite.project.dir, ['show', planPath, '--format', 'json'], offline);
    const withoutTimes = (doc: string) => JSON.stringify(JSON.parse(doc), (k, v) => (k === 'timestamp' ? undefined : v));
    expect(withoutTimes(json.stdout)).toBe(withoutTimes(asJson.stdout));
    const markdown = await runCli(suite.project.dir, ['show', planPath, '--format', 'markdown'], offline);
    expect(markdown.stdout).toBe(asMarkdown.stdout);
    expect(suite.server.log.entries().length).toBe(requests);
    expect(fs.existsSync(`${suite.project.dir}/cdktf.out`)).toBe(false);
  });

  it('refuses a file that is not a plan, and an unknown format, saying what to do', async () => {
    const notPlan = `${suite.project.dir}/not.plan`;
    fs.writeFileSync(notPlan, '{"hello": 1}');
    const r = await runCli(suite.project.dir, ['show', notPlan], suite.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a kestraform plan file');
    expect(r.stderr).toContain('kestraform plan --out');
    const missing = await runCli(suite.project.dir, ['show', `${suite.project.dir}/absent.plan`], suite.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read plan file .*absent\.plan: ENOENT/);
    const format = await runCli(suite.project.dir, ['show', notPlan, '--format', 'yaml'], suite.env);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--format must be text, markdown or json, not "yaml"');
  });
});
