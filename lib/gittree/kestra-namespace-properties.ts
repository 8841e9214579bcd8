/**
 * Where Kestra reads a namespace in a flow, beyond the shapes ./flow-namespace-references finds
 * structurally (`namespace` + `flowId`, upstream-flow lists, execution filters,
 * `namespaceFiles.namespaces`). Facts from Kestra's sources (kestra-io/kestra, core plugins
 * `io.kestra.plugin.core.*`, their `@Plugin(aliases)`, and the Pebble functions in
 * `io.kestra.core.runners.pebble.functions`).
 */

/** How a property's value is compared with a namespace. */
export type NamespaceMatch = 'exact' | 'prefix';

export interface NamespaceProperty {
  /** The property holding one namespace, or a list of them. */
  key: string;
  list?: boolean;
  /** Decides, from the task or condition itself, how Kestra compares the value; exact when absent. */
  match?: (props: ReadonlyMap<string, unknown>) => NamespaceMatch | 'pattern';
}

export interface NamespacePropertiesOfType {
  /** The short name a message uses (`ExecutionNamespace condition`). */
  label: string;
  properties: NamespaceProperty[];
  /** Glob or pattern properties over namespaces: not rewritten, reported. */
  patterns?: string[];
}

// ExecutionNamespace: `comparison` (EQUALS, PREFIX, SUFFIX) wins; `prefix: true` is the older shortcut for PREFIX.
const executionNamespaceMatch = (p: ReadonlyMap<string, unknown>): NamespaceMatch | 'pattern' => {
  const comparison = typeof p.get('comparison') === 'string' ? String(p.get('comparison')).toUpperCase() : undefined;
  if (comparison === 'PREFIX') return 'prefix';
  if (comparison === 'SUFFIX') return 'pattern';
  if (comparison === undefined && p.get('prefix') === true) return 'prefix';
  return 'exact';
};
// FlowNamespaceCondition: `prefix: true` compares with startsWith.
const prefixFlag = (p: ReadonlyMap<string, unknown>): NamespaceMatch => (p.get('prefix') === true ? 'prefix' : 'exact');
// PurgeExecutions / PurgeLogs: "If `flowId` isn't provided, this is a namespace prefix, else the namespace of the flow."
const prefixWithoutFlowId = (p: ReadonlyMap<string, unknown>): NamespaceMatch => (p.has('flowId') ? 'exact' : 'prefix');

const ONE_NAMESPACE: NamespaceProperty[] = [{ key: 'namespace' }];

function entries(types: string[], of: NamespacePropertiesOfType): Array<[string, NamespacePropertiesOfType]> {
  return types.map((t) => [t, of]);
}

/** By the `type` of a task, trigger or condition. */
export const NAMESPACE_PROPERTIES_BY_TYPE: ReadonlyMap<string, NamespacePropertiesOfType> = new Map([
  ...entries(['io.kestra.plugin.core.condition.ExecutionNamespace', 'io.kestra.plugin.core.condition.ExecutionNamespaceCondition', 'io.kestra.core.models.conditions.types.ExecutionNamespaceCondition'], {
    label: 'ExecutionNamespace condition',
    properties: [{ key: 'namespace', match: executionNamespaceMatch }],
  }),
  ...entries(['io.kestra.plugin.core.condition.FlowNamespaceCondition', 'io.kestra.core.models.conditions.types.FlowNamespaceCondition'], {
    label: 'FlowNamespaceCondition',
    properties: [{ key: 'namespace', match: prefixFlag }],
  }),
  // The tasks calling a flow: found by `namespace` + `flowId` as written, but either may come
  // from pluginDefaults (`values: {namespace: …}` for every Subflow task of the flow).
  ...entries(['io.kestra.plugin.core.flow.Subflow', 'io.kestra.core.tasks.flows.Subflow', 'io.kestra.plugin.core.flow.Flow', 'io.kestra.core.tasks.flows.Flow', 'io.kestra.plugin.core.flow.ForEachItem', 'io.kestra.core.tasks.flows.ForEachItem'], {
    label: 'subflow task',
    properties: ONE_NAMESPACE,
  }),
  // The KV tasks default `namespace` to `{{ flow.namespace }}`.
  ...['Set', 'Get', 'Delete', 'GetKeys', 'Put'].flatMap((t) => entries([`io.kestra.plugin.core.kv.${t}`], { label: `kv.${t} task`, properties: ONE_NAMESPACE })),
  ...['UploadFiles', 'DownloadFiles', 'DeleteFiles'].flatMap((t) => entries([`io.kestra.plugin.core.namespace.${t}`], { label: `namespace.${t} task`, properties: ONE_NAMESPACE })),
  ...entries(['io.kestra.plugin.core.kv.PurgeKV'], { label: 'PurgeKV task', properties: [{ key: 'namespaces', list: true }], patterns: ['namespacePattern'] }),
  ...entries(['io.kestra.plugin.core.namespace.PurgeFiles'], { label: 'PurgeFiles task', properties: [{ key: 'namespaces', list: true }], patterns: ['namespacePattern'] }),
  ...entries(['io.kestra.plugin.core.flow.PurgeFlows'], { label: 'PurgeFlows task', properties: [{ key: 'namespaces', list: true }], patterns: ['namespacePattern'] }),
  ...entries(['io.kestra.plugin.core.execution.PurgeExecutions', 'io.kestra.plugin.core.storage.Purge', 'io.kestra.core.tasks.storages.Purge'], {
    label: 'PurgeExecutions task',
    properties: [{ key: 'namespace', match: prefixWithoutFlowId }],
  }),
  ...entries(['io.kestra.plugin.core.log.PurgeLogs'], { label: 'PurgeLogs task', properties: [{ key: 'namespace', match: prefixWithoutFlowId }] }),
  // Count moved to plugin-kestra for 2.x, with the same `namespaces` list.
  ...entries(['io.kestra.plugin.core.execution.Count', 'io.kestra.core.tasks.executions.Counts', 'io.kestra.plugin.kestra.executions.Count'], { label: 'execution Count task', properties: [{ key: 'namespaces', list: true }] }),
]);

/**
 * Pebble functions with a namespace argument: its position among the positional arguments
 * (Pebble's `getArgumentNames()` order) and its name (`namespace=`). `kv(key, namespace,
 * errorOnMissing)`, `secret(key, namespace, subkey)`; the file functions built on
 * AbstractFileFunction take `(path, namespace, …)`: read, fileURI, fileExists, fileSize, isFileEmpty.
 */
export const PEBBLE_NAMESPACE_ARGUMENT: ReadonlyMap<string, { position: number; name: string }> = new Map(
  ['kv', 'secret', 'read', 'fileURI', 'fileExists', 'fileSize', 'isFileEmpty'].map((fn) => [fn, { position: 1, name: 'namespace' }]),
);

/** The operators of Kestra's execution filters (1.x `preconditions.where`, AdvancedExecutionsCondition) on `field: NAMESPACE`. */
export const NAMESPACE_FILTER_TYPES: Readonly<Record<string, { property: 'value' | 'values'; match: NamespaceMatch | 'pattern' }>> = {
  EQUAL_TO: { property: 'value', match: 'exact' },
  NOT_EQUAL_TO: { property: 'value', match: 'exact' },
  IN: { property: 'values', match: 'exact' },
  NOT_IN: { property: 'values', match: 'exact' },
  STARTS_WITH: { property: 'value', match: 'prefix' },
  ENDS_WITH: { property: 'value', match: 'pattern' },
  REGEX: { property: 'value', match: 'pattern' },
  CONTAINS: { property: 'value', match: 'pattern' },
};

/** Sequence keys whose entries name upstream flows by `namespace` (and optionally `flowId`). */
export const UPSTREAM_FLOW_LISTS = new Set([
  'dependsOn', // 2.x Flow trigger
  'upstreamFlows', // FlowFilters condition
  'preconditions', // ExecutionsCondition (a list of upstream flows)
]);
