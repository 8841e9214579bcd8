/**
 * Terraform-like text output: legend of the symbols used, one block per change (deletions
 * first), a separate section for objects changed outside kestraform, and the summary line.
 */
import type { DriftItem, Plan, ResourceChange } from '../engine/plan-types';
import { paint, type Paint } from './color';
import { LEGEND, SYMBOL, headline, kvValue, plural, summaryLine, visibleChanges } from './common';

const CREATE_PREVIEW_LINES = 20;

export function renderPlanText(plan: Plan, opts: { color: boolean }): string {
  const p = paint(opts.color);
  const out: string[] = [];
  if (plan.drift.length) out.push(renderDriftSection(plan.drift, p), '');
  const changes = visibleChanges(plan);
  if (changes.length) {
    const used = [...new Set(changes.map((c) => c.action))];
    out.push('kestraform will perform the following actions. Resource actions are indicated with the following symbols:');
    for (const a of used) out.push(`  ${colorSymbol(SYMBOL[a], p)} ${LEGEND[a]}`);
    out.push('');
    for (const c of changes) out.push(renderChange(c, p), '');
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

function renderChange(c: ResourceChange, p: Paint): string {
  const lines = [p.bold(`  # ${headline(c)}`)];
  if (c.reason) lines.push(`  # (${c.reason})`);
  if (c.formattingOnly) lines.push('  # (only comments, whitespace or formatting changed)');
  const sym = colorSymbol(SYMBOL[c.action], p);
  lines.push(`${sym.padStart(3)} ${c.tfType}`);
  lines.push(...body(c, p).map((l) => `      ${l}`));
  return lines.join('\n');
}

function body(c: ResourceChange, p: Paint): string[] {
  if (c.kind === 'kv') {
    const b = c.before;
    const a = c.after;
    const rows: string[] = [];
    if (c.action === 'create') rows.push(`type  = ${a?.type}`, `value = ${kvValue(a?.value, c.sensitive, a?.type)}`);
    else if (c.action === 'delete') rows.push(`type  = ${b?.type ?? '(unknown)'}`, `value = ${kvValue(b?.value, c.sensitive, b?.type)}`);
    else {
      rows.push(b?.type !== a?.type ? `type  = ${b?.type ?? '(unknown)'} -> ${a?.type}` : `type  = ${a?.type}`);
      rows.push(`value = ${kvValue(b?.value, c.sensitive, b?.type)} -> ${kvValue(a?.value, c.sensitive, a?.type)}`);
      if ((b?.description ?? '') !== (a?.description ?? '')) rows.push(`description = ${JSON.stringify(b?.description ?? null)} -> ${JSON.stringify(a?.description ?? null)}`);
    }
    if (c.action !== 'delete' && a?.ttl) rows.push(`ttl   = ${a.ttl}`);
    return rows;
  }
  if (c.kind === 'local') {
    const t = c.after?.triggers ?? c.before?.triggers ?? {};
    return Object.entries(t).map(([k, v]) => `triggers.${k} = ${JSON.stringify(v)}${c.before?.triggers && c.after?.triggers && c.before.triggers[k] !== v ? `  (was ${JSON.stringify(c.before.triggers[k])})` : ''}`);
  }
  if (!c.diff) return c.kind === 'file' ? [`size = ${c.after?.size ?? c.before?.size ?? '?'} bytes`] : [];
  return diffLines(c.diff, p, c.action === 'create' ? CREATE_PREVIEW_LINES : Infinity);
}

export function diffLines(diff: string, p: Paint, max = Infinity): string[] {
  const lines = diff.split('\n').filter((l) => !l.startsWith('--- ') && !l.startsWith('+++ '));
  const shown = lines.slice(0, max).map((l) => (l.startsWith('+') ? p.green(l) : l.startsWith('-') ? p.red(l) : l.startsWith('@@') ? p.cyan(l) : l));
  if (lines.length > max) shown.push(`… (${lines.length - max} more lines)`);
  return shown;
}

function renderDriftSection(items: DriftItem[], p: Paint): string {
  const out = [p.bold('Objects changed outside kestraform'), '', 'kestraform detected the following changes made in Kestra since the last apply:', ''];
  out.push(...driftBlocks(items, p));
  const reverts = items.filter((i) => i.drift !== 'unmanaged').length;
  if (reverts) out.push('Unless you bring these changes into Git (`kestraform pull`) or accept them into state (`kestraform apply --refresh-only`), the plan below reverts them to Git.');
  return out.join('\n');
}

export function driftBlocks(items: DriftItem[], p: Paint): string[] {
  const out: string[] = [];
  for (const d of items) {
    if (d.drift === 'changed') {
      const rev = d.liveRevision !== undefined ? ` (revision ${d.appliedRevision ?? '?'} → ${d.liveRevision})` : '';
      out.push(p.yellow(`  # ${d.address} has changed outside kestraform${rev}`));
      if (d.kind === 'kv') out.push(`      value = ${kvValue(d.before?.value, d.sensitive)} -> ${kvValue(d.after?.value, d.sensitive)}`);
      else if (d.diff) out.push(...diffLines(d.diff, p).map((l) => `      ${l}`));
    } else if (d.drift === 'deleted') {
      out.push(p.red(`  # ${d.address} has been deleted outside kestraform`));
    } else {
      out.push(p.cyan(`  # ${d.address} was created outside kestraform (not managed; left alone unless the stack prunes)`));
    }
    out.push('');
  }
  return out;
}

export function renderDriftText(items: DriftItem[], opts: { color: boolean }): string {
  const p = paint(opts.color);
  if (!items.length) return 'No drift: every managed object matches what kestraform applied.';
  const counts = { changed: 0, deleted: 0, unmanaged: 0 };
  for (const i of items) counts[i.drift]++;
  return [
    p.bold('Objects changed outside kestraform'),
    '',
    ...driftBlocks(items, p),
    `Drift: ${plural(counts.changed, 'object')} changed, ${counts.deleted} deleted, ${counts.unmanaged} created outside kestraform.`,
  ].join('\n');
}

export function formatApplySummary(r: { added: number; changed: number; destroyed: number; imported?: number }): string {
  return `Apply complete! Resources: ${r.imported ? `${r.imported} imported, ` : ''}${r.added} added, ${r.changed} changed, ${r.destroyed} destroyed.`;
}
