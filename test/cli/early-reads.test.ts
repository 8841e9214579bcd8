/**
 * plan and drift send the GETs the last of them asked before anything else (lib/cli/early-reads.ts):
 * the plan takes their answers — the same plan as without — asked anew in every run, and recorded
 * without a credential; apply never reads early.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliSuite, makeProject, runCli } from './harness';

const s = cliSuite({ applied: true });
const TOKEN = 'tok-3a9f1c-do-not-print';
const debug = { KESTRAFORM_SYNTH_CACHE_DEBUG: '1' };
const env = () => ({ ...s.env, KESTRA_API_TOKEN: TOKEN });
const record = () => path.join(s.project.dir, '.kestraform', 'early-reads.json');
const taken = (stderr: string) => /Read early: \S+ \(tenant main\): (\d+) of (\d+) answers taken/.exec(stderr)?.slice(1).map(Number);
const changes = (out: string) => JSON.parse(out).resource_changes;

describe('early reads', () => {
  it('records what a plan asked, without the credentials, and the next plan takes those answers: the same plan', async () => {
    fs.rmSync(record(), { force: true });
    expect((await runCli(s.project.dir, ['plan', '--detailed-exitcode'], env())).code).toBe(0);
    const text = fs.readFileSync(record(), 'utf8');
    expect(text).not.toContain(TOKEN);
    const selections = JSON.parse(text).selections;
    expect(Object.values(selections)).toHaveLength(1);
    expect((Object.values(selections)[0] as { targets: Array<{ gets: unknown[] }> }).targets[0].gets.length).toBeGreaterThan(3);

    s.server.log.clear();
    const early = await runCli(s.project.dir, ['plan', '--detailed-exitcode', '--format', 'json'], { ...env(), ...debug });
    expect(early.code).toBe(0);
    // Each GET reached Kestra once: what the thread asked, the plan did not ask again.
    const requests = s.server.log.entries().map((e) => `${e.method} ${e.path}?${e.query}`);
    expect(requests.length).toBeGreaterThan(3);
    expect(new Set(requests).size).toBe(requests.length);
    const [took, asked] = taken(early.stderr) ?? [];
    expect(asked).toBeGreaterThan(3);
    expect(took).toBe(asked);
    const reference = await runCli(s.project.dir, ['plan', '--detailed-exitcode', '--format', 'json'], { ...env(), ...debug, KESTRAFORM_EARLY_READS: '0' });
    expect(reference.code).toBe(0);
    expect(taken(reference.stderr)).toBeUndefined();
    expect(changes(early.stdout)).toEqual(changes(reference.stdout));
  });

  it('asks Kestra anew in every run: a change made in Kestra since the record is in the plan', async () => {
    expect((await runCli(s.project.dir, ['plan', '--detailed-exitcode'], env())).code).toBe(0);
    const res = await fetch(s.api('/flows/company.team/hello-world'), { method: 'DELETE' });
    expect(res.status).toBe(204);
    const r = await runCli(s.project.dir, ['plan', '--detailed-exitcode', '--format', 'json'], { ...env(), ...debug });
    expect(r.code).toBe(2);
    expect(taken(r.stderr)?.[0]).toBeGreaterThan(0);
    const planned = changes(r.stdout).filter((c: { change: { actions: string[] } }) => c.change.actions[0] !== 'no-op');
    expect(planned.map((c: { address: string }) => c.address).join(' ')).toContain('company.team/hello-world');
    // Drift reads early too and finds the same.
    const d = await runCli(s.project.dir, ['drift', '--format', 'json'], { ...env(), ...debug });
    expect(d.code).toBe(2);
    expect(taken(d.stderr)?.[0]).toBeGreaterThan(0);
    expect(JSON.stringify(JSON.parse(d.stdout))).toContain('flow:company.team/hello-world');
  });

  it('keeps a record per choice of stacks: a plan of other stacks never sends what this one asked', async () => {
    expect((await runCli(s.project.dir, ['plan'], env())).code).toBe(0);
    const first = await runCli(s.project.dir, ['plan', '--stack', 'example'], { ...env(), ...debug });
    expect(first.code).toBe(0);
    expect(taken(first.stderr)).toBeUndefined(); // nothing recorded yet for `--stack example`
    const second = await runCli(s.project.dir, ['plan', '--stack=example'], { ...env(), ...debug });
    expect(taken(second.stderr)?.[0]).toBeGreaterThan(0);
    expect(Object.keys(JSON.parse(fs.readFileSync(record(), 'utf8')).selections)).toHaveLength(2);
  });

  it('records nothing for the embedded local server (opened by the command itself)', async () => {
    const local = makeProject();
    try {
      expect((await runCli(local.dir, ['plan'], { KESTRA_URL: undefined })).code).toBe(0);
      expect(fs.existsSync(path.join(local.dir, '.kestraform', 'early-reads.json'))).toBe(false);
      expect(fs.existsSync(path.join(local.dir, '.kestraform'))).toBe(true); // the command did write its other files there
    } finally {
      local.cleanup();
    }
  });

  it('never reads early for apply, which plans on answers of its own', async () => {
    const r = await runCli(s.project.dir, ['apply', '--auto-approve'], { ...env(), ...debug });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/Read early/);
    expect((await runCli(s.project.dir, ['plan', '--detailed-exitcode'], env())).code).toBe(0);
  });
});
