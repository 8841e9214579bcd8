/**
 * Positions of paths in a YAML document, from js-yaml's node events. Re-parsing a flow this way
 * costs a fraction of building a `yaml` document, so a flow whose rules only warn (old 1.x
 * constructs, deprecated aliases) still gets exact file:line:column without the slow parser.
 * Anything this cannot map with certainty returns undefined and the caller uses `yaml` instead.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { LineCounter } from 'yaml';

interface PosNode {
  start: number;
  /** Mapping entries by key text; sequence items by index. */
  entries?: Map<string, { key: PosNode; value: PosNode }>;
  items?: PosNode[];
}

interface Frame {
  start: number;
  children: Array<{ node: PosNode; result: unknown }>;
}

/** Position tree of a single-document source; undefined when it is not safely mappable. */
export function positionTree(text: string): PosNode | undefined {
  const stack: Frame[] = [];
  const roots: PosNode[] = [];
  let unreliable = false;
  const listener = (event: 'open' | 'close', state: { position: number; kind: string | null; result: unknown }) => {
    if (event === 'open') {
      stack.push({ start: state.position, children: [] });
      return;
    }
    const frame = stack.pop();
    if (!frame) {
      unreliable = true;
      return;
    }
    // An empty value (`tasks:` with nothing after it) sits on its key's line, as `yaml` places it:
    // skipping comments and newlines would land on whatever follows.
    const empty = state.result === null && state.kind !== 'mapping' && state.kind !== 'sequence';
    const node: PosNode = { start: empty ? skipSpaces(text, frame.start) : skipToContent(text, frame.start) };
    if (state.kind === 'mapping') {
      if (frame.children.length % 2 !== 0) unreliable = true;
      else {
        node.entries = new Map();
        for (let i = 0; i < frame.children.length; i += 2) {
          const key = frame.children[i].result;
          if (key === null || typeof key === 'object') unreliable = true;
          else node.entries.set(String(key), { key: frame.children[i].node, value: frame.children[i + 1].node });
        }
      }
    } else if (state.kind === 'sequence') {
      node.items = frame.children.map((c) => c.node);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push({ node, result: state.result });
    else roots.push(node);
  };
  try {
    loadAll(text, undefined, { schema: CORE_SCHEMA, listener } as Parameters<typeof loadAll>[2]);
  } catch {
    return undefined;
  }
  return unreliable || roots.length !== 1 ? undefined : roots[0];
}

/** Offset of `path` (its key or its value): the deepest node that exists on the way. */
export function offsetAt(root: PosNode, path: (string | number)[], at: 'key' | 'value'): number {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const entry = node.entries?.get(String(seg));
    if (entry) {
      if (i === path.length - 1 && at === 'key') return entry.key.start;
      node = entry.value;
    } else if (node.items && typeof seg === 'number' && node.items[seg]) node = node.items[seg];
    else return node.start;
  }
  return node.start;
}

/** A LineCounter for a text no `yaml` parse ran over (positionOf reads it like any other). */
export function lineCounterOf(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i;
}

// js-yaml reports a node's start before the separation space (and comments) that precede it.
function skipToContent(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23 /* # */) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
    } else break;
  }
  return i;
}
