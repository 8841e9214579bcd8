/** The promotion view (lib/engine/promotion) as a table for a reviewer, Markdown for a pull request, JSON for machines. */
import type { PromotionStatus, PromotionView } from '../engine/promotion';
import { escapeMd } from './markdown';
import { paint } from './color';
import { KESTRAFORM_VERSION } from '../version';

const WORDS: Record<PromotionStatus, string> = { 'in-sync': 'in sync', pending: 'pending', drifted: 'drifted', absent: '-' };

function cellText(c: PromotionView['rows'][number]['cells'][string]): string {
  return c.status === 'pending' && c.pending ? `pending ${c.pending}` : WORDS[c.status];
}

function totals(view: PromotionView): string {
  const count = (status: PromotionStatus) => view.rows.reduce((n, r) => n + Object.values(r.cells).filter((c) => c.status === status).length, 0);
  return `${view.rows.length} object${view.rows.length === 1 ? '' : 's'} across ${view.columns.length} stack${view.columns.length === 1 ? '' : 's'}: ${count('in-sync')} in sync, ${count('pending')} pending, ${count('drifted')} drifted.`;
}

export function renderPromotionText(view: PromotionView, opts: { color: boolean }): string {
  const p = paint(opts.color);
  const head = ['object', ...view.columns.map((c) => (c.environment && c.environment !== c.stack ? `${c.stack} (${c.environment})` : c.stack))];
  const body = view.rows.map((r) => [`${r.kind} ${r.source}`, ...view.columns.map((c) => cellText(r.cells[c.stack]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const shade = (text: string, status: PromotionStatus) => (status === 'drifted' ? p.red(text) : status === 'pending' ? p.yellow(text) : status === 'in-sync' ? p.green(text) : text);
  const lines = [`  ${head.map((h, i) => h.padEnd(widths[i])).join('  ')}`.trimEnd()];
  view.rows.forEach((r, n) => {
    const cells = body[n].map((text, i) => (i === 0 ? text.padEnd(widths[i]) : shade(text.padEnd(widths[i]), r.cells[view.columns[i - 1].stack].status)));
    lines.push(`  ${cells.join('  ')}`.trimEnd());
  });
  const targets = view.columns.map((c) => `  ${c.stack}: ${c.target.url}${c.target.tenant === 'main' ? '' : ` (tenant ${c.target.tenant})`}`);
  return [p.bold('Status of every environment against Git'), '', ...lines, '', ...targets, '', totals(view)].join('\n');
}

export function renderPromotionMarkdown(view: PromotionView): string {
  const icon: Record<PromotionStatus, string> = { 'in-sync': '✅', pending: '🟡', drifted: '⚠️', absent: '' };
  const lines = [
    '<!-- kestraform-status -->',
    `**${totals(view)}**`,
    '',
    `| object | ${view.columns.map((c) => `\`${escapeMd(c.stack)}\``).join(' | ')} |`,
    `|---|${view.columns.map(() => '---').join('|')}|`,
  ];
  for (const r of view.rows) {
    lines.push(`| ${escapeMd(`${r.kind} ${r.source}`)} | ${view.columns.map((c) => `${icon[r.cells[c.stack].status]} ${cellText(r.cells[c.stack])}`.trim()).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderPromotionJson(view: PromotionView): unknown {
  return { format_version: '1.0', kestraform_version: KESTRAFORM_VERSION, stacks: view.columns, objects: view.rows };
}
