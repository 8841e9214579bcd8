import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTarget, type Target } from '../target';
import { backendFor, planWith, withTarget } from '../session';
import { confirmApply } from '../prompt';
import { Progress } from '../progress';
import { UserError } from '../errors';
import { readPlanFile, stalenessOf } from '../../engine/saved-plan';
import { hasChanges, isQuiet, type Plan, type PlanStep } from '../../engine/plan-types';
import { applyPlan, type ApplyResult } from '../../engine/apply';
import { LiveState } from '../../engine/apply-state';
import { acceptDriftSteps, stateOnlyPlan } from '../../engine/plan-state-only';
import { newState } from '../../engine/state';
import type { DesiredStack } from '../../desired/types';
import type { Project } from '../../project/config';
import { formatApplySummary, renderPlanText, renderDriftText, shouldColor } from '../../render';

interface ApplyFlags {
  stack?: string;
  autoApprove?: boolean;
  parallelism: string;
  refreshOnly?: boolean;
  lockTimeout: string;
}

interface StackApplyOptions {
  autoApprove?: boolean;
  refreshOnly?: boolean;
  parallelism: number;
  lockWaitMs: number;
  saved?: Plan;
  planfile?: string;
}

export function register(program: Command): void {
  program
    .command('apply')
    .description('Carry out the plan against Kestra (a saved PLANFILE, or a fresh plan after approval)')
    .argument('[planfile]', 'a plan saved with `kestraform plan --out FILE`')
    .option('--stack <name>', 'only this stack')
    .option('--auto-approve', 'do not ask for approval (required without a terminal)')
    .option('--parallelism <n>', 'concurrent API writes', '8')
    .option('--refresh-only', 'accept changes made outside kestraform into state; write nothing to Kestra')
    .option('--lock-timeout <seconds>', 'wait this long for the state lock', '0')
    .action(async (planfile: string | undefined, opts: ApplyFlags) => {
      const parallelism = Number(opts.parallelism);
      if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64) throw new UserError(`--parallelism must be a whole number from 1 to 64, not "${opts.parallelism}"`);
      const lockWaitMs = Number(opts.lockTimeout) * 1000;
      if (!Number.isFinite(lockWaitMs) || lockWaitMs < 0) throw new UserError(`--lock-timeout must be a number of seconds, not "${opts.lockTimeout}"`);
      const saved = planfile ? readPlanFile(planfile) : undefined;
      if (saved && opts.refreshOnly) throw new UserError('--refresh-only makes its own plan; do not pass a plan file with it');
      const { project, stacks } = await prepareStacks({ stack: opts.stack ?? saved?.stack });
      if (saved && stacks.length !== 1) throw new UserError(`plan file ${planfile} is for stack "${saved.stack}" only`);
      const target = await openTarget(project, stacks, process.env, { maxInFlight: parallelism });
      const code = await withTarget(target, async () => {
        let worst = 0;
        for (const stack of stacks) {
          const c = await applyStack(project, stack, target, { autoApprove: opts.autoApprove, refreshOnly: opts.refreshOnly, parallelism, lockWaitMs, saved, planfile });
          worst = Math.max(worst, c);
          if (c !== 0) break;
        }
        return worst;
      });
      process.exitCode = code;
    });
}

async function applyStack(project: Project, stack: DesiredStack, target: Target, opts: StackApplyOptions): Promise<number> {
  // From before the lock is taken, an interrupt stops cleanly: no new action starts, state keeps
  // every one that completed, the lock is released, exit 130.
  const interrupt = new Interrupt();
  try {
    return await lockedApply(project, stack, target, opts, interrupt);
  } finally {
    interrupt.dispose();
  }
}

async function lockedApply(project: Project, stack: DesiredStack, target: Target, opts: StackApplyOptions, interrupt: Interrupt): Promise<number> {
  const color = shouldColor(process.stdout, process.env);
  const backend = backendFor(project, stack, target);
  const lock = await backend.lock({ operation: opts.refreshOnly ? 'apply -refresh-only' : 'apply' }, { waitMs: opts.lockWaitMs });
  try {
    const current = await planWith(stack, backend, target);
    let plan = current.plan;
    if (opts.saved) {
      const moved = stalenessOf(opts.saved, plan, current.state);
      if (moved.length) {
        process.stderr.write(`Error: Saved plan is stale\n\nThe plan file ${opts.planfile} can no longer be applied, because:\n${moved.map((m) => `  - ${m}`).join('\n')}\n\nMake a new plan with \`kestraform plan --out ${opts.planfile}\` and review it.\n`);
        return 1;
      }
      // Nothing moved since it was made: carry out exactly the steps that were reviewed.
      plan = opts.saved;
    }
    if (opts.refreshOnly) {
      process.stdout.write(renderDriftText(plan.drift, { color }) + '\n');
      if (!plan.drift.some((d) => d.drift !== 'unmanaged')) return 0;
      if (!(await confirmApply('Would you like to update the state to reflect these detected changes? kestraform will write these changes to the state without changing any objects in Kestra.', !!opts.autoApprove))) {
        process.stdout.write('Apply cancelled.\n');
        return 1;
      }
      plan = stateOnlyPlan(plan, acceptDriftSteps(plan, current.live, current.state));
    } else {
      if (!opts.saved) process.stdout.write(renderPlanText(plan, { color }) + '\n');
      if (plan.errors.length) return 1;
      if (hasChanges(plan) && !opts.saved) {
        if (!(await confirmApply(`Do you want to perform these actions on ${target.url} (tenant ${target.tenant})?\n  kestraform will perform the actions described above.`, !!opts.autoApprove))) {
          process.stdout.write('Apply cancelled.\n');
          return 1;
        }
      }
    }
    if (interrupt.requested) {
      process.stderr.write('Interrupted before any change: nothing was applied.\n');
      return 130;
    }
    const state = new LiveState(current.state ?? newState(stack.name), backend);
    const progress = new Progress(plan.steps.filter((s) => !isQuiet(s)).length);
    let failed = 0;
    const result: ApplyResult = await applyPlan({
      client: target.client,
      stack,
      plan,
      state,
      parallelism: opts.parallelism,
      shouldStop: () => interrupt.requested,
      onProgress: (done, _total, step, error) => {
        if (error) failed++;
        if (!progress.enabled || !process.stderr.isTTY) process.stdout.write(actionLine(step, error) + '\n');
        progress.update(done, failed);
      },
    });
    progress.finish();
    for (const f of result.failed) process.stderr.write(`Error: ${f.address}: ${(f.error as Error).message ?? String(f.error)}\n`);
    if (result.interrupted) {
      process.stderr.write(`Interrupted: ${result.skipped.length} action${result.skipped.length === 1 ? '' : 's'} not started. State is saved; run apply again to finish.\n`);
      return 130;
    }
    if (result.failed.length) {
      process.stderr.write(`\nApply failed: ${result.failed.length} action${result.failed.length === 1 ? '' : 's'} failed${result.skipped.length ? `, ${result.skipped.length} not started` : ''}. State records everything that succeeded; fix the cause and run apply again.\n`);
      return 1;
    }
    if (opts.refreshOnly) {
      const n = result.accepted + plan.summary.forget;
      process.stdout.write(`\nApply complete! State updated for ${n} object${n === 1 ? '' : 's'} changed outside kestraform; nothing was written to Kestra.\n`);
    } else if (hasChanges(plan)) process.stdout.write('\n' + formatApplySummary(result) + '\n');
    return 0;
  } finally {
    await lock.release();
  }
}

/** SIGINT during apply: the first asks to stop after the requests in flight, the second stops at once. */
class Interrupt {
  requested = false;
  private readonly onSigint = () => {
    if (this.requested) {
      process.stderr.write('\nSecond interrupt: stopping now. State holds every action that completed.\n');
      process.exit(130);
    }
    this.requested = true;
    process.stderr.write('\nInterrupt received: finishing requests in flight and saving state (interrupt again to stop at once)…\n');
  };

  constructor() {
    process.on('SIGINT', this.onSigint);
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
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
