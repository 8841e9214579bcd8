/**
 * `kestraform destroy` as a planning mode: from what the stack's plan read, the steps that remove
 * exactly what the stack's state manages — a delete for every recorded object still in Kestra
 * (Terraform-local ones included: they live in state only), a forget for one already gone.
 * Nothing state does not record is touched (unmanaged objects, even in owned namespaces with
 * prune on), nor anything in a protected namespace; prevent_destroy makes the plan unappliable.
 * Pure: it reads what the plan's refresh read.
 */
import type { DesiredStack } from '../desired/types';
import { resourcesByAddress } from '../desired/by-address';
import { namespaceOfAddress } from '../model/addresses';
import { builtinKinds, type DesiredBase, type KindHandler, type KindRegistry, type LiveBase, type LiveSnapshot, type ObjectView, type StateEntry } from '../kinds';
import { summarize, type Plan, type PlanStep } from './plan-types';
import { orderSteps } from './plan-order';
import type { StateFile } from './state-types';
import { byCodePoint } from '../util/order';

/** What destroying one recorded object comes to. */
type Outcome = { step: PlanStep } | { error: string } | { warning: string };

export function planDestroy(base: Plan, stack: DesiredStack, live: LiveSnapshot, state: StateFile | undefined, kinds: KindRegistry = builtinKinds): Plan {
  const desired = resourcesByAddress(stack);
  const protectedNs = new Set(stack.settings.protected_namespaces);
  const steps: PlanStep[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const entries = state?.resources ?? {};
  for (const address of Object.keys(entries).sort(byCodePoint)) {
    const outcome = destroyOne(entries[address], desired.get(address), live.objects.get(address), kinds, protectedNs);
    if ('step' in outcome) steps.push(outcome.step);
    if ('error' in outcome) errors.push(outcome.error);
    if ('warning' in outcome) warnings.push(outcome.warning);
  }
  warnings.push(...orderSteps(steps, desired, kinds));
  return { ...base, mode: 'destroy', steps, errors, warnings, summary: summarize(steps, base.drift) };
}

function destroyOne(s: StateEntry, d: DesiredBase | undefined, l: LiveBase | undefined, kinds: KindRegistry, protectedNs: ReadonlySet<string>): Outcome {
  const address = s.address;
  const h = d ? kinds.of(d.kind) : kinds.forAddress(address);
  if (!h) return { error: `state records ${address}, an object of a kind this version of kestraform does not know — use the version that applied it` };
  const ns = h.localOnly ? undefined : namespaceOfAddress(address);
  if (ns !== undefined && protectedNs.has(ns)) return { warning: `${address} is in protected namespace "${ns}": left untouched` };
  const step = (action: 'delete' | 'forget', before?: ObjectView): PlanStep => ({
    address,
    kind: h.kind,
    tfType: d?.tfType ?? (h.localOnly ? address.slice(0, address.indexOf('.')) : h.tfTypes[0]),
    name: d?.logicalId,
    namespace: ns,
    action,
    reason: action === 'delete' ? 'destroy-requested' : 'gone-everywhere',
    before,
    beforeHash: action === 'delete' ? s.appliedHash : undefined,
    sensitive: h.sensitive(d, s) || undefined,
    dependsOn: [],
    phase: 0,
  });
  // A local resource lives in state only: it is always there to delete, and state is all it shows.
  if (!h.localOnly && !l) return { step: step('forget') };
  if (s.preventDestroy || d?.lifecycle.preventDestroy) {
    return { error: `${address} has lifecycle.prevent_destroy set, but destroy would delete it. Remove prevent_destroy in a separate apply first, then run destroy again.` };
  }
  return { step: step('delete', l ? shownBefore(h, d, l, s) : h.viewOfApplied(s)) };
}

/** What goes, as the planner shows a delete: the live object as read, completed by what state recorded of it; redacted when sensitive. */
function shownBefore(h: KindHandler, d: DesiredBase | undefined, l: LiveBase, s: StateEntry): ObjectView {
  const view = { ...h.viewOfApplied(s), ...defined(h.viewOfLive(l, true)) };
  return h.sensitive(d, s) && h.redact ? h.redact(view) : view;
}

function defined(view: ObjectView): ObjectView {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) if (v !== undefined) out[k] = v;
  return out as ObjectView;
}
