/**
 * The table of what a stack declares per namespace — one column per kind that lives in Kestra
 * (flows, files, kv), a total line in words — shown by plan, validate and init.
 */
import type { DesiredBase, KindRegistry } from '../kinds';
import { byCodePoint } from '../util/order';

/** Per namespace, the number of objects of each kind. */
export type NamespaceCounts = Map<string, Map<string, number>>;

/** Counts the objects of `resources` per namespace and kind; `namespaces` appear even when empty. */
export function countByNamespace(resources: readonly DesiredBase[], namespaces: readonly string[] = []): NamespaceCounts {
  const rows: NamespaceCounts = new Map(namespaces.map((ns) => [ns, new Map()]));
  for (const r of resources) {
    if (r.namespace === undefined) continue;
    const row = rows.get(r.namespace) ?? new Map<string, number>();
    row.set(r.kind, (row.get(r.kind) ?? 0) + 1);
    rows.set(r.namespace, row);
  }
  return rows;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Header, one line per namespace (code-point order) and the total line, indented by two spaces.
 * `extra`: a last column (e.g. where init found each namespace's objects).
 */
export function namespaceTable(rows: NamespaceCounts, kinds: KindRegistry, opts: { extra?: { title: string; of(ns: string): string }; more?: string[] } = {}): string[] {
  const columns = kinds.kestraKinds;
  const width = Math.max(9, ...[...rows.keys()].map((k) => k.length));
  const cell = (s: string) => `  ${s.padStart(5)}`;
  const extraHead = opts.extra ? `  ${opts.extra.title}` : '';
  const lines = [`  ${'namespace'.padEnd(width)}${columns.map((c) => cell(c.noun.column)).join('')}${extraHead}`];
  const total = new Map<string, number>();
  for (const [ns, counts] of [...rows].sort(([a], [b]) => byCodePoint(a, b))) {
    const extra = opts.extra ? `  ${opts.extra.of(ns)}` : '';
    lines.push(`  ${ns.padEnd(width)}${columns.map((c) => cell(String(counts.get(c.kind) ?? 0))).join('')}${extra}`);
    for (const [k, n] of counts) total.set(k, (total.get(k) ?? 0) + n);
  }
  const words = columns.map((c) => plural(total.get(c.kind) ?? 0, c.noun.one, c.noun.many));
  lines.push(`  ${plural(rows.size, 'namespace', 'namespaces')}: ${[...words, ...(opts.more ?? [])].join(', ')}`);
  return lines;
}
