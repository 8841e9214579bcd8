/**
 * The JSON cdktf writes for a stack (keys sorted at every level, two-space indent), produced by
 * V8's native JSON.stringify over a key-sorted copy: several times faster than the JavaScript
 * serializer cdktf uses, on the megabytes a large tree synthesizes to. Indented, the text differs
 * from cdktf's only in whitespace inside empty objects and in the order of integer-like keys (V8
 * puts them first), never in what it parses to.
 */
import { byCodePoint } from './order';

export function stableJson(value: unknown, indent = true): string {
  return JSON.stringify(sortedCopy(value), null, indent ? 2 : undefined);
}

const alreadySorted = new WeakSet<object>();

/**
 * An object of these entries with its keys in sorted order at every level, built in one copy,
 * which stableJson then writes as it is.
 */
export function sortedObject(entries: [string, unknown][]): Record<string, unknown> {
  // Callers usually list keys in order already; sort only when they do not.
  for (let i = 1; i < entries.length; i++) {
    if (entries[i - 1][0] >= entries[i][0]) {
      entries.sort((a, b) => byCodePoint(a[0], b[0]));
      break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) out[key] = sortedCopy(value);
  alreadySorted.add(out);
  return out;
}

function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || alreadySorted.has(value)) return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return sortedCopy(withJson.toJSON());
  if (Array.isArray(value)) return value.map(sortedCopy);
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort()) out[key] = sortedCopy(source[key]);
  return out;
}
