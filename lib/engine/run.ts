/**
 * One stack's plan, end to end: refresh the live side, compute the plan from what was read, then
 * add what only the repository can tell a reviewer (a changed file's text). Shared by the plan,
 * apply, drift, import and pull commands and by the benchmarks.
 */
import type { DesiredStack } from '../desired/types';
import { builtinKinds, type DesiredBase, type KindRegistry, type LiveBase, type LiveSnapshot } from '../kinds';
import type { Plan } from './plan-types';
import type { StateFile } from './state-types';
import { Planner } from './plan';
import { readAhead, refresh, type ReadAhead, type RefreshOptions } from './refresh';
import { resourcesByAddress } from '../desired/by-address';

export interface StackContext {
  /** The Kestra client (bounded: see planStack). */
  client: unknown;
  target: { url: string; tenant: string };
  kinds?: KindRegistry;
}

export interface StackPlan {
  stack: DesiredStack;
  state: StateFile | undefined;
  live: LiveSnapshot;
  plan: Plan;
}

export interface PlanTuning {
  /** Content reads (sources, file bytes, KV values) the refresh queues at once; the client bounds the rest. */
  concurrency?: number;
}

/** What readStackAhead started for an earlier version of a stack: its namespaces' readings, each planned as it came in. */
export interface StackReadAhead {
  reading: ReadAhead;
  planner: Planner;
}

/**
 * The refresh starts every namespace at once and counts on the client to bound the requests in
 * flight (KestraClient's maxInFlight; the CLI sets it): give it a bounded client. `ahead`: the
 * namespaces readStackAhead read for an earlier version of this stack, taken where they still
 * stand (lib/engine/refresh.ts adopter), and what planning them gave where an address's objects
 * are the same (lib/engine/plan.ts Planner).
 */
export async function planStack(stack: DesiredStack, state: StateFile | undefined, ctx: StackContext, tuning: PlanTuning = {}, ahead?: StackReadAhead): Promise<StackPlan> {
  const kinds = ctx.kinds ?? builtinKinds;
  // Each namespace is planned as soon as its live side is read, while the requests of the others
  // are still out: the plan is ready moments after the last answer.
  const planner = new Planner({ stack, state, target: ctx.target, kinds }, { earlier: ahead?.planner });
  const live = await refresh(stack, state, {
    ...refreshOptions(ctx, tuning),
    ahead: ahead?.reading,
    onNamespaceRead: (ns, objects) => planner.planNamespace(ns, objects),
  });
  const plan = planner.finish(live);
  addReviewDetail(plan, stack, kinds);
  return { stack, state, live, plan };
}

/**
 * Starts reading the live side of `stack` (read-only) for a planStack of a later version of it,
 * planning each namespace once read: while the app runs, the main thread has the time.
 */
export function readStackAhead(stack: DesiredStack, state: StateFile | undefined, ctx: StackContext, tuning: PlanTuning = {}): StackReadAhead {
  const planner = new Planner({ stack, state, target: ctx.target, kinds: ctx.kinds ?? builtinKinds }, { keepInputs: true });
  const onNamespaceRead = (ns: string, objects: ReadonlyMap<string, LiveBase>) => {
    try {
      planner.planNamespace(ns, objects);
    } catch {
      // planned again, and reported, by the plan that takes this reading
    }
  };
  return { reading: readAhead(stack, state, { ...refreshOptions(ctx, tuning), onNamespaceRead }), planner };
}

function refreshOptions(ctx: StackContext, tuning: PlanTuning): RefreshOptions {
  return {
    client: ctx.client,
    kinds: ctx.kinds ?? builtinKinds,
    // Every namespace starts at once: the client's in-flight bound keeps its request queue full,
    // so the sequential directory walks of one namespace never leave a slot idle.
    namespaceConcurrency: Number.POSITIVE_INFINITY,
    readConcurrency: tuning.concurrency ?? 16,
  };
}

/** The desired side of each write, completed with what reading the repository adds for a reviewer. */
export function addReviewDetail(plan: Plan, stack: DesiredStack, kinds: KindRegistry = builtinKinds): void {
  let desired: ReadonlyMap<string, DesiredBase> | undefined;
  for (const step of plan.steps) {
    if (step.action !== 'create' && step.action !== 'update') continue;
    const h = kinds.of(step.kind);
    if (!h.reviewOfDesired || step.sensitive) continue;
    desired ??= resourcesByAddress(stack);
    const d = desired.get(step.address);
    if (d) step.after = { ...step.after, ...h.reviewOfDesired(d) };
  }
}
