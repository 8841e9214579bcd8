/**
 * The promotion view: for every object of the tree, whether each environment is in sync with
 * Git, has a change pending, or drifted — one row per object, one column per stack. Objects are
 * matched across stacks by where they come from in the repository (an environment maps their
 * namespaces, so their addresses differ), objects written in a stack's code by their construct
 * path. Pure: built from the plans the stacks' refreshes gave.
 */
import type { DesiredStack } from '../desired/types';
import { builtinKinds, type KindRegistry } from '../kinds';
import { parseAddress } from '../model/addresses';
import { byCodePoint } from '../util/order';
import type { Plan, PlanStep } from './plan-types';

/** in-sync: Kestra holds what Git says; pending: apply would change it; drifted: changed outside kestraform; absent: this stack does not deploy it. */
export type PromotionStatus = 'in-sync' | 'pending' | 'drifted' | 'absent';

export interface PromotionColumn {
  stack: string;
  environment?: string;
  target: { url: string; tenant: string };
}

export interface PromotionRow {
  kind: string;
  /** Where the object comes from: its file in the repository (and key, for an entry of a shared file), or its construct path. */
  source: string;
  /** Per stack: the object's address there, its status, and the step pending (create, update, delete, …). */
  cells: Record<string, { address?: string; status: PromotionStatus; pending?: PlanStep['action'] }>;
}

export interface PromotionView {
  columns: PromotionColumn[];
  rows: PromotionRow[];
}

export function promotionView(stacks: ReadonlyArray<{ stack: DesiredStack; plan: Plan }>, projectDir: string, kinds: KindRegistry = builtinKinds): PromotionView {
  const rows = new Map<string, PromotionRow>();
  const rowFor = (kind: string, source: string) => {
    const key = `${kind}\u0000${source}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { kind, source, cells: {} }));
    return row;
  };
  for (const { stack, plan } of stacks) {
    const sourceOf = new Map<string, string>();
    for (const d of stack.resources) {
      const h = kinds.of(d.kind);
      const origin = h.origin(d, projectDir);
      const name = parseAddress(d.address)?.name;
      sourceOf.set(d.address, origin ? `${origin.file}${h.storedAs === 'entry' && name ? ` ${name}` : ''}` : d.constructPath.split('/').slice(1).join('/'));
    }
    const drifted = new Set(plan.drift.filter((x) => x.drift !== 'unmanaged').map((x) => x.address));
    for (const step of plan.steps) {
      // An object no longer declared is known here by its address only.
      const row = rowFor(step.kind, sourceOf.get(step.address) ?? step.address);
      const quiet = step.action === 'no-op' || step.action === 'record';
      row.cells[stack.name] = {
        address: step.address,
        status: drifted.has(step.address) ? 'drifted' : quiet ? 'in-sync' : 'pending',
        pending: quiet ? undefined : step.action,
      };
    }
  }
  const columns = stacks.map(({ stack, plan }) => ({ stack: stack.name, environment: stack.settings.environment, target: plan.target }));
  for (const row of rows.values()) for (const c of columns) row.cells[c.stack] ??= { status: 'absent' };
  return { columns, rows: [...rows.values()].sort((a, b) => byCodePoint(a.source, b.source) || byCodePoint(a.kind, b.kind)) };
}
