/**
 * A plan as `plan` prints it — text, Markdown for a pull-request comment, or JSON shaped like
 * `terraform show -json` — for `plan` and for `show PLANFILE` alike. The renderers beyond text
 * load only when asked for.
 */
import type { Plan } from '../engine/plan-types';
import { shouldColor } from '../render/color';
import { renderPlanText } from '../render/text';
import type { StackRow } from '../render/stacks-table';
import { UserError } from './errors';

const FORMATS = ['text', 'markdown', 'json'];

/** `--format` of the commands that report (plan, show, drift, status). */
export function checkOutputFormat(format: string): void {
  if (!FORMATS.includes(format)) throw new UserError(`--format must be text, markdown or json, not "${format}"`);
}

export function renderPlans(plans: Plan[], format: string, rows: StackRow[]): string {
  const several = plans.length > 1;
  const tables = () => require('../render/stacks-table') as typeof import('../render/stacks-table');
  if (format === 'json') {
    const { renderPlanJson } = require('../render/json') as typeof import('../render/json');
    const docs = plans.map((p) => renderPlanJson(p));
    return JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n';
  }
  if (format === 'markdown') {
    const { renderPlanMarkdown } = require('../render/markdown') as typeof import('../render/markdown');
    // One marker for the whole comment first (a CI step finds the comment to update by it).
    const table = several ? `<!-- kestraform-plan:${rows.map((r) => r.stack).join(',')} -->\n${tables().stacksTableMarkdown(rows)}` : '';
    const budget = Math.floor((65000 - table.length) / plans.length);
    return [...(several ? [table] : []), ...plans.map((p) => renderPlanMarkdown(p, { maxChars: budget }))].join('\n\n') + '\n';
  }
  const color = shouldColor(process.stdout, process.env);
  const each = plans.map((p) => (several ? `Stack "${p.stack}":\n` : '') + renderPlanText(p, { color })).join('\n');
  return each + (several ? `\n\n${tables().stacksTableText(rows)}` : '') + '\n';
}
