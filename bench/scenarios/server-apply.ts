/**
 * `apply-durable`: the first apply of the generated tree against a durable embedded server (its
 * `--data` folder, as every command's local default has it), in objects written a second: plan
 * against the empty server, Kestra's validation, then every create at apply's default
 * parallelism (8), with the server in the same process as the client, as lib/cli/target.ts runs
 * it. Timed from the server's start to its close, where the journal is compacted.
 *
 * Its lower bound is the same apply, the same requests, against the in-memory server, measured
 * in the same run in turns with it: a durable server cannot answer sooner than one that keeps
 * nothing, so the ratio between the two is what durability costs.
 *
 * State is kept in memory rather than in a local state file: the state file's saves are the
 * client's cost whatever the server, and they would hide the server's.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KestraClient } from '../../lib/kestra';
import { startKestraServer } from '../../lib/server';
import { planStack } from '../../lib/engine/run';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import { newState } from '../../lib/engine/state';
import { generateStack, type Sizes } from '../generate';
import { countRequest, median, newTally, timed, type RequestTally } from '../measure';
import type { ScenarioResult } from '../report';

interface Options {
  sizes: Sizes;
  /** Applies against each server, each in a fresh process (a durable one onto a fresh data folder); the medians are reported. */
  runs: number;
}

const PARALLELISM = 8;
const TARGET_PER_SECOND = 1000;
const RUN_FLAG = '--apply-durable-run';

/**
 * One first apply onto an empty server, timed from the server's start to its close (a durable
 * one compacts its journal there, as at the end of a `kestraform apply`). The server runs as the
 * local default runs it: in the CLI's own process (lib/cli/target.ts), its work and the
 * client's sharing one event loop.
 */
async function firstApply(sizes: Sizes, dataDir: string | undefined) {
  const stack = generateStack(sizes);
  const tally: RequestTally = newTally();
  const t = await timed(async () => {
    const server = await startKestraServer({ port: 0, dataDir });
    const client = new KestraClient({ url: server.url, maxInFlight: PARALLELISM, onRequest: (e) => countRequest(tally, e) });
    try {
      const sp = await planStack(stack, undefined, { client, target: { url: server.url, tenant: 'main' } });
      // State is kept in memory: the local state file's saves are the client's cost, not the server's (see the notes).
      const state = new LiveState(newState(stack.name), { write: async () => undefined });
      const r = await applyPlan({ client, stack, plan: sp.plan, state, parallelism: PARALLELISM });
      if (r.failed.length) throw new Error(`first apply failed for ${r.failed.length} objects, first: ${String((r.failed[0].error as Error).message)}`);
      return r.added;
    } finally {
      await client.close();
      await server.close();
    }
  });
  return { ms: t.ms, peakRssMb: t.peakRssMb, tally, written: t.result };
}

interface Run {
  ms: number;
  peakRssMb: number;
  tally: RequestTally;
  written: number;
}

/**
 * One apply in a fresh process, as each `kestraform apply` is: both servers start cold (JIT,
 * modules), and the peak RSS is that one apply's, not what earlier runs left in the heap.
 */
function applyInFreshProcess(sizes: Sizes, dataDir: string | undefined): Run {
  const child = spawnSync(process.execPath, [require.resolve('../../bin/run-ts.js'), __filename, RUN_FLAG, JSON.stringify({ sizes, dataDir })], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || !line) throw new Error(`the apply-durable run (${dataDir ? 'durable' : 'in memory'}) failed (exit ${child.status}): ${child.stdout}`);
  return JSON.parse(line) as Run;
}

function summary(runs: Run[]) {
  const middle = runs.find((r) => r.ms === median(runs.map((x) => x.ms)))!;
  return { ...middle, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), all: runs.map((r) => Math.round(r.ms)) };
}

export async function runServerApplyScenario(o: Options): Promise<ScenarioResult> {
  // In turns (memory, disk, memory, …) so that a slow spell of the machine weighs on both.
  const memoryRuns: Run[] = [];
  const diskRuns: Run[] = [];
  for (let i = 0; i < Math.max(1, o.runs); i++) {
    memoryRuns.push(applyInFreshProcess(o.sizes, undefined));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-apply-'));
    try {
      diskRuns.push(applyInFreshProcess(o.sizes, path.join(work, 'data')));
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  const memory = summary(memoryRuns);
  const disk = summary(diskRuns);
  const perSecond = (disk.written / disk.ms) * 1000;
  const memoryPerSecond = (memory.written / memory.ms) * 1000;
  const r: ScenarioResult = {
    scenario: `first apply of ${disk.written} objects, durable server (--data)`,
    objects: disk.written,
    requests: disk.tally.total,
    requestsByKind: disk.tally.byOperation,
    bytesIn: disk.tally.bytesIn,
    bytesOut: disk.tally.bytesOut,
    wallMs: disk.ms,
    peakRssMb: disk.peakRssMb,
    // The bound is measured, not computed: the same apply against the in-memory server.
    lowerBound: { ms: memory.ms, requests: memory.tally.total, rounds: 0, concurrency: PARALLELISM, latencyMs: 0 },
    ratioToLowerBound: disk.ms / memory.ms,
    baseline: null,
    speedupOverBaseline: null,
    target: `≥ ${TARGET_PER_SECOND} objects/s, ≤ 1.5× bound`,
    met: false,
    notes: `${Math.round(perSecond)} objects/s durable (runs ${disk.all.join(', ')} ms), ${Math.round(memoryPerSecond)} objects/s in memory (runs ${memory.all.join(', ')} ms): the bound is that in-memory apply, measured in turns with the durable one, each run a fresh process (peak RSS ${disk.peakRssMb} MB durable, ${memory.peakRssMb} MB in memory); server in the CLI's process as the local default runs it, parallelism ${PARALLELISM} (apply's default), no added latency, timed from the server's start to its close (the journal's compaction included); state kept in memory, not in a local state file`,
  };
  r.met = perSecond >= TARGET_PER_SECOND && r.ratioToLowerBound! <= 1.5 && r.peakRssMb <= 400;
  return r;
}

// A run's own process: `run-ts.js server-apply.ts --apply-durable-run '{"sizes":…,"dataDir":…}'` prints its Run.
if (process.argv[1] === __filename && process.argv[2] === RUN_FLAG) {
  const { sizes, dataDir } = JSON.parse(process.argv[3]) as { sizes: Sizes; dataDir?: string };
  firstApply(sizes, dataDir).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e) => {
      process.stderr.write(`apply-durable run failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
