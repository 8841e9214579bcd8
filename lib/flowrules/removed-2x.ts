/**
 * Flow constructs Kestra 2.0 no longer parses (or parses only through a deprecated alias), from
 * Kestra's 2.0.0 migration guide (kestra-io/docs, src/contents/docs/11.migration-guide/v2.0.0/):
 * an error when a stack targets 2.x, a warning when it targets 1.x.
 */
export interface RemovedConstruct {
  construct: string;
  /** Guide page the rule comes from. */
  guide: string;
  replacement: string;
  /** Still accepted by 2.0 through an alias: a warning even when targeting 2.x. */
  deprecatedOnly?: boolean;
}

// plugin-defaults-removed: the keyword is gone at every scope.
export const PLUGIN_DEFAULTS: RemovedConstruct = {
  construct: 'pluginDefaults',
  guide: 'plugin-defaults-removed',
  replacement: 'set the values on each task (open source) or move them to a namespace Policy (Enterprise)',
};
// Older spelling of the same block, removed with it.
export const TASK_DEFAULTS: RemovedConstruct = { ...PLUGIN_DEFAULTS, construct: 'taskDefaults' };

// foreach-loop: ForEach and ForEachItem are removed in favour of Loop.
export const REMOVED_TASK_TYPES: Record<string, RemovedConstruct> = {
  'io.kestra.plugin.core.flow.ForEach': { construct: 'ForEach task', guide: 'foreach-loop', replacement: 'use io.kestra.plugin.core.flow.Loop' },
  'io.kestra.plugin.core.flow.ForEachItem': { construct: 'ForEachItem task', guide: 'foreach-loop', replacement: 'use io.kestra.plugin.core.flow.Loop' },
  'io.kestra.core.tasks.flows.ForEachItem': { construct: 'ForEachItem task', guide: 'foreach-loop', replacement: 'use io.kestra.plugin.core.flow.Loop' },
  // index page: four core tasks removed, replaced by plugin-kestra tasks.
  'io.kestra.plugin.core.execution.Count': { construct: 'core execution.Count task', guide: 'index (Flows)', replacement: 'use the equivalent task of plugin-kestra (io.kestra.plugin.kestra.*)' },
  'io.kestra.plugin.core.execution.Resume': { construct: 'core execution.Resume task', guide: 'index (Flows)', replacement: 'use the equivalent task of plugin-kestra (io.kestra.plugin.kestra.*)' },
  'io.kestra.plugin.core.trigger.Toggle': { construct: 'core trigger.Toggle task', guide: 'index (Flows)', replacement: 'use the equivalent task of plugin-kestra (io.kestra.plugin.kestra.*)' },
  'io.kestra.plugin.core.log.Fetch': { construct: 'core log.Fetch task', guide: 'index (Flows)', replacement: 'use the equivalent task of plugin-kestra (io.kestra.plugin.kestra.*)' },
};

// trigger-conditions-redesign: `conditions` on every trigger, and `preconditions` /
// `multipleConditions` on Flow triggers, are removed.
export const TRIGGER_CONDITIONS: RemovedConstruct = {
  construct: 'trigger `conditions`',
  guide: 'trigger-conditions-redesign',
  replacement: 'replace the list with one `when:` Pebble expression on the trigger (Flow triggers: `dependsOn` and `window`)',
};
export const TRIGGER_PRECONDITIONS: RemovedConstruct = {
  construct: 'Flow trigger `preconditions`',
  guide: 'trigger-conditions-redesign',
  replacement: 'list the upstream flows under `dependsOn:` and move the time window to `window:`',
};
export const TRIGGER_MULTIPLE_CONDITIONS: RemovedConstruct = {
  construct: 'Flow trigger `multipleConditions`',
  guide: 'trigger-conditions-redesign',
  replacement: 'list the upstream flows under `dependsOn:` with a `window:`',
};

// checks-condition-renamed-when: flow-level checks use `when` instead of `condition`; "a deprecated
// alias keeps condition functional in 2.0.0 so existing flows continue to parse without changes".
export const CHECK_CONDITION: RemovedConstruct = { construct: 'check `condition`', guide: 'checks-condition-renamed-when', replacement: 'rename `condition:` to `when:` on the check', deprecatedOnly: true };

// run-if-renamed-when: task `runIf` still parses through an alias in 2.0, to be removed later.
export const TASK_RUN_IF: RemovedConstruct = { construct: 'task `runIf`', guide: 'run-if-renamed-when', replacement: 'rename `runIf:` to `when:`', deprecatedOnly: true };
