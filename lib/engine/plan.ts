/**
 * The planner: a pure function of (desired, live, state) → typed steps with reason codes. Every
 * byte it compares was read before it runs (refresh; a namespace is planned once its live side is
 * complete); it reads no file, sends no request and writes no sentence — the kinds compare, the
 * renderers word.
 */
import type { DesiredStack } from '../desired/types';
import { namespaceOfAddress } from '../model/addresses';
import { builtinKinds, entryFromDesired, sameFingerprint, type DesiredBase, type Fingerprint, type KindHandler, type KindRegistry, type LiveBase, type LiveSnapshot, type ObjectView, type RuntimePolicy, type RuntimeValue, type StateEntry } from '../kinds';
import type { StateFile } from './state-types';
import { summarize, type DriftItem, type Plan, type PlanStep, type ReasonCode, type RuntimeStateItem, type StepAction } from './plan-types';
import { orderSteps } from './plan-order';
import { byCodePoint } from '../util/order';
import { resourcesByAddress } from '../desired/by-address';

export const ABSENT = 'absent';

export interface PlanInput {
  stack: DesiredStack;
  live: LiveSnapshot;
  state: StateFile | undefined;
  target: { url: string; tenant: string };
  kinds?: KindRegistry;
  now?: Date;
}

export function computePlan(input: PlanInput): Plan {
  return new Planner(input).finish(input.live);
}

/**
 * Plans address by address, so a caller can plan each namespace as soon as its live side is
 * completely read — while other namespaces are still being refreshed — and finish with the rest.
 * Each address depends only on its own desired, live and state entries, and the namespace's live
 * side is final when it is given: the plan is the same whichever order namespaces come in.
 */
export class Planner {
  private readonly kinds: KindRegistry;
  private readonly desired: ReadonlyMap<string, DesiredBase>;
  private readonly entries: Record<string, StateEntry>;
  private readonly ctx: AddressContext;
  private readonly now: string;
  /** What of the stack's settings planning an address depends on, as text (an earlier planner is taken from only with the same). */
  private readonly settingsKey: string;
  /** Declared or recorded addresses of each namespace (live-only ones come with the namespace). */
  private readonly byNamespace = new Map<string, string[]>();
  private readonly results = new Map<string, AddressResult>();
  /** With `keepInputs`: the live object (or none) each address was planned with. */
  private readonly liveUsed?: Map<string, LiveBase | undefined>;
  private readonly earlier?: Planner;
  private taken = 0;

  /**
   * `earlier`: a planner of another version of the stack (the previous synth's, planned while the
   * app ran, made with `keepInputs`) whose result for an address is taken when that address's
   * desired object, live object and state entry are the very objects given here, under the same
   * settings — planning an address is a pure function of those — and then not planned again. The
   * plan then carries the earlier planner's time, so every step of it has one.
   */
  constructor(
    private readonly input: Omit<PlanInput, 'live'>,
    opts: { earlier?: Planner; keepInputs?: boolean } = {},
  ) {
    this.kinds = input.kinds ?? builtinKinds;
    const { stack, state } = input;
    this.settingsKey = JSON.stringify([stack.settings.namespaces, stack.settings.protected_namespaces, stack.settings.prune, stack.settings.runtime_state ?? {}]);
    const earlier = opts.earlier;
    if (earlier && earlier.liveUsed && earlier.kinds === this.kinds && earlier.settingsKey === this.settingsKey && input.now === undefined) this.earlier = earlier;
    this.now = this.earlier ? this.earlier.now : (input.now ?? new Date()).toISOString();
    if (opts.keepInputs) this.liveUsed = new Map();
    this.desired = resourcesByAddress(stack);
    this.entries = state?.resources ?? {};
    this.ctx = {
      kinds: this.kinds,
      owned: new Set(stack.settings.namespaces),
      protectedNs: new Set(stack.settings.protected_namespaces),
      prune: stack.settings.prune,
      runtimePolicy: stack.settings.runtime_state ?? {},
      now: this.now,
    };
    const index = (address: string, ns: string | undefined) => {
      if (ns === undefined) return;
      const list = this.byNamespace.get(ns);
      if (list) list.push(address);
      else this.byNamespace.set(ns, [address]);
    };
    for (const r of stack.resources) index(r.address, r.namespace);
    for (const address of Object.keys(this.entries)) if (!this.desired.has(address)) index(address, namespaceOfAddress(address));
  }

  /** How many addresses' results came from the earlier planner. */
  get takenFromEarlier(): number {
    return this.taken;
  }

  /** Plans every object of `ns`, given all of its live objects (read completely). */
  planNamespace(ns: string, liveObjects: ReadonlyMap<string, LiveBase>): void {
    for (const address of this.byNamespace.get(ns) ?? []) this.plan(address, liveObjects.get(address));
    for (const [address, l] of liveObjects) this.plan(address, l);
  }

  /** Plans every address not planned yet, against the whole snapshot, and assembles the plan. */
  finish(live: LiveSnapshot): Plan {
    for (const address of this.desired.keys()) this.plan(address, live.objects.get(address));
    for (const address of Object.keys(this.entries)) this.plan(address, live.objects.get(address));
    for (const [address, l] of live.objects) this.plan(address, l);

    const { stack, state } = this.input;
    const steps: PlanStep[] = [];
    const drift: DriftItem[] = [];
    const runtime: RuntimeStateItem[] = [];
    const errors: string[] = [];
    const warnings: string[] = [];
    const liveFingerprints: Record<string, string> = {};
    for (const address of [...this.results.keys()].sort(byCodePoint)) {
      const r = this.results.get(address)!;
      if (r.fingerprint !== undefined) liveFingerprints[address] = r.fingerprint;
      if (r.drift) drift.push(r.drift);
      if (r.runtime) runtime.push(...r.runtime);
      if (r.step) steps.push(r.step);
      if (r.error) errors.push(r.error);
      if (r.warning) warnings.push(r.warning);
      // A runtime value this apply resets is called out as a deletion is; with no write (changes
      // ignored by lifecycle), nothing resets it: it stays as Kestra has it.
      for (const v of r.runtime ?? []) {
        if (v.handling !== 'reset') continue;
        if (r.step && !isQuietAction(r.step.action)) warnings.push(resetWarning(v));
        else v.handling = 'kept';
      }
    }
    warnings.push(...orderSteps(steps, this.desired, this.kinds));
    return {
      formatVersion: 2,
      stack: stack.name,
      createdAt: this.now,
      state: state ? { lineage: state.lineage, serial: state.serial } : null,
      liveFingerprints,
      steps,
      drift,
      runtime,
      errors,
      warnings,
      summary: summarize(steps, drift),
      target: this.input.target,
    };
  }

  private plan(address: string, l: LiveBase | undefined): void {
    if (this.results.has(address)) return;
    const d = this.desired.get(address);
    const s = this.entries[address];
    this.liveUsed?.set(address, l);
    const given = this.earlier?.give(address, d, l, s);
    if (given) this.taken++;
    this.results.set(address, given ?? planAddress(address, d, l, s, this.ctx));
  }

  /** This planner's result for `address` when it planned it from these very objects; given once. */
  private give(address: string, d: DesiredBase | undefined, l: LiveBase | undefined, s: StateEntry | undefined): AddressResult | undefined {
    const r = this.results.get(address);
    if (!r || !this.liveUsed!.has(address) || this.liveUsed!.get(address) !== l || this.desired.get(address) !== d || this.entries[address] !== s) return undefined;
    this.results.delete(address);
    this.liveUsed!.delete(address);
    return r;
  }
}

interface AddressContext {
  kinds: KindRegistry;
  owned: Set<string>;
  protectedNs: Set<string>;
  prune: boolean;
  runtimePolicy: RuntimePolicy;
  now: string;
}

/** What planning one address produced. */
interface AddressResult {
  step?: PlanStep;
  drift?: DriftItem;
  runtime?: RuntimeStateItem[];
  error?: string;
  warning?: string;
  fingerprint?: string;
}

function planAddress(address: string, d: DesiredBase | undefined, l: LiveBase | undefined, s: StateEntry | undefined, ctx: AddressContext): AddressResult {
  const h = d ? ctx.kinds.of(d.kind) : ctx.kinds.forAddress(address);
  if (!h) return { error: `state records ${address}, an object of a kind this version of kestraform does not know — use the version that applied it` };
  if (h.localOnly) return { step: planLocal(address, d, s, h) };
  const ns = namespaceOfAddress(address)!;
  const result: AddressResult = { fingerprint: l ? h.fingerprintString(l) : ABSENT };

  if (ctx.protectedNs.has(ns)) {
    // Never read, never written: nothing is known of it, nothing is done to it.
    if (d || s) result.warning = `${address} is in protected namespace "${ns}": left untouched`;
    return result;
  }
  const sensitive = h.sensitive(d, s) || undefined;
  const shown = (view: ObjectView | undefined) => (view && sensitive && h.redact ? h.redact(view) : view);

  // Runtime state (a flow disabled in the UI, a trigger disabled at runtime): the kind says what it
  // is and what the stack's policy does with it; it is not drift, and a kept value is no change.
  const runtime = l && h.runtime ? h.runtime(d, l, s, ctx.runtimePolicy) : undefined;
  if (runtime?.values.length) result.runtime = runtime.values.map((v) => runtimeItem(address, h, d, ns, v));

  // Drift: live versus what state recorded after the last apply (runtime values apart).
  if (s) {
    if (!l) result.drift = driftItem(address, h, ns, 'deleted', shown(h.viewOfApplied(s)), undefined, sensitive);
    else if (!h.matchesState(l, s.live) && !runtime?.explainsChange) result.drift = driftItem(address, h, ns, 'changed', shown(h.viewOfApplied(s)), shown(h.viewOfLive(l, true)), sensitive);
  } else if (l && !d && ctx.owned.has(ns)) {
    result.drift = driftItem(address, h, ns, 'unmanaged', undefined, shown(h.viewOfLive(l, true)), sensitive);
  }

  const step = (action: StepAction, reason: ReasonCode, before: ObjectView | undefined, after: ObjectView | undefined, more: Partial<PlanStep> = {}): PlanStep => ({
    address,
    kind: h.kind,
    tfType: d?.tfType ?? h.tfTypes[0],
    name: d?.logicalId,
    namespace: ns,
    action,
    reason,
    before: shown(before),
    after: shown(after),
    sensitive,
    dependsOn: [],
    phase: 0,
    ...more,
  });

  if (d) {
    // What a write would send: the desired object, with the runtime values it keeps. State records
    // the desired object itself as applied (so a kept value stays known as runtime state).
    const kept = l && runtime?.kept && h.withKept ? runtime.kept : undefined;
    const written = kept ? h.withKept!(d, kept) : d;
    const keeps = kept ? { kept } : {};
    const afterHash = h.desiredHash(written);
    if (!l) {
      result.step = step('create', s ? 'deleted-outside' : 'absent-in-kestra', undefined, h.viewOfDesired(d), { afterHash });
      return result;
    }
    const equal = h.equal(written, l, s);
    if (equal || ignoresChanges(d, h)) {
      const reason: ReasonCode = equal ? (s ? 'up-to-date' : 'same-content') : 'changes-ignored';
      const after = equal ? h.viewOfDesired(written) : h.viewOfLive(l, false);
      const fingerprint = h.fingerprint(l, written);
      if (!fingerprint) throw new Error(`${address}: no fingerprint for an object found equal (internal error)`);
      if (!s) result.step = step('import', reason, h.viewOfLive(l, false), after, { afterHash, entry: entryFromDesired(h, d, fingerprint, ctx.now) });
      else if (needsRecord(s, fingerprint, h.desiredHash(d), d)) result.step = step('record', 'fingerprint-moved', h.viewOfLive(l, false), after, { afterHash, entry: entryFromDesired(h, d, fingerprint, ctx.now) });
      else result.step = step('no-op', reason, h.viewOfLive(l, false), after, { afterHash });
      return result;
    }
    const movedOutside = !!s && !h.matchesState(l, s.live);
    const resets = runtime?.values.some((v) => v.handling === 'reset') ?? false;
    const reason: ReasonCode =
      movedOutside && !runtime?.explainsChange ? 'changed-outside' : s && resets && s.appliedHash === h.desiredHash(d) ? 'runtime-reset' : s ? 'changed-in-git' : 'unmanaged-differs';
    result.step = step('update', reason, h.viewOfLive(l, true), h.viewOfDesired(written), {
      afterHash,
      beforeHash: h.liveHash(l),
      formattingOnly: h.formattingOnly?.(written, l),
      ...keeps,
    });
    return result;
  }

  // Not declared any more (or never was).
  if (l) {
    const managed = !!s;
    const prunable = !managed && ctx.prune && ctx.owned.has(ns) && !h.neverPruned;
    if (!managed && !prunable) return result; // unmanaged, left alone (reported as drift above)
    if (s?.preventDestroy) {
      result.error = `${address} has lifecycle.prevent_destroy set, but the plan calls for deleting it (it is no longer in the configuration). Put it back in Git, or remove prevent_destroy in a separate apply first.`;
      return result;
    }
    if (s?.pulledAt) {
      // Adopted by a pull whose files this configuration does not have (yet): never deleted for that.
      result.warning = `${address} was pulled from Kestra into a working tree (kestraform pull, ${s.pulledAt}) and this configuration does not declare it: left in Kestra. Commit and merge the pulled file; to remove the object, delete it in Kestra (the next plan forgets it).`;
      return result;
    }
    // What goes: the live object as read, completed by what state recorded of it.
    const before = s ? { ...h.viewOfApplied(s), ...defined(h.viewOfLive(l, true)) } : h.viewOfLive(l, true);
    result.step = step('delete', managed ? 'removed-from-config' : 'pruned', before, undefined, { beforeHash: s?.appliedHash ?? h.liveHash(l) });
  } else if (s) {
    result.step = step('forget', 'gone-everywhere', undefined, undefined);
  }
  return result;
}

function runtimeItem(address: string, h: KindHandler, d: DesiredBase | undefined, ns: string, v: RuntimeValue): RuntimeStateItem {
  return { address, kind: h.kind, tfType: d?.tfType ?? h.tfTypes[0], namespace: ns, ...v };
}

const isQuietAction = (a: StepAction) => a === 'no-op' || a === 'record';

/** The warning line of a runtime value the apply resets to Git (a flow re-enabled reads like a deletion: nobody asked for it in Git). */
function resetWarning(v: RuntimeStateItem): string {
  const what = v.part ? `${v.address} (${v.part.type} ${v.part.id})` : v.address;
  const policy = v.policy ? ` (${v.policy.setting} is '${v.policy.value}')` : '';
  if (v.attribute === 'disabled' && typeof v.live === 'boolean' && typeof v.desired === 'boolean') {
    return `${what} is ${v.live ? 'disabled' : 'enabled'} in Kestra; this apply ${v.desired ? 'disables' : 're-enables'} it, as Git's source says${policy}`;
  }
  return `${what}: ${v.attribute} is ${String(v.live)} in Kestra; this apply sets it to ${String(v.desired)}, as Git says${policy}`;
}

function planLocal(address: string, d: DesiredBase | undefined, s: StateEntry | undefined, h: KindHandler): PlanStep | undefined {
  const decision = h.planLocal?.(d, s);
  if (!decision) return undefined;
  const reason: ReasonCode = { create: 'not-in-state', delete: 'removed-from-config', replace: 'triggers-changed', 'no-op': 'triggers-unchanged' }[decision.action] as ReasonCode;
  return {
    address,
    kind: h.kind,
    tfType: d?.tfType ?? address.slice(0, address.indexOf('.')),
    name: d?.logicalId,
    action: decision.action,
    reason,
    before: decision.before,
    after: decision.after,
    beforeHash: decision.beforeHash,
    afterHash: decision.afterHash,
    dependsOn: [],
    phase: 0,
  };
}

function ignoresChanges(d: DesiredBase, h: KindHandler): boolean {
  const ic = d.lifecycle.ignoreChanges;
  if (ic === 'all') return true;
  return h.ignorable.some((a) => ic.includes(a));
}

/** State must learn a newer fingerprint, applied hash or prevent_destroy of an unchanged object — or that a pulled one is now declared. */
function needsRecord(prev: StateEntry, fingerprint: Fingerprint, appliedHash: string, d: DesiredBase): boolean {
  return !sameFingerprint(prev.live, fingerprint) || prev.appliedHash !== appliedHash || !!prev.preventDestroy !== d.lifecycle.preventDestroy || prev.pulledAt !== undefined;
}

function driftItem(address: string, h: KindHandler, ns: string, drift: DriftItem['drift'], before: ObjectView | undefined, after: ObjectView | undefined, sensitive: boolean | undefined): DriftItem {
  return { address, kind: h.kind, tfType: h.tfTypes[0], namespace: ns, drift, before, after, sensitive };
}

function defined(view: ObjectView): ObjectView {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) if (v !== undefined) out[k] = v;
  return out as ObjectView;
}
