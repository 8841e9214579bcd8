/**
 * Markdown for a pull-request comment: summary first, deletions (and runtime state this apply
 * resets) called out, a per-namespace table, drift and runtime state in sections of their own,
 * diffs folded in <details>. Never longer than `maxChars`
 * (GitHub caps a comment at 65,536): diffs are dropped largest first, then lists are cut with a
 * note pointing at the full plan.
 */
import type { DriftItem, Plan, PlanStep, RuntimeStateItem } from '../engine/plan-types';
import { builtinKinds, type KindRegistry } from '../kinds';
import { SYMBOL, headline, summaryLine, visibleSteps } from './common';
import { blocksText, driftBlocks, stepBlocks } from './display';
import { reasonText, runtimeCounts, runtimeWords } from './reasons';
import { byCodePoint } from '../util/order';

export interface MarkdownOptions {
  maxChars?: number;
  /** Where the full plan is (e.g. "the `plan` artifact of this run"). */
  artifactHint?: string;
  kinds?: KindRegistry;
  /** Drift: the runtime state found beside it (a plan carries its own). */
  runtime?: readonly RuntimeStateItem[];
}

const DEFAULT_MAX = 65_000;

/** Escapes text for Markdown table cells and inline text (and neutralises HTML). */
export function escapeMd(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!).replace(/([\\`*_[\]|#])/g, '\\$1');
}

/** A fenced block that no content can close early: the fence is longer than any backtick run inside. */
function fenced(lang: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body.replace(/<\/details>/gi, '<\\/details>')}\n${fence}`;
}

interface Section {
  title: string;
  items: Array<{ line: string; details?: string }>;
}

export function renderPlanMarkdown(plan: Plan, opts: MarkdownOptions = {}): string {
  const kinds = opts.kinds ?? builtinKinds;
  const changes = visibleSteps(plan);
  const head = headerLines(plan, changes);
  const sections: Section[] = [];
  const deletes = changes.filter((c) => c.action === 'delete' || c.action === 'replace');
  if (deletes.length) sections.push({ title: `### ⚠️ Deletions (${deletes.length})`, items: deletes.map((c) => stepItem(c, kinds)) });
  if (plan.drift.length) sections.push({ title: `### Objects changed outside kestraform (${plan.drift.length})`, items: plan.drift.map((d) => driftItem(d, kinds)) });
  if (plan.runtime?.length && plan.mode !== 'destroy') sections.push(runtimeSection(plan.runtime));
  const rest = changes.filter((c) => c.action !== 'delete' && c.action !== 'replace');
  if (rest.length) sections.push({ title: `### Changes (${rest.length})`, items: rest.map((c) => stepItem(c, kinds)) });
  const tail = [...plan.errors.map((e) => `> **Error:** ${escapeMd(e)}`), ...plan.warnings.map((w) => `> **Warning:** ${escapeMd(w)}`)];
  return fit(head, sections, tail, opts);
}

export function renderDriftMarkdown(items: DriftItem[], opts: MarkdownOptions = {}): string {
  const counts = { changed: 0, deleted: 0, unmanaged: 0 };
  for (const i of items) counts[i.drift]++;
  const head = [
    '<!-- kestraform-drift -->',
    items.length ? `**Drift: ${counts.changed} changed, ${counts.deleted} deleted, ${counts.unmanaged} created outside kestraform.**` : '**No drift:** every managed object matches what kestraform applied.',
  ];
  const kinds = opts.kinds ?? builtinKinds;
  const sections: Section[] = items.length ? [{ title: '### Objects changed outside kestraform', items: items.map((d) => driftItem(d, kinds)) }] : [];
  if (opts.runtime?.length) sections.push(runtimeSection(opts.runtime));
  return fit(head, sections, [], opts);
}

/** Runtime state set in Kestra (neither drift nor a change): one line each, a reset one flagged as a deletion is. */
function runtimeSection(items: readonly RuntimeStateItem[]): Section {
  return {
    title: `### Runtime state in Kestra (${runtimeCounts(items)})`,
    items: items.map((i) => {
      const { what, handling } = runtimeWords(i);
      return { line: `- ${i.handling === 'reset' ? '⚠️ ' : ''}${escapeMd(what)} — ${i.handling === 'reset' ? `**${escapeMd(handling)}**` : escapeMd(handling)}` };
    }),
  };
}

function headerLines(plan: Plan, changes: PlanStep[]): string[] {
  const lines = [`<!-- kestraform-plan:${plan.stack} -->`, `#### kestraform plan — stack \`${escapeMd(plan.stack)}\``, '', `**${summaryLine(plan)}**`];
  const destroy = plan.summary.destroy;
  if (destroy) lines.push('', `> ⚠️ **${destroy} object${destroy === 1 ? '' : 's'} will be deleted.**`);
  const resets = plan.mode === 'destroy' ? [] : (plan.runtime ?? []).filter((r) => r.handling === 'reset');
  if (resets.length) {
    lines.push('', `> ⚠️ **${resets.length} runtime value${resets.length === 1 ? '' : 's'} set in Kestra will be reset to Git:**`);
    for (const r of resets.slice(0, 5)) lines.push(`> - ${escapeMd(runtimeWords(r).what)} — ${escapeMd(runtimeWords(r).handling)}`);
    if (resets.length > 5) lines.push(`> - … and ${resets.length - 5} more (see Runtime state)`);
  }
  if (plan.summary.drifted + plan.summary.unmanaged) lines.push('', `> ${plan.summary.drifted} object(s) changed outside kestraform, ${plan.summary.unmanaged} unmanaged.`);
  const rows = new Map<string, { add: number; change: number; destroy: number; import: number; drift: number }>();
  const row = (ns: string) => rows.get(ns) ?? (rows.set(ns, { add: 0, change: 0, destroy: 0, import: 0, drift: 0 }), rows.get(ns)!);
  for (const c of changes) {
    const r = row(c.namespace ?? '(local)');
    if (c.action === 'create') r.add++;
    if (c.action === 'update') r.change++;
    if (c.action === 'delete') r.destroy++;
    if (c.action === 'replace') (r.add++, r.destroy++);
    if (c.action === 'import') r.import++;
  }
  for (const d of plan.drift) row(d.namespace ?? '(local)').drift++;
  if (rows.size) {
    lines.push('', '| namespace | add | change | destroy | import | drift |', '|---|---:|---:|---:|---:|---:|');
    for (const [ns, r] of [...rows].sort(([a], [b]) => byCodePoint(a, b))) lines.push(`| \`${escapeMd(ns)}\` | ${r.add} | ${r.change} | ${r.destroy} | ${r.import} | ${r.drift} |`);
  }
  return lines;
}

function stepItem(c: PlanStep, kinds: KindRegistry): { line: string; details?: string } {
  const line = `- \`${SYMBOL[c.action]}\` ${escapeMd(headline(c))}${c.formattingOnly ? ' _(formatting only)_' : ''} — ${escapeMd(reasonText(c))}`;
  return { line, details: blocksText(stepBlocks(c, kinds), { values: true }) };
}

function driftItem(d: DriftItem, kinds: KindRegistry): { line: string; details?: string } {
  const revision = d.after?.revision !== undefined ? ` (revision ${d.before?.revision ?? '?'} → ${d.after.revision})` : '';
  const what = d.drift === 'changed' ? `changed outside kestraform${revision}` : d.drift === 'deleted' ? 'deleted outside kestraform' : 'created outside kestraform (unmanaged)';
  return { line: `- \`${escapeMd(d.address)}\` ${what}`, details: blocksText(driftBlocks(d, kinds), { values: d.drift === 'changed' }) };
}

function renderItem(i: { line: string; details?: string }, withDetails: boolean): string {
  if (!withDetails || !i.details) return i.line;
  return `${i.line}\n  <details><summary>diff</summary>\n\n${fenced('diff', i.details)}\n\n  </details>`;
}

function fit(head: string[], sections: Section[], tail: string[], opts: MarkdownOptions): string {
  const max = opts.maxChars ?? DEFAULT_MAX;
  const hint = opts.artifactHint ?? 'the full plan (`kestraform plan --format json` or the saved plan file)';
  const all = sections.flatMap((s) => s.items);
  const withDiff = new Set(all.filter((i) => i.details));
  const build = (limitPerSection: number) => {
    const parts = [...head];
    for (const s of sections) {
      parts.push('', s.title, '');
      const shown = s.items.slice(0, limitPerSection);
      parts.push(...shown.map((i) => renderItem(i, withDiff.has(i))));
      if (s.items.length > shown.length) parts.push(`- … and ${s.items.length - shown.length} more (see ${hint})`);
    }
    if (tail.length) parts.push('', ...tail);
    return parts.join('\n');
  };
  let text = build(Infinity);
  // Drop diffs, largest first, until it fits.
  const bySize = [...withDiff].sort((a, b) => b.details!.length - a.details!.length);
  let dropped = 0;
  while (text.length > max && bySize.length) {
    // Remove in growing batches so thousands of diffs do not mean thousands of rebuilds.
    const batch = Math.max(1, Math.ceil(bySize.length / 8));
    for (const i of bySize.splice(0, batch)) withDiff.delete(i);
    dropped += batch;
    text = build(Infinity);
  }
  if (dropped) text = text.replace(head.join('\n'), () => `${head.join('\n')}\n\n_${dropped} diff${dropped === 1 ? '' : 's'} omitted to fit the comment; see ${hint}._`);
  if (text.length <= max) return text;
  // Still too long: list fewer items per section.
  let lo = 0;
  let hi = Math.max(...sections.map((s) => s.items.length), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (build(mid).length + 200 <= max) lo = mid;
    else hi = mid - 1;
  }
  text = build(lo);
  return text.length <= max ? text : text.slice(0, max - 60) + `\n\n… (truncated; see ${hint})`;
}
