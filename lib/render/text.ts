/**
 * Terraform-like text output: legend of the symbols used, one block per change (deletions
 * first), a separate section for objects changed outside kestraform, one for runtime state set
 * in Kestra (neither drift nor a change), and the summary line.
 */
import type { DriftItem, Plan, PlanStep, RuntimeStateItem } from '../engine/plan-types';
import { builtinKinds, type DisplayBlock, type KindRegistry } from '../kinds';
import { paint, type Paint } from './color';
import { LEGEND, SYMBOL, headline, plural, summaryLine, visibleSteps } from './common';
import { diffOf, driftBlocks as blocksOfDrift, stepBlocks, valueLines } from './display';
import { reasonText, runtimeCounts, runtimeWords } from './reasons';

const CREATE_PREVIEW_LINES = 20;

export interface TextOptions {
  color: boolean;
  kinds?: KindRegistry;
  /** Drift: the runtime state found beside it (a plan carries its own). */
  runtime?: readonly RuntimeStateItem[];
}

export function renderPlanText(plan: Plan, opts: TextOptions): string {
  const p = paint(opts.color);
  const kinds = opts.kinds ?? builtinKinds;
  const out: string[] = [];
  if (plan.drift.length) out.push(renderDriftSection(plan.drift, p, kinds, plan.mode === 'destroy'), '');
  if (plan.runtime?.length && plan.mode !== 'destroy') out.push(renderRuntimeSection(plan.runtime, p), '');
  const steps = visibleSteps(plan);
  if (steps.length) {
    const used = [...new Set(steps.map((c) => c.action))];
    out.push('kestraform will perform the following actions. Resource actions are indicated with the following symbols:');
    for (const a of used) out.push(`  ${colorSymbol(SYMBOL[a], p)} ${LEGEND[a]}`);
    out.push('');
    for (const c of steps) out.push(renderStep(c, p, kinds), '');
  }
  for (const w of plan.warnings) out.push(p.yellow(`Warning: ${w}`), '');
  for (const e of plan.errors) out.push(p.red(`Error: ${e}`), '');
  out.push(p.bold(summaryLine(plan)));
  return out.join('\n');
}

function colorSymbol(sym: string, p: Paint): string {
  if (sym === '+') return p.green(sym);
  if (sym === '-') return p.red(sym);
  if (sym === '~' || sym === '-/+') return p.yellow(sym);
  return sym;
}

function renderStep(c: PlanStep, p: Paint, kinds: KindRegistry): string {
  const lines = [p.bold(`  # ${headline(c)}`)];
  lines.push(`  # (${reasonText(c)})`);
  if (c.formattingOnly) lines.push('  # (only comments, whitespace or formatting changed)');
  const sym = colorSymbol(SYMBOL[c.action], p);
  lines.push(`${sym.padStart(3)} ${c.tfType}`);
  const max = c.action === 'create' ? CREATE_PREVIEW_LINES : Infinity;
  lines.push(...stepBlocks(c, kinds).flatMap((b) => blockLines(b, p, max)).map((l) => `      ${l}`));
  return lines.join('\n');
}

/** A block as text lines: a coloured diff (cut at `max` lines), aligned values, a note. */
function blockLines(b: DisplayBlock, p: Paint, max = Infinity): string[] {
  if (b.type === 'diff') return diffLines(diffOf(b), p, max);
  if (b.type === 'values') return valueLines(b);
  return [b.text];
}

export function diffLines(diff: string, p: Paint, max = Infinity): string[] {
  const lines = diff.split('\n').filter((l) => !l.startsWith('--- ') && !l.startsWith('+++ '));
  const shown = lines.slice(0, max).map((l) => (l.startsWith('+') ? p.green(l) : l.startsWith('-') ? p.red(l) : l.startsWith('@@') ? p.cyan(l) : l));
  if (lines.length > max) shown.push(`… (${lines.length - max} more lines)`);
  return shown;
}

function renderDriftSection(items: DriftItem[], p: Paint, kinds: KindRegistry, destroying: boolean): string {
  const out = [p.bold('Objects changed outside kestraform'), '', 'kestraform detected the following changes made in Kestra since the last apply:', ''];
  out.push(...driftLines(items, p, kinds));
  const reverts = items.filter((i) => i.drift !== 'unmanaged').length;
  if (reverts && !destroying) out.push('Unless you bring these changes into Git (`kestraform pull`) or accept them into state (`kestraform apply --refresh-only`), the plan below reverts them to Git.');
  if (destroying) out.push('Destroying deletes managed objects as they are now, changes included; objects created outside kestraform stay.');
  return out.join('\n');
}

function driftLines(items: DriftItem[], p: Paint, kinds: KindRegistry): string[] {
  const out: string[] = [];
  for (const d of items) {
    if (d.drift === 'changed') {
      const rev = d.after?.revision !== undefined ? ` (revision ${d.before?.revision ?? '?'} → ${d.after.revision})` : '';
      out.push(p.yellow(`  # ${d.address} has changed outside kestraform${rev}`));
      out.push(...blocksOfDrift(d, kinds).flatMap((b) => blockLines(b, p)).map((l) => `      ${l}`));
    } else if (d.drift === 'deleted') {
      out.push(p.red(`  # ${d.address} has been deleted outside kestraform`));
    } else {
      const h = kinds.has(d.kind) ? kinds.of(d.kind) : undefined;
      const fate = h?.neverPruned ? `left alone: prune never deletes a ${h.noun.one} kestraform did not create` : 'left alone unless the stack prunes';
      out.push(p.cyan(`  # ${d.address} was created outside kestraform (not managed; ${fate})`));
    }
    out.push('');
  }
  return out;
}

/** Runtime state set in Kestra: what each value is and what the plan does with it; not drift, not a change. */
function renderRuntimeSection(items: readonly RuntimeStateItem[], p: Paint): string {
  const out = [p.bold(`Runtime state in Kestra (${runtimeCounts(items)})`), '', 'Set in Kestra outside Git — not drift; what deploys do with each:', ''];
  for (const i of items) {
    const { what, handling } = runtimeWords(i);
    const shade = i.handling === 'reset' ? p.yellow : i.handling === 'kept' ? p.cyan : (s: string) => s;
    out.push(shade(`  # ${what}`), `  #   ${handling}`);
  }
  return out.join('\n');
}

export function renderDriftText(items: DriftItem[], opts: TextOptions): string {
  const p = paint(opts.color);
  const kinds = opts.kinds ?? builtinKinds;
  const runtime = opts.runtime?.length ? ['', renderRuntimeSection(opts.runtime, p)] : [];
  if (!items.length) return ['No drift: every managed object matches what kestraform applied.', ...runtime].join('\n');
  const counts = { changed: 0, deleted: 0, unmanaged: 0 };
  for (const i of items) counts[i.drift]++;
  return [
    p.bold('Objects changed outside kestraform'),
    '',
    ...driftLines(items, p, kinds),
    `Drift: ${plural(counts.changed, 'object')} changed, ${counts.deleted} deleted, ${counts.unmanaged} created outside kestraform.`,
    ...runtime,
  ].join('\n');
}

export function formatDestroySummary(r: { destroyed: number }): string {
  return `Destroy complete! Resources: ${r.destroyed} destroyed.`;
}

export function formatApplySummary(r: { added: number; changed: number; destroyed: number; imported?: number }): string {
  return `Apply complete! Resources: ${r.imported ? `${r.imported} imported, ` : ''}${r.added} added, ${r.changed} changed, ${r.destroyed} destroyed.`;
}
