import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTarget } from '../target';
import { backendFor, planWith, withTarget } from '../session';
import { UserError } from '../errors';
import type { DriftItem } from '../../engine/plan-types';
import { renderDriftJson, renderDriftMarkdown, renderDriftText, shouldColor } from '../../render';

export function register(program: Command): void {
  program
    .command('drift')
    .description('Report objects changed in Kestra outside kestraform (edited, deleted, or created in owned namespaces); never writes')
    .option('--stack <name>', 'only this stack')
    .option('--format <format>', 'text, markdown or json', 'text')
    .action(async (opts: { stack?: string; format: string }) => {
      if (!['text', 'markdown', 'json'].includes(opts.format)) throw new UserError(`--format must be text, markdown or json, not "${opts.format}"`);
      const { project, stacks } = await prepareStacks(opts);
      const target = await openTarget(project, stacks);
      const items: DriftItem[] = await withTarget(target, async () => {
        const all: DriftItem[] = [];
        for (const stack of stacks) all.push(...(await planWith(stack, backendFor(project, stack, target), target)).plan.drift);
        return all;
      });
      if (opts.format === 'json') process.stdout.write(JSON.stringify(renderDriftJson(items), null, 2) + '\n');
      else if (opts.format === 'markdown') process.stdout.write(renderDriftMarkdown(items, {}) + '\n');
      else process.stdout.write(renderDriftText(items, { color: shouldColor(process.stdout, process.env) }) + '\n');
      process.exitCode = items.length ? 2 : 0;
    });
}
