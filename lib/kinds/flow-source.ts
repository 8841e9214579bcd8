/**
 * What a flow's YAML source means for comparing and ordering: line endings and a BOM do not
 * count, comments and layout are "formatting only", and the subflows it calls come first.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';
import { anchorIn } from '../gittree/flow-labels-edit';
import { applyEdits, columnAt, insertIntoFlowCollection, insertLinesAfter, isOneLineScalar, keyColumn, lineEndAt, pairOf, rangeOf, replacePairValue, type SourceEdit } from '../gittree/source-edits';
import { sha256 } from '../util/hash';
import { flowAddress } from '../model/addresses';

/**
 * Flow sources compare with line endings normalised and a leading BOM dropped, as Kestra's own
 * Git sync does: a CRLF checkout must not look like a change.
 */
export function normalizeFlowSource(source: string): string {
  return source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export const flowSourceHash = (source: string): string => sha256(normalizeFlowSource(source));

/** YAML 1.2 core data of a source (js-yaml: fast, and only data matters here). */
export function parseData(source: string): unknown[] {
  return loadAll(source.replace(/^\uFEFF/, ''), undefined, { schema: CORE_SCHEMA });
}

/** Same parsed YAML: only comments, whitespace or layout differ. */
export function onlyFormattingChanged(before: string, after: string): boolean {
  try {
    return sameData(parseData(before), parseData(after));
  } catch {
    return false;
  }
}

/**
 * Equality of YAML core-schema data (null, booleans, numbers, strings, lists, mappings): what
 * util.isDeepStrictEqual answers for it, without its checks for prototypes, symbols and
 * other types such data never holds.
 */
function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const list = b as unknown[];
    if (a.length !== list.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], list[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(y, k) || !sameData(x[k], y[k])) return false;
  return true;
}

/** Flows a flow calls (Subflow-like tasks with literal namespace and flowId), as addresses. */
export function calledFlows(source: string): string[] {
  // A call names its flow with `flowId`; most flows call none and need no parse.
  if (!source.includes('flowId')) return [];
  let doc: unknown;
  try {
    doc = parseData(source)[0];
  } catch {
    return [];
  }
  const out = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const o = node as Record<string, unknown>;
    if (typeof o.flowId === 'string' && typeof o.namespace === 'string' && !o.flowId.includes('{{') && !o.namespace.includes('{{')) {
      out.add(flowAddress(o.namespace, o.flowId));
    }
    for (const v of Object.values(o)) visit(v, depth + 1);
  };
  visit(doc, 0);
  return [...out];
}

/**
 * A flow's own top-level `disabled` (Kestra reads `disabled: true`; absent means enabled). Kestra's
 * UI toggle writes it into the stored source (FlowService.injectDisabled replaces the line, or
 * appends `\ndisabled: <bool>`), so the stored source is the only place it is known.
 */
export function flowDisabled(source: string): boolean {
  // A block mapping's top-level key starts a line; only a flow-style root needs a closer look.
  if (!/^disabled[ \t]*:/m.test(source) && !isFlowStyle(source)) return false;
  try {
    const doc = parseData(source)[0];
    return !!doc && typeof doc === 'object' && !Array.isArray(doc) && (doc as Record<string, unknown>).disabled === true;
  } catch {
    return false;
  }
}

const BOM = '\uFEFF';

/** A source whose root is a flow-style mapping (`{id: …}`), past a BOM and leading comments. */
function isFlowStyle(source: string): boolean {
  return /^\s*\{/.test(source.replace(/^\uFEFF/, '').replace(/^(?:[ \t]*(?:#.*)?\r?\n)*/, ''));
}

/** The root mapping of a one-document flow source with positions, or undefined when it is not one. */
function rootOf(text: string): YAMLMap | undefined {
  const doc = parseDocument(text);
  return doc.errors.length || !isMap(doc.contents) ? undefined : (doc.contents as YAMLMap);
}

/**
 * The source with its top-level `disabled` set to `value`, edited in place (every other byte as
 * written): an existing `disabled:` gets the value, a flow without one gets `disabled: true` after
 * its `namespace:` (an enabled flow needs no line). A source that does not parse comes back as it is.
 */
export function withFlowDisabled(source: string, value: boolean): string {
  if (flowDisabled(source) === value && !(value === false && /^disabled[ \t]*:/m.test(source))) return source;
  const bom = source.startsWith(BOM) ? BOM : '';
  const text = source.slice(bom.length);
  const root = rootOf(text);
  if (!root) return source;
  const existing = pairOf(root, 'disabled');
  let edit: SourceEdit | undefined;
  if (existing) {
    const v = existing.value;
    if (isScalar(v) && v.value === value) return source;
    edit = replacePairValue(text, existing, String(value));
  } else if (value) {
    edit = root.flow ? insertIntoFlowCollection(text, root, 'disabled: true') : insertLinesAfter(text, anchorIn(text, root, ['namespace', 'id']), ['disabled: true'], keyColumn(text, root));
  }
  return edit ? bom + applyEdits(text, [edit]) : source;
}

/** The source without the line of its top-level `disabled` entry; undefined when that entry is not one line of a block mapping. */
function withoutDisabledLine(text: string): string | undefined {
  if (isFlowStyle(text)) return undefined;
  if (!/^disabled[ \t]*:/m.test(text)) return text;
  const root = rootOf(text);
  if (!root || root.flow) return undefined;
  const pair = pairOf(root, 'disabled');
  if (!pair) return text;
  const key = rangeOf(pair.key);
  if (!key || columnAt(text, key[0]) !== 0 || !isOneLineScalar(text, pair.value)) return undefined;
  const start = key[0];
  const end = lineEndAt(text, rangeOf(pair.value)![1]);
  // The line goes with its line break (the one before it, when it is the last line).
  if (end < text.length) return text.slice(0, start) + text.slice(text[end] === '\r' ? end + 2 : end + 1);
  return text.slice(0, start).replace(/\r?\n$/, '') + text.slice(end);
}

/**
 * Whether two flow sources are the same apart from the top-level `disabled` entry (where it sits,
 * its value, or whether it is there at all) and trailing blank lines: what Kestra's UI toggle
 * changes in a stored source.
 */
export function sameApartFromDisabled(a: string, b: string): boolean {
  const x = normalizeFlowSource(a);
  const y = normalizeFlowSource(b);
  if (x === y) return true;
  const rx = withoutDisabledLine(x);
  const ry = withoutDisabledLine(y);
  if (rx !== undefined && ry !== undefined) return rx.trimEnd() === ry.trimEnd();
  // A `disabled` the text edit cannot take out (a flow-style root, a multi-line value): compare the data.
  try {
    const [dx, dy] = [parseData(x)[0], parseData(y)[0]];
    if (!dx || !dy || typeof dx !== 'object' || typeof dy !== 'object') return false;
    const { disabled: _a, ...restX } = dx as Record<string, unknown>;
    const { disabled: _b, ...restY } = dy as Record<string, unknown>;
    return sameData(restX, restY);
  } catch {
    return false;
  }
}

/** Whether a flow source declares triggers (a cheap look at its text: a `triggers:` key at the top level). */
export function declaresTriggers(source: string): boolean {
  return /^triggers[ \t]*:[ \t]*(?:#.*)?(?:\r?\n|$)/m.test(source) || /^triggers[ \t]*:[ \t]*\[[ \t]*[^\]\s]/m.test(source);
}

/** The ids of a source's triggers declared with `disabled: true` in the source itself. */
export function triggersDisabledInSource(source: string): Set<string> {
  const out = new Set<string>();
  if (!source.includes('disabled')) return out;
  try {
    const doc = parseData(source)[0] as Record<string, unknown> | undefined;
    const triggers = doc && typeof doc === 'object' ? doc.triggers : undefined;
    if (!Array.isArray(triggers)) return out;
    for (const t of triggers) if (t && typeof t === 'object' && typeof (t as Record<string, unknown>).id === 'string' && (t as Record<string, unknown>).disabled === true) out.add((t as { id: string }).id);
  } catch {
    // not parsed: nothing known to be disabled
  }
  return out;
}
