/**
 * One line per stack when a command covered several (an environment each): where it deploys and
 * what its plan does — the overview a reviewer reads before the stacks' own plans.
 */
import type { Plan } from '../engine/plan-types';
import { escapeMd } from './markdown';

export interface StackRow {
  stack: string;
  environment?: string;
  plan: Plan;
}

const COLUMNS = ['add', 'change', 'destroy', 'import', 'drift'] as const;

function counts(p: Plan): Record<(typeof COLUMNS)[number], number> {
  const s = p.summary;
  return { add: s.add, change: s.change, destroy: s.destroy, import: s.import, drift: s.drifted + s.unmanaged };
}

const where = (r: StackRow) => `${r.plan.target.url}${r.plan.target.tenant === 'main' ? '' : ` (tenant ${r.plan.target.tenant})`}`;
const status = (p: Plan) => (p.errors.length ? 'errors' : p.steps.some((s) => s.action !== 'no-op' && s.action !== 'record') ? 'changes' : 'no changes');

export function stacksTableText(rows: readonly StackRow[]): string {
  const body = rows.map((r) => [r.stack, r.environment ?? '-', where(r), ...COLUMNS.map((c) => String(counts(r.plan)[c])), status(r.plan)]);
  return table(`${rows.length} stack${rows.length === 1 ? '' : 's'}:`, ['stack', 'environment', 'target', ...COLUMNS, 'plan'], body, 3, 3 + COLUMNS.length);
}

export function stacksTableMarkdown(rows: readonly StackRow[]): string {
  const lines = ['| stack | environment | target | add | change | destroy | import | drift | plan |', '|---|---|---|---:|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const c = counts(r.plan);
    lines.push(`| \`${escapeMd(r.stack)}\` | ${escapeMd(r.environment ?? '-')} | ${escapeMd(where(r))} | ${COLUMNS.map((k) => c[k]).join(' | ')} | ${status(r.plan)} |`);
  }
  return lines.join('\n');
}

/** What a command that changes something did, per stack (apply over several). */
export interface OutcomeRow {
  stack: string;
  environment?: string;
  target?: string;
  outcome: string;
}

export function outcomesTableText(rows: readonly OutcomeRow[]): string {
  return table(`${rows.length} stack${rows.length === 1 ? '' : 's'}:`, ['stack', 'environment', 'target', 'result'], rows.map((r) => [r.stack, r.environment ?? '-', r.target ?? '-', r.outcome]));
}

/** Drift per stack (drift over several). */
export interface DriftRow {
  stack: string;
  environment?: string;
  changed: number;
  deleted: number;
  unmanaged: number;
}

export function driftTableText(rows: readonly DriftRow[]): string {
  return table(`${rows.length} stack${rows.length === 1 ? '' : 's'}:`, ['stack', 'environment', 'changed', 'deleted', 'created outside'], rows.map((r) => [r.stack, r.environment ?? '-', String(r.changed), String(r.deleted), String(r.unmanaged)]), 2);
}

export function driftTableMarkdown(rows: readonly DriftRow[]): string {
  const lines = ['| stack | environment | changed | deleted | created outside |', '|---|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| \`${escapeMd(r.stack)}\` | ${escapeMd(r.environment ?? '-')} | ${r.changed} | ${r.deleted} | ${r.unmanaged} |`);
  return lines.join('\n');
}

/** A text table under a title; the columns from `numericFrom` to before `numericTo` are right-aligned. */
function table(title: string, head: string[], body: string[][], numericFrom = Infinity, numericTo = Infinity): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = (i: number) => i >= numericFrom && i < numericTo;
  const line = (cells: string[]) => `  ${cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [title, line(head), ...body.map(line)].join('\n');
}
