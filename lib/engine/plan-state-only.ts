/**
 * Planning modes that only change state, each emitting the steps apply then carries out:
 * `import` adopts live objects as they are, `apply --refresh-only` accepts what changed outside
 * kestraform (Terraform's refresh-only), and `pull` records what it wrote into Git. Pure: they
 * read what the plan's refresh read.
 */
import type { DesiredStack } from '../desired/types';
import { builtinKinds, entryFromLive, type KindRegistry, type LiveSnapshot, type StateEntry } from '../kinds';
import { UserFacingError } from '../util/errors';
import { namespaceOfAddress } from '../model/addresses';
import { summarize, type Plan, type PlanStep, type ReasonCode } from './plan-types';
import type { StateFile } from './state-types';

export class ImportError extends UserFacingError {}

/** A plan of these state-only steps, against what `base` was computed from (so a saved one goes stale the same way). */
export function stateOnlyPlan(base: Plan, steps: PlanStep[]): Plan {
  return { ...base, steps, drift: [], errors: [], warnings: [], summary: summarize(steps, []) };
}

/** `kestraform import ADDRESS…` of objects the stack declares: each recorded exactly as it is live. */
export function planImport(base: Plan, addresses: readonly string[], stack: DesiredStack, live: LiveSnapshot, state: StateFile | undefined, kinds: KindRegistry = builtinKinds): Plan {
  const now = new Date().toISOString();
  const steps = addresses.map((address): PlanStep => {
    const d = stack.resources.find((r) => r.address === address);
    const h = d ? kinds.of(d.kind) : undefined;
    if (!d || !h || h.localOnly) throw new ImportError(`${address} is not a Kestra object declared by stack "${stack.name}"`);
    const l = live.objects.get(address);
    if (!l) throw new ImportError(`${address} does not exist in Kestra — nothing to import; \`kestraform apply\` will create it`);
    const entry = entryFromLive(h, l, d, state?.resources[address], now);
    if (!entry) throw new ImportError(`${address}: its content could not be read to record a hash — run import again`);
    return stateStep(address, h.kind, d.tfType, d.namespace, 'import', 'import-requested', entry);
  });
  return stateOnlyPlan(base, steps);
}

/**
 * The steps that make state take what drifted: a changed object recorded as it now is live, a
 * deleted one forgotten. `only`: just these addresses (pull accepts what it wrote to Git).
 */
export function acceptDriftSteps(plan: Plan, live: LiveSnapshot, state: StateFile | undefined, opts: { only?: ReadonlySet<string>; reason?: ReasonCode; kinds?: KindRegistry } = {}): PlanStep[] {
  const kinds = opts.kinds ?? builtinKinds;
  const now = new Date().toISOString();
  const steps: PlanStep[] = [];
  for (const item of plan.drift) {
    const prev = state?.resources[item.address];
    if (!prev || item.drift === 'unmanaged' || (opts.only && !opts.only.has(item.address))) continue;
    if (item.drift === 'deleted') {
      steps.push(stateStep(item.address, item.kind, item.tfType, item.namespace, 'forget', 'deletion-accepted'));
      continue;
    }
    const h = kinds.of(item.kind);
    const l = live.objects.get(item.address)!;
    // Content not read (too large to download): the new fingerprint alone still ends the drift.
    const entry: StateEntry = entryFromLive(h, l, undefined, prev, now) ?? { ...prev, live: h.fingerprint(l, undefined) ?? prev.live, updatedAt: now };
    steps.push(stateStep(item.address, item.kind, item.tfType, item.namespace, 'accept', opts.reason ?? 'drift-accepted', entry));
  }
  return steps;
}

/**
 * Records entries made elsewhere (pull's objects new in Kestra) as import steps, each marked as
 * pulled (StateEntry.pulledAt): the configuration that declares it is only in this working tree.
 */
export function adoptSteps(entries: readonly StateEntry[], kinds: KindRegistry = builtinKinds): PlanStep[] {
  const now = new Date().toISOString();
  return entries.map((e) => {
    const h = kinds.forAddress(e.address)!;
    return stateStep(e.address, h.kind, h.tfTypes[0], namespaceOfAddress(e.address), 'import', 'pulled-into-git', { ...e, pulledAt: now });
  });
}

function stateStep(address: string, kind: string, tfType: string, namespace: string | undefined, action: PlanStep['action'], reason: ReasonCode, entry?: StateEntry): PlanStep {
  return { address, kind, tfType, namespace, action, reason, entry, dependsOn: [], phase: 0 };
}
