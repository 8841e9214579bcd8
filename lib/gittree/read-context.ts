/**
 * What every reader of a repository's folders shares while one source reads: the folder paths
 * are relative to, how they are shown, the Kestra line, the folders never entered, and where
 * problems and found objects go (all of them, never only the first: nothing here throws on bad
 * input).
 */
import * as path from 'node:path';
import type { KestraMajor } from '../flowrules';
import type { Diagnostic, Severity } from '../util/diagnostics';
import type { FoundObject, OtherYaml, TreeObjects } from './types';

export interface ReadContext {
  /** Absolute folder that relative paths start from. */
  root: string;
  /** Prefix of shown paths ('' for none), e.g. the root relative to the project. */
  displayRoot: string;
  kestraMajor: KestraMajor;
  /** Whether an absolute folder is never entered (kestraform's own output and data). */
  skip: (dir: string) => boolean;
  diagnostics: Diagnostic[];
  found: FoundObject[];
  /** Apps, TestSuites and dashboards read (the stack decides which it deploys). */
  objects: TreeObjects;
  otherYaml: OtherYaml[];
}

export function newReadContext(root: string, opts: { displayRoot?: string; kestraMajor?: KestraMajor; skip?: (dir: string) => boolean }): ReadContext {
  const display = opts.displayRoot ?? root;
  return {
    root: path.resolve(root),
    displayRoot: display === '.' ? '' : display.split(path.sep).join('/'),
    kestraMajor: opts.kestraMajor ?? 2,
    skip: opts.skip ?? (() => false),
    diagnostics: [],
    found: [],
    objects: { apps: [], tests: [], dashboards: [] },
    otherYaml: [],
  };
}

/** A root-relative path ('/'-separated, '' for the root) as messages show it. */
export function shown(ctx: ReadContext, rel: string): string {
  if (!rel) return ctx.displayRoot || '.';
  return ctx.displayRoot ? `${ctx.displayRoot}/${rel}` : rel;
}

/** A root-relative path as an absolute one. */
export function absolute(ctx: ReadContext, rel: string): string {
  return rel ? path.join(ctx.root, ...rel.split('/')) : ctx.root;
}

export function problem(ctx: ReadContext, rel: string, message: string, hint?: string, severity: Severity = 'error'): void {
  ctx.diagnostics.push({ severity, file: shown(ctx, rel), line: 0, column: 0, message, hint });
}

export const joinRel = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * The folders of the project kestraform itself writes (synth output, its staging folders, local
 * state and the embedded server's data): never content of a tree, whatever .gitignore says.
 */
export function kestraformFolders(projectDir: string, outDir = path.join(projectDir, 'cdktf.out')): (dir: string) => boolean {
  const out = path.resolve(outDir);
  const data = path.join(path.resolve(projectDir), '.kestraform');
  // A synth stages its output beside the output folder (`.cdktf.out.synth-<pid>-…`, see lib/project/staging).
  const staging = path.join(path.dirname(out), `.${path.basename(out)}.`);
  return (dir) => dir === out || dir === data || dir.startsWith(staging);
}
