import type { DesiredStack } from '../desired/types';
import { builtinKinds, type KindRegistry } from '../kinds';
import { describeFound } from '../render/found';
import { countByNamespace, namespaceTable } from '../render/namespace-table';

/** A short table of what a stack declares (per namespace: flows, files and KV pairs), then what it found and leaves alone. */
export function summarizeStack(stack: DesiredStack, kinds: KindRegistry = builtinKinds): string {
  const s = stack.settings;
  const local = stack.resources.filter((r) => r.namespace === undefined).length;
  const lines = [
    `Stack "${stack.name}"${s.environment ? ` (environment ${s.environment})` : ''} — Kestra ${s.kestra_version}.x, state: ${s.backend.type}, prune: ${s.prune ? 'on' : 'off'}, protected: ${s.protected_namespaces.join(', ') || '(none)'}`,
    ...namespaceTable(countByNamespace(stack.resources, s.namespaces), kinds, { more: local ? [`${local} local-only resource${local === 1 ? '' : 's'}`] : [] }),
  ];
  lines.push(...describeFound(s.found));
  return lines.join('\n');
}
