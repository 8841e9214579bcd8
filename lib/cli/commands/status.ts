import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTargets } from '../target';
import { planStacks, withTargets } from '../session';
import { addStackOptions, type StackSelection } from '../stack-selection';
import { checkOutputFormat } from '../plan-output';
import { promotionView } from '../../engine/promotion';
import { renderPromotionJson, renderPromotionMarkdown, renderPromotionText } from '../../render/promotion';
import { shouldColor } from '../../render';

export function register(program: Command): void {
  addStackOptions(program.command('status'))
    .description('Show, per object of the tree, whether each environment (stack) is in sync with Git, has a change pending, or drifted; never writes')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (opts: StackSelection & { format: string }) => {
      checkOutputFormat(opts.format);
      const { project, stacks } = await prepareStacks({ ...opts, command: 'show' });
      const targets = await openTargets(project, stacks);
      const plans = await withTargets(targets, () => planStacks(project, stacks, targets));
      const view = promotionView(plans.map((p, i) => ({ stack: stacks[i], plan: p.plan })), project.dir);
      if (opts.format === 'json') process.stdout.write(JSON.stringify(renderPromotionJson(view), null, 2) + '\n');
      else if (opts.format === 'markdown') process.stdout.write(renderPromotionMarkdown(view) + '\n');
      else process.stdout.write(renderPromotionText(view, { color: shouldColor(process.stdout, process.env) }) + '\n');
    });
}
