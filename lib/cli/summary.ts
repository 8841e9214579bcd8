import type { DesiredStack } from '../desired/types';
import type { FoundSetting } from '../model/settings';
import { KIND_NAMES } from '../gittree/classify';

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

const SHOWN = 20;

/** The objects a stack found in the repository and does not deploy, one line each (the first 20 of each reason). */
export function describeFound(found: readonly FoundSetting[], indent = '  '): string[] {
  const lines: string[] = [];
  const groups: [FoundSetting['reason'], string][] = [
    ['kind-not-managed', 'Not managed by this stack (kestraform deploys flows, namespace files and KV pairs):'],
    ['protected-namespace', 'Not deployed, in a protected namespace (never written):'],
  ];
  for (const [reason, title] of groups) {
    const items = found.filter((f) => f.reason === reason);
    if (!items.length) continue;
    lines.push(`${indent}${title}`);
    const shown = items.slice(0, SHOWN);
    const names = shown.map((f) => `${f.namespace ? `${f.namespace}/` : ''}${f.id ?? '(no id)'}`);
    const kindWidth = Math.max(...shown.map((f) => KIND_NAMES[f.kind].length));
    const nameWidth = Math.min(70, Math.max(...names.map((n) => n.length)));
    shown.forEach((f, i) => lines.push(`${indent}  ${KIND_NAMES[f.kind].padEnd(kindWidth)}  ${names[i].padEnd(nameWidth)}  ${f.file}:${f.line}`));
    if (items.length > SHOWN) lines.push(`${indent}  … and ${items.length - SHOWN} more`);
  }
  return lines;
}
