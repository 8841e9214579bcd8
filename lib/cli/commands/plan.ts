import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTarget } from '../target';
import { backendFor, planWith, withTarget } from '../session';
import { writePlanFile } from '../../engine/saved-plan';
import { hasChanges, type Plan } from '../../engine/plan-types';
import { renderPlanJson, renderPlanMarkdown, renderPlanText, shouldColor } from '../../render';
import { UserError } from '../errors';
import { summarizeStack } from '../summary';

interface PlanOptions {
  stack?: string;
  out?: string;
  format: string;
  detailedExitcode?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('Compare the stacks with live Kestra (and the last applied state) and show what apply would do')
    .option('--stack <name>', 'only this stack')
    .option('--out <file>', 'save the plan for `kestraform apply FILE`')
    .option('--format <format>', 'text, markdown (pull-request comment) or json', 'text')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .action(async (opts: PlanOptions) => {
      if (!['text', 'markdown', 'json'].includes(opts.format)) throw new UserError(`--format must be text, markdown or json, not "${opts.format}"`);
      const { project, stacks } = await prepareStacks(opts);
      if (opts.format === 'text') for (const s of stacks) process.stdout.write(summarizeStack(s) + '\n\n');
      if (opts.out && stacks.length !== 1) throw new UserError(`--out saves one stack's plan; name it with --stack (stacks: ${stacks.map((s) => s.name).join(', ')})`);
      const target = await openTarget(project, stacks);
      const plans: Plan[] = await withTarget(target, async () => {
        const out: Plan[] = [];
        for (const stack of stacks) out.push((await planWith(stack, backendFor(project, stack, target), target)).plan);
        return out;
      });
      process.stdout.write(render(plans, opts.format));
      if (opts.out) {
        writePlanFile(opts.out, plans[0]);
        if (opts.format === 'text') process.stdout.write(`\nSaved the plan to ${opts.out}. To perform exactly these actions, run:\n  kestraform apply ${opts.out}\n`);
      }
      if (plans.some((p) => p.errors.length)) process.exitCode = 1;
      else if (opts.detailedExitcode && plans.some(hasChanges)) process.exitCode = 2;
    });
}

function render(plans: Plan[], format: string): string {
  if (format === 'json') {
    const docs = plans.map((p) => renderPlanJson(p));
    return JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n';
  }
  if (format === 'markdown') return plans.map((p) => renderPlanMarkdown(p, { maxChars: Math.floor(65000 / plans.length) })).join('\n\n') + '\n';
  const color = shouldColor(process.stdout, process.env);
  return plans.map((p) => (plans.length > 1 ? `Stack "${p.stack}":\n` : '') + renderPlanText(p, { color })).join('\n') + '\n';
}
