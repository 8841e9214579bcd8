/**
 * Runs the app command of cdktf.json as the cdktf CLI does (context in CDKTF_CONTEXT_JSON, output
 * folder in CDKTF_OUTDIR), then reads the result. Only the synthesized JSON crosses into the engine.
 */
import type { Project } from './config';
import { runApp } from './run-app';
import { readDesired } from '../desired/read';
import type { DesiredState } from '../desired/types';

export { runApp, SynthError } from './run-app';

export interface SynthOptions {
  stack?: string;
  /** Extra context entries (override cdktf.json's). */
  context?: Record<string, unknown>;
}

export async function synthesize(project: Project, opts: SynthOptions = {}): Promise<DesiredState> {
  await runApp(project, opts);
  return readDesired(project.outDir, project.dir, { stack: opts.stack });
}

