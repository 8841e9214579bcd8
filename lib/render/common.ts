/** Shared wording and ordering of plan steps for every output format. */
import { isQuiet, type Plan, type PlanStep, type StepAction } from '../engine/plan-types';
import { byCodePoint } from '../util/order';

/** Deletions first (they are what reviewers must not miss), then replaces, updates, creates, imports. */
const ORDER: Record<StepAction, number> = { delete: 0, replace: 1, update: 2, create: 3, import: 4, accept: 5, forget: 6, record: 7, 'no-op': 8 };

/** The steps a reviewer reads: every one that is not quiet, in review order. */
export function visibleSteps(plan: Plan): PlanStep[] {
  return plan.steps.filter((s) => !isQuiet(s)).sort((a, b) => ORDER[a.action] - ORDER[b.action] || byCodePoint(a.address, b.address));
}

export const SYMBOL: Record<StepAction, string> = { create: '+', update: '~', delete: '-', replace: '-/+', import: '=', accept: '=', forget: '.', record: ' ', 'no-op': ' ' };

export const LEGEND: Record<StepAction, string> = {
  create: 'create',
  update: 'update in-place',
  delete: 'destroy',
  replace: 'destroy and then create replacement',
  import: 'import (adopt an existing object into state)',
  accept: 'accept into state (the object in Kestra is not changed)',
  forget: 'forget (remove from state only)',
  record: 'no change (state records a newer fingerprint)',
  'no-op': 'no change',
};

export function headline(c: PlanStep): string {
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
    case 'accept':
      return `${c.address} will be accepted into state as it is in Kestra`;
    default:
      return `${c.address} is up to date`;
  }
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  if (s.add + s.change + s.destroy + s.import + s.forget === 0) return plan.mode === 'destroy' ? 'No objects to destroy: the state manages none.' : 'No changes. Your Kestra namespaces match the configuration.';
  return `Plan: ${s.import ? `${s.import} to import, ` : ''}${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
