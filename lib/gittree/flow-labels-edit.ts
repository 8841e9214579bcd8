/**
 * Sets labels on a flow's source in place, in the form the flow already uses: `labels:` as a
 * map, or as a list of `{key, value}` entries. A flow without labels gets a `labels:` map after
 * its `namespace:` (or `id:`).
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { columnAt, indentStep, insertIntoFlowCollection, insertLinesAfter, isOneLineScalar, keyColumn, pairOf, rangeOf, replacePairValue, yamlString, yamlStringLike, type SourceEdit } from './source-edits';

export type LabelsResult = { edits: SourceEdit[] } | { unsupported: Node };

export function labelEdits(text: string, root: YAMLMap, labels: Record<string, string>): LabelsResult {
  const wanted = Object.entries(labels);
  if (!wanted.length) return { edits: [] };
  const pair = pairOf(root, 'labels');
  if (!pair) return { edits: [newLabelsBlock(text, root, wanted)] };
  const node = pair.value;
  if (isMap(node)) return { edits: mapEdits(text, node, wanted) };
  if (isSeq(node)) return { edits: listEdits(text, node, wanted) };
  if (!node || (isScalar(node) && node.value === null)) return { edits: [fillEmptyLabels(text, root, pair, wanted)] };
  return { unsupported: node };
}

const entryText = ([k, v]: [string, string]) => `${yamlString(k)}: ${yamlString(v)}`;

function newLabelsBlock(text: string, root: YAMLMap, wanted: Array<[string, string]>): SourceEdit {
  if (root.flow) return insertIntoFlowCollection(text, root, `labels: {${wanted.map(entryText).join(', ')}}`);
  const step = ' '.repeat(indentStep(text, root));
  const lines = ['labels:', ...wanted.map((e) => step + entryText(e))];
  return insertLinesAfter(text, anchorIn(text, root, ['namespace', 'id']), lines, keyColumn(text, root));
}

/** `labels:` with nothing (or `~`) after it. */
function fillEmptyLabels(text: string, root: YAMLMap, pair: Pair<Node, Node | null>, wanted: Array<[string, string]>): SourceEdit {
  const r = rangeOf(pair.value);
  if ((r && r[1] > r[0]) || root.flow) return replacePairValue(text, pair, `{${wanted.map(entryText).join(', ')}}`);
  const step = ' '.repeat(indentStep(text, root));
  return insertLinesAfter(text, pair.key, wanted.map((e) => step + entryText(e)), keyColumn(text, root));
}

function mapEdits(text: string, map: YAMLMap, wanted: Array<[string, string]>): SourceEdit[] {
  const edits: SourceEdit[] = [];
  const added: Array<[string, string]> = [];
  for (const [key, value] of wanted) {
    const existing = pairOf(map, key);
    if (existing) edits.push(...overwrite(text, existing, value));
    else added.push([key, value]);
  }
  if (!added.length) return edits;
  if (map.flow) edits.push(insertIntoFlowCollection(text, map, added.map(entryText).join(', ')));
  else edits.push(insertLinesAfter(text, lastEntryOf(map), added.map(entryText), keyColumn(text, map)));
  return edits;
}

function listEdits(text: string, list: YAMLSeq, wanted: Array<[string, string]>): SourceEdit[] {
  const edits: SourceEdit[] = [];
  const added: Array<[string, string]> = [];
  for (const [key, value] of wanted) {
    const item = (list.items as Node[]).find((i): i is YAMLMap => isMap(i) && isScalar(pairOf(i, 'key')?.value) && String((pairOf(i, 'key')!.value as { value: unknown }).value) === key);
    if (!item) {
      added.push([key, value]);
      continue;
    }
    const valuePair = pairOf(item, 'value');
    if (valuePair) edits.push(...overwrite(text, valuePair, value));
    else if (item.flow) edits.push(insertIntoFlowCollection(text, item, `value: ${yamlString(value)}`));
    else edits.push(insertLinesAfter(text, lastEntryOf(item), [`value: ${yamlString(value)}`], keyColumn(text, item)));
  }
  if (!added.length) return edits;
  if (list.flow) {
    edits.push(insertIntoFlowCollection(text, list, added.map(([k, v]) => `{key: ${yamlString(k)}, value: ${yamlString(v)}}`).join(', ')));
  } else {
    const lines = added.flatMap(([k, v]) => [`- key: ${yamlString(k)}`, `  value: ${yamlString(v)}`]);
    edits.push(insertLinesAfter(text, list.items[list.items.length - 1] as Node, lines, columnAt(text, rangeOf(list)![0])));
  }
  return edits;
}

/** Replaces a label's value unless it already reads as the wanted string (a `key:` without value gets one). */
function overwrite(text: string, pair: Pair<Node, Node | null>, value: string): SourceEdit[] {
  const node = pair.value;
  if (isScalar(node) && node.value !== null && String(node.value) === value) return [];
  return [replacePairValue(text, pair, isScalar(node) ? yamlStringLike(value, node) : yamlString(value))];
}

/** The node new lines of a block map go after: its last value (or key, when that value is empty). */
export function lastEntryOf(map: YAMLMap): Node {
  const last = map.items[map.items.length - 1] as Pair<Node, Node | null>;
  const r = rangeOf(last.value);
  return last.value && r && r[1] > r[0] ? last.value : last.key;
}

/** The first of `keys` whose value is a one-line scalar, else the map's last entry. */
export function anchorIn(text: string, map: YAMLMap, keys: string[]): Node {
  for (const key of keys) {
    const value = pairOf(map, key)?.value;
    if (isOneLineScalar(text, value)) return value;
  }
  return lastEntryOf(map);
}
