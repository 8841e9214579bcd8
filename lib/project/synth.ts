/**
 * Runs the app command of cdktf.json as the cdktf CLI does (context in CDKTF_CONTEXT_JSON, output
 * folder in CDKTF_OUTDIR), then reads the result. Only the synthesized JSON crosses into the engine.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Project } from './config';
import { readDesired } from '../desired/read';
import type { DesiredState } from '../desired/types';

export class SynthError extends Error {
  readonly userFacing = true;
}

export interface SynthOptions {
  stack?: string;
  /** Extra context entries (override cdktf.json's). */
  context?: Record<string, unknown>;
}

export async function synthesize(project: Project, opts: SynthOptions = {}): Promise<DesiredState> {
  await runApp(project, opts);
  return readDesired(project.outDir, project.dir, { stack: opts.stack });
}

export async function runApp(project: Project, opts: SynthOptions = {}): Promise<void> {
  fs.rmSync(path.join(project.outDir, 'manifest.json'), { force: true });
  const env = {
    ...process.env,
    CDKTF_OUTDIR: project.outDir,
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...project.context, ...opts.context }),
  };
  const stderr: Buffer[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(project.app, { cwd: project.dir, env, shell: true, stdio: ['ignore', 'inherit', 'pipe'] });
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', reject);
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) {
    const text = Buffer.concat(stderr).toString('utf8').trim();
    throw new SynthError(`synth failed: \`${project.app}\` (the "app" of cdktf.json) exited with code ${code}${text ? `:\n${indent(text)}` : ''}\nFix the stack code above, then run the command again.`);
  }
  if (!fs.existsSync(path.join(project.outDir, 'manifest.json'))) {
    throw new SynthError(`synth wrote no ${path.relative(project.dir, project.outDir)}/manifest.json — the app command must call app.synth()`);
  }
}

function indent(s: string): string {
  return s.split('\n').map((l) => `  ${l}`).join('\n');
}
