/**
 * The table of what a stack declares per namespace — a column per kind that lives in Kestra
 * (flows, files, kv always; the Enterprise kinds when the stack has some), a total line in words —
 * shown by plan, validate and init.
 */
import type { DesiredBase, KindRegistry } from '../kinds';
import { byCodePoint } from '../util/order';
import { TENANT_SCOPE } from '../model/addresses';

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
  // Every kind that every stack may hold (flows, files, KV) has a column; the others only when some namespace holds them.
  const held = new Set<string>();
  for (const counts of rows.values()) for (const [k, n] of counts) if (n > 0) held.add(k);
  const columns = kinds.kestraKinds.filter((c) => (!c.requiredEdition && c.scope !== 'tenant') || held.has(c.kind));
  // Tenant-wide objects (dashboards) have a row of their own, not counted as a namespace.
  const label = (ns: string) => (ns === TENANT_SCOPE ? '(tenant-wide)' : ns);
  const width = Math.max(9, ...[...rows.keys()].map((k) => label(k).length));
  const widths = columns.map((c) => Math.max(5, c.noun.column.length));
  const cell = (s: string, i: number) => `  ${s.padStart(widths[i])}`;
  const extraHead = opts.extra ? `  ${opts.extra.title}` : '';
  const lines = [`  ${'namespace'.padEnd(width)}${columns.map((c, i) => cell(c.noun.column, i)).join('')}${extraHead}`];
  const total = new Map<string, number>();
  const sorted = [...rows].sort(([a], [b]) => (a === TENANT_SCOPE ? 1 : b === TENANT_SCOPE ? -1 : byCodePoint(a, b)));
  for (const [ns, counts] of sorted) {
    const extra = opts.extra ? `  ${opts.extra.of(ns)}` : '';
    lines.push(`  ${label(ns).padEnd(width)}${columns.map((c, i) => cell(String(counts.get(c.kind) ?? 0), i)).join('')}${extra}`);
    for (const [k, n] of counts) total.set(k, (total.get(k) ?? 0) + n);
  }
  const words = columns.map((c) => plural(total.get(c.kind) ?? 0, c.noun.one, c.noun.many));
  const namespaces = [...rows.keys()].filter((ns) => ns !== TENANT_SCOPE).length;
  lines.push(`  ${plural(namespaces, 'namespace', 'namespaces')}: ${[...words, ...(opts.more ?? [])].join(', ')}`);
  return lines;
}
