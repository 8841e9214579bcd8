/**
 * What apply and destroy share once a plan is approved: their write flags, and carrying the plan
 * out — progress, state saved after every action, the interrupt honoured, failures told.
 */
import type { Command } from 'commander';
import { Progress } from './progress';
import { UserError } from './errors';
import { secondsOption } from './seconds-option';
import type { Interrupt } from './interrupt';
import type { Target } from './target';
import { isQuiet, type Plan, type PlanStep } from '../engine/plan-types';
import { applyPlan, type ApplyResult } from '../engine/apply';
import { LiveState } from '../engine/apply-state';
import type { StateBackend } from '../engine/state';
import type { StateFile } from '../engine/state-types';
import type { DesiredStack } from '../desired/types';

export interface WriteFlags {
  parallelism?: string;
  lockTimeout: string;
}

export interface WriteOptions {
  /** Undefined: the default of the target (writeParallelism). */
  parallelism?: number;
  lockWaitMs: number;
}

export function addWriteOptions(command: Command): Command {
  return command
    .option('--parallelism <n>', `concurrent API writes (default ${DEFAULT_WRITE_PARALLELISM}; ${EMBEDDED_WRITE_PARALLELISM} against the embedded local server)`)
    .option('--lock-timeout <seconds>', 'wait this long for the state lock', '0');
}

export const DEFAULT_WRITE_PARALLELISM = 8;
/**
 * The embedded local server runs in this process with no network between: more writes in flight
 * only let one fsync of its journal cover more of them (group commit).
 */
export const EMBEDDED_WRITE_PARALLELISM = 32;

export function parseWriteFlags(flags: WriteFlags): WriteOptions {
  const lockWaitMs = parseLockTimeout(flags.lockTimeout);
  if (flags.parallelism === undefined) return { lockWaitMs };
  const parallelism = Number(flags.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64) throw new UserError(`--parallelism must be a whole number from 1 to 64, not "${flags.parallelism}"`);
  return { parallelism, lockWaitMs };
}

/** The writes in flight at once: as asked, else the target's default. */
export function writeParallelism(asked: number | undefined, target: Target): number {
  return asked ?? (target.embedded ? EMBEDDED_WRITE_PARALLELISM : DEFAULT_WRITE_PARALLELISM);
}

/** `--lock-timeout <seconds>` as milliseconds. */
export function parseLockTimeout(seconds: string): number {
  return secondsOption('--lock-timeout', seconds);
}

export interface CarryOut {
  plan: Plan;
  stack: DesiredStack;
  state: StateFile;
  backend: StateBackend;
  target: Target;
  /** Undefined: the target's default. */
  parallelism?: number;
  interrupt: Interrupt;
  /** The command, as its messages name it. */
  command: 'apply' | 'destroy';
}

/** Runs the plan; the exit code is 0 when it completed, else 1 (failed) or 130 (interrupted), after saying why. */
export async function carryOut(c: CarryOut): Promise<{ result: ApplyResult; code: number }> {
  const progress = new Progress(c.plan.steps.filter((s) => !isQuiet(s)).length);
  let failed = 0;
  const result = await applyPlan({
    client: c.target.client,
    stack: c.stack,
    plan: c.plan,
    state: new LiveState(c.state, c.backend),
    parallelism: writeParallelism(c.parallelism, c.target),
    shouldStop: () => c.interrupt.requested,
    onProgress: (done, _total, step, error) => {
      if (error) failed++;
      if (!progress.enabled || !process.stderr.isTTY) process.stdout.write(actionLine(step, error) + '\n');
      progress.update(done, failed);
    },
  });
  progress.finish();
  for (const f of result.failed) process.stderr.write(`Error: ${f.address}: ${(f.error as Error).message ?? String(f.error)}\n`);
  const actions = (n: number) => `${n} action${n === 1 ? '' : 's'}`;
  if (result.interrupted) {
    process.stderr.write(`Interrupted: ${actions(result.skipped.length)} not started. State is saved; run ${c.command} again to finish.\n`);
    return { result, code: 130 };
  }
  if (result.failed.length) {
    const notStarted = result.skipped.length ? `, ${result.skipped.length} not started` : '';
    const verb = c.command === 'apply' ? 'Apply' : 'Destroy';
    const recorded = c.command === 'apply' ? 'State records everything that succeeded' : 'State still records what was not destroyed';
    process.stderr.write(`\n${verb} failed: ${actions(result.failed.length)} failed${notStarted}. ${recorded}; fix the cause and run ${c.command} again.\n`);
    return { result, code: 1 };
  }
  return { result, code: 0 };
}

function actionLine(c: PlanStep, error?: unknown): string {
  const verb: Record<string, [string, string]> = {
    create: ['Creation', 'creating'],
    update: ['Modifications', 'modifying'],
    delete: ['Destruction', 'destroying'],
    replace: ['Replacement', 'replacing'],
    import: ['Import', 'importing'],
    forget: ['Removal from state', 'forgetting'],
    accept: ['Acceptance into state', 'accepting'],
  };
  const [done, doing] = verb[c.action] ?? ['Action', c.action];
  return error ? `${c.address}: failed while ${doing}` : `${c.address}: ${done} complete`;
}
