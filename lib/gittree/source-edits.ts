/**
 * Edits of a YAML source as text, at offsets a `yaml` document gives: the bytes outside an edit
 * stay as they were. (Printing the document back with `toString()` would not do: it re-indents
 * and re-spaces most real flows.)
 */
import { isMap, isPair, isScalar, isSeq, Scalar, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export interface SourceEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits; insertions at one offset keep the order they were given in. */
export function applyEdits(text: string, edits: readonly SourceEdit[]): string {
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let at = 0;
  for (const e of ordered) {
    if (e.start < at) throw new Error(`overlapping source edits at offset ${e.start}`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The line break the source uses (CRLF when it has any). */
export function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Offset of the line break ending the line that holds `offset` (or the end of the text). */
export function lineEndAt(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Column (0-based) of `offset` on its line. */
export function columnAt(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

export function rangeOf(node: Node | null | undefined): [number, number, number] | undefined {
  return (node as { range?: [number, number, number] } | null | undefined)?.range ?? undefined;
}

/**
 * Inserts whole lines after an entry of a block collection (a pair's value node, or an item):
 * after its last line, past any comment on that line.
 */
export function insertLinesAfter(text: string, entry: Node, lines: string[], indent: number): SourceEdit {
  const br = lineBreakOf(text);
  const end = rangeOf(entry)![1];
  const body = lines.map((l) => ' '.repeat(indent) + l);
  // A block collection's range ends after its last line break; a scalar's, right after the value.
  if (end > 0 && text[end - 1] === '\n') return { start: end, end, text: body.join(br) + br };
  const at = lineEndAt(text, end);
  return { start: at, end: at, text: br + body.join(br) };
}

/** Inserts `item` as the last entry of a flow collection (`{a: 1}` or `[x]`). */
export function insertIntoFlowCollection(text: string, node: YAMLMap | YAMLSeq, item: string): SourceEdit {
  const last = node.items[node.items.length - 1] as Node | Pair<Node, Node | null> | undefined;
  if (last) {
    const lastNode = isPair(last) ? (last.value ?? last.key) : last;
    const after = rangeOf(lastNode)![1];
    return { start: after, end: after, text: `, ${item}` };
  }
  const close = text.lastIndexOf(isMap(node) ? '}' : ']', rangeOf(node)![1] - 1);
  return { start: close, end: close, text: item };
}

/**
 * Replaces the value of a map entry with `replacement` (one line of YAML): the line break ending
 * a block value stays, an empty value (`key:`) gets one after the colon, and a block collection
 * (whose items sit on the next lines) is replaced from the colon on.
 */
export function replacePairValue(text: string, pair: Pair<Node, Node | null>, replacement: string): SourceEdit {
  const r = rangeOf(pair.value);
  const afterColon = () => text.indexOf(':', rangeOf(pair.key)![1]) + 1;
  if (!pair.value || !r || r[1] <= r[0]) {
    const at = afterColon();
    return { start: at, end: at, text: ` ${replacement}` };
  }
  let end = r[1];
  while (end > r[0] && /[\s]/.test(text[end - 1])) end--;
  const v = pair.value;
  if ((isMap(v) || isSeq(v)) && !v.flow) return { start: afterColon(), end, text: ` ${replacement}` };
  return { start: r[0], end, text: replacement };
}

export function pairOf(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  return (map.items as Array<Pair<Node, Node | null>>).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

export function keyColumn(text: string, map: YAMLMap): number {
  const first = map.items[0] as Pair<Node> | undefined;
  return columnAt(text, rangeOf(first?.key ?? map)![0]);
}

/** Whether a node's source is one line (a value lines can be inserted after). */
export function isOneLineScalar(text: string, node: Node | null | undefined): node is Scalar {
  const r = rangeOf(node);
  return isScalar(node) && !!r && !/[\r\n]/.test(text.slice(r[0], r[1])) && node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED;
}

// YAML 1.1 readers (Kestra parses flows with Jackson/SnakeYAML) take these plain words as booleans or null.
const YAML11_WORDS = /^(y|n|yes|no|on|off|true|false|null|~)$/i;

/** A string as a YAML scalar that reads back as that string in block and flow context alike. */
export function yamlString(value: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(value) && !YAML11_WORDS.test(value)) return value;
  return JSON.stringify(value);
}

/** A string in the quoting style of the scalar it replaces. */
export function yamlStringLike(value: string, like: Scalar): string {
  if (like.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (like.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  return yamlString(value);
}

/**
 * The indentation step of the document: how far its first nested block collection sits from
 * the top-level keys (2 when nothing says).
 */
export function indentStep(text: string, root: YAMLMap): number {
  const rootColumn = keyColumn(text, root);
  for (const p of root.items as Array<Pair<Node, Node | null>>) {
    const v = p.value;
    if (isMap(v) && !v.flow && v.items.length) return Math.max(1, keyColumn(text, v) - rootColumn);
    if (isSeq(v) && !v.flow && v.items.length) {
      const dash = columnAt(text, rangeOf(v)![0]);
      if (dash > rootColumn) return dash - rootColumn;
    }
  }
  return 2;
}
