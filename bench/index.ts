/**
 * `npm run bench`: kestraform's benchmarks. Each scenario prints a table row and a final JSON
 * line with requests by kind, bytes, wall time, peak RSS, its computed lower bound and the ratios.
 *
 *   npm run bench -- --scenario cli,cli-remote,cli-example,plan,drift,apply,cpu,synth,synth-large --flows 5000 --files 5000 --kv 1000 --namespaces 100 --latency 20 --runs 3
 *
 * `cli`, `cli-remote` and `cli-example` time whole commands (a fresh CLI process per run); the
 * others time the engine inside one process. `example` is the former name of `cli-example`.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runServerScenarios } from './scenarios/server';
import { runCpuScenario } from './scenarios/cpu';
import { runSynthScenario } from './scenarios/synth';
import { cliUnderTest, REMOTE, runCliExampleScenario, runCliPlanScenarios } from './scenarios/cli';
import { runServerApplyScenario } from './scenarios/server-apply';
import type { ScenarioResult } from './report';
import { printTable } from './report';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'cli,cli-remote,cli-example,plan,drift,apply,apply-durable,cpu,synth,synth-large' },
      flows: { type: 'string', default: '5000' },
      files: { type: 'string', default: '5000' },
      kv: { type: 'string', default: '1000' },
      namespaces: { type: 'string', default: '100' },
      latency: { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '16' },
      'apply-flows': { type: 'string', default: '1000' },
      runs: { type: 'string', default: '3' },
      'cpu-flows': { type: 'string', default: '10000' },
      'synth-resources': { type: 'string', default: '10000' },
      // The CLI scenarios run kestraform installed from `npm pack`, as a user has it; this flag runs the checkout's bin instead.
      'from-checkout': { type: 'boolean', default: false },
      child: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const wanted = new Set(String(values.scenario).split(',').map((n) => (n === 'example' ? 'cli-example' : n)));
  // Each group of scenarios runs in a fresh process, so one's memory and JIT state never count
  // against the next; the child prints its result lines, the parent prints the table.
  if (!values.child) {
    const groups = [['cli'], ['cli-remote'], ['cli-example'], ['plan', 'drift', 'apply'], ['apply-durable'], ['cpu'], ['synth'], ['synth-large']].map((g) => g.filter((n) => wanted.has(n))).filter((g) => g.length);
    const results: ScenarioResult[] = [];
    for (const group of groups) {
      const args = process.argv.slice(2).filter((a, i, all) => a !== '--scenario' && all[i - 1] !== '--scenario' && !a.startsWith('--scenario='));
      const child = spawnSync(process.execPath, [require.resolve('../bin/run-ts.js'), __filename, ...args, '--scenario', group.join(','), '--child'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
      if (child.status !== 0) throw new Error(`scenario ${group.join(',')} failed (exit ${child.status})`);
      results.push(...child.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ScenarioResult));
    }
    printTable(results);
    for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const num = (k: keyof typeof values) => {
    const n = Number(values[k]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} must be a number, not ${values[k]}`);
    return n;
  };
  const results: ScenarioResult[] = [];
  const sizes = { flows: num('flows'), files: num('files'), kv: num('kv'), namespaces: num('namespaces') };
  if (wanted.has('cli') || wanted.has('cli-remote') || wanted.has('cli-example')) {
    const cli = cliUnderTest(Boolean(values['from-checkout']));
    try {
      if (wanted.has('cli')) results.push(...(await runCliPlanScenarios({ sizes, latencyMs: num('latency'), concurrency: num('concurrency'), runs: num('runs'), cli, speedupTarget: 15 })));
      if (wanted.has('cli-remote')) results.push(...(await runCliPlanScenarios({ ...REMOTE, concurrency: num('concurrency'), runs: num('runs'), cli, label: 'cli remote' })));
      if (wanted.has('cli-example')) results.push(await runCliExampleScenario(num('runs'), cli));
    } finally {
      cli.cleanup();
    }
  }
  if (wanted.has('plan') || wanted.has('drift') || wanted.has('apply')) {
    results.push(...(await runServerScenarios({ sizes, latencyMs: num('latency'), concurrency: num('concurrency'), applyFlows: num('apply-flows'), runs: num('runs'), wanted })));
  }
  if (wanted.has('apply-durable')) results.push(await runServerApplyScenario({ sizes, runs: num('runs') }));
  if (wanted.has('cpu')) results.push(await runCpuScenario(num('cpu-flows')));
  if (wanted.has('synth')) {
    const n = num('synth-resources');
    results.push(await runSynthScenario(Math.ceil(n / 2), Math.floor(n / 2), num('runs'), 1500));
  }
  // The foundation's scale check: a tree of 10,000 flows and 10,000 files synthesizes.
  if (wanted.has('synth-large')) results.push(await runSynthScenario(10000, 10000, 1));
  for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
