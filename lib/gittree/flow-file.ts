/**
 * One flow file: decoded as UTF-8 (BOM and CRLF kept in the source), parsed once with
 * positions, checked against the flow rules and the tree layout (namespace = folder, one
 * document, id as identity, stem = id).
 */
import { isMap, isScalar } from 'yaml';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { checkFlow, checkFlowDocument, type KestraMajor } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import { parseYamlWithPositions, positionOf } from './yaml-source';
import { lineCounterOf, offsetAt, positionTree } from './fast-positions';

export const MAX_FLOW_BYTES = 1024 * 1024;

// Strict (invalid bytes throw) and BOM-keeping; one decoder serves every call (decode is stateless
// without the stream option).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface CheckedFlow {
  id?: string;
  namespace?: string;
  /** Offsets of the id and namespace values, for messages about them. */
  idLine?: number;
  namespaceLine?: number;
  diagnostics: Diagnostic[];
}

export function flowTooLarge(size: number, file: string): Diagnostic {
  return { severity: 'error', file, line: 0, column: 0, message: `flow file is ${size} bytes (more than ${MAX_FLOW_BYTES})`, hint: 'Kestra flows are small YAML documents; move large content into namespace files' };
}

export function decodeFlowBytes(bytes: Buffer, file: string): { text?: string; diagnostic?: Diagnostic } {
  if (bytes.length > MAX_FLOW_BYTES) return { diagnostic: flowTooLarge(bytes.length, file) };
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    return { diagnostic: { severity: 'error', file, line: 0, column: 0, message: 'flow file is not valid UTF-8', hint: 'save it as UTF-8' } };
  }
}

/** Checks a flow's source text; `expectedNamespace` is its folder's namespace when it comes from a tree. */
export function checkFlowSource(source: string, file: string, opts: { kestraMajor: KestraMajor; expectedNamespace?: string }): CheckedFlow {
  const text = source.replace(/^\uFEFF/, '');
  return checkFast(text, file, opts) ?? checkWithPositions(source, text, file, opts);
}

/**
 * Most flows parse cleanly: a fast parser (js-yaml, YAML 1.2 core schema, duplicate keys refused)
 * and the rules on plain data settle them. When a rule fires, a second js-yaml pass with node
 * events gives positions. Anything js-yaml cannot parse or map goes to the `yaml` parser, whose
 * messages and positions are exact for broken YAML.
 */
function checkFast(text: string, file: string, opts: { kestraMajor: KestraMajor; expectedNamespace?: string }): CheckedFlow | undefined {
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (docs.length !== 1) return undefined;
  const root = docs[0] as Record<string, unknown> | null;
  const violations = checkFlow(root, { kestraMajor: opts.kestraMajor });
  const isMapping = !!root && typeof root === 'object' && !Array.isArray(root);
  const id = isMapping && typeof root.id === 'string' ? root.id : undefined;
  const namespace = isMapping && typeof root.namespace === 'string' ? root.namespace : undefined;
  const mismatch = namespace !== undefined && opts.expectedNamespace !== undefined && namespace !== opts.expectedNamespace;
  if (!violations.length && !mismatch && id !== undefined && namespace !== undefined) {
    const idAt = /^id\s*:/m.exec(text);
    return { id, namespace, idLine: idAt ? lineOf(text, idAt.index) : 1, diagnostics: [] };
  }
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
      diagnostics.push({ severity: 'error', file, ...pos, message: namespaceMismatch(namespace, opts.expectedNamespace!), hint: namespaceHint(namespace, opts.expectedNamespace!) });
    }
  }
  return result;
}

/** 1-based line of an offset, counting newlines without copying the text. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const namespaceMismatch = (actual: string, folder: string) => `namespace "${actual}" differs from its folder "${folder}"`;
const namespaceHint = (actual: string, folder: string) => `move the file to ${actual}/flows/ or set \`namespace: ${folder}\``;

/** The `yaml` path alone (exported for tests that hold both paths to the same answers). */
export function checkFlowSourceWithYaml(source: string, file: string, opts: { kestraMajor: KestraMajor; expectedNamespace?: string }): CheckedFlow {
  return checkWithPositions(source, source.replace(/^\uFEFF/, ''), file, opts);
}

function checkWithPositions(source: string, text: string, file: string, opts: { kestraMajor: KestraMajor; expectedNamespace?: string }): CheckedFlow {
  const parsed = parseYamlWithPositions(text, file);
  const diagnostics = [...parsed.diagnostics];
  const bomShift = source.length - text.length;
  const at = (offset: number | undefined) => positionOf(parsed.lines, offset);
  void bomShift;
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
  for (const v of checkFlowDocument(doc, { kestraMajor: opts.kestraMajor })) {
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
        diagnostics.push({ severity: 'error', file, ...pos, message: namespaceMismatch(nsNode.value, opts.expectedNamespace), hint: namespaceHint(nsNode.value, opts.expectedNamespace) });
      }
    }
  }
  return result;
}
