/**
 * A flow's source as one environment deploys it: its namespaces renamed (its own, and every
 * namespace it names — ./flow-namespace-references), labels set, triggers disabled. The source
 * is edited in place: outside a rewritten value every byte (comments, blank lines, quoting, key
 * order, CRLF, BOM) stays as written, and a source with nothing to rewrite comes back identical.
 * Pure: no I/O.
 */
import type { YAMLMap } from 'yaml';
import { NAMESPACE_PATTERN } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import { lazy } from '../util/lazy';
import type { NamespaceReference } from './flow-namespace-references';
import { mapNamespace, mapNamespacePrefix, type NamespaceMapping } from './namespace-mapping';
import type { SourceEdit } from './source-edits';

// The YAML parser and the editors load when a flow is first transformed: a stack without
// environments (most app runs) never needs them.
const yaml = lazy(() => require('yaml') as typeof import('yaml'));
const editors = lazy(() => ({
  ...(require('./flow-namespace-references') as typeof import('./flow-namespace-references')),
  ...(require('./flow-labels-edit') as typeof import('./flow-labels-edit')),
  ...(require('./flow-triggers-edit') as typeof import('./flow-triggers-edit')),
  ...(require('./source-edits') as typeof import('./source-edits')),
}));

export { mapNamespace, mapNamespacePrefix, type NamespaceMapping, type NamespaceRule } from './namespace-mapping';

export interface FlowTransform {
  namespaces?: NamespaceMapping;
  /** Added to the flow's labels, replacing a label of the same key. */
  labels?: Record<string, string>;
  /** Every trigger gets `disabled: true`. */
  disableTriggers?: boolean;
  /** The Kestra line the flow is deployed to: which flow shapes carry namespaces (1.x pluginDefaults, 2.x `when` comparisons). */
  kestraMajor: 1 | 2;
}

export interface TransformedFlow {
  source: string;
  diagnostics: Diagnostic[];
}

const BOM = '\uFEFF';

export function transformFlow(source: string, t: FlowTransform, where: { file: string }): TransformedFlow {
  if (!t.namespaces && !Object.keys(t.labels ?? {}).length && !t.disableTriggers) return { source, diagnostics: [] };
  const bom = source.startsWith(BOM) ? BOM : '';
  const text = source.slice(bom.length);
  const { isMap, LineCounter, parseDocument } = yaml();
  const { findNamespaceReferences, labelEdits, disableTriggerEdits, applyEdits, rangeOf } = editors();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length || !isMap(doc.contents)) {
    const problem = doc.errors.length ? 'its YAML does not parse as one document' : 'it is not a YAML mapping';
    const at = doc.errors[0]?.linePos?.[0] ?? { line: 1, col: 1 };
    return { source, diagnostics: [{ severity: 'error', file: where.file, line: at.line, column: at.col, message: `flow cannot be transformed for this environment: ${problem}`, hint: 'fix the flow file (kestraform validate shows where)' }] };
  }
  const root = doc.contents as YAMLMap;
  const edits: SourceEdit[] = [];
  const diagnostics: Diagnostic[] = [];
  if (t.namespaces) {
    for (const ref of findNamespaceReferences(doc, text, lines, { kestraMajor: t.kestraMajor })) {
      const { edit, problem } = renameReference(ref, t.namespaces);
      if (edit) edits.push(edit);
      if (problem) diagnostics.push({ file: where.file, line: ref.line, column: ref.column, ...problem });
    }
  }
  if (t.labels) {
    const labels = labelEdits(text, root, t.labels);
    if ('edits' in labels) edits.push(...labels.edits);
    else {
      const { line, col } = lines.linePos(rangeOf(labels.unsupported)?.[0] ?? 0);
      diagnostics.push({ severity: 'error', file: where.file, line, column: col, message: 'labels cannot be set for this environment: `labels:` is neither a map nor a list of {key, value}', hint: 'write the labels as `labels: {key: value}` or as a list of `- key: … value: …`' });
    }
  }
  if (t.disableTriggers) edits.push(...disableTriggerEdits(text, root));
  return { source: edits.length ? bom + applyEdits(text, edits) : source, diagnostics };
}

/** What renaming one reference gives: the edit, and what to tell the user (either, both or neither). */
interface Outcome {
  edit?: SourceEdit;
  problem?: Pick<Diagnostic, 'severity' | 'message' | 'hint'>;
}

function renameReference(ref: NamespaceReference, m: NamespaceMapping): Outcome {
  const what = `${ref.match === 'prefix' ? 'namespace prefix' : 'namespace'} "${ref.namespace}" (${ref.via})`;
  if (ref.match === 'pattern') {
    return { problem: { severity: 'warning', message: `${ref.via} matches namespaces by a pattern ("${ref.namespace}") the namespace mapping cannot rewrite: left as is`, hint: 'check that it still matches the namespaces of this environment, or name them exactly or by prefix' } };
  }
  const { mapped, divergingRules } = ref.match === 'prefix' ? mapNamespacePrefix(ref.namespace, m) : { mapped: mapNamespace(ref.namespace, m), divergingRules: [] };
  if (mapped === undefined) {
    return { problem: { severity: 'warning', message: `${what} is not covered by this environment's namespace mapping: left as is`, hint: `add a rename rule for "${ref.namespace}" (or a namespace above it) or a namespace prefix, if this environment should use its own` } };
  }
  const unchanged = mapped === ref.namespace;
  // A value left as written is not the mapping's doing: no namespace check for it.
  if (!unchanged && !NAMESPACE_PATTERN.test(mapped)) {
    return { problem: { severity: 'error', message: `the namespace mapping turns ${what} into "${mapped}", which is not a Kestra namespace`, hint: 'fix the rule or prefix: a namespace is lowercase letters, digits, ".", "_" and "-"' } };
  }
  if (!unchanged && (ref.start === undefined || ref.end === undefined)) {
    return { problem: { severity: 'warning', message: `${what} could not be rewritten in place (escaped characters around it): left as is`, hint: 'write the namespace literal without escape sequences' } };
  }
  const edit = unchanged ? undefined : { start: ref.start!, end: ref.end!, text: mapped };
  if (!divergingRules.length) return { edit };
  const elsewhere = divergingRules.map((r) => `"${r.from}" → "${r.to}"`).join(', ');
  const becomes = unchanged ? 'stays as is' : `becomes "${mapped}"`;
  return { edit, problem: { severity: 'warning', message: `${what} ${becomes}, but ${elsewhere} maps part of what it matched elsewhere: those namespaces no longer match`, hint: 'list those namespaces explicitly, or make the rules agree with the prefix' } };
}
