/**
 * What a step or a drift shows, as each kind draws it (lib/kinds display blocks), and the
 * blocks as text: unified diffs, aligned values, one-line notes.
 */
import type { DriftItem, PlanStep } from '../engine/plan-types';
import { builtinKinds, type DisplayBlock, type KindRegistry, type Shown } from '../kinds';

/** The blocks of a step that writes or removes something; none for state-only and quiet steps. */
export function stepBlocks(step: PlanStep, kinds: KindRegistry = builtinKinds): DisplayBlock[] {
  const sides: Shown['sides'] | undefined = step.action === 'create' ? 'create' : step.action === 'delete' ? 'delete' : step.action === 'update' || step.action === 'replace' ? 'update' : undefined;
  if (!sides) return [];
  return kinds.of(step.kind).display({ address: step.address, sides, before: step.before, after: step.after, sensitive: step.sensitive });
}

export function driftBlocks(item: DriftItem, kinds: KindRegistry = builtinKinds): DisplayBlock[] {
  const sides: Shown['sides'] = item.drift === 'changed' ? 'update' : item.drift === 'deleted' ? 'delete' : 'create';
  const blocks = kinds.of(item.kind).display({ address: item.address, sides, before: item.before, after: item.after, sensitive: item.sensitive });
  // A drift compares what kestraform applied with what Kestra holds now.
  return blocks.map((b) => (b.type === 'diff' ? { ...b, sides: ['applied', 'live'] } : b));
}

export function unifiedDiff(label: string, before: string, after: string, sides: [string, string] = ['live', 'desired']): string {
  // diff loads on first use: a plan with nothing to show never needs it.
  const patch = (require('diff') as typeof import('diff')).createTwoFilesPatch(label, label, before, after, sides[0], sides[1], { context: 3 });
  // Drop the "Index:"/"====" header lines; keep ---/+++ and hunks.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('Index: ') && !/^=+$/.test(l))
    .join('\n')
    .trimEnd();
}

export function diffOf(block: Extract<DisplayBlock, { type: 'diff' }>): string {
  return unifiedDiff(block.label, block.before ?? '', block.after ?? '', block.sides);
}

/** Values as `name = value` or `name = before -> after`, the `=` aligned (Terraform's layout). */
export function valueLines(block: Extract<DisplayBlock, { type: 'values' }>, arrow = '->'): string[] {
  const width = Math.max(0, ...block.rows.map((r) => r.name.length));
  return block.rows.map((r) => {
    const value = r.before === undefined ? r.after : r.after === undefined || r.after === r.before ? r.before : `${r.before} ${arrow} ${r.after}`;
    return `${r.name.padEnd(width)} = ${value ?? ''}`;
  });
}

/** The blocks as plain text (Markdown details, JSON `diff`); values only when asked. */
export function blocksText(blocks: readonly DisplayBlock[], opts: { values: boolean }): string | undefined {
  const parts: string[] = [];
  for (const b of blocks) {
    if (b.type === 'diff') parts.push(diffOf(b));
    else if (b.type === 'note') parts.push(b.text);
    else if (opts.values && b.rows.length) parts.push(valueLines(b, '→').join('\n'));
  }
  return parts.length ? parts.join('\n') : undefined;
}
