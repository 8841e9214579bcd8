/** Builders for desired stacks, live snapshots and state, for pure engine tests. */
import { createHash } from 'node:crypto';
import type { DesiredFile, DesiredFlow, DesiredKv, DesiredLocal, DesiredResource, DesiredStack } from '../../lib/desired/types';
import type { StateEntry, StateFile } from '../../lib/engine/state-types';
import { fileAddress, flowAddress, kvAddress } from '../../lib/model/addresses';
import { flowSourceHash, kvDesiredHash, kvValueHash, triggersHash, type LiveFile, type LiveFlow, type LiveKv, type LiveSnapshot } from '../../lib/kinds';
import type { KvType } from '../../lib/model/names';
import { defaultStackSettings } from '../../lib/model/settings';

const lifecycle = { preventDestroy: false, ignoreChanges: [] as string[], createBeforeDestroy: false };
export const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export const flowSource = (ns: string, id: string, extra = '') =>
  `id: ${id}\nnamespace: ${ns}\n${extra}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

export function flow(ns: string, id: string, content = flowSource(ns, id), more: Partial<DesiredFlow> = {}): DesiredFlow {
  return { kind: 'flow', address: flowAddress(ns, id), tfType: 'kestra_flow', logicalId: `${ns}_${id}`, constructPath: `s/${ns}/${id}`, dependsOn: [], lifecycle, namespace: ns, flowId: id, content, ...more };
}

export function file(ns: string, path: string, text: string, more: Partial<DesiredFile> = {}): DesiredFile {
  const bytes = Buffer.from(text);
  return { kind: 'file', address: fileAddress(ns, path), tfType: 'kestra_namespace_file', logicalId: `${ns}_${path}`, constructPath: `s/${ns}${path}`, dependsOn: [], lifecycle, namespace: ns, path, sha256: sha(bytes), size: bytes.length, inlineContent: text, ...more };
}

export function kv(ns: string, key: string, type: KvType, value: string, more: Partial<DesiredKv> = {}): DesiredKv {
  return { kind: 'kv', address: kvAddress(ns, key), tfType: 'kestra_kv', logicalId: `${ns}_${key}`, constructPath: `s/${ns}/${key}`, dependsOn: [], lifecycle, namespace: ns, key, type, value, sensitive: false, ...more };
}

export function local(name: string, triggers: Record<string, string>): DesiredLocal {
  return { kind: 'local', address: `null_resource.${name}`, tfType: 'null_resource', logicalId: name, constructPath: `s/${name}`, dependsOn: [], lifecycle, triggers };
}

export function stack(resources: DesiredResource[], settings: Partial<DesiredStack['settings']> = {}): DesiredStack {
  const namespaces = [...new Set(resources.flatMap((r) => (r.namespace === undefined ? [] : [r.namespace])))];
  return {
    name: 'test',
    file: '/tmp/cdk.tf.json',
    settings: defaultStackSettings({ namespaces, ...settings }),
    resources,
    dependencies: [],
  };
}

/** A live flow as refresh reads it (source read). */
export function liveFlow(ns: string, id: string, source: string, revision = 1): LiveFlow {
  return { kind: 'flow', address: flowAddress(ns, id), namespace: ns, id, revision, source, sourceHash: flowSourceHash(source) };
}

/** A live namespace file with its bytes downloaded. */
export function liveFile(ns: string, path: string, bytes: Buffer, lastModifiedTime = 1000): LiveFile {
  return { kind: 'file', address: fileAddress(ns, path), namespace: ns, path, size: bytes.length, lastModifiedTime, sha256: sha(bytes), bytes };
}

export function liveKv(ns: string, key: string, type: KvType, value: string, more: Partial<LiveKv> = {}): LiveKv {
  return { kind: 'kv', address: kvAddress(ns, key), namespace: ns, key, type, value, valueHash: kvValueHash(type, value), updateDate: '2026-01-01T00:00:00Z', ...more };
}

/** A live snapshot holding exactly these desired objects (as if applied), plus extras. */
export function liveOf(resources: DesiredResource[], namespaces?: string[]): LiveSnapshot {
  const snap: LiveSnapshot = { namespaces: namespaces ?? [], objects: new Map() };
  for (const r of resources) {
    if (r.kind === 'flow') {
      const f = r as DesiredFlow;
      snap.objects.set(r.address, liveFlow(f.namespace, f.flowId, f.content));
    } else if (r.kind === 'file') {
      const f = r as DesiredFile;
      snap.objects.set(r.address, liveFile(f.namespace, f.path, Buffer.from(f.inlineContent ?? '')));
    } else if (r.kind === 'kv') {
      const k = r as DesiredKv;
      snap.objects.set(r.address, liveKv(k.namespace, k.key, k.type, k.value, { description: k.description }));
    }
  }
  return snap;
}

/** State as if these resources had been applied and matched the given live snapshot. */
export function stateOf(resources: DesiredResource[], live: LiveSnapshot, more: Partial<StateFile> = {}): StateFile {
  const entries: Record<string, StateEntry> = {};
  const at = '2026-01-01T00:00:00Z';
  for (const r of resources) {
    const preventDestroy = r.lifecycle.preventDestroy || undefined;
    if (r.kind === 'flow') {
      const f = r as DesiredFlow;
      const l = live.objects.get(r.address) as LiveFlow;
      entries[r.address] = { address: r.address, appliedHash: flowSourceHash(f.content), live: { kind: 'flow', revision: l.revision, sourceHash: flowSourceHash(f.content) }, applied: { source: f.content }, updatedAt: at, preventDestroy };
    } else if (r.kind === 'file') {
      const f = r as DesiredFile;
      const l = live.objects.get(r.address) as LiveFile;
      entries[r.address] = { address: r.address, appliedHash: f.sha256, live: { kind: 'file', sha256: f.sha256, size: f.size, lastModifiedTime: l.lastModifiedTime }, applied: {}, updatedAt: at, preventDestroy };
    } else if (r.kind === 'kv') {
      const k = r as DesiredKv;
      const l = live.objects.get(r.address) as LiveKv;
      entries[r.address] = { address: r.address, appliedHash: kvDesiredHash(k), live: { kind: 'kv', valueHash: kvValueHash(k.type, k.value), updateDate: l.updateDate }, applied: { type: k.type, value: k.sensitive ? undefined : k.value, description: k.description, ttl: k.ttl, sensitive: k.sensitive || undefined }, updatedAt: at, preventDestroy };
    } else {
      const t = (r as DesiredLocal).triggers;
      entries[r.address] = { address: r.address, appliedHash: triggersHash(t), live: { kind: 'local', triggersHash: triggersHash(t) }, applied: { triggers: t }, updatedAt: at };
    }
  }
  return { version: 1, stack: 'test', lineage: 'lin-1', serial: 3, resources: entries, ...more };
}

export const target = { url: 'http://127.0.0.1:1', tenant: 'main' };
