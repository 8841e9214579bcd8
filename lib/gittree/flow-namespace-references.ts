/**
 * Every namespace a flow names, with where it is written: its own `namespace`, the flows it
 * calls or listens to (`namespace` + `flowId`), upstream-flow lists, namespace filters and
 * conditions, the namespace properties of core tasks, `namespaceFiles.namespaces`, and the
 * namespace literals of Pebble calls (`kv('KEY', 'ns')`). Templated values are not namespaces
 * yet and are left out. Used to rewrite a flow for an environment, and to show what a flow
 * depends on.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { NAMESPACE_FILTER_TYPES, NAMESPACE_PROPERTIES_BY_TYPE, UPSTREAM_FLOW_LISTS, type NamespaceMatch, type NamespacePropertiesOfType } from './kestra-namespace-properties';
import { hasPebble, pebbleNamespaceLiterals } from './pebble-namespace-literals';
import { rangeOf } from './source-edits';

export interface NamespaceReference {
  /** The namespace as written (a prefix for `prefix`, a pattern for `pattern`). */
  namespace: string;
  /** `exact`: one namespace; `prefix`: every namespace starting with it; `pattern`: a glob, regex, suffix or substring. */
  match: NamespaceMatch | 'pattern';
  /** What names it, for messages: `the flow's namespace`, `flowId "child" in task "call" (Subflow)`. */
  via: string;
  /** 1-based position of the value (a scalar's first character, or a Pebble literal's opening quote). */
  line: number;
  column: number;
  /** Offsets of the namespace's own characters in the source; absent when they cannot be told apart in place (escapes). */
  start?: number;
  end?: number;
  /** The flow's own `namespace:`. */
  own?: boolean;
}

export interface ReferenceScanOptions {
  kestraMajor: 1 | 2;
}

/** A namespace-shaped literal: what can be renamed. Templated or otherwise odd values are not. */
const NAMESPACE_LIKE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Patterns (regex, glob) may hold any character; only templated ones are skipped.
const isTemplated = (s: string) => s.includes('{{') || s.includes('{%');

const FLOW_TRIGGER_TYPES = new Set(['io.kestra.plugin.core.trigger.Flow', 'io.kestra.core.models.triggers.types.Flow']);
// Lists whose entries have an `id` and a `type` without being tasks (a MultipleCondition has an `id`).
const NOT_TASK_LISTS = new Set(['inputs', 'outputs', 'sla', 'conditions']);
const DEFAULTS_LISTS = new Set(['pluginDefaults', 'taskDefaults']);

/** Parses the source (without BOM) and lists its references; nothing for a source that does not parse as one mapping. */
export function listNamespaceReferences(text: string, opts: ReferenceScanOptions): NamespaceReference[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length || !isMap(doc.contents)) return [];
  return findNamespaceReferences(doc, text, lines, opts);
}

export function findNamespaceReferences(doc: Document.Parsed, text: string, lines: LineCounter, opts: ReferenceScanOptions): NamespaceReference[] {
  return new ReferenceScan(doc, text, lines, opts).run();
}

interface Place {
  /** Key of the collection this node sits in, and the key above that. */
  key?: string;
  parentKey?: string;
  /** The task or trigger this node belongs to, as a message names it. */
  owner?: string;
}

class ReferenceScan {
  private readonly found: NamespaceReference[] = [];
  private readonly taken = new Set<Node>();
  /** `when` scalars of Flow triggers (2.x): their literals compared with `namespace` count too. */
  private readonly comparisonScalars = new Set<Node>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly lines: LineCounter,
    private readonly opts: ReferenceScanOptions,
  ) {}

  run(): NamespaceReference[] {
    const root = this.doc.contents as YAMLMap;
    const own = this.valueOf(root, 'namespace');
    if (own) this.add(own, 'exact', "the flow's namespace", true);
    this.visit(root, {});
    return this.found.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  private visit(node: Node | null | undefined, place: Place): void {
    if (isMap(node)) {
      const self = this.ownerName(node, place);
      this.referencesIn(node, place, self);
      const owner = self ?? place.owner;
      for (const p of node.items as Array<Pair<Node, Node | null>>) {
        this.visit(p.value, { key: isScalar(p.key) ? String(p.key.value) : undefined, parentKey: place.key, owner });
      }
    } else if (isSeq(node)) {
      for (const item of node.items as Node[]) this.visit(item, place);
    } else if (isScalar(node) && typeof node.value === 'string' && hasPebble(node.value)) {
      this.pebbleReferences(node as Scalar<string>, place);
    }
  }

  /** `task "call" (Subflow)` for a task or trigger (any map with `id` and `type` but inputs, outputs and SLAs); `pluginDefaults for Flow`. */
  private ownerName(map: YAMLMap, place: Place): string | undefined {
    const id = this.scalarOf(map, 'id');
    const type = this.scalarOf(map, 'type');
    if (typeof type !== 'string') return undefined;
    const shortType = type.split('.').pop();
    if (DEFAULTS_LISTS.has(place.key ?? '')) return `${place.key} for ${shortType}`;
    if (typeof id !== 'string' || NOT_TASK_LISTS.has(place.key ?? '')) return undefined;
    return `${place.key === 'triggers' ? 'trigger' : 'task'} "${id}" (${shortType})`;
  }

  /** The references a map holds itself; `self` names it when it is a task or trigger. */
  private referencesIn(map: YAMLMap, place: Place, self: string | undefined): void {
    const owner = self ?? place.owner;
    const inOwner = owner ? ` in ${owner}` : '';
    const flowId = this.scalarOf(map, 'flowId');
    const namespace = this.valueOf(map, 'namespace');
    if (namespace && map !== this.doc.contents && flowId !== undefined) this.add(namespace, 'exact', `flowId "${String(flowId)}"${inOwner}`);
    const upstreamList = UPSTREAM_FLOW_LISTS.has(place.key ?? '') || (place.key === 'flows' && place.parentKey === 'preconditions');
    if (namespace && upstreamList) this.add(namespace, 'exact', `an upstream flow entry${inOwner}`);
    this.namespaceFilter(map, inOwner);
    const type = this.scalarOf(map, 'type');
    if (typeof type === 'string') {
      const spec = NAMESPACE_PROPERTIES_BY_TYPE.get(type);
      if (spec) this.typedProperties(map, spec, self ?? `${spec.label}${place.owner ? ` in ${place.owner}` : ''}`);
    }
    const files = this.valueOf(map, 'namespaceFiles');
    if (isMap(files)) this.listItems(this.valueOf(files, 'namespaces'), 'exact', `namespaceFiles.namespaces${inOwner}`);
    // pluginDefaults (1.x only; 2.0 removed it): the defaults of a type carry that type's properties.
    const values = this.valueOf(map, 'values');
    const defaultsOf = typeof type === 'string' && DEFAULTS_LISTS.has(place.key ?? '') ? NAMESPACE_PROPERTIES_BY_TYPE.get(type) : undefined;
    if (this.opts.kestraMajor === 1 && defaultsOf && isMap(values)) this.typedProperties(values, defaultsOf, self!);
    if (this.opts.kestraMajor === 2 && typeof type === 'string' && FLOW_TRIGGER_TYPES.has(type)) this.markFlowTriggerConditions(map);
  }

  /** `field: NAMESPACE` execution filters (1.x `preconditions.where`, AdvancedExecutionsCondition). */
  private namespaceFilter(map: YAMLMap, inOwner: string): void {
    const field = this.scalarOf(map, 'field');
    const op = this.scalarOf(map, 'type');
    const filter = typeof op === 'string' ? NAMESPACE_FILTER_TYPES[op.toUpperCase()] : undefined;
    if (field !== 'NAMESPACE' || !filter) return;
    const via = `NAMESPACE filter ${String(op)}${inOwner}`;
    if (filter.property === 'values') this.listItems(this.valueOf(map, 'values'), filter.match, via);
    else {
      const value = this.valueOf(map, 'value');
      if (value) this.add(value, filter.match, via);
    }
  }

  /** The namespace properties of a core task or condition; `subject` is what a message calls it. */
  private typedProperties(map: YAMLMap, spec: NamespacePropertiesOfType, subject: string): void {
    const props = new Map((map.items as Array<Pair<Node, Node | null>>).filter((p) => isScalar(p.key)).map((p) => [String((p.key as Scalar).value), isScalar(p.value) ? p.value.value : p.value]));
    for (const property of spec.properties) {
      const value = this.valueOf(map, property.key);
      const match = property.match?.(props) ?? 'exact';
      if (property.list) this.listItems(value, match, `${property.key} of ${subject}`);
      else if (value) this.add(value, match, `${property.key} of ${subject}`);
    }
    for (const key of spec.patterns ?? []) {
      const value = this.valueOf(map, key);
      if (value) this.add(value, 'pattern', `${key} of ${subject}`);
    }
  }

  private markFlowTriggerConditions(trigger: YAMLMap): void {
    const when = this.valueOf(trigger, 'when');
    if (when) this.comparisonScalars.add(when);
    const dependsOn = this.valueOf(trigger, 'dependsOn');
    if (!isSeq(dependsOn)) return;
    for (const entry of dependsOn.items) {
      const entryWhen = isMap(entry) ? this.valueOf(entry, 'when') : undefined;
      if (entryWhen) this.comparisonScalars.add(entryWhen);
    }
  }

  private listItems(list: Node | undefined, match: NamespaceMatch | 'pattern', via: string): void {
    if (isSeq(list)) for (const item of list.items as Node[]) this.add(this.resolved(item), match, via);
  }

  /** A scalar whose whole value is a namespace. */
  private add(node: Node | undefined, match: NamespaceMatch | 'pattern', via: string, own = false): void {
    if (!isScalar(node) || typeof node.value !== 'string' || this.taken.has(node)) return;
    const value = node.value;
    if (isTemplated(value) || (match !== 'pattern' && !NAMESPACE_LIKE.test(value))) return;
    this.taken.add(node);
    const [from, to] = rangeOf(node)!;
    const at = this.text.slice(from, to).indexOf(value);
    const located = at < 0 ? {} : { start: from + at, end: from + at + value.length };
    this.found.push({ namespace: value, match, via, ...this.position(from), ...located, ...(own ? { own } : {}) });
  }

  private pebbleReferences(node: Scalar<string>, place: Place): void {
    const value = node.value;
    const [from, to] = rangeOf(node)!;
    const source = this.text.slice(from, to);
    const inOwner = place.owner ? ` in ${place.owner}` : '';
    for (const lit of pebbleNamespaceLiterals(value, { namespaceComparisons: this.comparisonScalars.has(node) })) {
      if (!NAMESPACE_LIKE.test(lit.value)) continue;
      const at = locateLiteral(value, lit.start, lit.end, lit.quote, source);
      const located = at === undefined ? {} : { start: from + at, end: from + at + lit.value.length };
      const quoteAt = at === undefined ? from : from + at - 1;
      this.found.push({ namespace: lit.value, match: lit.match, via: `${lit.via}${inOwner}`, ...this.position(quoteAt), ...located });
    }
  }

  private position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private valueOf(map: YAMLMap, key: string): Node | undefined {
    const pair = (map.items as Array<Pair<Node, Node | null>>).find((p) => isScalar(p.key) && String(p.key.value) === key);
    return pair ? this.resolved(pair.value) : undefined;
  }

  private scalarOf(map: YAMLMap, key: string): unknown {
    const v = this.valueOf(map, key);
    return isScalar(v) ? v.value : undefined;
  }

  /** An alias stands for its anchored node (renaming that renames every use). */
  private resolved(node: Node | null | undefined): Node | undefined {
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? undefined;
    return node ?? undefined;
  }
}

/**
 * Where a literal found in a scalar's value is in the scalar's source. The value differs from
 * the source by quoting, escapes, indentation and line folding, none of which can fall inside a
 * namespace (no space, quote or backslash in one): the k-th occurrence in the value is the k-th
 * in the source — checked by counting both and by the quote around it.
 */
export function locateLiteral(value: string, start: number, end: number, quote: string, source: string): number | undefined {
  const needle = value.slice(start, end);
  const inValue = occurrences(value, needle);
  const inSource = occurrences(source, needle);
  const k = inValue.indexOf(start);
  if (k < 0 || inSource.length !== inValue.length) return undefined;
  const at = inSource[k];
  const after = source.slice(at + needle.length, at + needle.length + 2);
  const quoted = source[at - 1] === quote && (after[0] === quote || after === `\\${quote}`);
  return quoted ? at : undefined;
}

function occurrences(haystack: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) out.push(i);
  return out;
}
