/**
 * Which stacks a command works on: `--stack NAME` (repeatable), `--all-stacks`, or by default all
 * of them — except for the commands that change something, which want to be told when a project
 * has several stacks (an environment each: applying to prod must never be a default).
 */
import type { Command } from 'commander';
import { UserError } from './errors';

export interface StackSelection {
  stack: string[];
  allStacks?: boolean;
  /** false with `--no-cache`: run the app even when its last synth could be reused. */
  cache?: boolean;
}

/** Whether the command may default to every stack (plan, drift, validate, status) or wants them named when there are several (apply, destroy, pull). */
export type SelectionDefault = 'all' | 'named-when-several';

export function addStackOptions(command: Command): Command {
  return command
    .option('--stack <name>', 'only this stack (repeat for several)', (name: string, names: string[]) => [...names, name], [] as string[])
    .option('--all-stacks', 'every stack of the project');
}

/** The stacks to read: undefined for all of them. */
export function requestedStacks(sel: StackSelection): string[] | undefined {
  if (sel.allStacks && sel.stack.length) throw new UserError('give either --stack or --all-stacks, not both');
  return sel.stack.length ? [...new Set(sel.stack)] : undefined;
}

/** Refuses an unnamed choice among several stacks where the command wants them named. */
export function checkSelection(sel: StackSelection, stacks: readonly string[], mode: SelectionDefault, command: string): void {
  if (mode === 'all' || sel.allStacks || sel.stack.length || stacks.length <= 1) return;
  throw new UserError(`this project has ${stacks.length} stacks (${stacks.join(', ')}): name the ones to ${command} with --stack NAME (repeatable), or pass --all-stacks`);
}
