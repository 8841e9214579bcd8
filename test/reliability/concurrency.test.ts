/** Two applies of one stack at once: one runs, the other fails naming the lock holder; never both write. */
import * as fs from 'node:fs';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { runCli } from '../cli/harness';
import { generatedProject } from './cli-fixtures';

jest.setTimeout(120_000);

describe('concurrent applies', () => {
  let server: RunningKestraServer;
  beforeAll(async () => {
    server = await startKestraServer({ port: 0, latency: { fixedMs: 20 } });
  });
  afterAll(() => server.close());

  it('lets one apply through and refuses the other, naming the holder', async () => {
    const project = generatedProject(40);
    const env = { KESTRA_URL: server.url };
    try {
      const first = runCli(project.dir, ['apply', '--auto-approve', '--parallelism', '1'], env);
      // Wait until the first holds the lock, then hold its requests at the server so it is
      // certainly still running (and holding the lock) while the second one starts.
      const lock = `${project.dir}/.kestraform/state/example.lock`;
      for (let i = 0; i < 1200 && !fs.existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
      expect(fs.existsSync(lock)).toBe(true);
      const release = server.knobs.hold();
      let second: Awaited<ReturnType<typeof runCli>>;
      try {
        second = await runCli(project.dir, ['apply', '--auto-approve'], env);
      } finally {
        release();
      }
      const a = await first;
      expect(a.code).toBe(0);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/locked by \S+ \(pid \d+ on \S+, operation apply, since /);
      const creates = server.log.entries().filter((e) => e.operationId === 'createFlow' && e.status === 200).length;
      expect(creates).toBe(40);
      const waiting = await runCli(project.dir, ['apply', '--auto-approve', '--lock-timeout', '30'], env);
      expect(waiting.code).toBe(0);
    } finally {
      project.cleanup();
    }
  });
});
