import type { Command } from 'commander';
import { planReadOnly } from '../read-ahead';
import { addStackOptions, type StackSelection } from '../stack-selection';
import { checkOutputFormat } from '../plan-output';
import { driftTableMarkdown, driftTableText, type DriftRow } from '../../render/stacks-table';
import type { DriftItem, RuntimeStateItem } from '../../engine/plan-types';
import { renderDriftJson, renderDriftMarkdown, renderDriftText, shouldColor } from '../../render';

function countDrift(items: readonly DriftItem[]): { changed: number; deleted: number; unmanaged: number } {
  const c = { changed: 0, deleted: 0, unmanaged: 0 };
  for (const i of items) c[i.drift]++;
  return c;
}

export function register(program: Command): void {
  addStackOptions(program.command('drift'))
    .description('Report objects changed in Kestra outside kestraform (edited, deleted, or created in owned namespaces), and runtime state set there (disabled flows and triggers); never writes. Exit 2 on drift; runtime state alone exits 0')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (opts: StackSelection & { format: string }) => {
      checkOutputFormat(opts.format);
      const { stacks, plans } = await planReadOnly({ ...opts, command: 'check' });
      const perStack: Array<{ stack: string; items: DriftItem[]; runtime: RuntimeStateItem[] }> = plans.map((p, i) => ({ stack: stacks[i].name, items: p.plan.drift, runtime: p.plan.runtime ?? [] }));
      const several = perStack.length > 1;
      const color = shouldColor(process.stdout, process.env);
      if (opts.format === 'json') {
        const docs = perStack.map((p) => (several ? { stack: p.stack, ...renderDriftJson(p.items, undefined, p.runtime) } : renderDriftJson(p.items, undefined, p.runtime)));
        process.stdout.write(JSON.stringify(several ? docs : docs[0], null, 2) + '\n');
      } else {
        const each = perStack.map((p) => {
          const body = opts.format === 'markdown' ? renderDriftMarkdown(p.items, { runtime: p.runtime }) : renderDriftText(p.items, { color, runtime: p.runtime });
          return several ? `${opts.format === 'markdown' ? '#### ' : ''}Stack "${p.stack}":\n${body}` : body;
        });
        const rows: DriftRow[] = perStack.map((p, i) => ({ stack: p.stack, environment: stacks[i].settings.environment, ...countDrift(p.items) }));
        const table = several ? [opts.format === 'markdown' ? driftTableMarkdown(rows) : driftTableText(rows)] : [];
        process.stdout.write([...(opts.format === 'markdown' ? table : []), ...each, ...(opts.format === 'markdown' ? [] : table)].join('\n\n') + '\n');
      }
      // Runtime state (a flow or trigger disabled in Kestra) is listed, but is not drift: it alone exits 0.
      process.exitCode = perStack.some((p) => p.items.length) ? 2 : 0;
    });
}
