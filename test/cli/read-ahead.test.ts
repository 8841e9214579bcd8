/**
 * A plan whose app must run reads Kestra meanwhile for the stacks of the last synth, and takes
 * each namespace's reading only where nothing it depended on changed: the plan is the one a plan
 * without the reading ahead makes.
 */
import * as fs from 'node:fs';
import { cliSuite, runCli } from './harness';

const s = cliSuite({ applied: true });
const debug = { KESTRAFORM_SYNTH_CACHE_DEBUG: '1' };

describe('plan reading ahead while the app runs', () => {
  it('takes the namespaces the edit left alone and reads the edited one again: the same plan', async () => {
    // A plan with nothing changed keeps its read of the synth: the next one starts from it.
    expect((await runCli(s.project.dir, ['plan', '--detailed-exitcode'], s.env)).code).toBe(0);
    const flow = s.project.at('company.team.analytics', 'flows', 'weekly-report.yml');
    fs.appendFileSync(flow, '# edited in Git\n');
    const ahead = await runCli(s.project.dir, ['plan', '--detailed-exitcode', '--format', 'json'], { ...s.env, ...debug });
    expect(ahead.code).toBe(2);
    const taken = /Read ahead while the app ran: stack \S+: (\d+) of (\d+) namespaces taken, (\d+) answers taken again/.exec(ahead.stderr);
    expect(taken).not.toBeNull();
    const [, took, of, answers] = taken!.map(Number);
    expect(of).toBeGreaterThanOrEqual(2);
    expect(took).toBe(of - 1); // every namespace but the edited one
    expect(answers).toBeGreaterThan(0); // its reading again asked what the read ahead had asked
    // The same plan as one that reads everything after the app (the synth cache off: nothing kept is read).
    const reference = await runCli(s.project.dir, ['plan', '--detailed-exitcode', '--format', 'json'], { ...s.env, ...debug, KESTRAFORM_SYNTH_CACHE: '0' });
    expect(reference.code).toBe(2);
    expect(reference.stderr).not.toMatch(/Read ahead/);
    const changes = (out: string) => JSON.parse(out).resource_changes;
    expect(changes(ahead.stdout)).toEqual(changes(reference.stdout));
    expect(changes(ahead.stdout).filter((c: { change: { actions: string[] } }) => c.change.actions[0] === 'update')).toHaveLength(1);
  });

  it('reads ahead for drift too, which still finds only what changed in Kestra', async () => {
    fs.appendFileSync(s.project.at('company.team.analytics', 'flows', 'weekly-report.yml'), '# edited once more\n');
    const res = await fetch(s.api('/flows/company.team/hello-world'), { method: 'DELETE' });
    expect(res.status).toBe(204);
    const r = await runCli(s.project.dir, ['drift', '--format', 'json'], { ...s.env, ...debug });
    expect(r.stderr).toMatch(/Read ahead while the app ran: stack \S+: \d+ of \d+ namespaces taken/);
    expect(r.code).toBe(2);
    const drifted = JSON.stringify(JSON.parse(r.stdout));
    expect(drifted).toContain('flow:company.team/hello-world');
    expect(drifted).not.toContain('weekly-report');
  });

  it('reads nothing ahead against the embedded local server (one per data folder)', async () => {
    fs.appendFileSync(s.project.at('company.team', 'flows', 'hello-world.yml'), '# local edit\n');
    const r = await runCli(s.project.dir, ['plan'], { ...debug, KESTRA_URL: undefined });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/Read ahead/);
  });
});
