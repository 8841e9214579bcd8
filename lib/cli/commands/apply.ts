import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTargets, type Target } from '../target';
import { backendFor, planWith, withTargets } from '../session';
import { addStackOptions, type StackSelection } from '../stack-selection';
import { confirmApply } from '../prompt';
import { withInterrupt, type Interrupt } from '../interrupt';
import { addWriteOptions, carryOut, parseWriteFlags, type WriteFlags } from '../carry-out';
import { UserError } from '../errors';
import { readPlanFile, stalenessOf } from '../../engine/saved-plan';
import { hasChanges, type Plan } from '../../engine/plan-types';
import { planDestroy } from '../../engine/plan-destroy';
import { acceptDriftSteps, stateOnlyPlan } from '../../engine/plan-state-only';
import { newState } from '../../engine/state';
import type { DesiredStack } from '../../desired/types';
import type { Project } from '../../project/config';
import { outcomesTableText, type OutcomeRow } from '../../render/stacks-table';
import { formatApplySummary, formatDestroySummary, renderPlanText, renderDriftText, shouldColor } from '../../render';

interface ApplyFlags extends StackSelection, WriteFlags {
  autoApprove?: boolean;
  refreshOnly?: boolean;
}

interface StackApplyOptions {
  autoApprove?: boolean;
  refreshOnly?: boolean;
  parallelism?: number;
  lockWaitMs: number;
  saved?: Plan;
  planfile?: string;
  /** Told what the stack's apply did, when it completed with changes. */
  done: (what: string) => void;
}

export function register(program: Command): void {
  addWriteOptions(addStackOptions(program.command('apply')))
    .description('Carry out the plan against Kestra (a saved PLANFILE, or a fresh plan after approval)')
    .argument('[planfile]', 'a plan saved with `kestraform plan --out FILE` (or `plan --destroy --out FILE`)')
    .option('--auto-approve', 'do not ask for approval (required without a terminal)')
    .option('--refresh-only', 'accept changes made outside kestraform into state; write nothing to Kestra')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (planfile: string | undefined, opts: ApplyFlags) => {
      const { parallelism, lockWaitMs } = parseWriteFlags(opts);
      const saved = planfile ? readPlanFile(planfile) : undefined;
      if (saved && opts.refreshOnly) throw new UserError('--refresh-only makes its own plan; do not pass a plan file with it');
      if (saved && opts.stack.length && (opts.stack.length > 1 || opts.stack[0] !== saved.stack)) throw new UserError(`plan file ${planfile} is for stack "${saved.stack}" only`);
      const { project, stacks } = await prepareStacks({ stack: saved ? [saved.stack] : opts.stack, allStacks: opts.allStacks, cache: opts.cache, selection: 'named-when-several', command: 'apply' });
      if (saved && stacks.length !== 1) throw new UserError(`plan file ${planfile} is for stack "${saved.stack}" only`);
      const targets = await openTargets(project, stacks, process.env, { maxInFlight: parallelism, writes: true });
      const rows: OutcomeRow[] = stacks.map((s) => ({ stack: s.name, environment: s.settings.environment, outcome: 'not run: a stack before it did not complete' }));
      const code = await withTargets(targets, async () => {
        for (const [i, stack] of stacks.entries()) {
          if (stacks.length > 1) process.stdout.write(`${i === 0 ? '' : '\n'}Stack "${stack.name}"${stack.settings.environment ? ` (environment ${stack.settings.environment})` : ''}:\n`);
          const target = targets.of(stack);
          rows[i].target = target.url;
          let done = 'no changes';
          const c = await withInterrupt((interrupt) => lockedApply(project, stack, target, { autoApprove: opts.autoApprove, refreshOnly: opts.refreshOnly, parallelism, lockWaitMs, saved, planfile, done: (what) => (done = what) }, interrupt));
          rows[i].outcome = c === 0 ? done : c === 130 ? 'interrupted' : 'failed or cancelled';
          if (c !== 0) return c;
        }
        return 0;
      });
      if (stacks.length > 1) process.stdout.write(`\n${outcomesTableText(rows)}\n`);
      process.exitCode = code;
    });
}

// Called inside withInterrupt: from before the lock is taken, an interrupt stops cleanly.
async function lockedApply(project: Project, stack: DesiredStack, target: Target, opts: StackApplyOptions, interrupt: Interrupt): Promise<number> {
  const color = shouldColor(process.stdout, process.env);
  const backend = backendFor(project, stack, target);
  const lock = await backend.lock({ operation: opts.refreshOnly ? 'apply -refresh-only' : 'apply' }, { waitMs: opts.lockWaitMs });
  try {
    const current = await planWith(stack, backend, target);
    let plan = current.plan;
    if (opts.saved) {
      // A saved destroy plan is checked against a fresh destroy plan, a saved plan against a plan.
      const fresh = opts.saved.mode === 'destroy' ? planDestroy(plan, stack, current.live, current.state) : plan;
      const moved = stalenessOf(opts.saved, fresh, current.state, stack);
      if (moved.length) {
        process.stderr.write(`Error: Saved plan is stale\n\nThe plan file ${opts.planfile} can no longer be applied, because:\n${moved.map((m) => `  - ${m}`).join('\n')}\n\nMake a new plan with \`kestraform plan --stack ${stack.name}${opts.saved.mode === 'destroy' ? ' --destroy' : ''} --out ${opts.planfile}\` and review it.\n`);
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
    const { result, code } = await carryOut({ plan, stack, state: current.state ?? newState(stack.name), backend, target, parallelism: opts.parallelism, interrupt, command: plan.mode === 'destroy' ? 'destroy' : 'apply' });
    if (code !== 0) return code;
    if (opts.refreshOnly) {
      const n = result.accepted + plan.summary.forget;
      process.stdout.write(`\nApply complete! State updated for ${n} object${n === 1 ? '' : 's'} changed outside kestraform; nothing was written to Kestra.\n`);
      opts.done(`state updated for ${n} object${n === 1 ? '' : 's'}`);
    } else if (plan.mode === 'destroy') {
      process.stdout.write(`\n${formatDestroySummary(result)}\n`);
      opts.done(`${result.destroyed} destroyed`);
    } else if (hasChanges(plan)) {
      process.stdout.write('\n' + formatApplySummary(result) + '\n');
      opts.done(`${result.imported ? `${result.imported} imported, ` : ''}${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed`);
    }
    return 0;
  } finally {
    await lock.release();
  }
}
