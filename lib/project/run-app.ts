/**
 * Runs the app command of cdktf.json as the cdktf CLI does: context in CDKTF_CONTEXT_JSON, output
 * folder in CDKTF_OUTDIR (a staging folder of this run's own, see ./staging). Light on purpose (no
 * engine imports): the CLI starts the app from here before it loads the rest of itself, and picks
 * the run up when the command asks for the synth.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Project } from './config';
import { discardStaged, newStagingDir, publishStaged } from './staging';
import { UserFacingError } from '../util/errors';

export class SynthError extends UserFacingError {
}

export interface AppRunOptions {
  /** Extra context entries (override cdktf.json's). */
  context?: Record<string, unknown>;
}

/** What one app run wrote: read it from `dir`, then publish it as the output folder. */
export interface StagedSynth {
  dir: string;
  /** Makes this run's output the project's output folder (cdktf.out). */
  publish(): void;
}

interface EarlyRun {
  key: string;
  done: Promise<StagedSynth>;
  child?: ChildProcess;
  staging?: string;
}

let early: EarlyRun | undefined;

/**
 * Starts the app now; the next runApp for the same project and context takes this run instead of
 * starting another. Errors wait for that call (or vanish with abandonEarlyApp).
 */
export function startAppEarly(project: Project, opts: AppRunOptions = {}): void {
  if (early) return;
  const run = { key: runKey(project, opts) } as EarlyRun;
  run.done = spawnApp(project, opts, (child, staging) => Object.assign(run, { child, staging }));
  run.done.catch(() => undefined); // reported when taken
  early = run;
}

/** Stops an early run nobody took (the command ended before it needed the synth). */
export function abandonEarlyApp(): void {
  early?.child?.kill('SIGTERM');
  if (early?.staging) discardStaged(early.staging);
  early = undefined;
}

export async function runApp(project: Project, opts: AppRunOptions = {}): Promise<StagedSynth> {
  if (early && early.key === runKey(project, opts)) {
    const taken = early;
    early = undefined;
    return taken.done;
  }
  return spawnApp(project, opts);
}

function runKey(project: Project, opts: AppRunOptions): string {
  return JSON.stringify([project.dir, project.app, project.outDir, { ...project.context, ...opts.context }]);
}

async function spawnApp(project: Project, opts: AppRunOptions, started?: (child: ChildProcess, staging: string) => void): Promise<StagedSynth> {
  const staging = newStagingDir(project.outDir);
  const env = {
    ...process.env,
    // As npm runs scripts: the project's own bins (kestraform-app among them) come first, also when
    // kestraform was started without npx.
    PATH: [path.join(project.dir, 'node_modules', '.bin'), process.env.PATH].filter(Boolean).join(path.delimiter),
    CDKTF_OUTDIR: staging,
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...project.context, ...opts.context }),
  };
  const stderr: Buffer[] = [];
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(project.app, { cwd: project.dir, env, shell: true, stdio: ['ignore', 'inherit', 'pipe'] });
      started?.(child, staging);
      child.stderr.on('data', (b: Buffer) => stderr.push(b));
      child.on('error', reject);
      child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    if (code !== 0) {
      const text = Buffer.concat(stderr).toString('utf8').trim();
      throw new SynthError(`synth failed: \`${project.app}\` (the "app" of cdktf.json) exited with code ${code}${text ? `:\n${indent(text)}` : ''}\nFix the stack code above, then run the command again.`);
    }
    if (!fs.existsSync(path.join(staging, 'manifest.json'))) {
      throw new SynthError(`synth wrote no ${path.relative(project.dir, project.outDir)}/manifest.json — the app command must call app.synth()`);
    }
  } catch (e) {
    discardStaged(staging);
    throw e;
  }
  return { dir: staging, publish: () => publishStaged(staging, project.outDir) };
}

function indent(s: string): string {
  return s.split('\n').map((l) => `  ${l}`).join('\n');
}
