/**
 * A namespace's own properties, as Kestra Enterprise's Namespace object holds them (description,
 * variables, allowed namespaces, worker selector, concurrency, …): the keys Kestra's spec gives
 * for each Kestra line (2.0: openapi `Namespace`; 1.3 adds pluginDefaults, workerGroup and the
 * deprecated allowedTriggers, and has no concurrency, quotas or defaultWorkerSelector), each
 * checked for its type. A tree keeps them in `<namespace>/namespace.yaml` (kestraform's own file
 * in Kestra's layout); a stack may give them to a KestraNamespace in code. `id` and `deleted` are
 * never properties: the namespace is named by its folder, and a namespace object is removed by
 * leaving it out. Credentials written as literals are refused: nothing secret goes into Git,
 * cdk.tf.json, state or plans.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { KestraMajor } from '../flowrules';
import type { Diagnostic, Severity } from '../util/diagnostics';

type Shape =
  | { t: 'string' }
  | { t: 'boolean' }
  | { t: 'integer'; min: number }
  | { t: 'enum'; values: readonly string[] }
  /** Any mapping (its values as Kestra takes them: variables, storage configuration). */
  | { t: 'map' }
  | { t: 'object'; props: Record<string, Shape>; required?: readonly string[] }
  | { t: 'list'; of: Shape; max?: number };

interface PropertySpec {
  shape: Shape;
  /** The Kestra lines whose Namespace has it. */
  majors: readonly KestraMajor[];
  deprecated?: string;
}

const str: Shape = { t: 'string' };
const bool: Shape = { t: 'boolean' };
const map: Shape = { t: 'map' };
const isolation: Shape = { t: 'object', props: { enabled: bool, deniedServices: { t: 'list', of: { t: 'enum', values: ['EXECUTOR', 'INDEXER', 'SCHEDULER', 'WEBSERVER', 'WORKER', 'CONTROLLER', 'INVALID'] } } } };
const BOTH: readonly KestraMajor[] = [1, 2];

/** Kestra's Namespace fields but `id` and `deleted`, per Kestra line. */
export const NAMESPACE_PROPERTIES: Readonly<Record<string, PropertySpec>> = {
  description: { shape: str, majors: BOTH },
  variables: { shape: map, majors: BOTH },
  allowedNamespaces: { shape: { t: 'list', of: { t: 'object', props: { namespace: str }, required: ['namespace'] } }, majors: BOTH },
  outputsInInternalStorage: { shape: bool, majors: BOTH },
  storageIsolation: { shape: isolation, majors: BOTH },
  secretIsolation: { shape: isolation, majors: BOTH },
  storageType: { shape: str, majors: BOTH },
  storageConfiguration: { shape: map, majors: BOTH },
  secretType: { shape: str, majors: BOTH },
  secretConfiguration: { shape: map, majors: BOTH },
  secretReadOnly: { shape: bool, majors: BOTH },
  sdkDefaultAuthentication: { shape: { t: 'object', props: { username: str, password: str, apiToken: str } }, majors: BOTH },
  concurrency: { shape: { t: 'object', props: { limit: { t: 'integer', min: 1 }, behavior: { t: 'enum', values: ['QUEUE', 'CANCEL', 'FAIL'] } }, required: ['limit', 'behavior'] }, majors: [2] },
  defaultWorkerSelector: {
    shape: { t: 'object', props: { tags: { t: 'list', of: str, max: 20 }, match: { t: 'enum', values: ['ALL', 'ANY'] }, fallback: { t: 'enum', values: ['FAIL', 'WAIT', 'CANCEL', 'IGNORE'] } } },
    majors: [2],
  },
  quotas: { shape: { t: 'list', of: { t: 'object', props: { behavior: { t: 'enum', values: ['FAIL', 'CANCEL'] }, duration: str, limit: { t: 'integer', min: 1 } }, required: ['behavior', 'duration', 'limit'] } }, majors: [2] },
  pluginDefaults: { shape: { t: 'list', of: { t: 'object', props: { type: str, forced: bool, values: map, ref: str }, required: ['type'] } }, majors: [1] },
  workerGroup: { shape: { t: 'object', props: { key: str, fallback: { t: 'enum', values: ['FAIL', 'WAIT', 'CANCEL'] } } }, majors: [1] },
  allowedTriggers: { shape: { t: 'list', of: { t: 'object', props: { namespace: str, flowId: str }, required: ['namespace'] } }, majors: [1], deprecated: 'Kestra deprecates it: use allowedNamespaces' },
};

/** Keys of a storage or secret configuration whose literal value is a credential. */
const CREDENTIAL_KEY = /pass(word)?|secret|token|credential|private.?key|access.?key|api.?key/i;

export interface PropertyProblem {
  /** Where in the properties: keys and list indexes. */
  path: Array<string | number>;
  /** The key itself (an unknown or refused key) or its value. */
  at: 'key' | 'value';
  severity: Severity;
  message: string;
  hint: string;
}

/**
 * What is wrong with a namespace's properties for this Kestra line (an empty list when nothing).
 * `namespace` is the namespace they are for (an `id` may only repeat it).
 */
export function namespacePropertyProblems(properties: unknown, namespace: string, kestraMajor: KestraMajor): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  if (!isRecord(properties)) {
    problems.push({ path: [], at: 'value', severity: 'error', message: 'the namespace properties are not a mapping of Kestra Namespace fields', hint: 'write them as `description: …`, `variables: {…}`, `allowedNamespaces: [{namespace: …}]`, …' });
    return problems;
  }
  const known = Object.keys(NAMESPACE_PROPERTIES).filter((k) => NAMESPACE_PROPERTIES[k].majors.includes(kestraMajor));
  for (const [key, value] of Object.entries(properties)) {
    const spec = NAMESPACE_PROPERTIES[key];
    if (key === 'id') {
      if (value !== namespace) problems.push({ path: [key], at: 'value', severity: 'error', message: `\`id: ${String(value)}\` names another namespace than the one these properties are for, ${namespace}`, hint: `remove \`id\` (the namespace is named by its folder), or move the file to the folder of ${String(value)}` });
      continue;
    }
    if (key === 'deleted') {
      problems.push({ path: [key], at: 'key', severity: 'error', message: '`deleted` is not a namespace property kestraform sets', hint: 'remove it: a namespace object is deleted by removing its namespace.yaml (with prune, or from state)' });
      continue;
    }
    if (!spec) {
      const near = closest(key, known);
      problems.push({ path: [key], at: 'key', severity: 'error', message: `\`${key}\` is not a property of Kestra's Namespace`, hint: near ? `did you mean \`${near}\`?` : `use one of ${known.join(', ')}` });
      continue;
    }
    if (!spec.majors.includes(kestraMajor)) {
      const other = kestraMajor === 1 ? 2 : 1;
      problems.push({ path: [key], at: 'key', severity: 'error', message: `\`${key}\` is a namespace property of Kestra ${other}.x only, not of the ${kestraMajor}.x this stack targets`, hint: kestraMajor === 2 && (key === 'pluginDefaults' || key === 'workerGroup') ? 'Kestra 2.0 drops it silently: remove it (plugin defaults live in flows, worker groups became defaultWorkerSelector)' : `remove it, or target Kestra ${other}.x` });
      continue;
    }
    if (spec.deprecated) problems.push({ path: [key], at: 'key', severity: 'warning', message: `\`${key}\` is deprecated`, hint: spec.deprecated });
    checkShape(value, spec.shape, [key], problems);
  }
  credentials(properties, problems);
  return problems;
}

function checkShape(value: unknown, shape: Shape, at: Array<string | number>, problems: PropertyProblem[]): void {
  const wrong = (expected: string, hint = `write it as ${expected}`) => problems.push({ path: at, at: 'value', severity: 'error', message: `\`${at.join('.')}\` must be ${expected}, not ${describe(value)}`, hint });
  switch (shape.t) {
    case 'string':
      if (typeof value !== 'string') wrong('a string', 'quote it if YAML reads it as another type');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrong('true or false');
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < shape.min) wrong(`a whole number of at least ${shape.min}`);
      return;
    case 'enum':
      if (typeof value !== 'string' || !shape.values.includes(value)) wrong(`one of ${shape.values.join(', ')}`);
      return;
    case 'map':
      if (!isRecord(value)) wrong('a mapping');
      return;
    case 'list':
      if (!Array.isArray(value)) {
        wrong('a list');
        return;
      }
      if (shape.max !== undefined && value.length > shape.max) problems.push({ path: at, at: 'value', severity: 'error', message: `\`${at.join('.')}\` holds ${value.length} items, more than the ${shape.max} Kestra takes`, hint: `keep at most ${shape.max}` });
      value.forEach((item, i) => checkShape(item, shape.of, [...at, i], problems));
      return;
    case 'object': {
      if (!isRecord(value)) {
        wrong(`a mapping of ${Object.keys(shape.props).join(', ')}`);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        const inner = shape.props[k];
        if (inner) checkShape(v, inner, [...at, k], problems);
        else problems.push({ path: [...at, k], at: 'key', severity: 'error', message: `\`${[...at, k].join('.')}\` is not a field Kestra knows here`, hint: `use ${Object.keys(shape.props).join(', ')}` });
      }
      for (const k of shape.required ?? []) {
        if (!(k in value)) problems.push({ path: at, at: 'value', severity: 'error', message: `\`${at.join('.')}\` has no \`${k}\`, which Kestra requires`, hint: `add \`${k}: …\`` });
      }
    }
  }
}

/** Literal credentials: the SDK's password and token, and credential-like keys of the storage and secret configurations. */
function credentials(properties: Record<string, unknown>, problems: PropertyProblem[]): void {
  const literal = (v: unknown) => typeof v === 'string' && v !== '' && !v.includes('{{');
  const refuse = (path: Array<string | number>) =>
    problems.push({ path, at: 'value', severity: 'error', message: `\`${path.join('.')}\` holds a credential written out: kestraform puts no secret into Git, cdk.tf.json, state or plans`, hint: 'leave it out and set it in Kestra (a namespace secret, or the UI), or give a Pebble expression such as {{ secret(\'NAME\') }}' });
  const sdk = properties.sdkDefaultAuthentication;
  if (isRecord(sdk)) for (const k of ['password', 'apiToken']) if (literal(sdk[k])) refuse(['sdkDefaultAuthentication', k]);
  for (const key of ['storageConfiguration', 'secretConfiguration']) {
    const conf = properties[key];
    if (!isRecord(conf)) continue;
    for (const [k, v] of Object.entries(conf)) if (CREDENTIAL_KEY.test(k) && literal(v)) refuse([key, k]);
  }
}

export interface ReadNamespaceProperties {
  /** Absent when the file has errors. */
  properties?: Record<string, unknown>;
  /** Line of the first property (1 for an empty file). */
  line: number;
  diagnostics: Diagnostic[];
}

/** Reads `namespace.yaml` (`file` as messages show it): its properties, every problem at its line. */
export function parseNamespaceProperties(text: string, file: string, namespace: string, kestraMajor: KestraMajor): ReadNamespaceProperties {
  const source = text.replace(/^\uFEFF/, '');
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  const diagnostics: Diagnostic[] = [];
  if (doc.errors.length) {
    for (const e of doc.errors) diagnostics.push({ severity: 'error', file, line: e.linePos?.[0].line ?? 0, column: e.linePos?.[0].col ?? 0, message: `namespace.yaml is not valid YAML: ${e.message.split('\n')[0]}`, hint: 'fix the YAML' });
    return { line: 1, diagnostics };
  }
  const contents = doc.contents;
  // An empty file: a namespace object with no properties.
  if (contents === null || (isScalar(contents) && contents.value === null)) return { properties: {}, line: 1, diagnostics };
  const properties = doc.toJS({ maxAliasCount: 100 }) as unknown;
  for (const p of namespacePropertyProblems(properties, namespace, kestraMajor)) {
    const node = nodeAt(doc, p.path, p.at);
    const pos = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    diagnostics.push({ severity: p.severity, file, line: pos.line, column: pos.col, message: p.message, hint: p.hint });
  }
  const first = isMap(contents) ? (contents.items[0]?.key as Node | undefined) : undefined;
  const line = first?.range ? lines.linePos(first.range[0]).line : 1;
  if (diagnostics.some((d) => d.severity === 'error')) return { line, diagnostics };
  const { id: _id, ...rest } = properties as Record<string, unknown>;
  return { properties: rest, line, diagnostics };
}

/** The node of a key or value at `path` (the nearest node above it when the path ends early). */
function nodeAt(doc: Document.Parsed, path: Array<string | number>, at: 'key' | 'value'): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = (node.items as Array<Pair<Node, Node | null>>).find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return node;
      if (last && at === 'key') return pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) return node;
      node = item;
    } else return node;
  }
  return node;
}

/** The known key a typo most likely meant: the same but for case, or at most two edits away. */
function closest(key: string, known: readonly string[]): string | undefined {
  const same = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (same) return same;
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { key: k, d };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
