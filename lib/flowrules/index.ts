/**
 * Structural rules of a Kestra flow that can be checked without Kestra's plugin schemas:
 * required fields, id/namespace patterns, task and input shapes, duplicate ids, reserved labels,
 * and constructs that the targeted Kestra major version no longer parses. Pure: used by the tree
 * reader (which turns ranges into file:line:column) and by the embedded server (which answers
 * like Kestra's validation).
 */
import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import {
  CHECK_CONDITION, PLUGIN_DEFAULTS, REMOVED_TASK_TYPES, TASK_DEFAULTS, TASK_RUN_IF, TRIGGER_CONDITIONS,
  TRIGGER_MULTIPLE_CONDITIONS, TRIGGER_PRECONDITIONS, type RemovedConstruct,
} from './removed-2x';

export type KestraMajor = 1 | 2;

export interface FlowViolation {
  severity: 'error' | 'warning';
  /** Path into the flow document, e.g. ['tasks', 0, 'id']; [] for the document itself. */
  path: (string | number)[];
  /** Character offsets [start, end) into the source, when known. */
  range?: [number, number];
  message: string;
  hint?: string;
  /** For removed-construct rules: the construct's name, e.g. 'pluginDefaults'. */
  construct?: string;
}

export interface FlowRuleOptions {
  kestraMajor: KestraMajor;
}

// Kestra's patterns (OpenAPI spec, Flow schema): flow id 1–100, namespace 1–150 characters.
export const FLOW_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
// Task, trigger and input ids (Kestra's @Regex on Task.id / Input.id).
const TASK_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const INPUT_ID_PATTERN = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/;
const CLASS_NAME_PATTERN = /^[a-zA-Z_$][\w$]*(\.[a-zA-Z_$][\w$]*)+$/;
// Kestra's Type enum of flow inputs.
export const INPUT_TYPES = ['STRING', 'ENUM', 'SELECT', 'INT', 'FLOAT', 'BOOLEAN', 'BOOL', 'DATETIME', 'DATE', 'TIME', 'DURATION', 'FILE', 'JSON', 'URI', 'SECRET', 'ARRAY', 'MULTISELECT', 'YAML', 'EMAIL'];
// Keys whose value is a list of tasks (Parallel, Sequential, If, Switch defaults, flow-level blocks…).
// System labels a flow may set itself; every other `system.` label is Kestra's.
const SETTABLE_SYSTEM_LABELS = new Set(['system.readOnly', 'system.correlationId']);
const TASK_LIST_KEYS = new Set(['tasks', 'errors', 'finally', 'afterExecution', 'then', 'else', 'defaults']);

type P = (string | number)[];

export function checkFlowDocument(doc: Document.Parsed, opts: FlowRuleOptions): FlowViolation[] {
  const out: FlowViolation[] = [];
  const add = (severity: FlowViolation['severity'], path: P, node: Node | null | undefined, message: string, hint?: string, construct?: string) =>
    out.push({ severity, path, range: rangeOf(node), message, hint, construct });
  const root = doc.contents;
  if (!isMap(root)) {
    add('error', [], root as Node, 'a flow must be a YAML mapping', 'start the file with `id:`, `namespace:` and `tasks:`');
    return out;
  }

  const id = requiredString(root, 'id', add);
  if (id !== undefined) {
    if (id.length > 100) add('error', ['id'], valueOf(root, 'id'), `flow id is ${id.length} characters long (Kestra allows 100)`, 'shorten the id');
    else if (!FLOW_ID_PATTERN.test(id)) add('error', ['id'], valueOf(root, 'id'), `flow id "${id}" does not match ^[a-zA-Z0-9][a-zA-Z0-9._-]*`, 'use letters, digits, ".", "_" and "-" only');
  }
  const ns = requiredString(root, 'namespace', add);
  if (ns !== undefined) {
    if (ns.length > 150) add('error', ['namespace'], valueOf(root, 'namespace'), `namespace is ${ns.length} characters long (Kestra allows 150)`, 'shorten the namespace');
    else if (!NAMESPACE_PATTERN.test(ns)) add('error', ['namespace'], valueOf(root, 'namespace'), `namespace "${ns}" does not match ^[a-z0-9][a-z0-9._-]*`, 'use lowercase letters, digits, ".", "_" and "-" only');
  }

  const tasks = root.get('tasks', true) as Node | undefined;
  if (!root.has('tasks')) add('error', ['tasks'], root, 'missing required field `tasks`', 'add `tasks:` with at least one task');
  else if (!isSeq(tasks) || tasks.items.length === 0) add('error', ['tasks'], tasks ?? keyOf(root, 'tasks'), '`tasks` must be a non-empty list of tasks', 'add at least one task, e.g. `- id: hello` / `type: io.kestra.plugin.core.log.Log`');

  const seenTaskIds = new Map<string, P>();
  const removed = (c: RemovedConstruct, path: P, node: Node | null | undefined) => {
    const hard = opts.kestraMajor === 2 && !c.deprecatedOnly;
    const version = c.deprecatedOnly ? 'is deprecated in Kestra 2.0 (an alias still accepts it)' : 'was removed in Kestra 2.0';
    add(hard ? 'error' : 'warning', path, node, `${c.construct} ${version}${opts.kestraMajor === 1 && !c.deprecatedOnly ? '; this flow will not parse on Kestra 2.x' : ''}`, `${c.replacement} (Kestra 2.0 migration guide: ${c.guide})`, c.construct);
  };

  const visitTaskList = (list: Node | undefined, path: P) => {
    if (!isSeq(list)) return;
    list.items.forEach((item, i) => {
      let task = item as Node;
      let taskPath: P = [...path, i];
      // Dag tasks wrap the task: `- task: {...}` with `dependsOn`.
      if (isMap(task) && !task.has('type') && isMap(task.get('task', true))) {
        task = task.get('task', true) as Node;
        taskPath = [...taskPath, 'task'];
      }
      visitTask(task, taskPath);
    });
  };

  const visitTask = (task: Node, path: P) => {
    if (!isMap(task)) {
      add('error', path, task, 'a task must be a mapping with `id` and `type`', 'write the task as `- id: ...` / `type: ...`');
      return;
    }
    const tid = scalarString(task.get('id', true));
    if (tid === undefined || tid === '') add('error', [...path, 'id'], task, 'task without `id`', 'give every task a unique `id`');
    else if (!TASK_ID_PATTERN.test(tid)) add('error', [...path, 'id'], valueOf(task, 'id'), `task id "${tid}" does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]*`, 'use letters, digits, "_" and "-" only');
    else if (seenTaskIds.has(tid)) add('error', [...path, 'id'], valueOf(task, 'id'), `task id "${tid}" is used twice in this flow (also at ${seenTaskIds.get(tid)!.join('.')})`, 'task ids must be unique across the whole flow');
    else seenTaskIds.set(tid, path);
    const type = scalarString(task.get('type', true));
    if (type === undefined || type === '') add('error', [...path, 'type'], task, `task ${tid ? `"${tid}" ` : ''}without \`type\``, 'set `type:` to the task class, e.g. io.kestra.plugin.core.log.Log');
    else if (!type.includes('{{') && !CLASS_NAME_PATTERN.test(type)) add('error', [...path, 'type'], valueOf(task, 'type'), `task type "${type}" is not a fully-qualified class name`, 'use the plugin class, e.g. io.kestra.plugin.core.log.Log');
    else if (REMOVED_TASK_TYPES[type]) removed(REMOVED_TASK_TYPES[type], [...path, 'type'], valueOf(task, 'type'));
    if (task.has('runIf')) removed(TASK_RUN_IF, [...path, 'runIf'], keyOf(task, 'runIf'));
    for (const pair of task.items as Pair[]) {
      const key = scalarString(pair.key as Node);
      if (key === undefined) continue;
      if (TASK_LIST_KEYS.has(key)) visitTaskList(pair.value as Node, [...path, key]);
      else if (key === 'cases' && isMap(pair.value)) {
        for (const c of (pair.value as YAMLMap).items as Pair[]) visitTaskList(c.value as Node, [...path, 'cases', String(scalarString(c.key as Node))]);
      }
    }
  };

  visitTaskList(tasks, ['tasks']);
  for (const block of ['errors', 'finally', 'afterExecution']) visitTaskList(root.get(block, true) as Node, [block]);
  const listeners = root.get('listeners', true);
  if (isSeq(listeners)) listeners.items.forEach((l, i) => isMap(l) && visitTaskList(l.get('tasks', true) as Node, ['listeners', i, 'tasks']));

  checkInputs(root, add);
  checkLabels(root, add);
  checkTriggers(root, add, removed);

  for (const c of [PLUGIN_DEFAULTS, TASK_DEFAULTS]) if (root.has(c.construct)) removed(c, [c.construct], keyOf(root, c.construct));
  const checks = root.get('checks', true);
  if (isSeq(checks)) checks.items.forEach((c, i) => isMap(c) && c.has('condition') && removed(CHECK_CONDITION, ['checks', i, 'condition'], keyOf(c, 'condition')));
  return out;
}

type Add = (severity: FlowViolation['severity'], path: P, node: Node | null | undefined, message: string, hint?: string, construct?: string) => void;

function checkInputs(root: YAMLMap, add: Add): void {
  const inputs = root.get('inputs', true);
  if (inputs === undefined || inputs === null) return;
  if (!isSeq(inputs)) {
    add('error', ['inputs'], inputs as Node, '`inputs` must be a list', 'write each input as `- id: ...` / `type: ...`');
    return;
  }
  const seen = new Set<string>();
  inputs.items.forEach((item, i) => {
    if (!isMap(item)) return add('error', ['inputs', i], item as Node, 'an input must be a mapping with `id` and `type`');
    let id = scalarString(item.get('id', true));
    if (!id && item.has('name')) {
      // Older flows name inputs with `name`, which Kestra kept as a deprecated alias of `id`.
      id = scalarString(item.get('name', true));
      add('warning', ['inputs', i, 'name'], keyOf(item, 'name'), 'input `name` is a deprecated alias of `id`', 'rename `name:` to `id:`');
    }
    if (!id) add('error', ['inputs', i, 'id'], item, 'input without `id`', 'give every input an `id`');
    else if (!INPUT_ID_PATTERN.test(id)) add('error', ['inputs', i, 'id'], valueOf(item, 'id'), `input id "${id}" does not match ^[a-zA-Z0-9][.a-zA-Z0-9_-]*`, 'use letters, digits, ".", "_" and "-" (no spaces)');
    else if (seen.has(id)) add('error', ['inputs', i, 'id'], valueOf(item, 'id'), `input id "${id}" is declared twice`, 'input ids must be unique');
    else seen.add(id);
    const type = scalarString(item.get('type', true));
    if (!type) add('error', ['inputs', i, 'type'], item, `input ${id ? `"${id}" ` : ''}without \`type\``, `set \`type:\` to one of ${INPUT_TYPES.join(', ')}`);
    else if (!INPUT_TYPES.includes(type) && !type.includes('.')) add('error', ['inputs', i, 'type'], valueOf(item, 'type'), `unknown input type "${type}"`, `use one of ${INPUT_TYPES.join(', ')}`);
  });
}

function checkLabels(root: YAMLMap, add: Add): void {
  const labels = root.get('labels', true);
  const reserved = (key: string | undefined, node: Node | null | undefined, path: P) => {
    if (key?.startsWith('system.') && !SETTABLE_SYSTEM_LABELS.has(key)) add('error', path, node, `label "${key}" uses the \`system.\` prefix, which Kestra reserves`, 'rename the label');
  };
  if (isMap(labels)) for (const p of labels.items as Pair[]) reserved(scalarString(p.key as Node), p.key as Node, ['labels', String(scalarString(p.key as Node))]);
  else if (isSeq(labels)) labels.items.forEach((l, i) => isMap(l) && reserved(scalarString(l.get('key', true)), valueOf(l, 'key'), ['labels', i, 'key']));
}

function checkTriggers(root: YAMLMap, add: Add, removed: (c: RemovedConstruct, path: P, node: Node | null | undefined) => void): void {
  const triggers = root.get('triggers', true);
  if (!isSeq(triggers)) return;
  const seen = new Set<string>();
  triggers.items.forEach((t, i) => {
    if (!isMap(t)) return add('error', ['triggers', i], t as Node, 'a trigger must be a mapping with `id` and `type`');
    const id = scalarString(t.get('id', true));
    if (!id) add('error', ['triggers', i, 'id'], t, 'trigger without `id`', 'give every trigger a unique `id`');
    else if (seen.has(id)) add('error', ['triggers', i, 'id'], valueOf(t, 'id'), `trigger id "${id}" is used twice`, 'trigger ids must be unique');
    else seen.add(id);
    const type = scalarString(t.get('type', true));
    if (!type) add('error', ['triggers', i, 'type'], t, `trigger ${id ? `"${id}" ` : ''}without \`type\``, 'set `type:`, e.g. io.kestra.plugin.core.trigger.Schedule');
    else if (!CLASS_NAME_PATTERN.test(type)) add('error', ['triggers', i, 'type'], valueOf(t, 'type'), `trigger type "${type}" is not a fully-qualified class name`);
    if (t.has('conditions')) removed(TRIGGER_CONDITIONS, ['triggers', i, 'conditions'], keyOf(t, 'conditions'));
    if (t.has('preconditions')) removed(TRIGGER_PRECONDITIONS, ['triggers', i, 'preconditions'], keyOf(t, 'preconditions'));
    if (t.has('multipleConditions')) removed(TRIGGER_MULTIPLE_CONDITIONS, ['triggers', i, 'multipleConditions'], keyOf(t, 'multipleConditions'));
  });
}

function requiredString(map: YAMLMap, key: string, add: Add): string | undefined {
  if (!map.has(key)) {
    add('error', [key], map, `missing required field \`${key}\``, `add \`${key}:\` to the flow`);
    return undefined;
  }
  const node = map.get(key, true) as Node;
  const v = scalarString(node);
  if (v === undefined || v === '') {
    add('error', [key], node ?? keyOf(map, key), `\`${key}\` must be a non-empty string`, `set \`${key}:\` to a plain value`);
    return undefined;
  }
  return v;
}

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function valueOf(map: YAMLMap, key: string): Node | undefined {
  return (map.get(key, true) as Node | undefined) ?? keyOf(map, key);
}

function keyOf(map: YAMLMap, key: string): Node | undefined {
  const pair = (map.items as Pair[]).find((p) => scalarString(p.key as Node) === key);
  return pair?.key as Node | undefined;
}

function rangeOf(node: Node | null | undefined): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}
