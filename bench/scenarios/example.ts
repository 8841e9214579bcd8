/**
 * The everyday case: `kestraform plan` of the example stack with nothing to do, as a user runs
 * it (a fresh CLI process: synth, embedded server start, refresh, plan, render).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { tempProject } from './synth';
import type { ScenarioResult } from '../report';
import { median } from '../measure';

const REPO = path.resolve(__dirname, '../..');

export async function runExampleScenario(): Promise<ScenarioResult> {
  const tree = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'kf-bench-example-'));
  fs.cpSync(path.join(REPO, 'examples', 'kestra'), tree, { recursive: true });
  const dir = tempProject(tree);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.KESTRA_URL;
  // GNU time, where present, reports each CLI run's peak memory (the synth child is measured apart).
  const rssFile = path.join(dir, 'maxrss');
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const cli = (args: string[]) =>
    timeBin
      ? spawnSync(timeBin, ['-f', '%M', '-o', rssFile, process.execPath, path.join(REPO, 'bin', 'kestraform.js'), ...args], { cwd: dir, env, encoding: 'utf8' })
      : spawnSync(process.execPath, [path.join(REPO, 'bin', 'kestraform.js'), ...args], { cwd: dir, env, encoding: 'utf8' });
  const rssMb = () => (fs.existsSync(rssFile) ? Math.round(Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024) : 0);
  try {
    const applied = cli(['apply', '--auto-approve']);
    if (applied.status !== 0) throw new Error(`example apply failed: ${applied.stderr}`);
    const objects = Number(/(\d+) added/.exec(applied.stdout)?.[1] ?? 0);
    const runs: number[] = [];
    let peak = 0;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const r = cli(['plan', '--detailed-exitcode']);
      runs.push(performance.now() - start);
      peak = Math.max(peak, rssMb());
      if (r.status !== 0) throw new Error(`example plan did not report "No changes" (exit ${r.status}): ${r.stdout}${r.stderr}`);
    }
    const middle = median(runs);
    return {
      scenario: 'no-change plan of the example stack (CLI)', objects, requests: 0, requestsByKind: {}, bytesIn: 0, bytesOut: 0,
      wallMs: middle, peakRssMb: peak, lowerBound: null, ratioToLowerBound: null, baseline: null, speedupOverBaseline: null,
      target: '≤ 1500 ms wall; RSS ≤ 400 MB', met: middle <= 1500 && peak <= 400,
      notes: `median of 3 CLI runs: ${runs.map((r) => r.toFixed(0)).join(', ')} ms; peak RSS of the CLI process ${timeBin ? `${peak} MB` : '(not measured: no /usr/bin/time)'}`,
    };
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
