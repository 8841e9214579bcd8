import type { DesiredStack } from '../desired/types';
import { describeFound } from '../render/found';

/** A short table of what a stack declares (per namespace: flows, files and KV pairs), then what it found and leaves alone. */
export function summarizeStack(stack: DesiredStack): string {
  const rows = new Map<string, { flows: number; files: number; kv: number }>();
  for (const ns of stack.settings.namespaces) rows.set(ns, { flows: 0, files: 0, kv: 0 });
  let local = 0;
  for (const r of stack.resources) {
    if (r.kind === 'local') {
      local++;
      continue;
    }
    const row = rows.get(r.namespace) ?? { flows: 0, files: 0, kv: 0 };
    if (r.kind === 'flow') row.flows++;
    else if (r.kind === 'file') row.files++;
    else row.kv++;
    rows.set(r.namespace, row);
  }
  const width = Math.max(9, ...[...rows.keys()].map((k) => k.length));
  const s = stack.settings;
  const lines = [
    `Stack "${stack.name}" — Kestra ${s.kestra_version}.x, state: ${s.backend.type}, prune: ${s.prune ? 'on' : 'off'}, protected: ${s.protected_namespaces.join(', ') || '(none)'}`,
    `  ${'namespace'.padEnd(width)}  flows  files     kv`,
  ];
  const total = { flows: 0, files: 0, kv: 0 };
  for (const [ns, c] of [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(`  ${ns.padEnd(width)}  ${String(c.flows).padStart(5)}  ${String(c.files).padStart(5)}  ${String(c.kv).padStart(5)}`);
    total.flows += c.flows;
    total.files += c.files;
    total.kv += c.kv;
  }
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  lines.push(`  ${n(rows.size, 'namespace')}: ${n(total.flows, 'flow')}, ${n(total.files, 'namespace file')}, ${n(total.kv, 'KV pair')}${local ? `, ${n(local, 'local-only resource')}` : ''}`);
  lines.push(...describeFound(s.found));
  return lines.join('\n');
}
