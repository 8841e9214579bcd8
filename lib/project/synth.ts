/**
 * Runs the app command of cdktf.json as the cdktf CLI does (context in CDKTF_CONTEXT_JSON, output
 * folder in CDKTF_OUTDIR), then reads the result — or reuses the output folder's synth when
 * nothing the app read changed since it ran (./synth-cache). Only the synthesized JSON crosses
 * into the engine.
 */
import * as path from 'node:path';
import type { Project } from './config';
import { runApp } from './run-app';
import { cacheOffByEnv, stillPublished, type SourceVouching } from './synth-cache';
import { decodedKey, loadDecoded, loadPreviousDecoded, saveDecoded, watchedEnvironment } from './decoded-cache';
import { readDesired, withEarlierTexts, type PreviousRead } from '../desired/read';
import type { DesiredState } from '../desired/types';

export { runApp, SynthError, type StagedSynth } from './run-app';

export interface SynthOptions {
  /** Only these stacks (default: all). */
  stacks?: readonly string[];
  /** Extra context entries (override cdktf.json's). */
  context?: Record<string, unknown>;
  /** Run the app even when its last synth could be reused (`--no-cache`). */
  noCache?: boolean;
  /** Where the line saying a synth was reused goes (default: stderr). */
  report?: (line: string) => void;
  /**
   * Called when the app runs, before its end is awaited, with the stacks as the last kept read
   * had them (./decoded-cache), if any: a command may start on them what it can verify later.
   */
  whileAppRuns?: (previous: DesiredState) => void;
}

/**
 * Runs the app and reads what it wrote, from its own staging folder; that folder then becomes
 * cdktf.out (also when reading it found errors, so it can be looked at). A reused synth is read
 * in place (or taken from the last command's read of it, ./decoded-cache), and kept only if the
 * output folder still holds it once read (another command may publish a synth meanwhile); else
 * the app runs.
 */
export async function synthesize(project: Project, opts: SynthOptions = {}): Promise<DesiredState> {
  // The synth cache's switch turns this reuse off too (nothing kept is read).
  const whileAppRuns = cacheOffByEnv() ? undefined : opts.whileAppRuns;
  // While the app runs: what a command starts on the last kept read, and the read of the
  // previous synth's texts that the read of the new one compares with (the main thread has time).
  let appRunning = false;
  let previousAhead: PreviousRead | undefined;
  const onSpawn = () => {
    appRunning = true;
    if (whileAppRuns) {
      const previous = loadPreviousDecoded(project, opts.stacks);
      if (previous) whileAppRuns(previous.desired);
    }
    setTimeout(() => {
      const previous = appRunning ? previousRead(project, opts.stacks) : undefined;
      if (previous) previousAhead = withEarlierTexts(previous);
    }, 0);
  };
  const staged = await runApp(project, { context: opts.context, reuse: !opts.noCache }, onSpawn).finally(() => (appRunning = false));
  if (staged.reused) {
    const key = decodedKey(project, staged.reused.synthId, opts.stacks);
    let desired = loadDecoded(project, key);
    const kept = desired !== undefined;
    const env = watchedEnvironment(process.env);
    if (!desired) {
      try {
        desired = readDesired(staged.dir, project.dir, { stacks: opts.stacks, shownAs: project.outDir, env: env.env });
      } catch {
        desired = undefined;
      }
    }
    if (desired && stillPublished(project, staged.reused.synthId)) {
      if (!kept && !env.consulted()) saveDecoded(project, key, desired);
      (opts.report ?? ((l: string) => process.stderr.write(l + '\n')))(reusedLine(project, staged.reused.createdAt));
      vouched.set(desired, staged.reused.sourceUnchanged);
      return desired;
    }
    return synthesize(project, { ...opts, noCache: true });
  }
  const env = watchedEnvironment(process.env);
  let desired: DesiredState;
  try {
    desired = readDesired(staged.dir, project.dir, { stacks: opts.stacks, shownAs: project.outDir, env: env.env, previous: previousAhead ?? previousRead(project, opts.stacks) });
  } finally {
    staged.publish();
  }
  // Kept for the next command, which reuses this synth when nothing changes meanwhile — written
  // once this command has moved on (its first requests out: a timer comes after the immediates
  // that send them), as it only speeds up the next one.
  if (staged.synthId && !env.consulted()) {
    const key = decodedKey(project, staged.synthId, opts.stacks);
    setTimeout(() => saveDecoded(project, key, desired), 0);
  }
  if (staged.sourceUnchanged) vouched.set(desired, staged.sourceUnchanged);
  return desired;
}

/**
 * The last kept read, when the output folder (not yet replaced by the new synth) still holds the
 * synth it was read from: the new read takes from it each resource whose block is unchanged.
 * Not when the synth cache is off (nothing kept is read).
 */
function previousRead(project: Project, stacks: readonly string[] | undefined): PreviousRead | undefined {
  if (cacheOffByEnv()) return undefined;
  const previous = loadPreviousDecoded(project, stacks);
  if (!previous || !stillPublished(project, previous.synthId)) return undefined;
  return { state: previous.desired, outDir: project.outDir, stillCurrent: () => stillPublished(project, previous.synthId) };
}

const vouched = new WeakMap<DesiredState, SourceVouching>();

/**
 * For stacks synthesize gave: whether a file the app read holds the bytes of this sha256 (lib/kinds
 * OfflineContext) — as the synth cache's check just found for a reused synth, or, after an app run
 * whose reads were recorded, as the file's stat still says since the app read it. Undefined after an
 * unrecorded run.
 */
export function sourcesVouchedFor(desired: DesiredState): SourceVouching | undefined {
  return vouched.get(desired);
}

/** The line reusedLine writes (for whoever reads stderr: tests, wrappers). */
export const REUSED_LINE = /^Synth: reused .* \(nothing the app read changed since [^)]*\)\n/m;

/** "Synth: reused cdktf.out (nothing the app read changed since 13:42:05)" — the date too when it is not today's. */
export function reusedLine(project: Project, at: Date, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const sameDay = at.toDateString() === now.toDateString();
  const when = sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
  return `Synth: reused ${path.relative(project.dir, project.outDir) || '.'} (nothing the app read changed since ${when}; --no-cache runs the app)`;
}
