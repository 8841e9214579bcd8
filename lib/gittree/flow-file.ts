/**
 * One flow file: decoded as UTF-8 (BOM and CRLF kept in the source), checked against the flow
 * rules and the tree layout (namespace = folder, one document, id as identity, stem = id). Clean
 * flows are settled here with js-yaml; flows with a problem go to ./flow-positions, which loads
 * the `yaml` parser for exact positions only then.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { repositoryRules, type CheckedFlow, type FlowCheckOptions } from './flow-check';
import type { Diagnostic } from '../util/diagnostics';
import { lazy } from '../util/lazy';

export type { CheckedFlow, FlowCheckOptions, NamespaceExpectation } from './flow-check';

export const MAX_FLOW_BYTES = 1024 * 1024;

// Strict (invalid bytes throw) and BOM-keeping; one decoder serves every call (decode is stateless
// without the stream option).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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

/**
 * Checks a flow's source text; `expectedNamespace` is its folder's namespace when it comes from a
 * tree. `docs`: the documents js-yaml already parsed from it (a source classifying the file did).
 */
export function checkFlowSource(source: string, file: string, opts: FlowCheckOptions, docs?: unknown[]): CheckedFlow {
  const text = source.replace(/^\uFEFF/, '');
  return checkFast(text, file, opts, docs) ?? positioned().checkWithPositions(text, file, opts);
}

/**
 * Most flows parse cleanly: a fast parser (js-yaml, YAML 1.2 core schema, duplicate keys refused)
 * and the rules on plain data settle them. When a rule fires, a second js-yaml pass with node
 * events gives positions. Anything js-yaml cannot parse or map goes to the `yaml` parser, whose
 * messages and positions are exact for broken YAML.
 */
function checkFast(text: string, file: string, opts: FlowCheckOptions, parsed?: unknown[]): CheckedFlow | undefined {
  let docs: unknown[];
  try {
    docs = parsed ?? loadAll(text, undefined, { schema: CORE_SCHEMA });
  } catch {
    return undefined;
  }
  if (docs.length !== 1) return undefined;
  const root = docs[0] as Record<string, unknown> | null;
  const violations = repositoryRules(root, text, opts);
  const isMapping = !!root && typeof root === 'object' && !Array.isArray(root);
  const id = isMapping && typeof root.id === 'string' ? root.id : undefined;
  const namespace = isMapping && typeof root.namespace === 'string' ? root.namespace : undefined;
  const mismatch = namespace !== undefined && opts.expectedNamespace !== undefined && namespace !== opts.expectedNamespace;
  if (!violations.length && !mismatch && id !== undefined && namespace !== undefined) {
    const idAt = /^id\s*:/m.exec(text);
    return { id, namespace, idLine: idAt ? lineOf(text, idAt.index) : 1, diagnostics: [] };
  }
  return positioned().withFastPositions(text, file, opts, { violations, id, namespace, mismatch });
}

/** 1-based line of the first top-level `id:` (1 when there is none). */
export function lineOfId(text: string): number {
  const m = /^id\s*:/m.exec(text);
  return m ? lineOf(text, m.index) : 1;
}

/** 1-based line of an offset, counting newlines without copying the text. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The `yaml` path alone (exported for tests that hold both paths to the same answers). */
export function checkFlowSourceWithYaml(source: string, file: string, opts: FlowCheckOptions): CheckedFlow {
  return positioned().checkWithPositions(source.replace(/^\uFEFF/, ''), file, opts);
}

// Required on first use, not imported: most trees never need it, and it loads the `yaml` parser.
const positioned = lazy(() => require('./flow-positions') as typeof import('./flow-positions'));
