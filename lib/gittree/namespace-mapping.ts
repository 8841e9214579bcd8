/**
 * How one environment names the namespaces of a tree: rename rules for namespace subtrees, and
 * a prefix for every namespace no rule covers. Pure string work; the flow rewriting that uses it
 * lives in ./flow-transform.
 */

export interface NamespaceRule {
  from: string;
  to: string;
}

export interface NamespaceMapping {
  rules: NamespaceRule[];
  prefix?: string;
}

/**
 * A rule maps `from` and every namespace under it (`from.x`) to `to` (`to.x`); the longest
 * matching `from` wins. Otherwise `prefix + ns` when a prefix is set; otherwise undefined.
 */
export function mapNamespace(ns: string, m: NamespaceMapping): string | undefined {
  const rule = longestRuleFor(ns, m.rules);
  if (rule) return rule.to + ns.slice(rule.from.length);
  return m.prefix !== undefined ? m.prefix + ns : undefined;
}

/**
 * A namespace prefix as a filter uses it (Kestra compares with `startsWith`): mapped like a
 * namespace, plus the rules that send part of what it matches elsewhere — after mapping, the
 * filter no longer matches the namespaces those rules cover.
 */
export function mapNamespacePrefix(prefix: string, m: NamespaceMapping): { mapped: string | undefined; divergingRules: NamespaceRule[] } {
  const mapped = mapNamespace(prefix, m);
  if (mapped === undefined) return { mapped, divergingRules: [] };
  const divergingRules = m.rules.filter((r) => r.from.startsWith(prefix) && mapNamespace(r.from, m) !== mapped + r.from.slice(prefix.length));
  return { mapped, divergingRules };
}

function longestRuleFor(ns: string, rules: readonly NamespaceRule[]): NamespaceRule | undefined {
  let best: NamespaceRule | undefined;
  for (const r of rules) {
    if ((ns === r.from || ns.startsWith(`${r.from}.`)) && (!best || r.from.length > best.from.length)) best = r;
  }
  return best;
}
