/**
 * Apply under injected faults: 10% 5xx (half of them after the write happened), 2% connection
 * resets, 429 with Retry-After and latency jitter. Re-running converges: live = desired = state,
 * no flow is created twice (every flow stays at revision 1), nothing is lost.
 * Creates are not blindly retried: after an ambiguous failure the client reads the flow back and
 * treats an identical source as created (lib/kestra/flows.ts).
 */
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { KestraClient } from '../../lib/kestra';
import { isQuiet } from '../../lib/engine/plan-types';
import type { LiveFlow } from '../../lib/kinds';
import { planStack } from '../../lib/engine/run';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import type { StateFile } from '../../lib/engine/state-types';
import { generateStack } from '../../bench/generate';

const LONG = !!process.env.KESTRAFORM_LONG_TESTS;
jest.setTimeout(LONG ? 600_000 : 120_000);

describe('apply under injected faults', () => {
  let server: RunningKestraServer;
  afterEach(() => server?.close());

  it(`converges with no object created twice or lost (${LONG ? 1000 : 300} changes)`, async () => {
    server = await startKestraServer({ port: 0, latency: { fixedMs: 1, jitterMs: 4, seed: 7 } });
    const size = LONG ? 1000 : 300;
    const stack = generateStack({ flows: Math.round(size * 0.6), files: Math.round(size * 0.3), kv: Math.round(size * 0.1), namespaces: 10 });
    const client = new KestraClient({ url: server.url, retry: { retries: 6, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 1000 } });
    const ctx = { client, target: { url: server.url, tenant: 'main' } };
    let stored: StateFile = { version: 1, stack: stack.name, lineage: 'faults', serial: 0, resources: {} };
    const sink = { write: async (s: StateFile) => void (stored = structuredClone(s)) };

    server.knobs.setFaults({ errorRate: 0.05, resetRate: 0.02, tooManyRequestsRate: 0.03, retryAfterSeconds: 0, phase: 'before', seed: 11 });
    server.knobs.failNth({ operationId: 'createFlow', nth: 3, status: 503, phase: 'after' });
    server.knobs.failNth({ operationId: 'createFlow', nth: 9, reset: true, phase: 'after' });
    server.knobs.failNth({ operationId: 'createNamespaceFile', nth: 5, status: 502, phase: 'after' });
    server.knobs.failNth({ operationId: 'setKeyValue', nth: 2, status: 504, phase: 'after' });
    let rounds = 0;
    let faultsSeen = 0;
    for (; rounds < 8; rounds++) {
      const sp = await planStack(stack, stored.serial ? stored : undefined, ctx);
      const work = sp.plan.steps.filter((c) => !isQuiet(c));
      if (!work.length) break;
      const state = new LiveState(structuredClone(stored), sink);
      const r = await applyPlan({ client, stack, plan: sp.plan, state, parallelism: 8 });
      faultsSeen += r.failed.length;
    }
    server.knobs.clearFaults();
    const injected = server.log.entries().filter((e) => e.fault).length;
    expect(injected).toBeGreaterThan(size * 0.05);
    expect(rounds).toBeLessThan(8);

    // Converged: a fresh plan without faults has nothing to do, and state covers every object.
    const final = await planStack(stack, stored, ctx);
    expect(final.plan.steps.filter((c) => !isQuiet(c))).toEqual([]);
    expect(final.plan.drift).toEqual([]);
    expect(Object.keys(stored.resources).sort()).toEqual(stack.resources.map((r) => r.address).sort());
    // No flow created twice or rewritten: each is at revision 1.
    const revisions = [...final.live.objects.values()].filter((o) => o.kind === 'flow').map((f) => (f as LiveFlow).revision);
    expect(revisions.every((r) => r === 1)).toBe(true);
    console.log(`fault test: ${size} objects, ${injected} faults injected, ${faultsSeen} actions failed and were redone, ${rounds} apply rounds, 0 lost`);
  });
});
