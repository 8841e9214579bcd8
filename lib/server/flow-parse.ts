/**
 * How the embedded server reads a flow body, as Kestra does: strict YAML (duplicate keys are
 * errors), then the structural rules (lib/flowrules) for the emulated major version. Kestra's
 * plugin-schema checks (unknown properties of a real plugin) are out of reach without plugins.
 */
import { parseAllDocuments, isMap, isScalar } from 'yaml';
import { checkFlowDocument } from '../flowrules/document';

export interface ParsedFlowBody {
  id?: string;
  namespace?: string;
  /** The top-level `revision:` the source carries, if any (the validate endpoint's `outdated`). */
  revision?: number;
  disabled: boolean;
  /**
   * Whether Kestra's parser reads the source into its Flow model (YAML syntax, one mapping, known
   * properties and plugin types); when it does not, no constraint is checked and the validate
   * endpoint names no flow (FlowService.validate).
   */
  parses: boolean;
  /** Problems as Kestra reports them: path and message. Empty = valid. */
  violations: Array<{ path: string; message: string }>;
  /** Warnings Kestra's validate endpoint would list (e.g. deprecated aliases). */
  warnings: string[];
  /** The flow's own fields as JSON (what Kestra's Flow model carries besides server fields). */
  model: Record<string, unknown>;
}

const MODEL_FIELDS = ['description', 'labels', 'inputs', 'outputs', 'variables', 'tasks', 'errors', 'finally', 'afterExecution', 'triggers', 'concurrency', 'retry', 'checks'];

export function parseFlowBody(source: string, major: 1 | 2): ParsedFlowBody {
  const result: ParsedFlowBody = { disabled: false, parses: false, violations: [], warnings: [], model: {} };
  if (!source.trim()) {
    result.violations.push({ path: 'flow', message: 'Cannot create flow with null or blank source' });
    return result;
  }
  let docs;
  try {
    docs = parseAllDocuments(source, { uniqueKeys: true });
  } catch (e) {
    result.violations.push({ path: 'flow', message: `Illegal flow yaml: ${(e as Error).message.split('\n')[0]}` });
    return result;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc || list.length > 1) {
    result.violations.push({ path: 'flow', message: `Illegal flow yaml: expected one document, found ${list.length}` });
    return result;
  }
  if (doc.errors.length) {
    result.violations.push({ path: 'flow', message: `Illegal flow yaml: ${doc.errors[0].message.split('\n')[0]}` });
    return result;
  }
  result.parses = true;
  const root = doc.contents;
  if (isMap(root)) {
    const id = root.get('id', true);
    const ns = root.get('namespace', true);
    const disabled = root.get('disabled', true);
    const revision = root.get('revision', true);
    if (isScalar(id) && typeof id.value === 'string') result.id = id.value;
    if (isScalar(ns) && typeof ns.value === 'string') result.namespace = ns.value;
    if (isScalar(revision) && typeof revision.value === 'number' && Number.isInteger(revision.value)) result.revision = revision.value;
    result.disabled = isScalar(disabled) && (disabled.value as unknown) === true;
    const js = doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>;
    for (const f of MODEL_FIELDS) if (js[f] !== undefined && js[f] !== null) result.model[f] = js[f];
  }
  for (const v of checkFlowDocument(doc as never, { kestraMajor: major })) {
    const path = v.path.length ? v.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[') : 'flow';
    if (v.severity === 'error') result.violations.push({ path, message: v.message });
    // A construct's 2.0 note on the 1.x line (`checks[].condition`, `runIf`, what 2.0 removed) is
    // kestraform's look ahead, not something Kestra 1.x says: there those are the current syntax.
    else if (!(major === 1 && v.construct)) result.warnings.push(`${path}: ${v.message}`);
    if (v.stage === 'parse' && v.severity === 'error') result.parses = false;
  }
  return result;
}

/** Kestra compares sources after dropping the first `revision: N` line (FlowInterface.isSameWithSource). */
export function withoutRevisionLine(source: string): string {
  return source.replace(/^revision: \d+\n?/m, '');
}
