/**
 * A namespace-file DELETE whose answer is lost after Kestra applied it. Kestra answers 200 to a
 * DELETE of a path that is not there, but first walks up while the parent directory holds one
 * entry and deletes that directory (NamespaceFileController.innerDeleteFileDirectory; the
 * embedded server does the same): a blind retry of a delete that already happened removes the
 * file's last sibling. The client looks before it repeats (lib/kestra/files.ts), so no sibling
 * is ever removed.
 */
import * as fs from 'node:fs';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { KestraClient } from '../../lib/kestra';
import { planStack } from '../../lib/engine/run';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import { isQuiet } from '../../lib/engine/plan-types';
import type { StateFile } from '../../lib/engine/state-types';
import { file, stack } from '../engine/factory';
import { makeProject, runCli } from '../cli/harness';

jest.setTimeout(180_000);

let server: RunningKestraServer;
afterEach(() => server?.close());

async function paths(s: RunningKestraServer, ns: string): Promise<string[]> {
  const c = new KestraClient({ url: s.url });
  try {
    return (await c.listFiles(ns)).map((f) => f.path);
  } finally {
    await c.close();
  }
}

describe('a lost DELETE answer', () => {
  it('never removes a sibling (CLI: a 504 after the server deleted the file)', async () => {
    server = await startKestraServer({ port: 0 });
    const ns = 'rel.files';
    const p = makeProject();
    try {
      fs.rmSync(p.tree, { recursive: true, force: true });
      fs.mkdirSync(p.at(ns, 'files', 'docs'), { recursive: true });
      fs.writeFileSync(p.at(ns, 'files', 'docs', 'a.txt'), 'a\n');
      fs.writeFileSync(p.at(ns, 'files', 'docs', 'b.txt'), 'b\n');
      const env = { KESTRA_URL: server.url };
      expect((await runCli(p.dir, ['apply', '--auto-approve'], env)).code).toBe(0);
      fs.rmSync(p.at(ns, 'files', 'docs', 'a.txt'));
      server.knobs.failNth({ operationId: 'deleteFileDirectory', nth: 1, status: 504, phase: 'after' });
      const apply = await runCli(p.dir, ['apply', '--auto-approve'], env);
      expect(apply.code).toBe(0);
      expect(apply.stdout).toMatch(/Resources: 0 added, 0 changed, 1 destroyed/);
      expect(server.log.entries().filter((e) => e.operationId === 'deleteFileDirectory').map((e) => e.status)).toEqual([504]);
      expect(await paths(server, ns)).toEqual(['/docs/b.txt']);
      expect((await runCli(p.dir, ['plan', '--detailed-exitcode'], env)).code).toBe(0);
    } finally {
      p.cleanup();
    }
  });

  it('never removes a sibling under many lost answers (504s and resets after the delete, every directory)', async () => {
    server = await startKestraServer({ port: 0 });
    const ns = 'rel.many';
    const dirs = Array.from({ length: 30 }, (_, i) => `/d${i}`);
    // Two files per directory, and one directory deeper: every delete leaves exactly one sibling.
    const all = dirs.flatMap((d, i) => [file(ns, `${d}/gone.txt`, `g${i}`), file(ns, i % 3 ? `${d}/kept.txt` : `${d}/sub/kept.txt`, `k${i}`)]);
    const kept = all.filter((f) => f.path.endsWith('kept.txt'));
    const client = new KestraClient({ url: server.url, retry: { retries: 8, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 } });
    const ctx = { client, target: { url: server.url, tenant: 'main' } };
    let stored: StateFile = { version: 1, stack: 'test', lineage: 'lost-delete', serial: 0, resources: {} };
    const sink = { write: async (s: StateFile) => void (stored = structuredClone(s)) };
    const run = async (resources: typeof all) => {
      const s = stack(resources, { namespaces: [ns] });
      const { plan } = await planStack(s, stored.serial ? stored : undefined, ctx);
      return applyPlan({ client, stack: s, plan, state: new LiveState(structuredClone(stored), sink), parallelism: 8 });
    };
    try {
      expect((await run(all)).failed).toEqual([]);
      server.knobs.setFaults({ errorRate: 0.5, errorStatus: 504, resetRate: 0.3, phase: 'after', operations: ['deleteFileDirectory'], seed: 5 });
      const r = await run(kept);
      server.knobs.clearFaults();
      expect(r.failed).toEqual([]);
      expect(r.destroyed).toBe(dirs.length);
      expect(server.log.entries().filter((e) => e.fault && e.operationId === 'deleteFileDirectory').length).toBeGreaterThan(dirs.length / 2);
      expect(await paths(server, ns)).toEqual(kept.map((f) => f.path).sort());
      const s = stack(kept, { namespaces: [ns] });
      const final = await planStack(s, stored, ctx);
      expect(final.plan.steps.filter((st) => !isQuiet(st))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
