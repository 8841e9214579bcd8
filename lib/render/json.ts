/** JSON output shaped like `terraform show -json` (see json-schema.ts). Sensitive values never appear. */
import type { DriftItem, ObjectView, Plan, ResourceChange } from '../engine/plan-types';
import type { DriftJson, PlanJson } from './json-schema';
import { KESTRAFORM_VERSION as VERSION } from '../version';

const ACTIONS: Record<ResourceChange['action'], PlanJson['resource_changes'][number]['change']['actions']> = {
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
  replace: ['delete', 'create'],
  'no-op': ['no-op'],
  import: ['no-op'],
  forget: ['forget'],
};

function attributes(view: ObjectView | undefined, sensitive: boolean | undefined): Record<string, unknown> | null {
  if (!view) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) if (v !== undefined) out[k] = v;
  if (sensitive) delete out.value;
  return out;
}

function reasonCode(c: ResourceChange): string | undefined {
  if (c.action === 'delete') return c.reason.startsWith('not in Git, and prune') ? 'delete_because_pruned' : 'delete_because_no_resource_config';
  if (c.action === 'replace') return 'replace_because_triggers_changed';
  return undefined;
}

export function renderPlanJson(plan: Plan): PlanJson {
  return {
    format_version: '1.2',
    kestraform_version: VERSION,
    stack: plan.stack,
    applyable: plan.errors.length === 0 && plan.changes.some((c) => c.action !== 'no-op'),
    complete: true,
    errored: plan.errors.length > 0,
    timestamp: plan.createdAt,
    target: plan.target,
    resource_changes: plan.changes.map((c) => ({
      address: c.address,
      mode: 'managed' as const,
      type: c.tfType,
      name: c.name ?? c.address,
      namespace: c.namespace,
      action_reason: reasonCode(c),
      reason: c.reason,
      importing: c.action === 'import' ? { id: c.address } : undefined,
      change: {
        actions: ACTIONS[c.action],
        before: c.action === 'create' ? null : attributes(c.before, c.sensitive),
        after: c.action === 'delete' || c.action === 'forget' ? null : attributes(c.after, c.sensitive),
        after_unknown: {},
        before_sensitive: c.sensitive ? { value: true } : false,
        after_sensitive: c.sensitive ? { value: true } : false,
        diff: c.diff,
        formatting_only: c.formattingOnly,
      },
    })),
    resource_drift: plan.drift.map(driftEntry),
    output_changes: {},
    summary: plan.summary,
    errors: plan.errors,
    warnings: plan.warnings,
  };
}

function driftEntry(d: DriftItem): PlanJson['resource_drift'][number] {
  return {
    address: d.address,
    mode: 'managed',
    type: d.tfType,
    namespace: d.namespace,
    drift: d.drift,
    live_revision: d.liveRevision,
    applied_revision: d.appliedRevision,
    change: {
      actions: d.drift === 'deleted' ? ['delete'] : d.drift === 'unmanaged' ? ['create'] : ['update'],
      before: d.drift === 'unmanaged' ? null : attributes(d.before, d.sensitive),
      after: d.drift === 'deleted' ? null : attributes(d.after, d.sensitive),
      diff: d.diff,
    },
  };
}

export function renderDriftJson(items: DriftItem[]): DriftJson {
  const summary = { changed: 0, deleted: 0, unmanaged: 0 };
  for (const i of items) summary[i.drift]++;
  return { format_version: '1.2', kestraform_version: VERSION, drift_detected: items.length > 0, resource_drift: items.map(driftEntry), summary };
}
