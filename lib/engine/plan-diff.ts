/**
 * Reviewable diffs: unified diffs of flow sources and text files, a one-line summary for binary
 * files, and whether a flow edit only touched comments or formatting.
 */
import { createTwoFilesPatch } from 'diff';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { normalizeFlowSource } from './hash';

const MAX_TEXT_DIFF_BYTES = 512 * 1024;

export function unifiedDiff(label: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(label, label, before, after, 'live', 'desired', { context: 3 });
  // Drop the "Index:"/"====" header lines; keep ---/+++ and hunks.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('Index: ') && !/^=+$/.test(l))
    .join('\n')
    .trimEnd();
}

export function flowDiff(label: string, before: string, after: string): string {
  return unifiedDiff(label, normalizeFlowSource(before), normalizeFlowSource(after));
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

/** YAML 1.2 core data of a source (js-yaml: fast, and only data matters here). */
export function parseData(source: string): unknown[] {
  return loadAll(source.replace(/^\uFEFF/, ''), undefined, { schema: CORE_SCHEMA });
}

export function isText(bytes: Buffer): boolean {
  if (bytes.length > MAX_TEXT_DIFF_BYTES || bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function binarySummary(before: { size?: number; sha256?: string } | undefined, after: { size?: number; sha256?: string } | undefined): string {
  const size = (s?: number) => (s === undefined ? '?' : String(s));
  const sha = (h?: string) => (h ? `${h.slice(0, 8)}…` : 'not downloaded');
  if (!before) return `binary, ${size(after?.size)} bytes, sha256 ${sha(after?.sha256)}`;
  if (!after) return `binary, ${size(before.size)} bytes, sha256 ${sha(before.sha256)}`;
  return `binary, ${size(before.size)} → ${size(after.size)} bytes, sha256 ${sha(before.sha256)} → ${sha(after.sha256)}`;
}

/**
 * Diff of a namespace file: `null` means the side does not exist, `undefined` that its bytes were
 * not downloaded. A text diff needs both sides known and text; otherwise a one-line summary.
 */
export function fileDiff(
  label: string,
  before: Buffer | null | undefined,
  after: Buffer | null | undefined,
  meta: { before?: { size?: number; sha256?: string }; after?: { size?: number; sha256?: string } },
): string {
  const known = (b: Buffer | null | undefined): b is Buffer | null => b !== undefined;
  if (known(before) && known(after) && (before === null || isText(before)) && (after === null || isText(after))) {
    return unifiedDiff(label, before?.toString('utf8') ?? '', after?.toString('utf8') ?? '');
  }
  return binarySummary(before === null ? undefined : meta.before, after === null ? undefined : meta.after);
}
