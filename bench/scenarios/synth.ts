/**
 * Synth of a generated Git tree (half flows, half namespace files) through the project's own app
 * command, as `kestraform synth` runs it: the time a user waits before any plan can start.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runApp } from '../../lib/project/run-app';
import { readDesired } from '../../lib/desired/read';
import { flowSource } from '../generate';
import { median, timed } from '../measure';
import type { ScenarioResult } from '../report';

const REPO = path.resolve(__dirname, '../..');

export function writeTree(root: string, flows: number, files: number, namespaces = 100): void {
  for (let i = 0; i < flows; i++) {
    const ns = `synth.ns${i % namespaces}`;
    fs.mkdirSync(path.join(root, ns, 'flows'), { recursive: true });
    fs.writeFileSync(path.join(root, ns, 'flows', `flow-${i}.yml`), flowSource(ns, `flow-${i}`));
  }
  for (let i = 0; i < files; i++) {
    const ns = `synth.ns${i % namespaces}`;
    const dir = path.join(root, ns, 'files', 'scripts', `part${i % 5}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `script-${i}.py`), `print(${i})\n# ${'x'.repeat(i % 500)}\n`);
  }
}

export function tempProject(tree: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-project-'));
  fs.writeFileSync(
    path.join(dir, 'cdktf.json'),
    JSON.stringify({ app: `node ${JSON.stringify(path.join(REPO, 'bin', 'run-ts.js'))} ${JSON.stringify(path.join(REPO, 'main.ts'))}`, output: 'cdktf.out', context: { 'kestraform:tree': tree } }),
  );
  return dir;
}

/**
 * Synth of `flows` flows and `files` files, `runs` times (each a fresh app process, as every CLI
 * run is): the median wall time counts; `targetMs` undefined = no timed target (it must finish).
 */
export async function runSynthScenario(flows: number, files: number, runs: number, targetMs?: number): Promise<ScenarioResult> {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-tree-'));
  writeTree(tree, flows, files);
  const dir = tempProject(tree);
  try {
    const app = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')).app;
    // The app runs in a child process: GNU time reports its peak memory where available.
    const rssFile = path.join(dir, 'maxrss');
    const measured = fs.existsSync('/usr/bin/time') ? `/usr/bin/time -f %M -o ${JSON.stringify(rssFile)} ${app}` : app;
    const project = { dir, app: measured, outDir: path.join(dir, 'cdktf.out'), context: { 'kestraform:tree': tree } };
    const samples: { ms: number; appMs: number; readMs: number; peakRssMb: number; childRssMb?: number; count: number }[] = [];
    for (let i = 0; i < Math.max(1, runs); i++) {
      let appMs = 0;
      const t = await timed(async () => {
        const started = performance.now();
        const staged = await runApp(project);
        appMs = performance.now() - started;
        const desired = readDesired(staged.dir, project.dir, { shownAs: project.outDir });
        staged.publish();
        return desired;
      });
      const childRssMb = fs.existsSync(rssFile) ? Math.round(Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024) : undefined;
      samples.push({ ms: t.ms, appMs, readMs: t.ms - appMs, peakRssMb: t.peakRssMb, childRssMb, count: t.result.stacks.reduce((n, s) => n + s.resources.length, 0) });
    }
    const mid = samples.find((s) => s.ms === median(samples.map((x) => x.ms)))!;
    const peakRssMb = Math.max(...samples.map((s) => Math.max(s.peakRssMb, s.childRssMb ?? 0)));
    const childRss = samples[0].childRssMb;
    const all = samples.map((s) => Math.round(s.ms)).join(', ');
    return {
      scenario: `synth of ${mid.count} resources (${flows} flows, ${files} files)`, objects: mid.count, requests: 0, requestsByKind: {}, bytesIn: 0, bytesOut: 0,
      wallMs: mid.ms, peakRssMb, lowerBound: null, ratioToLowerBound: null, baseline: null, speedupOverBaseline: null,
      target: targetMs ? `≤ ${targetMs} ms; RSS ≤ 400 MB` : 'finishes; RSS ≤ 400 MB', met: (targetMs === undefined || mid.ms <= targetMs) && peakRssMb <= 400,
      notes: `median of ${samples.length} fresh app processes (${all} ms): app ${Math.round(mid.appMs)} ms (tree read + hashing + cdktf synth), read-back of cdktf.out ${Math.round(mid.readMs)} ms; peak RSS of the synth process ${childRss ?? '(not measured: no /usr/bin/time)'} MB`,
    };
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
