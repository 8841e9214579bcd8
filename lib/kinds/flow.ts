/**
 * Flows (`kestra_flow`, `flow:NAMESPACE/ID`). Listings carry the revision: when it equals the one
 * state recorded after our apply, the stored source is the one we applied and is not fetched.
 * Kestra's validate endpoint checks every flow to be written before anything is written.
 *
 * Runtime state: a flow's top-level `disabled` changed in Kestra since the last apply (the UI
 * toggle writes it into the stored source) is reported as such, and kept by deploys unless the
 * stack's `runtimeState.flowDisabled` is `git`; state records Git's source as applied, so the kept
 * value stays known as runtime state. Triggers disabled at runtime (Kestra's trigger state, never
 * in the source) are read with one trigger search per namespace whose declared flows have
 * triggers, and reported read-only.
 */
import { checkFlowSource } from '../gittree';
import { lineOfId } from '../gittree/flow-file';
import { flowAddress, parseAddress } from '../model/addresses';
import { FLOW_TYPE, describeIssues, flowAttributes } from '../model/resources';
import { calledFlows, declaresTriggers, flowDisabled, flowSourceHash, normalizeFlowSource, onlyFormattingChanged, sameApartFromDisabled, withFlowDisabled } from './flow-source';
import { entryFromLive } from './entries';
import type { DecodeContext, DesiredBase, Fingerprint, KindHandler, LiveBase, PullContext, PullPlan, RefreshContext, RuntimeValue, Shown, WriteContext } from './types';

export interface DesiredFlow extends DesiredBase {
  kind: 'flow';
  namespace: string;
  flowId: string;
  content: string;
  /** Project-relative file it was read from (absent when written in a stack's code). */
  sourceFile?: string;
  /** The environment that rewrote the file's source (its namespaces, labels or triggers). */
  rewrittenFor?: string;
  /** Set on the object a write sends when it keeps Kestra's `disabled` (withKept): `content` has it. */
  keptDisabled?: boolean;
}

export interface LiveFlow extends LiveBase {
  kind: 'flow';
  id: string;
  revision: number;
  /** The stored source; undefined when refresh did not need to read it. */
  source?: string;
  /** sha256 of the normalised source, known even when `source` is not read (vouched for by state). */
  sourceHash?: string;
  disabled?: boolean;
  /** Triggers whose runtime state is disabled while the live source does not disable them (undefined: not read). */
  triggersDisabledAtRuntime?: string[];
}

/** A trigger's runtime state, as the trigger search reports it. */
export interface FlowTriggerState {
  namespace: string;
  flowId: string;
  triggerId: string;
  disabled: boolean;
  disabledInSource?: boolean;
}

/** The Kestra calls flows need (lib/kestra's client implements them). */
export interface FlowClient {
  listFlows(ns: string): Promise<Array<{ id: string; namespace: string; revision: number; disabled?: boolean; deleted?: boolean }>>;
  exportFlowSources(ns: string): Promise<Map<string, string>>;
  getFlow(ns: string, id: string): Promise<{ source?: string; revision: number } | null>;
  createFlow(source: string): Promise<{ revision: number; source?: string }>;
  updateFlow(ns: string, id: string, source: string): Promise<{ revision: number; source?: string }>;
  deleteFlow(ns: string, id: string): Promise<unknown>;
  validateFlows(sources: string[]): Promise<Array<{ index: number; flowId?: string; namespace?: string; errors?: string }>>;
  /** Trigger states of a namespace (one search); undefined when the server will not say. Optional: without it, none are reported. */
  searchTriggers?(ns: string): Promise<FlowTriggerState[] | undefined>;
}

const client = (c: unknown) => c as FlowClient;

// The planner asks for a desired flow's hash several times (equality, the step, state): once is enough.
const desiredHashes = new WeakMap<DesiredFlow, string>();
function desiredHashOf(d: DesiredFlow): string {
  let h = desiredHashes.get(d);
  if (h === undefined) desiredHashes.set(d, (h = flowSourceHash(d.content)));
  return h;
}

// Whether a declared flow has triggers (its runtime state is worth a trigger search), once per object.
const withTriggers = new WeakMap<DesiredFlow, boolean>();
function hasTriggers(d: DesiredFlow): boolean {
  let t = withTriggers.get(d);
  if (t === undefined) withTriggers.set(d, (t = declaresTriggers(d.content)));
  return t;
}

/** The live flow's own `disabled`: the listing says it; the source, when the listing did not. */
function liveDisabledOf(l: LiveFlow): boolean | undefined {
  return l.disabled ?? (l.source !== undefined ? flowDisabled(l.source) : undefined);
}

const FLOW_DISABLED_SETTING = 'runtimeState.flowDisabled';

function idOf(address: string): { namespace: string; id: string } {
  const p = parseAddress(address)!;
  return { namespace: p.namespace, id: p.name };
}

/** `namespace/id`, as a flow's diff is labelled. */
const label = (address: string) => {
  const { namespace, id } = idOf(address);
  return `${namespace}/${id}`;
};

export const flowKind: KindHandler<DesiredFlow, LiveFlow> = {
  kind: 'flow',
  tfTypes: [FLOW_TYPE],
  noun: { one: 'flow', many: 'flows', column: 'flows' },
  phases: { write: 2, remove: 3 },
  ignorable: ['content'],
  storedAs: 'file',
  provenance: ['sourceFile', 'rewrittenFor'],

  decode(raw, common, ctx) {
    const p = flowAttributes.safeParse(raw);
    if (!p.success) return { problems: describeIssues(p.error) };
    const a = p.data;
    const resource: DesiredFlow = { kind: 'flow', address: flowAddress(a.namespace, a.flow_id), ...common, namespace: a.namespace, flowId: a.flow_id, content: a.content, sourceFile: a.source_file, rewrittenFor: a.rewritten_for };
    if (!a.source_file) checkHandWritten(resource, ctx);
    return { resource };
  },

  origin(d) {
    return d.sourceFile ? { file: d.sourceFile, line: lineOfId(d.content) } : undefined;
  },

  async refresh(ns, ctx) {
    const c = client(ctx.client);
    // Trigger states only where a declared flow has triggers: one search for the whole namespace.
    const wantTriggers = !!c.searchTriggers && ctx.declared(ns).some((d) => d.kind === 'flow' && hasTriggers(d as DesiredFlow));
    const [all, triggers] = await Promise.all([c.listFlows(ns), wantTriggers ? c.searchTriggers!(ns) : undefined]);
    const listed = all.filter((f) => !f.deleted);
    const needSource: LiveFlow[] = [];
    const byId = new Map<string, LiveFlow>();
    for (const f of listed) {
      const address = flowAddress(ns, f.id);
      const live: LiveFlow = { kind: 'flow', address, namespace: ns, id: f.id, revision: f.revision, disabled: f.disabled };
      ctx.put(live);
      byId.set(f.id, live);
      const s = ctx.entry(address);
      if (s?.live.kind === 'flow' && s.live.revision === f.revision) {
        // Same revision as right after our apply: the stored source is the one we applied — with
        // Kestra's `disabled`, when a write kept it (state records Git's source as applied).
        live.sourceHash = s.live.sourceHash as string;
        const applied = s.applied.source as string | undefined;
        live.source = applied !== undefined && f.disabled !== undefined && flowDisabled(applied) !== f.disabled ? withFlowDisabled(applied, f.disabled) : applied;
      } else if (ctx.desired(address) || s) {
        needSource.push(live);
      }
    }
    if (triggers) {
      for (const l of byId.values()) l.triggersDisabledAtRuntime = [];
      for (const t of triggers) {
        const l = t.namespace === ns && t.disabled && !t.disabledInSource ? byId.get(t.flowId) : undefined;
        if (l && !l.triggersDisabledAtRuntime!.includes(t.triggerId)) l.triggersDisabledAtRuntime!.push(t.triggerId);
      }
      for (const l of byId.values()) l.triggersDisabledAtRuntime!.sort();
    }
    if (needSource.length === 0) return;
    if (needSource.length > ctx.exportThreshold) {
      const sources = await c.exportFlowSources(ns);
      for (const live of needSource) setSource(live, sources.get(live.id));
      const missing = needSource.filter((l) => l.source === undefined);
      await Promise.all(missing.map((l) => ctx.read(() => fetchSource(l, ctx))));
    } else {
      await Promise.all(needSource.map((l) => ctx.read(() => fetchSource(l, ctx))));
    }
  },

  equal(d, l) {
    if (flowKind.liveHash(l) === desiredHashOf(d)) return true;
    // Keeping Kestra's `disabled`: the same flow, wherever Kestra's toggle put the line.
    return d.keptDisabled !== undefined && liveDisabledOf(l) === d.keptDisabled && l.source !== undefined && sameApartFromDisabled(l.source, d.content);
  },
  desiredHash: desiredHashOf,
  liveHash: (l) => l.sourceHash ?? (l.source !== undefined ? flowSourceHash(l.source) : undefined),
  fingerprintString: (l) => `rev:${l.revision}`,
  matchesState: (l, fp) => l.revision === fp.revision,
  formattingOnly: (d, l) => l.source !== undefined && onlyFormattingChanged(l.source, d.content),
  sensitive: () => false,

  viewOfDesired: (d) => ({ namespace: d.namespace, source: d.content }),
  viewOfLive: (l) => ({ namespace: l.namespace, source: l.source, revision: l.revision }),
  viewOfApplied: (s) => ({ namespace: idOf(s.address).namespace, source: s.applied.source as string | undefined, revision: s.live.revision as number | undefined }),

  fingerprint(l, d) {
    const sourceHash = flowKind.liveHash(l) ?? (d ? desiredHashOf(d) : undefined);
    return sourceHash === undefined ? undefined : { kind: 'flow', revision: l.revision, sourceHash };
  },
  applied: (d) => ({ appliedHash: desiredHashOf(d), applied: { source: d.content } }),
  appliedFromLive(l) {
    const hash = flowKind.liveHash(l);
    return hash === undefined ? undefined : { appliedHash: hash, applied: { source: l.source } };
  },

  runtime(d, l, s, policy) {
    if (!d) return undefined;
    const values: RuntimeValue[] = [];
    let kept: { disabled: boolean } | undefined;
    let explainsChange = false;
    // The flow's own `disabled`, changed in Kestra since the last apply (Git's value then: what
    // state records as applied) — or, for a flow not managed yet, the only difference from Git.
    const live = liveDisabledOf(l);
    const unmanagedOnlyByDisabled = () => live !== undefined && live !== flowDisabled(d.content) && l.source !== undefined && sameApartFromDisabled(l.source, d.content);
    const applied = s ? (s.applied.source as string | undefined) : unmanagedOnlyByDisabled() ? d.content : undefined;
    if (live !== undefined && applied !== undefined && live !== flowDisabled(applied)) {
      const git = flowDisabled(d.content);
      const rule = policy.flow_disabled ?? 'keep';
      explainsChange = !!s && s.live.revision !== l.revision && l.source !== undefined && sameApartFromDisabled(l.source, applied);
      // Kept when the policy keeps it, and when Git now says the same (nothing to reset).
      if (rule === 'keep' || live === git) kept = { disabled: live };
      if (live !== git) values.push({ attribute: 'disabled', live, desired: git, storedIn: 'source', handling: rule === 'keep' ? 'kept' : 'reset', policy: { setting: FLOW_DISABLED_SETTING, value: rule } });
    }
    for (const id of l.triggersDisabledAtRuntime ?? []) values.push({ part: { type: 'trigger', id }, attribute: 'disabled', live: true, storedIn: 'instance', handling: 'read-only' });
    return values.length || kept || explainsChange ? { values, kept, explainsChange } : undefined;
  },
  withKept(d, kept) {
    const disabled = kept.disabled;
    if (typeof disabled !== 'boolean') return d;
    return { ...d, content: withFlowDisabled(d.content, disabled), keptDisabled: disabled };
  },

  dependencies: (d) => calledFlows(d.content),

  async validateWrites(flows, c) {
    const answers = await client(c).validateFlows(flows.map((f) => f.content));
    const problems: string[] = [];
    for (const a of answers) {
      if (!a.errors) continue;
      const f = flows[a.index] ?? flows.find((x) => x.flowId === a.flowId && x.namespace === a.namespace);
      problems.push(`${f ? (f.sourceFile ?? f.address) : `flow #${a.index}`}: Kestra's validation: ${a.errors.trim()}`);
    }
    return problems;
  },

  async write(d, action, ctx: WriteContext): Promise<Fingerprint> {
    const res = action === 'create' ? await client(ctx.client).createFlow(d.content) : await client(ctx.client).updateFlow(d.namespace, d.flowId, d.content);
    return { kind: 'flow', revision: res.revision, sourceHash: flowSourceHash(res.source ?? d.content) };
  },
  async remove(address, ctx) {
    const { namespace, id } = idOf(address);
    await client(ctx.client).deleteFlow(namespace, id);
  },

  display(shown: Shown) {
    const before = shown.sides === 'create' ? null : shown.before?.source;
    const after = shown.sides === 'delete' ? null : shown.after?.source;
    // A side whose source was not read gives no diff (never a made-up one).
    if (before === undefined || after === undefined) return [];
    return [{ type: 'diff', label: label(shown.address), before: before === null ? null : normalizeFlowSource(before), after: after === null ? null : normalizeFlowSource(after) }];
  },

  async planPull(ctx: PullContext): Promise<PullPlan> {
    const { namespace, id } = idOf(ctx.address);
    const rewrittenFor = (ctx.desired as DesiredFlow | undefined)?.rewrittenFor;
    if (rewrittenFor !== undefined) {
      return { refused: `its source is rewritten for environment "${rewrittenFor}" (namespaces, labels or triggers), so Kestra's version cannot go back into ${ctx.file ?? 'the tree'} as it is — pull it from an environment that deploys the file unchanged, or make the edit in the file` };
    }
    const home = ctx.file !== undefined ? { file: ctx.file } : ctx.homes.flow(namespace, id);
    if ('refused' in home) return home;
    if (ctx.drift === 'deleted') return { file: home.file, change: { action: 'delete' } };
    const known = ctx.live as LiveFlow | undefined;
    const fetched = known?.source !== undefined ? { source: known.source, revision: known.revision } : await client(ctx.client).getFlow(namespace, id);
    if (fetched?.source === undefined) return { refused: 'its source could not be read from Kestra' };
    const live: LiveFlow = { kind: 'flow', address: ctx.address, namespace, id, revision: fetched.revision, source: fetched.source, sourceHash: flowSourceHash(fetched.source) };
    const adopt = ctx.drift === 'unmanaged' ? entryFromLive(flowKind, live, undefined, undefined, ctx.now) : undefined;
    return { file: home.file, change: { action: 'write', bytes: Buffer.from(fetched.source, 'utf8') }, adopt };
  },
};

async function fetchSource(live: LiveFlow, ctx: RefreshContext): Promise<void> {
  const f = await client(ctx.client).getFlow(live.namespace, live.id);
  if (!f) {
    ctx.remove(live.address); // deleted between listing and read
    return;
  }
  live.revision = f.revision;
  setSource(live, f.source);
}

function setSource(live: LiveFlow, source: string | undefined): void {
  if (source === undefined) return;
  live.source = source;
  live.sourceHash = flowSourceHash(source);
}

/** A flow written in a stack's code gets the checks a flow read from a tree got at synth. */
function checkHandWritten(flow: DesiredFlow, ctx: DecodeContext): void {
  const where = `${ctx.where} (stack "${ctx.stack}", ${flow.constructPath})`;
  const checked = checkFlowSource(flow.content, where, { kestraMajor: 2, expectedNamespace: flow.namespace });
  ctx.diagnostics.push(...checked.diagnostics);
  if (checked.id !== undefined && checked.id !== flow.flowId) {
    ctx.diagnostics.push({ severity: 'error', file: where, line: 0, column: 0, message: `flow_id "${flow.flowId}" differs from the content's id "${checked.id}"`, hint: 'make them equal' });
  }
}

