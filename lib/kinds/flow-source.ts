/**
 * What a flow's YAML source means for comparing and ordering: line endings and a BOM do not
 * count, comments and layout are "formatting only", and the subflows it calls come first.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';
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
