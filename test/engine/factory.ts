/** Builders for desired stacks, live snapshots and state, for pure engine tests. */
import { createHash } from 'node:crypto';
import type { DesiredFile, DesiredFlow, DesiredKv, DesiredLocal, DesiredResource, DesiredStack } from '../../lib/desired/types';
import type { LiveSnapshot } from '../../lib/engine/live';
import type { StateEntry, StateFile } from '../../lib/engine/state-types';
import { fileAddress, flowAddress, kvAddress } from '../../lib/model/resources';
import { flowSourceHash, kvDesiredHash, kvValueHash, triggersHash } from '../../lib/engine/hash';
import type { KvType } from '../../lib/gittree/types';
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
  const namespaces = [...new Set(resources.flatMap((r) => (r.kind === 'local' ? [] : [r.namespace])))];
  return {
    name: 'test',
    file: '/tmp/cdk.tf.json',
    settings: defaultStackSettings({ namespaces, ...settings }),
    resources,
    dependencies: [],
    digest: sha(JSON.stringify(resources)),
  };
}

/** A live snapshot holding exactly these desired objects (as if applied), plus extras. */
export function liveOf(resources: DesiredResource[], namespaces?: string[]): LiveSnapshot {
  const snap: LiveSnapshot = { namespaces: namespaces ?? [], flows: new Map(), files: new Map(), kv: new Map() };
  for (const r of resources) {
    if (r.kind === 'flow') snap.flows.set(r.address, { namespace: r.namespace, id: r.flowId, revision: 1, source: r.content, sourceHash: flowSourceHash(r.content) });
    if (r.kind === 'file') snap.files.set(r.address, { namespace: r.namespace, path: r.path, size: r.size, lastModifiedTime: 1000, sha256: r.sha256, bytes: Buffer.from(r.inlineContent ?? '') });
    if (r.kind === 'kv') snap.kv.set(r.address, { namespace: r.namespace, key: r.key, type: r.type, value: r.value, valueHash: kvValueHash(r.type, r.value), description: r.description, updateDate: '2026-01-01T00:00:00Z' });
  }
  return snap;
}

/** State as if these resources had been applied and matched the given live snapshot. */
export function stateOf(resources: DesiredResource[], live: LiveSnapshot, more: Partial<StateFile> = {}): StateFile {
  const entries: Record<string, StateEntry> = {};
  const at = '2026-01-01T00:00:00Z';
  for (const r of resources) {
    if (r.kind === 'flow') {
      const l = live.flows.get(r.address)!;
      entries[r.address] = { address: r.address, appliedHash: flowSourceHash(r.content), live: { kind: 'flow', revision: l.revision, sourceHash: flowSourceHash(r.content) }, applied: { source: r.content }, updatedAt: at, preventDestroy: r.lifecycle.preventDestroy || undefined };
    } else if (r.kind === 'file') {
      const l = live.files.get(r.address)!;
      entries[r.address] = { address: r.address, appliedHash: r.sha256, live: { kind: 'file', sha256: r.sha256, size: r.size, lastModifiedTime: l.lastModifiedTime }, applied: {}, updatedAt: at, preventDestroy: r.lifecycle.preventDestroy || undefined };
    } else if (r.kind === 'kv') {
      const l = live.kv.get(r.address)!;
      entries[r.address] = { address: r.address, appliedHash: kvDesiredHash(r), live: { kind: 'kv', valueHash: kvValueHash(r.type, r.value), updateDate: l.updateDate }, applied: { type: r.type, value: r.sensitive ? undefined : r.value, description: r.description, ttl: r.ttl, sensitive: r.sensitive || undefined }, updatedAt: at, preventDestroy: r.lifecycle.preventDestroy || undefined };
    } else {
      entries[r.address] = { address: r.address, appliedHash: triggersHash(r.triggers), live: { kind: 'local', triggersHash: triggersHash(r.triggers) }, applied: { triggers: r.triggers }, updatedAt: at };
    }
  }
  return { version: 1, stack: 'test', lineage: 'lin-1', serial: 3, resources: entries, ...more };
}

export const target = { url: 'http://127.0.0.1:1', tenant: 'main' };
