/**
 * Namespace literals inside the Pebble expressions of one string: the namespace argument of
 * `kv()`, `secret()` and the namespace-file functions when it is a plain string literal, and
 * (for Flow-trigger `when` conditions) a literal compared with the `namespace` variable.
 * Variables, concatenations and interpolated strings are expressions, not namespaces: skipped.
 */
import { PEBBLE_NAMESPACE_ARGUMENT, type NamespaceMatch } from './kestra-namespace-properties';

export interface PebbleNamespaceLiteral {
  /** Offsets, in the string, of the literal's text without its quotes. */
  start: number;
  end: number;
  value: string;
  quote: "'" | '"';
  match: NamespaceMatch;
  /** What names the namespace: `kv()`, `namespace | startsWith()`, `namespace ==`. */
  via: string;
}

export interface PebbleScanOptions {
  /** Also take literals compared with the `namespace` variable (Kestra 2.x Flow-trigger `when`). */
  namespaceComparisons: boolean;
}

interface Token {
  kind: 'name' | 'string' | 'number' | 'punct';
  text: string;
  /** For strings: the content offsets, and whether the content is the value as written (no escape, no `#{}`). */
  contentStart?: number;
  contentEnd?: number;
  plain?: boolean;
  quote?: "'" | '"';
}

/** Whether the string holds a Pebble tag at all (cheap test before scanning). */
export function hasPebble(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

export function pebbleNamespaceLiterals(text: string, opts: PebbleScanOptions): PebbleNamespaceLiteral[] {
  const found: PebbleNamespaceLiteral[] = [];
  for (const tokens of expressionBodies(text)) {
    found.push(...functionArguments(text, tokens));
    if (opts.namespaceComparisons) found.push(...namespaceComparisons(text, tokens));
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The token lists of each `{{ }}` and `{% %}` outside comments and `{% raw %}` blocks. */
function* expressionBodies(text: string): Generator<Token[]> {
  let i = 0;
  let inRaw = false;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) return;
    const kind = text[open + 1];
    if (kind === '#') {
      const close = text.indexOf('#}', open + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    if (kind !== '{' && kind !== '%') {
      i = open + 1;
      continue;
    }
    const { tokens, end } = tokenize(text, open + 2, kind === '{' ? '}}' : '%}');
    i = end;
    const tagName = tokens.find((t) => t.text !== '-')?.text;
    if (kind === '%' && tagName === (inRaw ? 'endraw' : 'raw')) {
      inRaw = !inRaw;
      continue;
    }
    if (!inRaw) yield tokens;
  }
}

const TWO_CHAR_OPERATORS = new Set(['==', '!=', '<=', '>=', '??']);

function tokenize(text: string, from: number, closer: string): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let depth = 0; // `{` of map literals, so that `}}` inside one does not end the tag
  let j = from;
  while (j < text.length) {
    const c = text[j];
    if (/\s/.test(c)) {
      j++;
      continue;
    }
    if (depth === 0 && text.startsWith(closer, j)) return { tokens, end: j + closer.length };
    if (c === "'" || c === '"') {
      let k = j + 1;
      let plain = true;
      while (k < text.length && text[k] !== c) {
        if (text[k] === '\\') {
          plain = false;
          k += 2;
          continue;
        }
        if (c === '"' && text.startsWith('#{', k)) plain = false;
        k++;
      }
      tokens.push({ kind: 'string', text: text.slice(j, k + 1), contentStart: j + 1, contentEnd: Math.min(k, text.length), plain: plain && k < text.length, quote: c });
      j = k + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(j, j + 200));
    if (name) {
      tokens.push({ kind: 'name', text: name[0] });
      j += name[0].length;
      continue;
    }
    const num = /^[0-9][0-9.]*/.exec(text.slice(j, j + 100));
    if (num) {
      tokens.push({ kind: 'number', text: num[0] });
      j += num[0].length;
      continue;
    }
    const two = text.slice(j, j + 2);
    const op = TWO_CHAR_OPERATORS.has(two) ? two : c;
    if (op === '{') depth++;
    if (op === '}' && depth > 0) depth--;
    tokens.push({ kind: 'punct', text: op });
    j += op.length;
  }
  return { tokens, end: text.length };
}

/** The token as a namespace literal, when it is a plain string literal. */
function literalOf(text: string, t: Token | undefined, match: NamespaceMatch, via: string): PebbleNamespaceLiteral[] {
  if (!t || t.kind !== 'string' || !t.plain) return [];
  const start = t.contentStart!;
  const end = t.contentEnd!;
  return [{ start, end, value: text.slice(start, end), quote: t.quote!, match, via }];
}

/** `fn(a, 'ns')` / `fn(a, namespace='ns')` for the functions that take a namespace. */
function functionArguments(text: string, tokens: Token[]): PebbleNamespaceLiteral[] {
  const out: PebbleNamespaceLiteral[] = [];
  tokens.forEach((t, i) => {
    const signature = t.kind === 'name' ? PEBBLE_NAMESPACE_ARGUMENT.get(t.text) : undefined;
    const before = tokens[i - 1]?.text;
    if (!signature || tokens[i + 1]?.text !== '(' || before === '.' || before === '|') return;
    const args = callArguments(tokens, i + 2);
    const named = args.find((a) => a[0]?.kind === 'name' && a[1]?.text === '=' && a[0].text === signature.name);
    const positional = args.filter((a) => !(a[0]?.kind === 'name' && a[1]?.text === '='));
    const value = named ? named.slice(2) : positional[signature.position];
    if (value?.length === 1) out.push(...literalOf(text, value[0], 'exact', `${t.text}()`));
  });
  return out;
}

/** The arguments of a call whose `(` is just before `from`, split on top-level commas. */
function callArguments(tokens: Token[], from: number): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const p = tokens[k].kind === 'punct' ? tokens[k].text : '';
    if (depth === 0 && p === ')') break;
    if (depth === 0 && p === ',') {
      args.push([]);
      continue;
    }
    if (p === '(' || p === '[' || p === '{') depth++;
    if (p === ')' || p === ']' || p === '}') depth--;
    args[args.length - 1].push(tokens[k]);
  }
  return args.filter((a) => a.length > 0);
}

const CONCATENATION = new Set(['~', '+', '.', '|', '[']);

/** `namespace | startsWith('x')`, `namespace == 'x'`, `'x' == namespace` (and `!=`). */
function namespaceComparisons(text: string, tokens: Token[]): PebbleNamespaceLiteral[] {
  const out: PebbleNamespaceLiteral[] = [];
  const isVariable = (i: number) => tokens[i]?.kind === 'name' && tokens[i].text === 'namespace' && tokens[i - 1]?.text !== '.' && !CONCATENATION.has(tokens[i + 1]?.text ?? '');
  const isComparison = (i: number) => tokens[i]?.text === '==' || tokens[i]?.text === '!=';
  const standsAlone = (i: number) => !CONCATENATION.has(tokens[i - 1]?.text ?? '') && !CONCATENATION.has(tokens[i + 1]?.text ?? '');
  tokens.forEach((t, i) => {
    // `'a' ~ namespace == 'x'` compares the concatenation, not the namespace.
    if (t.kind !== 'name' || t.text !== 'namespace' || tokens[i - 1]?.text === '.' || CONCATENATION.has(tokens[i - 1]?.text ?? '')) return;
    if (tokens[i + 1]?.text === '|' && tokens[i + 2]?.text === 'startsWith' && tokens[i + 3]?.text === '(' && tokens[i + 5]?.text === ')') {
      out.push(...literalOf(text, tokens[i + 4], 'prefix', 'namespace | startsWith()'));
    } else if (isComparison(i + 1) && standsAlone(i + 2)) {
      out.push(...literalOf(text, tokens[i + 2], 'exact', `namespace ${tokens[i + 1].text}`));
    }
  });
  tokens.forEach((t, i) => {
    if (t.kind === 'string' && isComparison(i + 1) && isVariable(i + 2) && !CONCATENATION.has(tokens[i - 1]?.text ?? '')) {
      out.push(...literalOf(text, t, 'exact', `namespace ${tokens[i + 1].text}`));
    }
  });
  return out;
}
