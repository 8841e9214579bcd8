/**
 * Scenarios against the embedded server with injected latency: a no-change plan, plans with 1%
 * changed in Git and 1% changed outside (drift), an apply of changed flows — each against its
 * computed lower bound, and the plan against Terraform's refresh pattern (one GET per resource,
 * contents included, parallelism 10) replayed on the same server.
 */
import pLimit from 'p-limit';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { KestraClient } from '../../lib/kestra';
import { parseAddress } from '../../lib/model/addresses';
import { planStack } from '../../lib/engine/run';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import type { StateFile } from '../../lib/engine/state-types';
import type { DesiredStack } from '../../lib/desired/types';
import { directoriesPerNamespace, flowSource, generateStack, withChangedFlows, type Sizes } from '../generate';
import { countRequest, median, newTally, timed, type RequestTally } from '../measure';
import { lowerBound, pages } from '../lower-bound';
import type { ScenarioResult } from '../report';

interface Options {
  sizes: Sizes;
  latencyMs: number;
  concurrency: number;
  applyFlows: number;
  /** Plans measured per scenario (the median is reported). */
  runs: number;
  wanted: Set<string>;
}

const KV_PAGE = 100;
export interface BenchServer {
  url: string;
  close(): Promise<void>;
}
const target = (server: BenchServer) => ({ url: server.url, tenant: 'main' });

/**
 * The embedded server runs in its own process (`kestraform server --latency-ms N`), as a real
 * Kestra would: its CPU and memory are not counted as kestraform's.
 */
export async function spawnServer(latencyMs: number): Promise<BenchServer> {
  const bin = path.resolve(__dirname, '../../bin/kestraform.js');
  const child: ChildProcess = spawn(process.execPath, [bin, 'server', '--port', '0', '--latency-ms', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b) => {
      out += b;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited (${code}): ${out}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function runServerScenarios(o: Options): Promise<ScenarioResult[]> {
  const server = await spawnServer(o.latencyMs);
  const results: ScenarioResult[] = [];
  try {
    const stack = generateStack(o.sizes);
    const state = await seed(server, stack);
    const objects = stack.resources.length;

    if (o.wanted.has('plan')) {
      const plan = await measurePlan(server, stack, state, o);
      const bound = planLowerBound(stack, o, 0);
      const floor = await transportFloor(server, stack, bound.requests, o.concurrency, o.runs);
      const baseline = await terraformRefreshBaseline(server, stack);
      results.push(result('no-change plan', objects, plan, bound, o, { baseline, target: '≤ 1.5× bound, ≥ 20× faster than baseline' }, (r) => r.ratioToLowerBound! <= 1.5 && r.speedupOverBaseline! >= 20, `${runsNote(plan)}; the same number of bare flow listings at the same concurrency take ${Math.round(floor)} ms on this server (median of ${Math.max(1, o.runs)})`));

      const changed = withChangedFlows(stack, 0.01, 1);
      const git = await measurePlan(server, changed.stack, state, o);
      results.push(result('plan, 1% changed in Git', objects, git, planLowerBound(stack, o, 0), o, { target: '≤ 1.5× bound' }, (r) => r.ratioToLowerBound! <= 1.5, `${git.result.plan.summary.change} updates planned; ${runsNote(git)}`));
    }
    if (o.wanted.has('drift')) {
      const edited = await editOutside(server, stack, 0.01);
      const drift = await measurePlan(server, stack, state, o);
      const namespacesTouched = new Set(edited.map((a) => a.split('/')[0])).size;
      const bound = planLowerBound(stack, o, namespacesTouched);
      results.push(result('plan, 1% changed outside (drift)', objects, drift, bound, o, { target: '≤ 1.5× bound' }, (r) => r.ratioToLowerBound! <= 1.5, `${drift.result.plan.drift.length} drifted objects found; changed sources fetched with one export per namespace; ${runsNote(drift)}`));
    }
    if (o.wanted.has('apply')) {
      results.push(await measureApply(server, stack, state, o));
    }
  } finally {
    await server.close();
  }
  return results;
}

function client(server: BenchServer, tally: RequestTally, concurrency: number): KestraClient {
  return new KestraClient({ url: server.url, maxInFlight: concurrency, onRequest: (e) => countRequest(tally, e) });
}

/** Creates everything through the engine itself (wide parallelism), returning the state apply wrote. */
async function seed(server: BenchServer, stack: DesiredStack): Promise<StateFile> {
  const c = new KestraClient({ url: server.url, maxInFlight: 128 });
  const sp = await planStack(stack, undefined, { client: c, target: target(server) });
  let saved: StateFile = { version: 1, stack: stack.name, lineage: 'bench', serial: 0, resources: {} };
  const state = new LiveState(saved, { write: async (s) => void (saved = s) });
  const r = await applyPlan({ client: c, stack, plan: sp.plan, state, parallelism: 128, skipServerValidation: true });
  if (r.failed.length) throw new Error(`seeding failed: ${r.failed.length} actions, first: ${String((r.failed[0].error as Error).message)}`);
  return state.current;
}

/**
 * The median of `o.runs` plans, each with a fresh client (new connections, as a CLI run has);
 * the first, cold run (JIT still compiling the plan path) is reported beside it.
 */
async function measurePlan(server: BenchServer, stack: DesiredStack, state: StateFile, o: Options) {
  const runs: Array<Awaited<ReturnType<typeof timed<Awaited<ReturnType<typeof planStack>>>>> & { tally: RequestTally }> = [];
  for (let i = 0; i < Math.max(1, o.runs); i++) {
    const tally = newTally();
    const c = client(server, tally, o.concurrency);
    const t = await timed(() => planStack(stack, state, { client: c, target: target(server) }, { concurrency: o.concurrency }));
    await c.close();
    runs.push({ ...t, tally });
  }
  const middle = runs.find((r) => r.ms === median(runs.map((x) => x.ms)))!;
  return { ...middle, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), coldMs: runs[0].ms, runs: runs.length };
}

const runsNote = (m: { coldMs: number; runs: number }) => (m.runs > 1 ? `median of ${m.runs} runs (first, cold: ${Math.round(m.coldMs)} ms)` : 'one run');

/**
 * Fewest requests a plan needs: per namespace one flow listing, one listing per directory (its
 * depth in sequence) and the KV listing pages; plus, per namespace with objects changed outside,
 * one export of the changed sources after the listing.
 */
export function planLowerBound(stack: DesiredStack, o: Pick<Options, 'concurrency' | 'latencyMs'>, namespacesWithReads: number) {
  let requests = 0;
  let critical = 1;
  for (const ns of stack.settings.namespaces) {
    const kv = stack.resources.filter((r) => r.kind === 'kv' && r.namespace === ns).length;
    const d = directoriesPerNamespace(stack, ns);
    const kvPages = pages(kv, KV_PAGE);
    requests += 1 + d.dirs + kvPages.requests;
    critical = Math.max(critical, d.depth, kvPages.depth);
  }
  requests += namespacesWithReads;
  if (namespacesWithReads) critical += 1;
  return lowerBound(requests, critical, o.concurrency, o.latencyMs);
}

/**
 * What the transport alone costs: `requests` bare flow listings at the plan's concurrency, with
 * no work done on the answers. The gap between this and the bound is HTTP and server time.
 */
async function transportFloor(server: BenchServer, stack: DesiredStack, requests: number, concurrency: number, runs: number): Promise<number> {
  const namespaces = stack.settings.namespaces;
  const times: number[] = [];
  for (let run = 0; run < Math.max(1, runs); run++) {
    const c = new KestraClient({ url: server.url, maxInFlight: concurrency });
    const t = await timed(() => Promise.all(Array.from({ length: requests }, (_, i) => c.listFlows(namespaces[i % namespaces.length]))));
    await c.close();
    times.push(t.ms);
  }
  return median(times);
}

/** Terraform's refresh: one GET per managed resource, contents included, 10 at a time. */
export async function terraformRefreshBaseline(server: BenchServer, stack: DesiredStack): Promise<{ wallMs: number; requests: number }> {
  const tally = newTally();
  const c = new KestraClient({ url: server.url, onRequest: (e) => countRequest(tally, e) });
  const limit = pLimit(10);
  const t = await timed(() =>
    Promise.all(
      stack.resources.map((r) =>
        limit(async () => {
          // Terraform's refresh: one read per resource, whatever its kind.
          const p = parseAddress(r.address);
          if (p?.kind === 'flow') await c.getFlow(p.namespace, p.name);
          else if (p?.kind === 'file') await c.readFile(p.namespace, p.name);
          else if (p?.kind === 'kv') await c.getKv(p.namespace, p.name);
        }),
      ),
    ),
  );
  return { wallMs: t.ms, requests: tally.total };
}

async function editOutside(server: BenchServer, stack: DesiredStack, fraction: number): Promise<string[]> {
  const c = new KestraClient({ url: server.url });
  const flows = stack.resources.filter((r) => r.kind === 'flow');
  const step = Math.round(1 / fraction);
  const picked = flows.filter((_, i) => i % step === 1);
  const limit = pLimit(32);
  const ids = picked.map((f) => parseAddress(f.address)!);
  await Promise.all(ids.map((p) => limit(() => c.updateFlow(p.namespace, p.name, flowSource(p.namespace, p.name, 99)))));
  return ids.map((p) => `${p.namespace}/${p.name}`);
}

async function measureApply(server: BenchServer, stack: DesiredStack, state: StateFile, o: Options): Promise<ScenarioResult> {
  const flowCount = stack.resources.filter((r) => r.kind === 'flow').length;
  const changed = withChangedFlows(stack, Math.min(1, o.applyFlows / Math.max(1, flowCount)), 2);
  const tally = newTally();
  const c = client(server, tally, o.concurrency);
  const parallelism = 8;
  // State for the apply starts from the seeded one; refresh after drift edits is part of the run.
  const t = await timed(async () => {
    const sp = await planStack(changed.stack, state, { client: c, target: target(server) }, { concurrency: o.concurrency });
    const live = new LiveState(structuredClone(state), { write: async () => undefined });
    const r = await applyPlan({ client: c, stack: changed.stack, plan: sp.plan, state: live, parallelism });
    if (r.failed.length) throw new Error(`apply failed for ${r.failed.length} actions`);
    return { sp, r };
  });
  const writes = t.result.r.changed + t.result.r.added;
  const refreshBound = planLowerBound(stack, o, 0);
  const validateRequests = Math.ceil(writes / 100);
  const bound = lowerBound(refreshBound.requests + validateRequests + writes, refreshBound.rounds + 1 + Math.ceil(writes / parallelism), Math.max(parallelism, o.concurrency), o.latencyMs);
  // The write rounds are bounded by the apply parallelism, not the refresh concurrency.
  bound.rounds = refreshBound.rounds + 1 + Math.ceil(writes / parallelism);
  bound.ms = bound.rounds * o.latencyMs;
  return result(`apply of ${writes} changed flows (parallelism ${parallelism})`, writes, { ...t, tally }, bound, o, { target: '≤ 1.5× bound' }, (r) => r.ratioToLowerBound! <= 1.5, 'bound = refresh rounds + 1 validate round + ⌈writes / 8⌉ write rounds');
}

function result(
  scenario: string,
  objects: number,
  run: { ms: number; peakRssMb: number; tally: RequestTally },
  bound: ReturnType<typeof lowerBound>,
  o: Options,
  extra: { baseline?: { wallMs: number; requests: number }; target: string },
  check: (r: ScenarioResult) => boolean,
  notes?: string,
): ScenarioResult {
  const r: ScenarioResult = {
    scenario,
    objects,
    requests: run.tally.total,
    requestsByKind: run.tally.byOperation,
    bytesIn: run.tally.bytesIn,
    bytesOut: run.tally.bytesOut,
    wallMs: run.ms,
    peakRssMb: run.peakRssMb,
    lowerBound: { ...bound, latencyMs: o.latencyMs },
    ratioToLowerBound: run.ms / bound.ms,
    baseline: extra.baseline ?? null,
    speedupOverBaseline: extra.baseline ? extra.baseline.wallMs / run.ms : null,
    target: `${extra.target}; RSS ≤ 400 MB`,
    met: false,
    notes,
  };
  r.met = check(r) && r.peakRssMb <= 400;
  return r;
}
