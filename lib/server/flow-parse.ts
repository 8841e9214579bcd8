/**
 * How the embedded server reads a flow body, as Kestra does: strict YAML (duplicate keys are
 * errors), then the structural rules (lib/flowrules) for the emulated major version. Kestra's
 * plugin-schema checks (unknown properties of a real plugin) are out of reach without plugins.
 */
import { parseAllDocuments, isMap, isScalar, isSeq } from 'yaml';
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

/**
 * The parse of a source, as Kestra makes it. Apply validates every flow, then creates each: the
 * validate endpoint parses each source of a body split on `---` lines (with a line break before
 * it, as Java's split leaves it) or of a multipart part, trimmed; the create parses its body as
 * sent (with a final line break). A parse depends on the text and the major version alone, so one
 * is kept for the next parse of the same text, which takes it — or of the same text with other
 * whitespace around it, where that whitespace cannot count: nothing was reported (a message names
 * positions), only line breaks come before it, and, when the last value is a block scalar (`|`,
 * `>`), one that does not keep its trailing line breaks (no `+`) with at most one line break after
 * it. Taken as it is: read it, never change it (the server stores its model as the revision's).
 * While the kept sources fill their bound no more are kept, so a long run of them still finds
 * the first.
 */
export function parseFlowBody(source: string, major: 1 | 2): Readonly<ParsedFlowBody> {
  const trimmed = javaTrim(source);
  const key = `${major}\0${trimmed}`;
  const kept = keptParses.get(key);
  if (kept && (kept.source === source || (kept.quiet && onlyInert(source, trimmed, kept.lastBlockScalar) && onlyInert(kept.source, trimmed, kept.lastBlockScalar)))) {
    keptParses.delete(key);
    keptBytes -= kept.source.length;
    return kept.parsed;
  }
  const { parsed, lastBlockScalar } = parseNow(source, major);
  if (!kept && keptBytes + source.length <= KEPT_PARSES_BYTES) {
    keptParses.set(key, { source, parsed, quiet: parsed.parses && !parsed.violations.length && !parsed.warnings.length, lastBlockScalar });
    keptBytes += source.length;
  }
  return parsed;
}

/** The sources of a few thousand flows. */
const KEPT_PARSES_BYTES = 4 * 1024 * 1024;

interface KeptParse {
  source: string;
  parsed: ParsedFlowBody;
  /** Parsed, and nothing reported. */
  quiet: boolean;
  /** The chomping of the block scalar the document ends in, if it does. */
  lastBlockScalar?: 'keep' | 'clip or strip';
}
const keptParses = new Map<string, KeptParse>();
let keptBytes = 0;

/** Whether the whitespace around `trimmed` in `source` leaves its parse as it is (see parseFlowBody). */
function onlyInert(source: string, trimmed: string, lastBlockScalar: KeptParse['lastBlockScalar']): boolean {
  const start = source.indexOf(trimmed);
  if (start < 0 || !/^\n*$/.test(source.slice(0, start))) return false;
  const after = source.slice(start + trimmed.length);
  return lastBlockScalar === undefined || after === '' || (lastBlockScalar === 'clip or strip' && after === '\n');
}

/** Java's String.trim, what Kestra's validate endpoint does to each source: every char up to U+0020 stripped at both ends (not the Unicode spaces JS's trim strips). */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** The chomping of the block scalar (`|`, `>`) the document's last value is, if it is one: a kept one (`+`) holds the line breaks after it. */
function lastBlockScalarOf(node: unknown, source: string): KeptParse['lastBlockScalar'] {
  for (;;) {
    if (isMap(node)) node = node.items.length ? node.items[node.items.length - 1].value : undefined;
    else if (isSeq(node)) node = node.items[node.items.length - 1];
    else if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) {
      const header = /^[|>][0-9+-]*/.exec(source.slice(node.range?.[0] ?? 0))?.[0] ?? '+';
      return header.includes('+') ? 'keep' : 'clip or strip';
    } else return undefined;
  }
}

function parseNow(source: string, major: 1 | 2): { parsed: ParsedFlowBody; lastBlockScalar?: KeptParse['lastBlockScalar'] } {
  const result: ParsedFlowBody = { disabled: false, parses: false, violations: [], warnings: [], model: {} };
  if (!source.trim()) {
    result.violations.push({ path: 'flow', message: 'Cannot create flow with null or blank source' });
    return { parsed: result };
  }
  let docs;
  try {
    docs = parseAllDocuments(source, { uniqueKeys: true });
  } catch (e) {
    result.violations.push({ path: 'flow', message: `Illegal flow yaml: ${(e as Error).message.split('\n')[0]}` });
    return { parsed: result };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0];
  if (!doc || list.length > 1) {
    result.violations.push({ path: 'flow', message: `Illegal flow yaml: expected one document, found ${list.length}` });
    return { parsed: result };
  }
  if (doc.errors.length) {
    result.violations.push({ path: 'flow', message: `Illegal flow yaml: ${doc.errors[0].message.split('\n')[0]}` });
    return { parsed: result };
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
  return { parsed: result, lastBlockScalar: lastBlockScalarOf(doc.contents, source) };
}

/** Kestra compares sources after dropping the first `revision: N` line (FlowInterface.isSameWithSource). */
export function withoutRevisionLine(source: string): string {
  return source.replace(/^revision: \d+\n?/m, '');
}
