/**
 * `npm run bench`: kestraform's benchmarks. Each scenario prints a table row and a final JSON
 * line with requests by kind, bytes, wall time, peak RSS, its computed lower bound and the ratios.
 *
 *   npm run bench -- --scenario plan,drift,apply,cpu,synth,synth-large,example --flows 5000 --files 5000 --kv 1000 --namespaces 100 --latency 20 --runs 3
 */
import { parseArgs } from 'node:util';
import { runServerScenarios } from './scenarios/server';
import { runCpuScenario } from './scenarios/cpu';
import { runSynthScenario } from './scenarios/synth';
import { runExampleScenario } from './scenarios/example';
import type { ScenarioResult } from './report';
import { printTable } from './report';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'plan,drift,apply,cpu,synth,synth-large,example' },
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
    },
    allowPositionals: false,
  });
  const num = (k: keyof typeof values) => {
    const n = Number(values[k]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} must be a number, not ${values[k]}`);
    return n;
  };
  const wanted = new Set(String(values.scenario).split(','));
  const results: ScenarioResult[] = [];
  const sizes = { flows: num('flows'), files: num('files'), kv: num('kv'), namespaces: num('namespaces') };
  if (wanted.has('plan') || wanted.has('drift') || wanted.has('apply')) {
    results.push(...(await runServerScenarios({ sizes, latencyMs: num('latency'), concurrency: num('concurrency'), applyFlows: num('apply-flows'), runs: num('runs'), wanted })));
  }
  if (wanted.has('cpu')) results.push(await runCpuScenario(num('cpu-flows')));
  if (wanted.has('synth')) {
    const n = num('synth-resources');
    results.push(await runSynthScenario(Math.ceil(n / 2), Math.floor(n / 2), 1500));
  }
  // The foundation's scale check: a tree of 10,000 flows and 10,000 files synthesizes.
  if (wanted.has('synth-large')) results.push(await runSynthScenario(10000, 10000));
  if (wanted.has('example')) results.push(await runExampleScenario());
  printTable(results);
  for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
