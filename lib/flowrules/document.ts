/**
 * The flow rules of ./index with source ranges, for callers that hold a `yaml` document (the
 * embedded server, the tree reader's error paths). Apart from ./index so that checking clean
 * flows never loads the `yaml` parser.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type Pair } from 'yaml';
import { checkFlow, type FlowRuleOptions, type FlowViolation } from './index';

type P = (string | number)[];

/** The rules with positions: for callers that hold a `yaml` document (the embedded server, error paths). */
export function checkFlowDocument(doc: Document.Parsed, opts: FlowRuleOptions): FlowViolation[] {
  return withRanges(doc, checkFlow(doc.toJS({ maxAliasCount: 1000 }), opts));
}

/** Violations found on the document's plain data, with their source ranges. */
export function withRanges(doc: Document.Parsed, violations: FlowViolation[]): FlowViolation[] {
  return violations.map((v) => ({ ...v, range: rangeAt(doc, v.path, v.at ?? 'value') }));
}

/** Source range of `path` in the document: the deepest node that exists on the way. */
function rangeAt(doc: Document.Parsed, path: P, at: 'key' | 'value'): [number, number] | undefined {
  let node: unknown = doc.contents;
  let range = rangeOf(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    let pair: Pair | undefined;
    if (isMap(node)) pair = (node.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
    if (pair) {
      if (i === path.length - 1 && at === 'key') return rangeOf(pair.key) ?? range;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
    else return range;
    if (isPair(node)) node = node.value;
    range = rangeOf(node) ?? range;
  }
  return range;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}
