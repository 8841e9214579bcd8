/**
 * Kill tests: SIGKILL (and SIGINT) the apply process at seeded random points. After every kill
 * the state file is whole (atomic writes), the next apply recovers the lock with a clear message
 * and converges, and state, live and desired agree.
 */
import * as fs from 'node:fs';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { seededRandom } from '../../lib/server/faults';
import { runCli } from '../cli/harness';
import { generatedProject, stateFileOf } from './cli-fixtures';

const LONG = !!process.env.KESTRAFORM_LONG_TESTS;
const KILLS = LONG ? 10 : 3;
const INTERRUPTS = LONG ? 3 : 1;
jest.setTimeout(LONG ? 900_000 : 240_000);

describe('interrupted apply', () => {
  let server: RunningKestraServer;
  beforeAll(async () => {
    server = await startKestraServer({ port: 0, latency: { fixedMs: 15 } });
  });
  afterAll(() => server.close());

  it(`converges after ${KILLS} SIGKILLs and ${INTERRUPTS} SIGINTs at random points`, async () => {
    const rnd = seededRandom(2026);
    const project = generatedProject(60);
    const env = { KESTRA_URL: server.url };
    let takeovers = 0;
    let interruptedCleanly = 0;
    try {
      for (let round = 0; round < KILLS + INTERRUPTS; round++) {
        // Each round changes every flow in Git, so there is real work to interrupt.
        for (let i = 0; i < 60; i++) {
          const f = project.at(`rel.ns${i % 4}`, 'flows', `f${i}.yml`);
          fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/message: .*/, `message: round ${round} of f${i}`));
        }
        const signal = round < KILLS ? 'SIGKILL' : 'SIGINT';
        // A random point after the process took the state lock (so past synth, whatever the machine's
        // load); an interrupt comes early enough that the apply (60 writes, 2 at a time, 15 ms each)
        // is still planning or writing.
        const killAfterMs = Math.floor(rnd() * (signal === 'SIGKILL' ? 1200 : 300));
        const lock = `${project.dir}/.kestraform/state/example.lock`;
        const r = await runCli(project.dir, ['apply', '--auto-approve', '--parallelism', '2'], env, { killAfterMs, signal, killAfterFile: lock });
        if (signal === 'SIGINT') {
          // Interrupted, it stops cleanly: exit 130, the lock released, the reason said.
          expect({ round, killed: r.killed, code: r.code, signal: r.signal }).toEqual({ round, killed: true, code: 130, signal: null });
          expect(r.stderr).toMatch(/Interrupt(ed)?\b/);
          expect(fs.existsSync(lock)).toBe(false);
          interruptedCleanly++;
        }
        if (fs.existsSync(stateFileOf(project))) expect(() => JSON.parse(fs.readFileSync(stateFileOf(project), 'utf8'))).not.toThrow();
        const again = await runCli(project.dir, ['apply', '--auto-approve'], env);
        if (/taking over the state lock/.test(again.stderr)) takeovers++;
        expect({ round, code: again.code, stderr: again.code === 0 ? '' : again.stderr }).toEqual({ round, code: 0, stderr: '' });
        const plan = await runCli(project.dir, ['plan', '--detailed-exitcode'], env);
        expect({ round, code: plan.code }).toEqual({ round, code: 0 });
      }
      expect(fs.readdirSync(`${project.dir}/.kestraform/state`).filter((f) => f.includes('.tmp'))).toEqual([]);
      console.log(`kill test: ${KILLS} SIGKILLs, ${INTERRUPTS} SIGINTs (${interruptedCleanly} stopped cleanly with exit 130), ${takeovers} stale locks taken over, every re-run converged`);
      expect(interruptedCleanly).toBe(INTERRUPTS);
      expect(takeovers).toBeGreaterThan(0);
    } finally {
      project.cleanup();
    }
  });
});
