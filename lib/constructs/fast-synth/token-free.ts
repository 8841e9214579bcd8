/**
 * Whether a value holds no cdktf token, looked at cheaply, and what cdktf's resolve makes of such
 * a value (the same value without its undefined parts), so that fast synth may write it without
 * resolving it.
 */
import { Token, Tokenization } from '../cdk';
import { DOUBLE_IN_TEXT, NUMBER_TOKEN_EXPONENT, TOKEN_MARKER } from './internals';

/** Deeper values are taken for token holders: cdktf resolves them. */
const MAX_DEPTH = 100;

export function isTokenFree(value: unknown): boolean {
  return tokenFreeAt(value, 0);
}

const isTokenString = (s: string) => (s.includes(TOKEN_MARKER) && Token.isUnresolved(s)) || holdsNumberToken(s);

/**
 * A number token written into a string (`${n}` of a number attribute) is its double's decimal
 * text, which cdktf's resolve finds and replaces; no other string is changed by it.
 */
function holdsNumberToken(s: string): boolean {
  if (!s.includes(NUMBER_TOKEN_EXPONENT)) return false;
  for (const m of s.matchAll(DOUBLE_IN_TEXT)) if (Token.isUnresolved(Number(m[0]))) return true;
  return false;
}

function tokenFreeAt(v: unknown, depth: number): boolean {
  if (v === null || v === undefined || typeof v === 'boolean') return true;
  if (typeof v === 'string') return !isTokenString(v);
  // cdktf encodes number tokens as huge negative doubles: no safe integer is one.
  if (typeof v === 'number') return Number.isSafeInteger(v) || !Token.isUnresolved(v);
  if (typeof v !== 'object' || depth > MAX_DEPTH || Tokenization.isResolvable(v)) return false;
  if (Array.isArray(v)) return !Token.isUnresolved(v) && v.every((x) => tokenFreeAt(x, depth + 1));
  // Instances of classes (dynamic blocks, iterators, …) are cdktf's to turn into JSON.
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const [k, x] of Object.entries(v)) if (isTokenString(k) || !tokenFreeAt(x, depth + 1)) return false;
  return true;
}

/**
 * A token-free value as cdktf's resolve returns it: undefined object values and array elements
 * dropped (cdktf's deepMerge would otherwise take an undefined value for "delete this key").
 */
export function asResolved<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.filter((x) => x !== undefined).map(asResolved) as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) if (x !== undefined) out[k] = asResolved(x);
  return out as T;
}
