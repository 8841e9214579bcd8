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

export const MAX_FLOW_BYTES = 1024 * 1024;

export interface CheckedFlow {
  id?: string;
  namespace?: string;
  /** Offsets of the id and namespace values, for messages about them. */
  idLine?: number;
  namespaceLine?: number;
  diagnostics: Diagnostic[];
}

export function decodeFlowBytes(bytes: Buffer, file: string): { text?: string; diagnostic?: Diagnostic } {
  if (bytes.length > MAX_FLOW_BYTES) {
    return { diagnostic: { severity: 'error', file, line: 0, column: 0, message: `flow file is ${bytes.length} bytes (more than ${MAX_FLOW_BYTES})`, hint: 'Kestra flows are small YAML documents; move large content into namespace files' } };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { diagnostic: { severity: 'error', file, line: 0, column: 0, message: 'flow file is not valid UTF-8', hint: 'save it as UTF-8' } };
  }
}

/** Checks a flow's source text; `expectedNamespace` is its folder's namespace when it comes from a tree. */
export function checkFlowSource(source: string, file: string, opts: { kestraMajor: KestraMajor; expectedNamespace?: string }): CheckedFlow {
  const text = source.replace(/^\uFEFF/, '');
  return checkCleanFlowFast(text, opts) ?? checkWithPositions(source, text, file, opts);
}

/**
 * Most flows are fine: a fast parser (js-yaml, YAML 1.2 core schema, duplicate keys refused)
 * and the rules on plain data settle them in a fraction of the time. Anything it cannot parse,
 * and any rule that fires, goes to the `yaml` parser for exact positions and messages.
 */
function checkCleanFlowFast(text: string, opts: { kestraMajor: KestraMajor; expectedNamespace?: string }): CheckedFlow | undefined {
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (docs.length !== 1) return undefined;
  const root = docs[0] as Record<string, unknown> | null;
  if (checkFlow(root, { kestraMajor: opts.kestraMajor }).length) return undefined;
  const id = root!.id;
  const namespace = root!.namespace;
  if (typeof id !== 'string' || typeof namespace !== 'string') return undefined;
  if (opts.expectedNamespace !== undefined && namespace !== opts.expectedNamespace) return undefined;
  const idAt = /^id\s*:/m.exec(text);
  return { id, namespace, idLine: idAt ? text.slice(0, idAt.index).split('\n').length : 1, diagnostics: [] };
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
        diagnostics.push({ severity: 'error', file, ...pos, message: `namespace "${nsNode.value}" differs from its folder "${opts.expectedNamespace}"`, hint: `move the file to ${nsNode.value}/flows/ or set \`namespace: ${opts.expectedNamespace}\`` });
      }
    }
  }
  return result;
}
