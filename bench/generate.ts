/**
 * Deterministic desired stacks for benchmarks: N flows, files and KV pairs spread over
 * namespaces, built directly as desired resources (the engine's input), so a scenario measures
 * refresh, plan and apply rather than synth.
 */
import { createHash } from 'node:crypto';
import type { DesiredFile, DesiredFlow, DesiredKv, DesiredResource, DesiredStack } from '../lib/desired/types';
import { fileAddress, flowAddress, kvAddress } from '../lib/model/resources';
import { defaultStackSettings } from '../lib/model/settings';

export interface Sizes {
  flows: number;
  files: number;
  kv: number;
  namespaces: number;
}

const lifecycle = { preventDestroy: false, ignoreChanges: [] as string[], createBeforeDestroy: false };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export const namespaceName = (i: number) => `bench.team${String(i).padStart(3, '0')}`;

export function flowSource(ns: string, id: string, variant = 0): string {
  return [
    `id: ${id}`,
    `namespace: ${ns}`,
    `description: Generated flow ${id} (variant ${variant})`,
    'labels:',
    '  team: bench',
    'inputs:',
    '  - id: day',
    '    type: STRING',
    '    defaults: today',
    'tasks:',
    '  - id: extract',
    '    type: io.kestra.plugin.core.http.Request',
    `    uri: https://example.com/api/${id}?day={{ inputs.day }}`,
    '    retry:',
    '      type: constant',
    '      interval: PT10S',
    '      maxAttempts: 3',
    '  - id: log',
    '    type: io.kestra.plugin.core.log.Log',
    '    message: |',
    `      done {{ outputs.extract.code }} for ${id}`,
    '',
  ].join('\n');
}

function fileBytes(ns: string, i: number, variant = 0): Buffer {
  return Buffer.from(`-- ${ns} query ${i} v${variant}\nSELECT ${i} AS n, '${'x'.repeat(200 + (i % 300))}' AS padding;\n`);
}

export function generateStack(sizes: Sizes, name = 'bench'): DesiredStack {
  const resources: DesiredResource[] = [];
  const nsCount = sizes.namespaces;
  for (let i = 0; i < sizes.flows; i++) {
    const ns = namespaceName(i % nsCount);
    const id = `flow-${i}`;
    resources.push(makeFlow(ns, id, flowSource(ns, id)));
  }
  for (let i = 0; i < sizes.files; i++) {
    const ns = namespaceName(i % nsCount);
    // two levels: /queries/q<k>.sql and /queries/part<k%4>/q<k>.sql — realistic folders to walk
    const path = i % 2 === 0 ? `/queries/q${i}.sql` : `/queries/part${i % 4}/q${i}.sql`;
    resources.push(makeFile(ns, path, fileBytes(ns, i)));
  }
  for (let i = 0; i < sizes.kv; i++) {
    const ns = namespaceName(i % nsCount);
    resources.push(makeKv(ns, `KEY_${i}`, i % 3 === 0 ? 'NUMBER' : 'STRING', i % 3 === 0 ? String(i) : `value-${i}`));
  }
  const namespaces = [...new Set(resources.map((r) => (r as DesiredFlow).namespace))].sort();
  return {
    name,
    file: '(generated)',
    settings: defaultStackSettings({ namespaces }),
    resources,
    dependencies: [],
  };
}

export function makeFlow(ns: string, id: string, content: string): DesiredFlow {
  return { kind: 'flow', address: flowAddress(ns, id), tfType: 'kestra_flow', logicalId: id, constructPath: `bench/${ns}/${id}`, dependsOn: [], lifecycle, namespace: ns, flowId: id, content };
}

export function makeFile(ns: string, path: string, bytes: Buffer): DesiredFile {
  return {
    kind: 'file', address: fileAddress(ns, path), tfType: 'kestra_namespace_file', logicalId: path, constructPath: `bench/${ns}${path}`, dependsOn: [], lifecycle,
    namespace: ns, path, sha256: sha(bytes), size: bytes.length, inlineContent: bytes.toString('utf8'),
  };
}

export function makeKv(ns: string, key: string, type: 'STRING' | 'NUMBER', value: string): DesiredKv {
  return { kind: 'kv', address: kvAddress(ns, key), tfType: 'kestra_kv', logicalId: key, constructPath: `bench/${ns}/${key}`, dependsOn: [], lifecycle, namespace: ns, key, type, value, sensitive: false };
}

/** The same stack with every `step`-th flow's content changed (a change made in Git). */
export function withChangedFlows(stack: DesiredStack, fraction: number, variant: number): { stack: DesiredStack; changed: string[] } {
  const flows = stack.resources.filter((r): r is DesiredFlow => r.kind === 'flow');
  const step = Math.max(1, Math.round(1 / fraction));
  const changed = new Set(flows.filter((_, i) => i % step === 0).map((f) => f.address));
  const byAddress = new Map(flows.map((f) => [f.address, f]));
  const resources = stack.resources.map((r) => {
    const f = changed.has(r.address) ? byAddress.get(r.address) : undefined;
    return f ? makeFlow(f.namespace, f.flowId, flowSource(f.namespace, f.flowId, variant)) : r;
  });
  return { stack: { ...stack, resources }, changed: [...changed] };
}

/** Directory levels a namespace's files occupy (root, /queries, /queries/partN). */
export function directoriesPerNamespace(stack: DesiredStack, ns: string): { dirs: number; depth: number } {
  const dirs = new Set<string>(['/']);
  let depth = 1;
  for (const r of stack.resources) {
    if (r.kind !== 'file' || r.namespace !== ns) continue;
    const parts = (r as DesiredFile).path.split('/').filter(Boolean).slice(0, -1);
    depth = Math.max(depth, parts.length + 1);
    for (let i = 1; i <= parts.length; i++) dirs.add('/' + parts.slice(0, i).join('/'));
  }
  return { dirs: dirs.size, depth };
}
