/**
 * Command-level scenarios: what a user waits for is the whole command, so each run is a fresh CLI
 * process in a generated project directory, as a user starts it — kestraform installed from
 * `npm pack` (`--from-checkout`: this checkout's bin/kestraform.js), in a project that depends on
 * that package as a user's does: its own main.ts and stacks (copies of this checkout's), run by
 * `kestraform-app main.ts` as `kestraform init` writes it (see userProject).
 *
 * - `cli`: a repository in Kestra's layout (`<ns>/flows/*.yml`, `<ns>/files/**`, `<ns>/kv.yaml`)
 *   generated from the bench stack, deployed by a NamespaceTree, applied once to a
 *   `kestraform server --latency-ms N` process (by the engine, not measured); then the no-change
 *   `kestraform plan --detailed-exitcode` with KESTRA_URL set, beside Terraform's one-GET-per-
 *   resource refresh on the same server, and the plan after one flow, one namespace file and one
 *   KV value were edited in the tree.
 * - `cli-remote`: the same two plans for a team's repository and a farther Kestra (REMOTE).
 * - `cli-example`: the no-change plan of the example stack (`examples/kestra`) against the local
 *   default (no KESTRA_URL: the embedded server, in-process).
 *
 * Each is the median of `--runs` runs (3), the first, cold one printed beside it. A CLI process's
 * own moments (Node ready, app spawned and done, first and last request, exit), its requests and
 * its peak RSS come from `bench/cli-probe.js`, preloaded into it. The process's start-up — a fresh
 * `kestraform --version` — and the app alone (its synth, as `kestraform synth` runs it) are
 * measured apart, and the no-change plan is compared with the round-trip lower bound plus that
 * start-up.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DesiredFile, DesiredFlow, DesiredKv, DesiredStack } from '../../lib/desired/types';
import { flowSource, generateStack, namespaceName, type Sizes } from '../generate';
import { median } from '../measure';
import type { ScenarioResult } from '../report';
import { KestraClient } from '../../lib/kestra';
import { planStack } from '../../lib/engine/run';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import { createBackend, newState } from '../../lib/engine/state';
import { loadProject } from '../../lib/project/config';
import { synthesize } from '../../lib/project/synth';
import { planLowerBound, spawnServer, terraformRefreshBaseline, type BenchServer } from './server';
import { tempProject } from './synth';

const REPO = path.resolve(__dirname, '../..');
const CHECKOUT_BIN = path.join(REPO, 'bin', 'kestraform.js');
const PROBE = path.join(REPO, 'bench', 'cli-probe.js');
const TIME_BIN = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export interface CliOptions {
  sizes: Sizes;
  latencyMs: number;
  concurrency: number;
  runs: number;
  /** The CLI that runs: kestraform as a user installs it (`npm pack`), or this checkout's bin/kestraform.js. */
  cli: CliUnderTest;
  /** The scenarios' name (`cli`; `cli remote` for a team's repository and a farther Kestra). */
  label?: string;
  /** The speed-up over the per-resource model the no-change plan must reach (none: not a target). */
  speedupTarget?: number;
}

/**
 * `cli-remote`: a team's repository rather than the bench's large one, and its Kestra farther
 * away — 200 flows, 200 namespace files and 50 KV pairs over 10 namespaces, 100 ms a request:
 * the round trips, not the CPU, are most of the command, and the read ahead while the app runs
 * (and the answers it keeps for a namespace read again) are what shortens the plan after an edit.
 */
export const REMOTE = { sizes: { flows: 200, files: 200, kv: 50, namespaces: 10 }, latencyMs: 100 };

/** The kestraform CLI the scenarios run, and what it is, for the notes. */
export interface CliUnderTest {
  bin: string;
  /** The unpacked package (installed): the bench's projects depend on it as a user's do. */
  packageDir?: string;
  shownAs: string;
  cleanup(): void;
}

/**
 * kestraform as a user has it: `npm pack` of this checkout (its one-file CLI build included),
 * unpacked into a temporary folder, its dependencies those of this checkout's node_modules (the
 * same lockfile; a link rather than an install, which the registry would slow). `fromCheckout`:
 * the checkout's own bin, its TypeScript compiled and cached at load, as a developer runs it.
 */
export function cliUnderTest(fromCheckout: boolean): CliUnderTest {
  if (fromCheckout) return { bin: CHECKOUT_BIN, shownAs: 'this checkout (bin/kestraform.js)', cleanup: () => undefined };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-installed-'));
  try {
    const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: REPO, encoding: 'utf8' });
    const tarball = packed.stdout.trim().split('\n').pop();
    if (packed.status !== 0 || !tarball) throw new Error(`npm pack of ${REPO} failed (exit ${packed.status}): ${packed.stderr}`);
    const untar = spawnSync('tar', ['-xzf', path.join(work, tarball), '-C', work], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${untar.stderr}`);
    const pkg = path.join(work, 'package');
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
    return { bin: path.join(pkg, 'bin', 'kestraform.js'), packageDir: pkg, shownAs: `installed from npm pack (${tarball})`, cleanup: () => fs.rmSync(work, { recursive: true, force: true }) };
  } catch (e) {
    fs.rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

/** What bench/cli-probe.js wrote at the exit of one CLI process (ms since the process started). */
interface Probe {
  nodeReadyMs: number;
  spawns: { startMs: number; endMs?: number }[];
  requests: { count: number; firstMs?: number; lastDoneMs?: number };
  exitMs: number;
  modules: number;
  maxRssMb: number;
  cpuMs: number;
}

interface CliRun {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
  probe?: Probe;
  /** Peak RSS of the CLI process and its children (the app), by GNU time, when present. */
  treeRssMb?: number;
}

/** One fresh CLI process in `cwd`, timed from spawn to exit, with the probe preloaded. */
function cli(under: CliUnderTest, cwd: string, args: string[], env: NodeJS.ProcessEnv): CliRun {
  const probeFile = path.join(os.tmpdir(), `kf-bench-probe-${process.pid}.json`);
  const rssFile = path.join(os.tmpdir(), `kf-bench-rss-${process.pid}`);
  fs.rmSync(probeFile, { force: true });
  fs.rmSync(rssFile, { force: true });
  const node = [process.execPath, '-r', PROBE, under.bin, ...args];
  const [cmd, ...argv] = TIME_BIN ? [TIME_BIN, '-f', '%M', '-o', rssFile, ...node] : node;
  const start = performance.now();
  const r = spawnSync(cmd, argv, { cwd, env: { ...env, KESTRAFORM_BENCH_PROBE: probeFile }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  const probe = fs.existsSync(probeFile) ? (JSON.parse(fs.readFileSync(probeFile, 'utf8')) as Probe) : undefined;
  const treeRssMb = fs.existsSync(rssFile) ? Math.round(Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024) : undefined;
  fs.rmSync(probeFile, { force: true });
  fs.rmSync(rssFile, { force: true });
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr, probe, treeRssMb };
}

function expectExit(r: CliRun, code: number, what: string): void {
  if (r.status !== code) throw new Error(`${what}: expected exit ${code}, got ${r.status}\n${r.stdout.slice(-4000)}${r.stderr.slice(-4000)}`);
}

/** Runs `fn` `runs` times; the median run (upper middle), and the first, cold one. */
function repeat<T extends { ms: number }>(runs: number, fn: (i: number) => T): { median: T; cold: T; all: T[] } {
  const all = Array.from({ length: Math.max(1, runs) }, (_, i) => fn(i));
  const m = median(all.map((r) => r.ms));
  return { median: all.find((r) => r.ms === m)!, cold: all[0], all };
}

const ms = (n: number | undefined) => (n === undefined ? '?' : `${Math.round(n)} ms`);
const list = (runs: { ms: number }[]) => runs.map((r) => Math.round(r.ms)).join(', ');
/** CLI runs' times, those that ran the app (no synth to reuse) marked "(app)". */
const cliList = (runs: CliRun[]) => runs.map((r) => `${Math.round(r.ms)}${r.probe?.spawns.length ? ' (app)' : ''}`).join(', ');

/**
 * The process's own start-up: a fresh `kestraform --version` (Node, the TypeScript loader in a
 * checkout, the CLI's entry), beside bare Node (`node -e 0`), in a folder with no project.
 */
function measureStartup(under: CliUnderTest, runs: number, env: NodeJS.ProcessEnv): { version: { median: CliRun; cold: CliRun; all: CliRun[] }; nodeMs: number } {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-empty-'));
  try {
    const version = repeat(runs, () => {
      const r = cli(under, empty, ['--version'], env);
      expectExit(r, 0, 'kestraform --version');
      return r;
    });
    const node = repeat(runs, () => {
      const start = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return { ms: performance.now() - start };
    });
    return { version, nodeMs: node.median.ms };
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

/** The app alone (the synth a command starts with), as the CLI runs it: cdktf.json's app, context and output folder in the environment. */
function measureApp(dir: string, runs: number, env: NodeJS.ProcessEnv): { median: { ms: number }; cold: { ms: number }; all: { ms: number }[] } {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { app: string; context?: Record<string, unknown> };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-app-out-'));
  try {
    return repeat(runs, () => {
      const start = performance.now();
      const bin = path.join(dir, 'node_modules', '.bin'); // as the CLI runs it (lib/project/synth-cache.ts appBaseEnvironment)
      const r = spawnSync(config.app, { cwd: dir, shell: true, env: { ...env, PATH: [bin, env.PATH].filter(Boolean).join(path.delimiter), CDKTF_OUTDIR: out, CDKTF_CONTEXT_JSON: JSON.stringify(config.context ?? {}) }, encoding: 'utf8' });
      const t = performance.now() - start;
      if (r.status !== 0) throw new Error(`app of ${dir} failed (exit ${r.status}): ${r.stderr}`);
      return { ms: t };
    });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** Where one CLI run's time went, from its probe. */
function breakdown(r: CliRun): string {
  const p = r.probe;
  if (!p) return 'no probe record';
  const app = p.spawns[0];
  const parts = [`Node ready at ${ms(p.nodeReadyMs)}`];
  if (app) parts.push(`app ${ms(app.startMs)}–${ms(app.endMs)}`);
  else parts.push('no app run');
  if (p.requests.count) parts.push(`${p.requests.count} requests ${ms(p.requests.firstMs)}–${ms(p.requests.lastDoneMs)}`);
  parts.push(`exit at ${ms(p.exitMs)}; ${p.modules} modules, ${p.cpuMs} ms CPU`);
  return parts.join(', ');
}

const rssOf = (runs: CliRun[]) => Math.max(...runs.map((r) => r.probe?.maxRssMb ?? 0));
const treeRssOf = (runs: CliRun[]) => (TIME_BIN ? Math.max(...runs.map((r) => r.treeRssMb ?? 0)) : undefined);

function result(scenario: string, objects: number, runs: { median: CliRun; cold: CliRun; all: CliRun[] }, extra: Partial<ScenarioResult> & { target: string; met: boolean; notes: string }): ScenarioResult {
  const peak = rssOf(runs.all);
  return {
    scenario,
    objects,
    requests: runs.median.probe?.requests.count ?? 0,
    requestsByKind: {},
    bytesIn: 0,
    bytesOut: 0,
    wallMs: runs.median.ms,
    peakRssMb: peak,
    lowerBound: null,
    ratioToLowerBound: null,
    baseline: null,
    speedupOverBaseline: null,
    ...extra,
    target: `${extra.target}; RSS ≤ 400 MB`,
    met: extra.met && peak > 0 && peak <= 400,
  };
}

/**
 * A project as a user has it, around `tree`: installed, its own app (this checkout's main.ts and
 * stacks/, copied) importing kestraform from node_modules (the package under test), run by the
 * app command `kestraform init` writes (`kestraform-app main.ts`). From a checkout: the
 * checkout's app, its library compiled at load (bench/scenarios/synth.ts tempProject).
 */
function userProject(tree: string, under: CliUnderTest): string {
  if (!under.packageDir) return tempProject(tree);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-project-'));
  fs.copyFileSync(path.join(REPO, 'main.ts'), path.join(dir, 'main.ts'));
  fs.cpSync(path.join(REPO, 'stacks'), path.join(dir, 'stacks'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(under.packageDir, path.join(dir, 'node_modules', 'kestraform'), 'dir');
  fs.symlinkSync(path.join('..', 'kestraform', 'bin', 'run-ts.js'), path.join(dir, 'node_modules', '.bin', 'kestraform-app'));
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ app: 'kestraform-app main.ts', output: 'cdktf.out', context: { 'kestraform:tree': tree } }));
  return dir;
}

/** The bench stack as a repository in Kestra's layout, read by a NamespaceTree. */
export function writeNamespaceTree(root: string, stack: DesiredStack): void {
  const kv = new Map<string, DesiredKv[]>();
  for (const r of stack.resources) {
    if (r.kind === 'flow') {
      const f = r as DesiredFlow;
      fs.mkdirSync(path.join(root, f.namespace, 'flows'), { recursive: true });
      fs.writeFileSync(path.join(root, f.namespace, 'flows', `${f.flowId}.yml`), f.content);
    } else if (r.kind === 'file') {
      const f = r as DesiredFile;
      const file = path.join(root, f.namespace, 'files', ...f.path.split('/').filter(Boolean));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.inlineContent!);
    } else if (r.kind === 'kv') {
      const k = r as DesiredKv;
      kv.set(k.namespace, [...(kv.get(k.namespace) ?? []), k]);
    }
  }
  for (const [ns, pairs] of kv) writeKvYaml(root, ns, pairs);
}

function writeKvYaml(root: string, ns: string, pairs: DesiredKv[]): void {
  const text = pairs.map((k) => `${k.key}:\n  type: ${k.type}\n  value: ${k.type === 'STRING' ? JSON.stringify(k.value) : k.value}\n`).join('');
  fs.mkdirSync(path.join(root, ns), { recursive: true });
  fs.writeFileSync(path.join(root, ns, 'kv.yaml'), text);
}

/** One flow, one namespace file and one KV value of the first namespace changed in the tree (`variant` makes each edit new). */
function editTree(root: string, stack: DesiredStack, variant: number): void {
  const ns = namespaceName(0);
  const flow = stack.resources.find((r): r is DesiredFlow => r.kind === 'flow' && r.namespace === ns)!;
  fs.writeFileSync(path.join(root, ns, 'flows', `${flow.flowId}.yml`), flowSource(ns, flow.flowId, 1000 + variant));
  const file = stack.resources.find((r): r is DesiredFile => r.kind === 'file' && r.namespace === ns)!;
  fs.writeFileSync(path.join(root, ns, 'files', ...file.path.split('/').filter(Boolean)), `${file.inlineContent}-- edited ${variant}\n`);
  const pairs = stack.resources.filter((r): r is DesiredKv => r.kind === 'kv' && r.namespace === ns);
  writeKvYaml(root, ns, pairs.map((k, i) => (i === 0 ? { ...k, value: k.type === 'NUMBER' ? String(100000 + variant) : `edited-${variant}` } : k)));
}

/**
 * Seeding, not measured: the project's own synth, planned and applied by the engine at a wide
 * parallelism, the state saved once through the stack's backend — where the CLI's apply would
 * have put it. (The CLI's apply saves state after every batch of writes: seeding 11,000 objects
 * through it takes minutes.) The first measured plan checks it: it must find no changes.
 */
async function seed(dir: string, server: BenchServer): Promise<void> {
  const project = loadProject(dir);
  const desired = await synthesize(project);
  if (desired.stacks.length !== 1) throw new Error(`the bench project synthesized ${desired.stacks.length} stacks, not 1`);
  const stack = desired.stacks[0];
  const client = new KestraClient({ url: server.url, maxInFlight: 128 });
  try {
    const target = { url: server.url, tenant: 'main' };
    const sp = await planStack(stack, undefined, { client, target });
    const state = new LiveState(newState(stack.name), { write: async () => undefined });
    const r = await applyPlan({ client, stack, plan: sp.plan, state, parallelism: 64, skipServerValidation: true });
    if (r.failed.length) throw new Error(`seeding failed: ${r.failed.length} actions, first: ${String((r.failed[0].error as Error).message)}`);
    // One save, as the first of a new state (serial 1).
    await createBackend(stack.settings.backend, { projectDir: project.dir, stack: stack.name }).write({ ...state.current, serial: 1 });
  } finally {
    await client.close();
  }
}

/** `cli no-change plan` and `cli plan after 3 edits` of the generated repository against a server with injected latency. */
export async function runCliPlanScenarios(o: CliOptions): Promise<ScenarioResult[]> {
  const stack = generateStack(o.sizes);
  const objects = stack.resources.length;
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-cli-tree-'));
  writeNamespaceTree(tree, stack);
  const dir = userProject(tree, o.cli);
  const server = await spawnServer(o.latencyMs);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', KESTRA_URL: server.url };
  delete env.KESTRA_TENANT;
  try {
    const seedStart = performance.now();
    await seed(dir, server);
    const seedMs = performance.now() - seedStart;

    const startup = measureStartup(o.cli, o.runs, env);
    const app = measureApp(dir, o.runs, env);
    const plan = repeat(o.runs, () => {
      const r = cli(o.cli, dir, ['plan', '--detailed-exitcode'], env);
      expectExit(r, 0, 'no-change plan of the generated repository');
      return r;
    });
    const baseline = await terraformRefreshBaseline(server, stack);
    const edited = repeat(o.runs, (i) => {
      editTree(tree, stack, i);
      const r = cli(o.cli, dir, ['plan', '--detailed-exitcode'], env);
      expectExit(r, 2, 'plan after 3 edits');
      if (!/0 to add, 3 to change, 0 to destroy/.test(r.stdout)) throw new Error(`plan after 3 edits did not plan 3 changes:\n${r.stdout.slice(-3000)}`);
      return r;
    });

    const rt = planLowerBound(stack, o, 0);
    const startupMs = startup.version.median.ms;
    const boundMs = rt.ms + startupMs;
    const ratio = plan.median.ms / boundMs;
    const speedup = baseline.wallMs / plan.median.ms;
    const label = o.label ?? 'cli';
    const speedupTarget = o.speedupTarget;
    const startNote =
      `start-up (fresh \`kestraform --version\`, median of ${startup.version.all.length}: ${list(startup.version.all)} ms) ${ms(startupMs)}, of which Node itself (\`node -e 0\`) ${ms(startup.nodeMs)}; ` +
      `the app alone (its synth, ${list(app.all)} ms) ${ms(app.median.ms)}`;
    const noChange = result(`${label} no-change plan`, objects, plan, {
      lowerBound: { ms: boundMs, requests: rt.requests, rounds: rt.rounds, concurrency: rt.concurrency, latencyMs: o.latencyMs },
      ratioToLowerBound: ratio,
      baseline,
      speedupOverBaseline: speedup,
      target: `${speedupTarget ? `≥ ${speedupTarget}× faster than the per-resource model, ` : ''}≤ 1.5× (round-trip bound + start-up)`,
      met: (speedupTarget === undefined || speedup >= speedupTarget) && ratio <= 1.5,
      notes:
        `${o.sizes.flows} flows, ${o.sizes.files} files and ${o.sizes.kv} KV pairs over ${o.sizes.namespaces} namespaces, ${o.latencyMs} ms a request; ` +
        `bound = ${rt.rounds} rounds × ${o.latencyMs} ms = ${Math.round(rt.ms)} ms of round trips + ${Math.round(startupMs)} ms start-up = ${Math.round(boundMs)} ms; ` +
        `fresh CLI processes (kestraform ${o.cli.shownAs}), median of ${plan.all.length} (${cliList(plan.all)} ms; the first is the cold one; "(app)": that run ran the app, with no synth to reuse); ${startNote}; ` +
        `median run: ${breakdown(plan.median)}; peak RSS with the app ${treeRssOf(plan.all) ?? '(no /usr/bin/time)'} MB; ` +
        `per-resource model: ${baseline.requests} GETs at 10 in flight; seeding (synth + engine apply, not measured) ${ms(seedMs)}`,
    });
    const editRatio = edited.median.ms / plan.median.ms;
    const edits = result(`${label} plan after 3 edits`, objects, edited, {
      target: `≤ 1.3× the ${label} no-change plan`,
      met: editRatio <= 1.3,
      notes: `one flow, one namespace file and one KV value edited before each run (a new edit each time); ${editRatio.toFixed(2)}× the no-change plan; median of ${edited.all.length} (${cliList(edited.all)} ms; the first is the cold one); median run: ${breakdown(edited.median)}`,
    });
    return [noChange, edits];
  } finally {
    await server.close();
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `cli example plan`: the example stack's no-change plan against the local default (the embedded server, no KESTRA_URL). */
export async function runCliExampleScenario(runs: number, under: CliUnderTest): Promise<ScenarioResult> {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-example-'));
  fs.cpSync(path.join(REPO, 'examples', 'kestra'), tree, { recursive: true });
  const dir = userProject(tree, under);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('KESTRA_')) delete env[k];
  try {
    const applied = cli(under, dir, ['apply', '--auto-approve'], env);
    expectExit(applied, 0, 'example apply');
    const objects = Number(/(\d+) added/.exec(applied.stdout)?.[1] ?? 0);
    const startup = measureStartup(under, runs, env);
    const app = measureApp(dir, runs, env);
    const plan = repeat(runs, () => {
      const r = cli(under, dir, ['plan', '--detailed-exitcode'], env);
      expectExit(r, 0, 'no-change plan of the example stack');
      return r;
    });
    return result('cli example plan', objects, plan, {
      target: '≤ 500 ms wall',
      met: plan.median.ms <= 500,
      notes:
        `fresh CLI processes (kestraform ${under.shownAs}) against the embedded server, median of ${plan.all.length} (${cliList(plan.all)} ms; the first is the cold one); ` +
        `start-up (fresh \`kestraform --version\`: ${list(startup.version.all)} ms) ${ms(startup.version.median.ms)}, Node itself ${ms(startup.nodeMs)}; ` +
        `the app alone (${list(app.all)} ms) ${ms(app.median.ms)}; median run: ${breakdown(plan.median)}; peak RSS with the app ${treeRssOf(plan.all) ?? '(no /usr/bin/time)'} MB`,
    });
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
