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
import { discardStaged, newInputsDir, newStagingDir, publishStaged } from './staging';
import { appBaseEnvironment, beginRecording, cacheOffByEnv, checkSynthCache, execForm, finishRecording, recordedEnvironment, type FinishedRecording, type Recording, type SourceVouching } from './synth-cache';
import { UserFacingError } from '../util/errors';

export class SynthError extends UserFacingError {
}

export interface AppRunOptions {
  /** Extra context entries (override cdktf.json's). */
  context?: Record<string, unknown>;
  /**
   * Reuse the output folder's synth when nothing the app read changed since it ran (see
   * ./synth-cache); default: only for the early start, which the CLI makes.
   */
  reuse?: boolean;
}

/** What one app run wrote: read it from `dir`, then publish it as the output folder. */
export interface StagedSynth {
  dir: string;
  /** Makes this run's output the project's output folder (cdktf.out). */
  publish(): void;
  /** Set when the app ran and what it read was recorded as reusable: the new synth's id. */
  synthId?: string;
  /** Set with synthId: whether a file the app read whole still holds the bytes of a sha256. */
  sourceUnchanged?: SourceVouching;
  /** Set when no app ran: `dir` is the output folder, whose synth was reused (see CacheCheck). */
  reused?: { synthId: string; createdAt: Date; sourceUnchanged: SourceVouching };
}

interface EarlyRun {
  key: string;
  /** The app was started (no synth to reuse). */
  spawned?: boolean;
  done: Promise<StagedSynth>;
  child?: ChildProcess;
  staging?: string;
}

let early: EarlyRun | undefined;

/**
 * Starts the app now — unless the output folder's synth can be reused (`reuse`, default true):
 * the check is a stat per input, done before anything is spawned. The next runApp for the same
 * project and context takes this run instead of starting another. Errors wait for that call (or
 * vanish with abandonEarlyApp).
 */
export function startAppEarly(project: Project, opts: AppRunOptions = {}): void {
  if (early) return;
  const run = { key: runKey(project, opts) } as EarlyRun;
  const reused = opts.reuse === false ? undefined : reusable(project, opts);
  if (reused) {
    run.done = Promise.resolve(reused);
    early = run;
    return;
  }
  run.spawned = true;
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

/** `onSpawn`: called, before the app's end is awaited, when the app runs (no synth reused). */
export async function runApp(project: Project, opts: AppRunOptions = {}, onSpawn?: () => void): Promise<StagedSynth> {
  if (early && early.key === runKey(project, opts)) {
    const taken = early;
    early = undefined;
    if (taken.spawned) onSpawn?.();
    const staged = await taken.done;
    if (!staged.reused || opts.reuse !== false) return staged;
  }
  const reused = opts.reuse ? reusable(project, opts) : undefined;
  if (reused) return reused;
  const run = spawnApp(project, opts);
  onSpawn?.();
  return run;
}

function runKey(project: Project, opts: AppRunOptions): string {
  return JSON.stringify([project.dir, project.app, project.outDir, { ...project.context, ...opts.context }]);
}

function reusable(project: Project, opts: AppRunOptions): StagedSynth | undefined {
  const started = process.hrtime.bigint();
  const check = checkSynthCache(project, { ...project.context, ...opts.context });
  if (process.env.KESTRAFORM_SYNTH_CACHE_DEBUG) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stderr.write(`Synth cache: ${check.hit ? `reusing synth ${check.synthId}` : `running the app: ${check.reason}`} (checked in ${ms.toFixed(1)} ms)\n`);
  }
  if (!check.hit) return undefined;
  return { dir: project.outDir, publish: () => undefined, reused: { synthId: check.synthId, createdAt: check.createdAt, sourceUnchanged: check.sourceUnchanged } };
}

async function spawnApp(project: Project, opts: AppRunOptions, started?: (child: ChildProcess, staging: string) => void): Promise<StagedSynth> {
  const context = { ...project.context, ...opts.context };
  const staging = newStagingDir(project.outDir);
  const base = appBaseEnvironment(project, context);
  let env: NodeJS.ProcessEnv = { ...base, CDKTF_OUTDIR: staging };
  // What the app reads is recorded for the next command (KESTRAFORM_SYNTH_CACHE=0: not at all).
  let recording: Recording | undefined;
  if (!cacheOffByEnv()) {
    let dir: string | undefined;
    try {
      dir = newInputsDir(project.outDir);
      recording = beginRecording(project, context, dir, base);
      env = recordedEnvironment(env, recording);
    } catch {
      // e.g. a read-only project folder: the app runs unrecorded
      recording = undefined;
      if (dir) discardStaged(dir);
    }
  }
  const stderr: Buffer[] = [];
  let rootPid: number | undefined;
  let finished: FinishedRecording = {};
  try {
    const code = await new Promise<number>((resolve, reject) => {
      // A simple command runs as `exec …`: the process started is the app's own, so stopping it stops the app.
      const command = process.platform === 'win32' ? project.app : (execForm(project.app) ?? project.app);
      const child = spawn(command, { cwd: project.dir, env, shell: true, stdio: ['ignore', 'inherit', 'pipe'] });
      rootPid = child.pid;
      started?.(child, staging);
      child.stderr.on('data', (b: Buffer) => stderr.push(b));
      child.on('error', reject);
      child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    if (code !== 0) {
      const text = Buffer.concat(stderr).toString('utf8').trim();
      throw new SynthError(`synth failed: \`${project.app}\` (the "app" of cdktf.json) exited with code ${code}${text ? `:\n${indent(text)}` : ''}\nFix the stack code above, then run the command again.`);
    }
    // What the app said on stderr is shown when it fails, and with the synth cache's debug lines.
    if (process.env.KESTRAFORM_SYNTH_CACHE_DEBUG && stderr.length) process.stderr.write(Buffer.concat(stderr));
    if (!fs.existsSync(path.join(staging, 'manifest.json'))) {
      throw new SynthError(`synth wrote no ${path.relative(project.dir, project.outDir)}/manifest.json — the app command must call app.synth()`);
    }
    if (recording) {
      try {
        const t = process.hrtime.bigint();
        finished = finishRecording(recording, staging, rootPid, project, base);
        if (process.env.KESTRAFORM_SYNTH_CACHE_DEBUG) process.stderr.write(`Synth cache: recorded what the app read (merged in ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(1)} ms)\n`);
      } catch {
        // no manifest: the next command runs the app
      }
    }
  } catch (e) {
    discardStaged(staging);
    if (recording) discardStaged(recording.recordDir);
    throw e;
  }
  return { dir: staging, synthId: finished.synthId, sourceUnchanged: finished.sourceUnchanged, publish: () => publishStaged(staging, project.outDir) };
}

function indent(s: string): string {
  return s.split('\n').map((l) => `  ${l}`).join('\n');
}
