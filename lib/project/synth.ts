/**
 * Runs the app command of cdktf.json as the cdktf CLI does (context in CDKTF_CONTEXT_JSON, output
 * folder in CDKTF_OUTDIR), then reads the result. Only the synthesized JSON crosses into the engine.
 */
import type { Project } from './config';
import { runApp } from './run-app';
import { readDesired } from '../desired/read';
import type { DesiredState } from '../desired/types';

export { runApp, SynthError, type StagedSynth } from './run-app';

export interface SynthOptions {
  /** Only these stacks (default: all). */
  stacks?: readonly string[];
  /** Extra context entries (override cdktf.json's). */
  context?: Record<string, unknown>;
}

/**
 * Runs the app and reads what it wrote, from its own staging folder; that folder then becomes
 * cdktf.out (also when reading it found errors, so it can be looked at).
 */
export async function synthesize(project: Project, opts: SynthOptions = {}): Promise<DesiredState> {
  const staged = await runApp(project, opts);
  try {
    return readDesired(staged.dir, project.dir, { stacks: opts.stacks, shownAs: project.outDir });
  } finally {
    staged.publish();
  }
}

