/**
 * One stack's plan, end to end: read state, refresh live, compute the plan. Shared by the
 * plan, apply, drift and import commands and by the benchmarks.
 */
import type { DesiredFile, DesiredStack } from '../desired/types';
import { loadFileBytes } from '../desired/bytes';
import type { KvType } from '../gittree/types';
import type { LiveSnapshot } from './live';
import type { Plan } from './plan-types';
import type { StateFile } from './state-types';
import { PlanBuilder, type PlanInput } from './plan';
import { refresh, type RefreshClient, type RefreshOptions } from './refresh';
import { isText } from './plan-diff';

export interface StackContext {
  client: RefreshClient;
  kvToCanonical: (type: KvType, value: unknown) => string;
  target: { url: string; tenant: string };
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

/**
 * The refresh starts every namespace at once and counts on the client to bound the requests in
 * flight (KestraClient's maxInFlight; the CLI sets it): give it a bounded client.
 */
export async function planStack(stack: DesiredStack, state: StateFile | undefined, ctx: StackContext, tuning: PlanTuning = {}): Promise<StackPlan> {
  const c = tuning.concurrency ?? 16;
  // Each namespace is planned as soon as its live side is read, while the requests of the others
  // are still out: the plan is ready moments after the last answer.
  let builder: PlanBuilder | undefined;
  const input = (live: LiveSnapshot): PlanInput => ({ stack, live, state, target: ctx.target, desiredBytes: textBytesForDiff });
  const options: RefreshOptions = {
    client: ctx.client,
    kvToCanonical: ctx.kvToCanonical,
    // Every namespace starts at once: the client's in-flight bound keeps its request queue full,
    // so the sequential directory walks of one namespace never leave a slot idle.
    namespaceConcurrency: Number.POSITIVE_INFINITY,
    readConcurrency: c,
    onNamespaceRead: (ns, snapshot) => {
      builder ??= new PlanBuilder(input(snapshot));
      builder.planNamespace(ns);
    },
  };
  const live = await refresh(stack, state, options);
  const plan = (builder ?? new PlanBuilder(input(live))).finish();
  return { stack, state, live, plan };
}

/** Desired bytes for a text diff; binary or oversized files get a one-line summary instead. */
function textBytesForDiff(file: DesiredFile): Buffer | undefined {
  if (file.size > 512 * 1024) return undefined;
  try {
    const bytes = loadFileBytes(file);
    return isText(bytes) ? bytes : undefined;
  } catch {
    return undefined; // a stale source is reported by validation and refused by apply
  }
}
