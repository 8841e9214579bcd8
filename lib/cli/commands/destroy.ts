/**
 * `kestraform destroy`: deletes from Kestra exactly what each stack's state manages (an
 * environment, a pull-request preview), after showing the plan and getting approval. Objects
 * state does not record, and protected namespaces, are left alone. Several stacks go in the
 * reverse of their order (a stack before those it depends on).
 */
import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTargets, type Target } from '../target';
import { backendFor, planWith, withTargets } from '../session';
import { addStackOptions, type StackSelection } from '../stack-selection';
import { addWriteOptions, carryOut, parseWriteFlags, type WriteFlags, type WriteOptions } from '../carry-out';
import { confirmApply } from '../prompt';
import { withInterrupt, type Interrupt } from '../interrupt';
import { UserError } from '../errors';
import { hasChanges } from '../../engine/plan-types';
import { planDestroy } from '../../engine/plan-destroy';
import type { DesiredStack } from '../../desired/types';
import type { Project } from '../../project/config';
import { formatDestroySummary, renderDriftText, renderPlanText, shouldColor } from '../../render';

interface DestroyFlags extends StackSelection, WriteFlags {
  autoApprove?: boolean;
}

interface StackDestroyOptions extends WriteOptions {
  autoApprove: boolean;
}

export function register(program: Command): void {
  addWriteOptions(addStackOptions(program.command('destroy')))
    .description("Delete every object the stack's state manages from Kestra (objects it does not manage stay); `plan --destroy` previews it")
    .option('--auto-approve', 'do not ask for approval (required without a terminal)')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (flags: DestroyFlags) => {
      const opts = { ...parseWriteFlags(flags), autoApprove: !!flags.autoApprove };
      const { project, stacks } = await prepareStacks({ stack: flags.stack, allStacks: flags.allStacks, cache: flags.cache, selection: 'named-when-several', command: 'destroy' });
      const targets = await openTargets(project, stacks, process.env, { maxInFlight: opts.parallelism, writes: true });
      process.exitCode = await withTargets(targets, async () => {
        const ordered = [...stacks].reverse();
        for (const stack of ordered) {
          if (stacks.length > 1) process.stdout.write(`${stack === ordered[0] ? '' : '\n'}Stack "${stack.name}"${stack.settings.environment ? ` (environment ${stack.settings.environment})` : ''}:\n`);
          const code = await withInterrupt((interrupt) => lockedDestroy(project, stack, targets.of(stack), opts, interrupt));
          if (code !== 0) return code;
        }
        return 0;
      });
    });
}

// Called inside withInterrupt: from before the lock is taken, an interrupt stops cleanly.
async function lockedDestroy(project: Project, stack: DesiredStack, target: Target, opts: StackDestroyOptions, interrupt: Interrupt): Promise<number> {
  const color = shouldColor(process.stdout, process.env);
  const backend = backendFor(project, stack, target);
  const lock = await backend.lock({ operation: 'destroy' }, { waitMs: opts.lockWaitMs });
  try {
    const current = await planWith(stack, backend, target);
    const recorded = current.state;
    const plan = planDestroy(current.plan, stack, current.live, recorded);
    if (!recorded || (!hasChanges(plan) && !plan.errors.length)) {
      if (plan.drift.length) process.stdout.write(renderDriftText(plan.drift, { color }) + '\n\n');
      for (const w of plan.warnings) process.stdout.write(`Warning: ${w}\n\n`);
      process.stdout.write('No objects to destroy.\n');
      return 0;
    }
    process.stdout.write(`Destroy plan for stack "${stack.name}" on ${target.url} (tenant ${target.tenant}): every object its state manages, and nothing else.\n\n`);
    process.stdout.write(renderPlanText(plan, { color }) + '\n');
    if (plan.errors.length) {
      process.stderr.write('\nNothing was destroyed: the plan above has errors.\n');
      return 1;
    }
    if (!(await approved(stack, target, opts.autoApprove))) {
      process.stdout.write('Destroy cancelled.\n');
      return 1;
    }
    if (interrupt.requested) {
      process.stderr.write('Interrupted before any change: nothing was destroyed.\n');
      return 130;
    }
    const { result, code } = await carryOut({ plan, stack, state: recorded, backend, target, parallelism: opts.parallelism, interrupt, command: 'destroy' });
    if (code === 0) process.stdout.write(`\n${formatDestroySummary(result)}\n`);
    return code;
  } finally {
    await lock.release();
  }
}

/** Terraform's destroy approval; without a terminal only --auto-approve approves. */
async function approved(stack: DesiredStack, target: Target, autoApprove: boolean): Promise<boolean> {
  if (!autoApprove && !process.stdin.isTTY) throw new UserError('destroy needs approval but no terminal is attached — pass --auto-approve to destroy without being asked');
  return confirmApply(`Do you really want to destroy every object stack "${stack.name}" manages on ${target.url} (tenant ${target.tenant})?\n  kestraform will delete the objects shown above. There is no undo.`, autoApprove);
}
