/**
 * The Kestra objects of a repository that are not flows: apps, unit tests (TestSuites) and
 * dashboards, each checked for what makes it one object Kestra can take (one document, an id, its
 * namespace where it has one, the place's namespace, a TestSuite's flow and test cases), kept with
 * its source exactly as stored; blueprints and unit tests of another shape are listed as found.
 * Which of them a stack deploys is the stack's decision (its edition), not the reader's.
 */
import * as path from 'node:path';
import { FLOW_ID_PATTERN, NAMESPACE_PATTERN } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import { YAML_FILE, type KestraKind, type YamlClass } from './classify';
import type { NamespaceExpectation } from './flow-check';
import { lineOfId } from './flow-file';
import { shown, type ReadContext } from './read-context';

/** Kestra's TestSuite id pattern: no ".", unlike flow ids. */
export const TEST_SUITE_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

export interface ObjectPlace {
  /** The namespace the object must declare because of its place (a Kestra layout's folder, a source's namespace). */
  expectedNamespace?: string;
  /** Why it must, and what to do otherwise (default: the namespace folder of Kestra's layout). */
  words?: NamespaceExpectation;
  /** Kestra's own layouts: the file stem is the id (a warning when they differ). */
  kestraLayout?: boolean;
}

const WHAT: Record<'app' | 'test' | 'dashboard', string> = { app: 'app', test: 'unit test', dashboard: 'dashboard' };
const FOLDER: Record<'app' | 'test', string> = { app: 'apps', test: 'tests' };

/**
 * Takes one YAML file classified as a Kestra kind other than a flow (`kind`) into the context:
 * an app, TestSuite or dashboard into `ctx.objects` (or its problems into the diagnostics), a
 * blueprint or another shape of unit test into `ctx.found`. `rel` is relative to the context's root.
 */
export function takeKestraObject(ctx: ReadContext, kind: Extract<YamlClass, { kind: KestraKind }>, text: string, docs: unknown[], rel: string, place: ObjectPlace = {}): void {
  const file = shown(ctx, rel);
  const idLine = lineOfId(text);
  if (kind.kind === 'flow') return;
  if (kind.kind === 'blueprint' || kind.why !== undefined) {
    ctx.found.push({ kind: kind.kind, file, line: idLine, id: kind.id, namespace: kind.namespace, ...(kind.why !== undefined ? { why: kind.why } : {}) });
    return;
  }
  const what = WHAT[kind.kind];
  const diagnostics: Diagnostic[] = [];
  const error = (line: number, message: string, hint: string) => diagnostics.push({ severity: 'error', file, line, column: line ? 1 : 0, message, hint });
  const documents = docs.filter((d) => d !== null && d !== undefined).length;
  if (documents > 1) {
    error(0, `${what} file holds ${documents} YAML documents`, `keep one ${what} per file (Kestra reads the first document only)`);
    ctx.diagnostics.push(...diagnostics);
    return;
  }
  const root = docs.find((d) => d !== null && d !== undefined) as Record<string, unknown>;
  // Kestra 1.x makes up a dashboard's id on create and refuses one in its source (422 "Dashboard
  // id is not editable"): there the file's name is its id, as Kestra's 1.x Git sync named it.
  const madeUpId = kind.kind === 'dashboard' && ctx.kestraMajor === 1;
  if (madeUpId && kind.id !== undefined) error(idLine, 'Kestra 1.x refuses a dashboard whose source names an `id` (it makes one up)', `remove the \`id:\` line; kestraform names the dashboard by its file name (${fileStem(rel)})`);
  const id = madeUpId ? fileStem(rel) : kind.id;
  if (id === undefined) error(lineOf(text, 'id') ?? 0, `${what} has no \`id\` (a string)`, `give it an \`id\`${place.kestraLayout ? ` (${fileStem(rel)}, the name of its file)` : ''}`);
  else if (kind.kind === 'test' ? !TEST_SUITE_ID_PATTERN.test(id) : kind.kind === 'app' ? !FLOW_ID_PATTERN.test(id) : /[/\s]/.test(id)) {
    const rule = kind.kind === 'test' ? `^[a-zA-Z0-9][a-zA-Z0-9_-]* (a TestSuite id holds no ".")` : kind.kind === 'app' ? '^[a-zA-Z0-9][a-zA-Z0-9._-]*' : 'no "/" and no white space';
    error(idLine, `${what} id "${id}" does not match ${rule}`, 'rename it');
  }
  let namespace: string | undefined;
  if (kind.kind !== 'dashboard') {
    namespace = kind.namespace;
    const nsLine = lineOf(text, 'namespace') ?? 0;
    if (namespace === undefined) error(nsLine, `${what} has no \`namespace\` (a string)`, `set \`namespace:\`${place.expectedNamespace ? ` to ${place.expectedNamespace}` : ''}`);
    else if (!NAMESPACE_PATTERN.test(namespace) || namespace.length > 150) error(nsLine, `namespace "${namespace}" does not match ^[a-z0-9][a-z0-9._-]* (at most 150 characters)`, 'use lowercase letters, digits, ".", "_" and "-" only');
    else if (place.expectedNamespace !== undefined && namespace !== place.expectedNamespace) {
      const e = place.words ?? { because: `its folder "${place.expectedNamespace}"`, hint: `move the file to ${namespace}/${FOLDER[kind.kind]}/ or set \`namespace: ${place.expectedNamespace}\`` };
      error(nsLine, `namespace "${namespace}" differs from ${e.because}`, e.hint);
    }
  }
  let flowId: string | undefined;
  if (kind.kind === 'test') {
    flowId = kind.flowId;
    const flowLine = lineOf(text, 'flowId') ?? 0;
    if (flowId === undefined) error(flowLine, 'unit test has no `flowId` (the flow it tests, a string)', 'name the flow it tests with `flowId:`');
    else if (!FLOW_ID_PATTERN.test(flowId)) error(flowLine, `flowId "${flowId}" does not match ^[a-zA-Z0-9][a-zA-Z0-9._-]*`, 'name a flow of the namespace');
    const cases = root.testCases;
    if (!Array.isArray(cases) || cases.length === 0) {
      error(lineOf(text, 'testCases') ?? 0, `\`testCases\` ${Array.isArray(cases) ? 'is empty' : 'is not a list'}: a TestSuite holds at least one test case`, 'list its test cases (`- id: …`, `type: io.kestra.core.tests.flow.UnitTest`, `assertions: …`)');
    }
  }
  if (diagnostics.length) {
    ctx.diagnostics.push(...diagnostics);
    return;
  }
  if (place.kestraLayout && fileStem(rel) !== id) {
    ctx.diagnostics.push({ severity: 'warning', file, line: idLine, column: 1, message: `file name "${path.posix.basename(rel)}" differs from the ${what} id "${id}"`, hint: `rename it to ${id}.yaml (Kestra's sync tasks name files by id)` });
  }
  const key = namespace === undefined ? id! : `${namespace}/${id}`;
  const list: Array<{ file: string; namespace?: string; id: string }> = kind.kind === 'app' ? ctx.objects.apps : kind.kind === 'test' ? ctx.objects.tests : ctx.objects.dashboards;
  const prev = list.find((o) => o.id === id && o.namespace === namespace);
  if (prev) {
    ctx.diagnostics.push({ severity: 'error', file, line: idLine, column: 1, message: `${what} ${key} is also defined in ${prev.file}`, hint: `each ${what} (${namespace === undefined ? 'id' : 'namespace and id'}) may be defined in one file only: rename or delete one of them` });
    return;
  }
  if (kind.kind === 'app') ctx.objects.apps.push({ namespace: namespace!, id: id!, file, source: text, line: idLine });
  else if (kind.kind === 'test') ctx.objects.tests.push({ namespace: namespace!, id: id!, flowId: flowId!, file, source: text, line: idLine });
  else ctx.objects.dashboards.push({ id: id!, file, source: text, line: idLine });
}

/** 1-based line of a top-level `key:` (undefined when the text has none at the start of a line). */
function lineOf(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key}\\s*:`, 'm').exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const fileStem = (rel: string) => path.posix.basename(rel).replace(YAML_FILE, '');
