/**
 * The planner: a pure function of (desired, live, state, options) → Plan. No I/O happens here;
 * the caller passes whatever bytes it already has.
 */
import type { DesiredFile, DesiredFlow, DesiredKv, DesiredLocal, DesiredResource, DesiredStack } from '../desired/types';
import { FILE_TYPE, FLOW_TYPE, KV_TYPE, parseAddress } from '../model/resources';
import type { LiveFile, LiveFlow, LiveKv, LiveSnapshot } from './live';
import type { DriftItem, ObjectView, Plan, PlanSummary, ResourceChange } from './plan-types';
import type { StateEntry, StateFile } from './state-types';
import { flowSourceHash, kvDesiredHash, kvValueHash, normalizeFlowSource, triggersHash } from './hash';
import { fileDiff, flowDiff, onlyFormattingChanged } from './plan-diff';
import { liveFingerprintOf, liveMatchesState } from './fingerprint';
import { orderChanges } from './plan-order';
import { expectedLiveKv } from '../kestra/kv-values';

export interface PlanInput {
  stack: DesiredStack;
  live: LiveSnapshot;
  state: StateFile | undefined;
  target: { url: string; tenant: string };
  /** Bytes of a desired namespace file, for text diffs (undefined: no text diff). */
  desiredBytes?: (file: DesiredFile) => Buffer | undefined;
  now?: Date;
}

type LiveObject = LiveFlow | LiveFile | LiveKv;

export function computePlan(input: PlanInput): Plan {
  return new PlanBuilder(input).finish();
}

/** What planning one address produced; the plan lists these in address order. */
interface AddressResult {
  address: string;
  change?: ResourceChange;
  drift?: DriftItem;
  errors: string[];
  warnings: string[];
  fingerprint?: string;
}

/**
 * Plans address by address, so a caller can plan each namespace as soon as its live side is
 * read (while other namespaces are still being refreshed) and finish with the rest. Each address
 * depends only on its own desired, live and state entries; order and summary are built at the end,
 * so the plan is the same whichever order the namespaces came in.
 */
export class PlanBuilder {
  private readonly desired: Map<string, DesiredResource>;
  private readonly stateEntries: Record<string, StateEntry>;
  private readonly owned: Set<string>;
  private readonly protectedNs: Set<string>;
  /** Declared or recorded addresses of each namespace (live-only ones are found at the end). */
  private readonly byNamespace = new Map<string, string[]>();
  private readonly results = new Map<string, AddressResult>();

  constructor(private readonly input: PlanInput) {
    const settings = input.stack.settings;
    this.desired = new Map<string, DesiredResource>(input.stack.resources.map((r) => [r.address, r]));
    this.stateEntries = input.state?.resources ?? {};
    this.owned = new Set(settings.namespaces);
    this.protectedNs = new Set(settings.protected_namespaces);
    const index = (address: string) => {
      const ns = parseAddress(address)?.namespace;
      if (ns === undefined) return;
      const list = this.byNamespace.get(ns);
      if (list) list.push(address);
      else this.byNamespace.set(ns, [address]);
    };
    for (const r of input.stack.resources) if (r.kind !== 'local') index(r.address);
    for (const address of Object.keys(this.stateEntries)) if (!this.desired.has(address)) index(address);
  }

  /** Plans the declared and recorded objects of `ns`; call it once the live side of `ns` is complete. */
  planNamespace(ns: string): void {
    for (const address of this.byNamespace.get(ns) ?? []) if (!this.results.has(address)) this.planAddress(address);
  }

  /** Plans every address not planned yet and assembles the plan. */
  finish(): Plan {
    const { stack, live, state } = this.input;
    const rest = (address: string) => {
      if (!this.results.has(address)) this.planAddress(address);
    };
    for (const address of this.desired.keys()) rest(address);
    for (const address of Object.keys(this.stateEntries)) rest(address);
    for (const map of [live.flows, live.files, live.kv]) for (const address of map.keys()) rest(address);

    const ordered = [...this.results.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    const changes: ResourceChange[] = [];
    const drift: DriftItem[] = [];
    const errors: string[] = [];
    const warnings: string[] = [];
    const liveFingerprints: Record<string, string> = {};
    for (const r of ordered) {
      if (r.fingerprint !== undefined) liveFingerprints[r.address] = r.fingerprint;
      if (r.drift) drift.push(r.drift);
      if (r.change) changes.push(r.change);
      errors.push(...r.errors);
      warnings.push(...r.warnings);
    }
    const declaredDeps = new Map(stack.resources.map((r) => [r.address, r.dependsOn]));
    const flowSources = new Map(stack.resources.filter((r): r is DesiredFlow => r.kind === 'flow').map((r) => [r.address, r.content]));
    warnings.push(...orderChanges(changes, declaredDeps, flowSources));

    return {
      formatVersion: 1,
      stack: stack.name,
      createdAt: (this.input.now ?? new Date()).toISOString(),
      desiredDigest: stack.digest,
      state: state ? { lineage: state.lineage, serial: state.serial } : null,
      liveFingerprints,
      changes,
      drift,
      errors,
      warnings,
      summary: summarize(changes, drift),
      target: this.input.target,
    };
  }

  private planAddress(address: string): void {
    const input = this.input;
    const live = input.live;
    const result: AddressResult = { address, errors: [], warnings: [] };
    this.results.set(address, result);
    const d = this.desired.get(address);
    const s = this.stateEntries[address] as StateEntry | undefined;
    if (d?.kind === 'local' || (!d && s?.live.kind === 'local')) {
      result.change = planLocal(address, d as DesiredLocal | undefined, s);
      return;
    }
    const parsed = parseAddress(address);
    if (!parsed) return;
    const l: LiveObject | undefined = parsed.kind === 'flow' ? live.flows.get(address) : parsed.kind === 'file' ? live.files.get(address) : live.kv.get(address);
    const ns = parsed.namespace;
    result.fingerprint = liveFingerprintOf(live, address);

    // Drift: live versus what state recorded after the last apply.
    if (s) {
      if (!l) result.drift = driftItem(address, parsed.kind, ns, 'deleted', s, undefined);
      else if (!liveMatchesState(l, s.live)) result.drift = driftItem(address, parsed.kind, ns, 'changed', s, l);
    } else if (l && !d && this.owned.has(ns)) {
      result.drift = driftItem(address, parsed.kind, ns, 'unmanaged', undefined, l);
    }

    if (this.protectedNs.has(ns)) {
      if (d || s) result.warnings.push(`${address} is in protected namespace "${ns}": left untouched`);
      return;
    }

    if (d) {
      const kd = d as Exclude<DesiredResource, DesiredLocal>;
      if (!l) {
        result.change = change(kd, 'create', s ? 'deleted outside kestraform; will be created again from Git' : 'not in Kestra yet', undefined, viewOfDesired(kd), input);
      } else if (equalToLive(kd, l, s)) {
        if (!s) result.change = change(kd, 'import', 'already in Kestra with the same content; will be adopted into state', viewOfLive(l), viewOfDesired(kd), input);
        else result.change = change(kd, 'no-op', 'up to date', viewOfLive(l), viewOfDesired(kd), input);
      } else if (ignoresChanges(kd)) {
        result.change = change(kd, s ? 'no-op' : 'import', 'changes ignored (lifecycle.ignore_changes)', viewOfLive(l), viewOfLive(l), input);
      } else {
        const reason = s && !liveMatchesState(l, s.live) ? 'changed outside kestraform; will be reverted to Git' : s ? 'changed in Git' : 'differs from Git and not yet managed; will be overwritten';
        result.change = change(kd, 'update', reason, viewOfLive(l), viewOfDesired(kd), input, l);
      }
      return;
    }

    // Not declared any more (or never was).
    if (l) {
      const managed = !!s;
      const prunable = !managed && input.stack.settings.prune && this.owned.has(ns);
      if (!managed && !prunable) return; // unmanaged, left alone (reported as drift above)
      if (s?.preventDestroy) {
        result.errors.push(`${address} has lifecycle.prevent_destroy set, but the plan calls for deleting it (it is no longer in the configuration). Put it back in Git, or remove prevent_destroy in a separate apply first.`);
        return;
      }
      result.change = {
        address,
        kind: parsed.kind,
        tfType: tfTypeOf(parsed.kind),
        namespace: ns,
        action: 'delete',
        reason: managed ? 'not in the configuration any more; managed by this stack' : `not in Git, and prune is on for namespace "${ns}"`,
        before: viewOfLive(l),
        beforeHash: s?.appliedHash,
        sensitive: s?.applied.sensitive,
        diff: deleteDiff(address, parsed.kind, l, s),
        dependsOn: [],
        phase: 0,
      };
    } else if (s) {
      result.change = { address, kind: parsed.kind, tfType: tfTypeOf(parsed.kind), namespace: ns, action: 'forget', reason: 'already gone from Kestra and from Git; removed from state', dependsOn: [], phase: 0 };
    }
  }
}

function summarize(changes: ResourceChange[], drift: DriftItem[]): PlanSummary {
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  return {
    add: count('create') + count('replace'),
    change: count('update'),
    destroy: count('delete') + count('replace'),
    import: count('import'),
    forget: count('forget'),
    drifted: drift.filter((d) => d.drift !== 'unmanaged').length,
    unmanaged: drift.filter((d) => d.drift === 'unmanaged').length,
  };
}

function tfTypeOf(kind: 'flow' | 'file' | 'kv'): string {
  return kind === 'flow' ? FLOW_TYPE : kind === 'file' ? FILE_TYPE : KV_TYPE;
}

function ignoresChanges(d: DesiredFlow | DesiredFile | DesiredKv): boolean {
  const ic = d.lifecycle.ignoreChanges;
  if (ic === 'all') return true;
  const attrs = d.kind === 'flow' ? ['content'] : d.kind === 'file' ? ['content', 'source'] : ['value', 'type'];
  return attrs.some((a) => ic.includes(a));
}

/** Equality as DESIGN §4 defines it, with what refresh learned. */
export function equalToLive(d: DesiredFlow | DesiredFile | DesiredKv, l: LiveObject, s: StateEntry | undefined): boolean {
  if (d.kind === 'flow') {
    const lf = l as LiveFlow;
    const liveHash = lf.sourceHash ?? (lf.source !== undefined ? flowSourceHash(lf.source) : undefined);
    return liveHash === flowSourceHash(d.content);
  }
  if (d.kind === 'file') {
    const lf = l as LiveFile;
    return lf.size === d.size && lf.sha256 === d.sha256;
  }
  const lk = l as LiveKv;
  const liveHash = lk.valueHash ?? (lk.type !== undefined && lk.value !== undefined ? kvValueHash(lk.type, lk.value) : undefined);
  // Compare with what Kestra reports for the desired value (it retypes some, e.g. "PT5M" strings).
  const expected = expectedLiveKv(d.type, d.value);
  if (liveHash !== kvValueHash(expected.type, expected.value)) return false;
  if ((d.description ?? '') !== (lk.description ?? '')) return false;
  // TTL cannot be read back (Kestra reports an expiration instant): compare with what was applied.
  if (s && (s.applied.ttl ?? '') !== (d.ttl ?? '')) return false;
  return true;
}

function desiredHash(d: DesiredFlow | DesiredFile | DesiredKv): string {
  if (d.kind === 'flow') return flowSourceHash(d.content);
  if (d.kind === 'file') return d.sha256;
  return kvDesiredHash(d);
}

function viewOfDesired(d: DesiredFlow | DesiredFile | DesiredKv): ObjectView {
  if (d.kind === 'flow') return { namespace: d.namespace, source: d.content };
  if (d.kind === 'file') return { namespace: d.namespace, size: d.size, sha256: d.sha256 };
  return { namespace: d.namespace, type: d.type, value: d.sensitive ? undefined : d.value, description: d.description, ttl: d.ttl };
}

function viewOfLive(l: LiveObject): ObjectView {
  if ('id' in l) return { namespace: l.namespace, source: l.source, revision: l.revision };
  if ('path' in l) return { namespace: l.namespace, size: l.size, sha256: l.sha256 };
  return { namespace: l.namespace, type: l.type, value: l.value, description: l.description };
}

function change(
  d: DesiredFlow | DesiredFile | DesiredKv,
  action: ResourceChange['action'],
  reason: string,
  before: ObjectView | undefined,
  after: ObjectView,
  input: PlanInput,
  live?: LiveObject,
): ResourceChange {
  const c: ResourceChange = {
    address: d.address,
    kind: d.kind,
    tfType: d.tfType,
    name: d.logicalId,
    namespace: d.namespace,
    action,
    reason,
    before,
    after,
    afterHash: desiredHash(d),
    sensitive: d.kind === 'kv' ? d.sensitive : undefined,
    dependsOn: [],
    phase: 0,
  };
  if (d.kind === 'kv' && d.sensitive && c.before) c.before = { ...c.before, value: undefined };
  if (action === 'update' && live) {
    if (d.kind === 'flow' && (live as LiveFlow).source !== undefined) {
      const liveSource = (live as LiveFlow).source!;
      c.diff = flowDiff(`${d.namespace}/${d.flowId}`, liveSource, d.content);
      c.formattingOnly = onlyFormattingChanged(liveSource, d.content);
      c.beforeHash = flowSourceHash(liveSource);
    } else if (d.kind === 'file') {
      const lf = live as LiveFile;
      c.diff = fileDiff(d.path, lf.bytes, input.desiredBytes?.(d), { before: lf, after: d });
      c.beforeHash = lf.sha256;
    } else if (d.kind === 'kv') {
      const lk = live as LiveKv;
      c.beforeHash = lk.valueHash;
    }
  }
  if (action === 'create') {
    if (d.kind === 'flow') c.diff = flowDiff(`${d.namespace}/${d.flowId}`, '', d.content);
    else if (d.kind === 'file') c.diff = fileDiff(d.path, null, input.desiredBytes?.(d), { after: d });
  }
  return c;
}

function deleteDiff(address: string, kind: 'flow' | 'file' | 'kv', l: LiveObject, s: StateEntry | undefined): string | undefined {
  if (kind === 'flow') {
    const src = (l as LiveFlow).source ?? s?.applied.source;
    return src !== undefined ? flowDiff(address.slice('flow:'.length), src, '') : undefined;
  }
  if (kind === 'file') {
    const lf = l as LiveFile;
    return fileDiff(lf.path, lf.bytes, null, { before: lf });
  }
  return undefined;
}

function driftItem(address: string, kind: 'flow' | 'file' | 'kv', ns: string, drift: DriftItem['drift'], s: StateEntry | undefined, l: LiveObject | undefined): DriftItem {
  const item: DriftItem = { address, kind, tfType: tfTypeOf(kind), namespace: ns, drift, sensitive: s?.applied.sensitive };
  if (s?.live.kind === 'flow') item.appliedRevision = s.live.revision;
  if (l && 'revision' in l && kind === 'flow') item.liveRevision = (l as LiveFlow).revision;
  if (kind === 'flow') {
    const applied = s?.applied.source;
    const liveSource = (l as LiveFlow | undefined)?.source;
    if (applied !== undefined) item.before = { namespace: ns, source: applied, revision: item.appliedRevision };
    if (liveSource !== undefined) item.after = { namespace: ns, source: liveSource, revision: item.liveRevision };
    if (drift !== 'unmanaged') item.diff = flowDiff(address.slice('flow:'.length), applied ?? '', drift === 'deleted' ? '' : liveSource ?? '');
    if (drift === 'changed' && (applied === undefined || liveSource === undefined)) item.diff = undefined;
    if (drift === 'unmanaged' && liveSource !== undefined) item.diff = flowDiff(address.slice('flow:'.length), '', liveSource);
  } else if (kind === 'file') {
    const lf = l as LiveFile | undefined;
    const fp = s?.live.kind === 'file' ? s.live : undefined;
    item.before = fp ? { namespace: ns, size: fp.size, sha256: fp.sha256 } : undefined;
    item.after = lf ? { namespace: ns, size: lf.size, sha256: lf.sha256 } : undefined;
    if (drift === 'changed') item.diff = fileDiff(address, undefined, lf?.bytes, { before: item.before, after: item.after });
  } else {
    const lk = l as LiveKv | undefined;
    const sensitive = !!s?.applied.sensitive;
    item.before = s ? { namespace: ns, type: s.applied.type as never, value: sensitive ? undefined : s.applied.value, description: s.applied.description } : undefined;
    item.after = lk ? { namespace: ns, type: lk.type, value: sensitive ? undefined : lk.value, description: lk.description } : undefined;
  }
  return item;
}

function planLocal(address: string, d: DesiredLocal | undefined, s: StateEntry | undefined): ResourceChange | undefined {
  const base = { address, kind: 'local' as const, tfType: d?.tfType ?? address.split('.')[0], name: d?.logicalId, dependsOn: [], phase: 0 };
  if (d && !s) return { ...base, action: 'create', reason: 'not in state yet', after: { triggers: d.triggers }, afterHash: triggersHash(d.triggers) };
  if (!d && s) return { ...base, action: 'delete', reason: 'not in the configuration any more', before: { triggers: s.applied.triggers } };
  if (d && s) {
    const h = triggersHash(d.triggers);
    if (s.live.kind === 'local' && s.live.triggersHash === h) return { ...base, action: 'no-op', reason: 'triggers unchanged', afterHash: h };
    return { ...base, action: 'replace', reason: 'triggers changed: must be replaced', before: { triggers: s.applied.triggers }, after: { triggers: d.triggers }, beforeHash: s.appliedHash, afterHash: h };
  }
  return undefined;
}

export { normalizeFlowSource };
