/**
 * `kestraform show PLANFILE`: a plan saved with `plan --out` as `plan` printed it — text, Markdown
 * for a pull-request comment, or JSON — read from the file alone: no synth, no Kestra, no state.
 * So one CI job can make the plan and another render it, or a reviewer read exactly what
 * `apply PLANFILE` would carry out.
 */
import type { Command } from 'commander';
import { readPlanFile } from '../../engine/saved-plan';
import { checkOutputFormat, renderPlans } from '../plan-output';

export function register(program: Command): void {
  program
    .command('show')
    .argument('<planfile>', 'a plan saved with `kestraform plan --out FILE`')
    .description('Show a saved plan (`plan --out FILE`) as plan printed it, from the file alone: no synth, no request to Kestra')
    .option('--format <format>', 'text, markdown (pull-request comment) or json', 'text')
    .action((file: string, opts: { format: string }) => {
      checkOutputFormat(opts.format);
      const plan = readPlanFile(file);
      process.stdout.write(renderPlans([plan], opts.format, [{ stack: plan.stack, plan }]));
    });
}
