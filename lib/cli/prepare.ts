/**
 * What every command that talks to Kestra does first: synthesize, stop on any error in the
 * stacks or trees (all listed, nothing written to Kestra — only plan and drift may have started
 * reading it for the previous synth's stacks while the app ran, ./read-ahead), print warnings.
 */
import { loadProject, type Project } from '../project/config';
import { sourcesVouchedFor, synthesize } from '../project/synth';
import { offlineChecks, offlineChecksPausing } from '../validate/offline';
import type { DesiredStack, DesiredState } from '../desired/types';
import { crossStackConflicts } from '../desired/ownership';
import { builtinKinds } from '../kinds';
import { checkSelection, requestedStacks, type SelectionDefault } from './stack-selection';
import { targetKeyOf } from './target-key';
import { DiagnosticsError, formatDiagnostic, sortDiagnostics, type Diagnostic } from '../util/diagnostics';

export interface Prepared {
  project: Project;
  stacks: DesiredStack[];
}

export interface PrepareOptions {
  /** The stacks named (`--stack`, repeatable); one name or several. */
  stack?: string | string[];
  allStacks?: boolean;
  /** Whether an unnamed choice among several stacks means all of them, or is refused (commands that change something). */
  selection?: SelectionDefault;
  /** The command, for the message that asks for stacks to be named. */
  command?: string;
  /** false (`--no-cache`): run the app even when its last synth could be reused. */
  cache?: boolean;
  /** Called when the app runs, with the stacks of the last kept synth (see synthesize). */
  whileAppRuns?: (project: Project, previous: DesiredState) => void;
}

export async function prepareStacks(opts: PrepareOptions = {}): Promise<Prepared> {
  const { project, desired } = await synthesizeStacks(opts);
  return checkStacks(project, desired);
}

/** prepareStacks' first half: the synth of the stacks asked for (`--stack` checked), not yet checked offline. */
export async function synthesizeStacks(opts: PrepareOptions = {}): Promise<{ project: Project; desired: DesiredState }> {
  const project = loadProject();
  const sel = { stack: opts.stack === undefined ? [] : Array.isArray(opts.stack) ? opts.stack : [opts.stack], allStacks: opts.allStacks };
  const whileAppRuns = opts.whileAppRuns;
  const desired = await synthesize(project, {
    stacks: requestedStacks(sel),
    noCache: opts.cache === false,
    whileAppRuns: whileAppRuns && ((previous) => whileAppRuns(project, previous)),
  });
  checkSelection(sel, desired.stacks.map((s) => s.name), opts.selection ?? 'all', opts.command ?? 'work on');
  return { project, desired };
}

/** prepareStacks' second half: any error found offline stops the command (all of them listed); warnings printed; the stacks in dependency order. */
export function checkStacks(project: Project, desired: DesiredState): Prepared {
  return reportDiagnostics(project, desired, projectDiagnostics(project, desired));
}

/** checkStacks pausing now and then (offlineChecksPausing), for a command whose requests are out meanwhile. */
export async function checkStacksPausing(project: Project, desired: DesiredState): Promise<Prepared> {
  const sourceUnchanged = sourcesVouchedFor(desired);
  const perStack: Diagnostic[][] = [];
  for (const s of desired.stacks) perStack.push(await offlineChecksPausing(s, project.dir, builtinKinds, { sourceUnchanged }));
  return reportDiagnostics(project, desired, allDiagnostics(project, desired, perStack));
}

function reportDiagnostics(project: Project, desired: DesiredState, sorted: Diagnostic[]): Prepared {
  const errors = sorted.filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticsError(sorted);
  for (const d of sorted) process.stderr.write(formatDiagnostic(d) + '\n');
  return { project, stacks: orderStacks(desired.stacks) };
}

/** Every problem of the synthesized stacks and their trees, offline: synth's, each stack's, and those between stacks. Sorted. */
export function projectDiagnostics(project: Project, desired: DesiredState): Diagnostic[] {
  const sourceUnchanged = sourcesVouchedFor(desired);
  return allDiagnostics(project, desired, desired.stacks.map((s) => offlineChecks(s, project.dir, builtinKinds, { sourceUnchanged })));
}

function allDiagnostics(project: Project, desired: DesiredState, perStack: Diagnostic[][]): Diagnostic[] {
  const diagnostics = [...desired.diagnostics, ...perStack.flat()];
  diagnostics.push(...crossStackConflicts(desired.stacks, (s) => targetKeyOf(s), project.dir));
  return sortDiagnostics(diagnostics);
}

/** Stacks in manifest dependency order (a stack after those it depends on). */
export function orderStacks(stacks: DesiredStack[]): DesiredStack[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const out: DesiredStack[] = [];
  const seen = new Set<string>();
  const visit = (s: DesiredStack) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const d of s.dependencies) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    out.push(s);
  };
  stacks.forEach(visit);
  return out;
}
