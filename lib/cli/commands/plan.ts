import type { Command } from 'commander';
import { planReadOnly } from '../read-ahead';
import { addStackOptions, type StackSelection } from '../stack-selection';
import type { StackRow } from '../../render/stacks-table';
import { hasChanges, type Plan } from '../../engine/plan-types';
import { UserError } from '../errors';
import { checkOutputFormat, renderPlans } from '../plan-output';
import { summarizeStack } from '../summary';

interface PlanOptions extends StackSelection {
  out?: string;
  format: string;
  detailedExitcode?: boolean;
  destroy?: boolean;
}

export function register(program: Command): void {
  addStackOptions(program.command('plan'))
    .description('Compare the stacks with live Kestra (and the last applied state) and show what apply would do')
    .option('--out <file>', 'save the plan for `kestraform apply FILE`')
    .option('--format <format>', 'text, markdown (pull-request comment) or json', 'text')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--destroy', 'plan the deletion of every object the state manages (what `destroy` would do)')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (opts: PlanOptions) => {
      checkOutputFormat(opts.format);
      const { stacks, plans: current } = await planReadOnly({ ...opts, command: 'plan' }, ({ stacks }) => {
        if (opts.format === 'text') for (const s of stacks) process.stdout.write(summarizeStack(s) + '\n\n');
        if (opts.out && stacks.length !== 1) throw new UserError(`--out saves one stack's plan; name it with --stack (stacks: ${stacks.map((s) => s.name).join(', ')})`);
      });
      // What only some runs need (--destroy, --out, other formats, several stacks) loads when asked for.
      const planDestroy = opts.destroy ? (require('../../engine/plan-destroy') as typeof import('../../engine/plan-destroy')).planDestroy : undefined;
      const plans: Plan[] = current.map((c, i) => (planDestroy ? planDestroy(c.plan, stacks[i], c.live, c.state) : c.plan));
      const rows: StackRow[] = stacks.map((s, i) => ({ stack: s.name, environment: s.settings.environment, plan: plans[i] }));
      process.stdout.write(renderPlans(plans, opts.format, rows));
      if (opts.out) {
        (require('../../engine/saved-plan') as typeof import('../../engine/saved-plan')).writePlanFile(opts.out, plans[0], stacks[0]);
        if (opts.format === 'text') process.stdout.write(`\nSaved the plan to ${opts.out}. To perform exactly these actions, run:\n  kestraform apply ${opts.out}\n`);
      }
      if (plans.some((p) => p.errors.length)) process.exitCode = 1;
      else if (opts.detailedExitcode && plans.some(hasChanges)) process.exitCode = 2;
    });
}
