/**
 * Structural rules of a Kestra flow that can be checked without Kestra's plugin schemas:
 * (they run on the flow as plain data — `checkFlow` — so a fast parser can feed them; positions
 * are looked up in a `yaml` document only when a rule fires — `checkFlowDocument` in ./document)
 * required fields, id/namespace patterns, task and input shapes, duplicate ids, reserved labels,
 * and constructs that the targeted Kestra major version no longer parses. Pure: used by the tree
 * reader (which turns ranges into file:line:column) and by the embedded server (which answers
 * like Kestra's validation).
 */
import {
  CHECK_CONDITION, PLUGIN_DEFAULTS, REMOVED_TASK_TYPES, TASK_DEFAULTS, TASK_RUN_IF, TRIGGER_CONDITIONS,
  TRIGGER_MULTIPLE_CONDITIONS, TRIGGER_PRECONDITIONS, type RemovedConstruct,
} from './removed-2x';

export type KestraMajor = 1 | 2;

export interface FlowViolation {
  severity: 'error' | 'warning';
  /** Path into the flow document, e.g. ['tasks', 0, 'id']; [] for the document itself. */
  path: (string | number)[];
  /** Whether the violation points at the key of `path` rather than its value. */
  at?: 'key' | 'value';
  /** Character offsets [start, end) into the source, when known. */
  range?: [number, number];
  message: string;
  hint?: string;
  /** For removed-construct rules: the construct's name, e.g. 'pluginDefaults'. */
  construct?: string;
  /**
   * 'parse' when Kestra's strict parser (YAML to the Flow model: an unknown property or plugin
   * type, a shape the model cannot take) refuses the flow, before any constraint is checked; absent
   * for constraint violations of a parsed flow (required fields, patterns, duplicate ids). The
   * validate endpoint names the flow and lists warnings only for a flow that parsed.
   */
  stage?: 'parse';
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
// The top-level properties of Kestra's Flow schema (OpenAPI specs of 2.0 and 1.3). Kestra parses a
// flow with FAIL_ON_UNKNOWN_PROPERTIES: a key neither line knows is refused.
const FLOW_PROPERTIES = new Set([
  'id', 'namespace', 'revision', 'description', 'labels', 'inputs', 'outputs', 'variables', 'tasks', 'errors', 'finally',
  'afterExecution', 'triggers', 'disabled', 'deleted', 'concurrency', 'retry', 'sla', 'checks', 'updated', 'source', 'tenantId',
]);
// In one line's schema only (pluginDefaults and taskDefaults have rules of their own in ./removed-2x).
const ONLY_IN_1X = new Set(['listeners', 'workerGroup', 'pluginDefaults', 'taskDefaults']);
const ONLY_IN_2X = new Set(['draft', 'policyRefs', 'quotas', 'workerSelector']);

type P = (string | number)[];
type Obj = Record<string, unknown>;
type Add = (severity: FlowViolation['severity'], path: P, at: 'key' | 'value', message: string, hint?: string, construct?: string, stage?: 'parse') => void;
/** A refusal of Kestra's parser (see FlowViolation.stage). */
const PARSE = 'parse' as const;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** Rules over a parsed flow (plain data). Paths say where; see checkFlowDocument for positions. */
export function checkFlow(root: unknown, opts: FlowRuleOptions): FlowViolation[] {
  const out: FlowViolation[] = [];
  const add: Add = (severity, path, at, message, hint, construct, stage) => out.push(stage ? { severity, path, at, message, hint, construct, stage } : { severity, path, at, message, hint, construct });
  if (!isObj(root)) {
    add('error', [], 'value', 'a flow must be a YAML mapping', 'start the file with `id:`, `namespace:` and `tasks:`', undefined, PARSE);
    return out;
  }
  const id = requiredString(root, 'id', add);
  if (id !== undefined) {
    if (id.length > 100) add('error', ['id'], 'value', `flow id is ${id.length} characters long (Kestra allows 100)`, 'shorten the id');
    else if (!FLOW_ID_PATTERN.test(id)) add('error', ['id'], 'value', `flow id "${id}" does not match ^[a-zA-Z0-9][a-zA-Z0-9._-]*`, 'use letters, digits, ".", "_" and "-" only');
  }
  const ns = requiredString(root, 'namespace', add);
  if (ns !== undefined) {
    if (ns.length > 150) add('error', ['namespace'], 'value', `namespace is ${ns.length} characters long (Kestra allows 150)`, 'shorten the namespace');
    else if (!NAMESPACE_PATTERN.test(ns)) add('error', ['namespace'], 'value', `namespace "${ns}" does not match ^[a-z0-9][a-z0-9._-]*`, 'use lowercase letters, digits, ".", "_" and "-" only');
  }
  checkTopLevelKeys(root, opts.kestraMajor, add);
  if (!('tasks' in root)) add('error', ['tasks'], 'value', 'missing required field `tasks`', 'add `tasks:` with at least one task');
  else if (!Array.isArray(root.tasks) || root.tasks.length === 0) add('error', ['tasks'], 'value', '`tasks` must be a non-empty list of tasks', 'add at least one task, e.g. `- id: hello` / `type: io.kestra.plugin.core.log.Log`');

  const seenTaskIds = new Map<string, P>();
  const removed = (c: RemovedConstruct, path: P, at: 'key' | 'value') => {
    const hard = opts.kestraMajor === 2 && !c.deprecatedOnly;
    const version = c.deprecatedOnly ? 'is deprecated in Kestra 2.0 (an alias still accepts it)' : 'was removed in Kestra 2.0';
    // 2.0's parser no longer knows the property or the type: the flow does not parse.
    add(hard ? 'error' : 'warning', path, at, `${c.construct} ${version}${opts.kestraMajor === 1 && !c.deprecatedOnly ? '; this flow will not parse on Kestra 2.x' : ''}`, `${c.replacement} (Kestra 2.0 migration guide: ${c.guide})`, c.construct, hard ? PARSE : undefined);
  };

  const visitTaskList = (list: unknown, path: P) => {
    if (!Array.isArray(list)) return;
    list.forEach((item, i) => {
      // Dag tasks wrap the task: `- task: {...}` with `dependsOn`.
      if (isObj(item) && !('type' in item) && isObj(item.task)) visitTask(item.task, [...path, i, 'task']);
      else visitTask(item, [...path, i]);
    });
  };

  const visitTask = (task: unknown, path: P) => {
    if (!isObj(task)) {
      add('error', path, 'value', 'a task must be a mapping with `id` and `type`', 'write the task as `- id: ...` / `type: ...`', undefined, PARSE);
      return;
    }
    const tid = str(task.id);
    if (tid === undefined || tid === '') add('error', [...path, 'id'], 'value', 'task without `id`', 'give every task a unique `id`');
    else if (!TASK_ID_PATTERN.test(tid)) add('error', [...path, 'id'], 'value', `task id "${tid}" does not match ^[a-zA-Z0-9][a-zA-Z0-9_-]*`, 'use letters, digits, "_" and "-" only');
    else if (seenTaskIds.has(tid)) add('error', [...path, 'id'], 'value', `task id "${tid}" is used twice in this flow (also at ${seenTaskIds.get(tid)!.join('.')})`, 'task ids must be unique across the whole flow');
    else seenTaskIds.set(tid, path);
    const type = str(task.type);
    // The type picks the task's class: without a known one the task cannot be read at all.
    if (type === undefined || type === '') add('error', [...path, 'type'], 'value', `task ${tid ? `"${tid}" ` : ''}without \`type\``, 'set `type:` to the task class, e.g. io.kestra.plugin.core.log.Log', undefined, PARSE);
    else if (!type.includes('{{') && !CLASS_NAME_PATTERN.test(type)) add('error', [...path, 'type'], 'value', `task type "${type}" is not a fully-qualified class name`, 'use the plugin class, e.g. io.kestra.plugin.core.log.Log', undefined, PARSE);
    else if (REMOVED_TASK_TYPES[type]) removed(REMOVED_TASK_TYPES[type], [...path, 'type'], 'value');
    if ('runIf' in task) removed(TASK_RUN_IF, [...path, 'runIf'], 'key');
    for (const [key, value] of Object.entries(task)) {
      if (TASK_LIST_KEYS.has(key)) visitTaskList(value, [...path, key]);
      else if (key === 'cases' && isObj(value)) for (const [k, v] of Object.entries(value)) visitTaskList(v, [...path, 'cases', k]);
    }
  };

  visitTaskList(root.tasks, ['tasks']);
  for (const block of ['errors', 'finally', 'afterExecution']) visitTaskList(root[block], [block]);
  if (Array.isArray(root.listeners)) root.listeners.forEach((l, i) => isObj(l) && visitTaskList(l.tasks, ['listeners', i, 'tasks']));

  checkInputs(root, add);
  checkLabels(root, add);
  checkTriggers(root, add, removed);
  for (const c of [PLUGIN_DEFAULTS, TASK_DEFAULTS]) if (c.construct in root) removed(c, [c.construct], 'key');
  if (Array.isArray(root.checks)) root.checks.forEach((c, i) => isObj(c) && 'condition' in c && removed(CHECK_CONDITION, ['checks', i, 'condition'], 'key'));
  return out;
}

function checkTopLevelKeys(root: Obj, major: KestraMajor, add: Add): void {
  for (const key of Object.keys(root)) {
    if (FLOW_PROPERTIES.has(key) || (key === 'pluginDefaults' || key === 'taskDefaults')) continue;
    if (ONLY_IN_1X.has(key)) {
      if (major === 2) add('warning', [key], 'key', `\`${key}\` is not part of Kestra 2.0's flow schema`, `remove it, or target Kestra 1.x (kestraVersion: 1)`);
    } else if (ONLY_IN_2X.has(key)) {
      if (major === 1) add('warning', [key], 'key', `\`${key}\` is not part of Kestra 1.x's flow schema`, 'remove it, or target Kestra 2.x (kestraVersion: 2)');
    } else {
      add('error', [key], 'key', `unknown flow property \`${key}\`: Kestra refuses flows with properties it does not know`, 'remove it or move it under `variables:` or `labels:`', undefined, PARSE);
    }
  }
}

function checkInputs(root: Obj, add: Add): void {
  const inputs = root.inputs;
  if (inputs === undefined || inputs === null) return;
  if (!Array.isArray(inputs)) return add('error', ['inputs'], 'value', '`inputs` must be a list', 'write each input as `- id: ...` / `type: ...`', undefined, PARSE);
  const seen = new Set<string>();
  inputs.forEach((item, i) => {
    if (!isObj(item)) return add('error', ['inputs', i], 'value', 'an input must be a mapping with `id` and `type`', undefined, undefined, PARSE);
    let id = str(item.id);
    if (!id && 'name' in item) {
      // Older flows name inputs with `name`, which Kestra kept as a deprecated alias of `id`.
      id = str(item.name);
      add('warning', ['inputs', i, 'name'], 'key', 'input `name` is a deprecated alias of `id`', 'rename `name:` to `id:`');
    }
    if (!id) add('error', ['inputs', i, 'id'], 'value', 'input without `id`', 'give every input an `id`');
    else if (!INPUT_ID_PATTERN.test(id)) add('error', ['inputs', i, 'id'], 'value', `input id "${id}" does not match ^[a-zA-Z0-9][.a-zA-Z0-9_-]*`, 'use letters, digits, ".", "_" and "-" (no spaces)');
    else if (seen.has(id)) add('error', ['inputs', i, 'id'], 'value', `input id "${id}" is declared twice`, 'input ids must be unique');
    else seen.add(id);
    const type = str(item.type);
    if (!type) add('error', ['inputs', i, 'type'], 'value', `input ${id ? `"${id}" ` : ''}without \`type\``, `set \`type:\` to one of ${INPUT_TYPES.join(', ')}`, undefined, PARSE);
    else if (!INPUT_TYPES.includes(type) && !type.includes('.')) add('error', ['inputs', i, 'type'], 'value', `unknown input type "${type}"`, `use one of ${INPUT_TYPES.join(', ')}`, undefined, PARSE);
  });
}

function checkLabels(root: Obj, add: Add): void {
  const labels = root.labels;
  const reserved = (key: string | undefined, path: P, at: 'key' | 'value') => {
    if (key?.startsWith('system.') && !SETTABLE_SYSTEM_LABELS.has(key)) add('error', path, at, `label "${key}" uses the \`system.\` prefix, which Kestra reserves`, 'rename the label');
  };
  if (isObj(labels)) for (const key of Object.keys(labels)) reserved(key, ['labels', key], 'key');
  else if (Array.isArray(labels)) labels.forEach((l, i) => isObj(l) && reserved(str(l.key), ['labels', i, 'key'], 'value'));
}

function checkTriggers(root: Obj, add: Add, removed: (c: RemovedConstruct, path: P, at: 'key' | 'value') => void): void {
  if (!Array.isArray(root.triggers)) return;
  const seen = new Set<string>();
  root.triggers.forEach((t, i) => {
    if (!isObj(t)) return add('error', ['triggers', i], 'value', 'a trigger must be a mapping with `id` and `type`', undefined, undefined, PARSE);
    const id = str(t.id);
    if (!id) add('error', ['triggers', i, 'id'], 'value', 'trigger without `id`', 'give every trigger a unique `id`');
    else if (seen.has(id)) add('error', ['triggers', i, 'id'], 'value', `trigger id "${id}" is used twice`, 'trigger ids must be unique');
    else seen.add(id);
    const type = str(t.type);
    if (!type) add('error', ['triggers', i, 'type'], 'value', `trigger ${id ? `"${id}" ` : ''}without \`type\``, 'set `type:`, e.g. io.kestra.plugin.core.trigger.Schedule', undefined, PARSE);
    else if (!CLASS_NAME_PATTERN.test(type)) add('error', ['triggers', i, 'type'], 'value', `trigger type "${type}" is not a fully-qualified class name`, undefined, undefined, PARSE);
    if ('conditions' in t) removed(TRIGGER_CONDITIONS, ['triggers', i, 'conditions'], 'key');
    if ('preconditions' in t) removed(TRIGGER_PRECONDITIONS, ['triggers', i, 'preconditions'], 'key');
    if ('multipleConditions' in t) removed(TRIGGER_MULTIPLE_CONDITIONS, ['triggers', i, 'multipleConditions'], 'key');
  });
}

function requiredString(map: Obj, key: string, add: Add): string | undefined {
  if (!(key in map)) {
    add('error', [key], 'value', `missing required field \`${key}\``, `add \`${key}:\` to the flow`);
    return undefined;
  }
  const v = str(map[key]);
  if (v === undefined || v === '') {
    add('error', [key], 'value', `\`${key}\` must be a non-empty string`, `set \`${key}:\` to a plain value`);
    return undefined;
  }
  return v;
}
