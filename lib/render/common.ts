/** Shared wording and ordering of plan changes for every output format. */
import type { ChangeAction, Plan, ResourceChange } from '../engine/plan-types';

export const SENSITIVE = '(sensitive value)';

/** Deletions first (they are what reviewers must not miss), then replaces, updates, creates, imports. */
const ORDER: Record<ChangeAction, number> = { delete: 0, replace: 1, update: 2, create: 3, import: 4, forget: 5, 'no-op': 6 };

export function visibleChanges(plan: Plan): ResourceChange[] {
  return plan.changes.filter((c) => c.action !== 'no-op').sort((a, b) => ORDER[a.action] - ORDER[b.action] || a.address.localeCompare(b.address));
}

export const SYMBOL: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-', replace: '-/+', import: '=', forget: '.', 'no-op': ' ' };

export const LEGEND: Record<ChangeAction, string> = {
  create: 'create',
  update: 'update in-place',
  delete: 'destroy',
  replace: 'destroy and then create replacement',
  import: 'import (adopt an existing object into state)',
  forget: 'forget (remove from state only)',
  'no-op': 'no change',
};

export function headline(c: ResourceChange): string {
  switch (c.action) {
    case 'create':
      return `${c.address} will be created`;
    case 'update':
      return `${c.address} will be updated in-place`;
    case 'delete':
      return `${c.address} will be destroyed`;
    case 'replace':
      return `${c.address} must be replaced`;
    case 'import':
      return `${c.address} will be imported`;
    case 'forget':
      return `${c.address} will be removed from state`;
    default:
      return `${c.address} is up to date`;
  }
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  if (s.add + s.change + s.destroy + s.import + s.forget === 0) return 'No changes. Your Kestra namespaces match the configuration.';
  return `Plan: ${s.import ? `${s.import} to import, ` : ''}${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

/** A KV value as shown: masked when sensitive, quoted otherwise. */
export function kvValue(value: string | undefined, sensitive: boolean | undefined, type?: string): string {
  if (sensitive) return SENSITIVE;
  if (value === undefined) return '(unknown)';
  // Numbers, booleans and JSON are shown as written; text types quoted.
  return type === 'NUMBER' || type === 'BOOLEAN' || type === 'JSON' ? value : JSON.stringify(value);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
