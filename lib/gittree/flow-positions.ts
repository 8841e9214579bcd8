/**
 * The slow paths of ./flow-file, for flows with a problem: positions of rule violations from
 * js-yaml's node events, and the `yaml` parser for what js-yaml cannot parse or map (its
 * messages and positions are exact for broken YAML).
 */
import { isMap, isScalar } from 'yaml';
import { withRanges } from '../flowrules/document';
import type { Diagnostic } from '../util/diagnostics';
import { namespaceMismatch, repositoryRules, type CheckedFlow, type FastReading, type FlowCheckOptions } from './flow-check';
import { parseYamlWithPositions, positionOf } from './yaml-source';
import { lineCounterOf, offsetAt, positionTree } from './fast-positions';

/** Places what the fast reading found; undefined when js-yaml's events cannot map the source. */
export function withFastPositions(text: string, file: string, opts: FlowCheckOptions, reading: FastReading): CheckedFlow | undefined {
  const { violations, id, namespace, mismatch } = reading;
  const tree = positionTree(text);
  if (!tree) return undefined;
  const lines = lineCounterOf(text);
  const at = (offset: number) => positionOf(lines, offset);
  const diagnostics: Diagnostic[] = violations.map((v) => ({ severity: v.severity, file, ...at(offsetAt(tree, v.path, v.at ?? 'value')), message: v.message, hint: v.hint }));
  const result: CheckedFlow = { diagnostics };
  if (id !== undefined) {
    result.id = id;
    result.idLine = at(offsetAt(tree, ['id'], 'value')).line;
  }
  if (namespace !== undefined) {
    result.namespace = namespace;
    const pos = at(offsetAt(tree, ['namespace'], 'value'));
    result.namespaceLine = pos.line;
    if (mismatch) {
      diagnostics.push({ severity: 'error', file, ...pos, ...namespaceMismatch(namespace, opts) });
    }
  }
  return result;
}


/** Checks a flow (its text without BOM) through a `yaml` document, with exact positions. */
export function checkWithPositions(text: string, file: string, opts: FlowCheckOptions): CheckedFlow {
  const parsed = parseYamlWithPositions(text, file);
  const diagnostics = [...parsed.diagnostics];
  const at = (offset: number | undefined) => positionOf(parsed.lines, offset);
  const docs = parsed.docs.filter((d) => d.contents !== null || d.errors.length);
  if (!parsed.docs.length && !diagnostics.length) {
    diagnostics.push({ severity: 'error', file, line: 1, column: 1, message: 'flow file is empty', hint: 'write the flow (`id:`, `namespace:`, `tasks:`) or delete the file' });
  }
  if (docs.length > 1) {
    const second = docs[1].range?.[0];
    diagnostics.push({ severity: 'error', file, ...at(second), message: `file holds ${docs.length} YAML documents; a flow file holds exactly one flow`, hint: 'split the flows into one file each (named after their id)' });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const doc = docs[0] ?? parsed.docs[0];
  if (!doc || doc.contents === null) {
    diagnostics.push({ severity: 'error', file, line: 1, column: 1, message: 'flow file is empty', hint: 'write the flow (`id:`, `namespace:`, `tasks:`) or delete the file' });
    return { diagnostics };
  }
  for (const v of withRanges(doc, repositoryRules(doc.toJS({ maxAliasCount: 1000 }), text, opts))) {
    diagnostics.push({ severity: v.severity, file, ...at(v.range?.[0]), message: v.message, hint: v.hint });
  }
  const root = doc.contents;
  const result: CheckedFlow = { diagnostics };
  if (isMap(root)) {
    const idNode = root.get('id', true);
    const nsNode = root.get('namespace', true);
    if (isScalar(idNode) && typeof idNode.value === 'string') {
      result.id = idNode.value;
      result.idLine = at(idNode.range?.[0]).line;
    }
    if (isScalar(nsNode) && typeof nsNode.value === 'string') {
      result.namespace = nsNode.value;
      const pos = at(nsNode.range?.[0]);
      result.namespaceLine = pos.line;
      if (opts.expectedNamespace !== undefined && nsNode.value !== opts.expectedNamespace) {
        diagnostics.push({ severity: 'error', file, ...pos, ...namespaceMismatch(nsNode.value, opts) });
      }
    }
  }
  return result;
}
