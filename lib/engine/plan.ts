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
  const { stack, live, state } = input;
  const settings = stack.settings;
  const desired = new Map<string, DesiredResource>(stack.resources.map((r) => [r.address, r]));
  const stateEntries = state?.resources ?? {};
  const liveObjects = new Map<string, LiveObject>([...live.flows, ...live.files, ...live.kv]);
  const owned = new Set(settings.namespaces);
  const protectedNs = new Set(settings.protected_namespaces);

  const addresses = new Set<string>([...desired.keys(), ...Object.keys(stateEntries)]);
  for (const a of liveObjects.keys()) addresses.add(a);

  const changes: ResourceChange[] = [];
  const drift: DriftItem[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const liveFingerprints: Record<string, string> = {};

  for (const address of [...addresses].sort()) {
    const d = desired.get(address);
    const s = stateEntries[address] as StateEntry | undefined;
    const l = liveObjects.get(address);
    if (d?.kind === 'local' || (!d && s?.live.kind === 'local')) {
      const c = planLocal(address, d as DesiredLocal | undefined, s);
      if (c) changes.push(c);
      continue;
    }
    const parsed = parseAddress(address);
    if (!parsed) continue;
    const ns = parsed.namespace;
    liveFingerprints[address] = liveFingerprintOf(live, address);

    // Drift: live versus what state recorded after the last apply.
    if (s) {
      if (!l) drift.push(driftItem(address, parsed.kind, ns, 'deleted', s, undefined));
      else if (!liveMatchesState(l, s.live)) drift.push(driftItem(address, parsed.kind, ns, 'changed', s, l));
    } else if (l && !d && owned.has(ns)) {
      drift.push(driftItem(address, parsed.kind, ns, 'unmanaged', undefined, l));
    }

    if (protectedNs.has(ns)) {
      if (d || s) warnings.push(`${address} is in protected namespace "${ns}": left untouched`);
      continue;
    }

    if (d) {
      const kd = d as Exclude<DesiredResource, DesiredLocal>;
      if (!l) {
        changes.push(change(kd, 'create', s ? 'deleted outside kestraform; will be created again from Git' : 'not in Kestra yet', undefined, viewOfDesired(kd), input));
      } else if (equalToLive(kd, l, s)) {
        if (!s) changes.push(change(kd, 'import', 'already in Kestra with the same content; will be adopted into state', viewOfLive(l), viewOfDesired(kd), input));
        else changes.push(change(kd, 'no-op', 'up to date', viewOfLive(l), viewOfDesired(kd), input));
      } else if (ignoresChanges(kd)) {
        changes.push(change(kd, s ? 'no-op' : 'import', 'changes ignored (lifecycle.ignore_changes)', viewOfLive(l), viewOfLive(l), input));
      } else {
        const reason = s && !liveMatchesState(l, s.live) ? 'changed outside kestraform; will be reverted to Git' : s ? 'changed in Git' : 'differs from Git and not yet managed; will be overwritten';
        changes.push(change(kd, 'update', reason, viewOfLive(l), viewOfDesired(kd), input, l));
      }
      continue;
    }

    // Not declared any more (or never was).
    if (l) {
      const managed = !!s;
      const prunable = !managed && settings.prune && owned.has(ns);
      if (!managed && !prunable) continue; // unmanaged, left alone (reported as drift above)
      if (s?.preventDestroy) {
        errors.push(`${address} has lifecycle.prevent_destroy set, but the plan calls for deleting it (it is no longer in the configuration). Put it back in Git, or remove prevent_destroy in a separate apply first.`);
        continue;
      }
      changes.push({
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
      });
    } else if (s) {
      changes.push({ address, kind: parsed.kind, tfType: tfTypeOf(parsed.kind), namespace: ns, action: 'forget', reason: 'already gone from Kestra and from Git; removed from state', dependsOn: [], phase: 0 });
    }
  }

  const declaredDeps = new Map(stack.resources.map((r) => [r.address, r.dependsOn]));
  const flowSources = new Map(stack.resources.filter((r): r is DesiredFlow => r.kind === 'flow').map((r) => [r.address, r.content]));
  warnings.push(...orderChanges(changes, declaredDeps, flowSources));

  return {
    formatVersion: 1,
    stack: stack.name,
    createdAt: (input.now ?? new Date()).toISOString(),
    desiredDigest: stack.digest,
    state: state ? { lineage: state.lineage, serial: state.serial } : null,
    liveFingerprints,
    changes,
    drift,
    errors,
    warnings,
    summary: summarize(changes, drift),
    target: input.target,
  };
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
