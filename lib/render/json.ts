/** JSON output shaped like `terraform show -json` (see json-schema.ts). Sensitive values never appear. */
import { hasChanges, type DriftItem, type ObjectView, type Plan, type RuntimeStateItem, type StepAction } from '../engine/plan-types';
import { builtinKinds, type KindRegistry } from '../kinds';
import type { DriftJson, PlanJson } from './json-schema';
import { blocksText, driftBlocks, stepBlocks } from './display';
import { reasonText, terraformActionReason } from './reasons';
import { KESTRAFORM_VERSION as VERSION } from '../version';

const ACTIONS: Record<StepAction, PlanJson['resource_changes'][number]['change']['actions']> = {
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
  replace: ['delete', 'create'],
  'no-op': ['no-op'],
  record: ['no-op'],
  import: ['no-op'],
  accept: ['no-op'],
  forget: ['forget'],
};

/** A view as attributes: defined fields only, no secret, no file text (the diff shows it). */
function attributes(view: ObjectView | undefined, sensitive: boolean | undefined): Record<string, unknown> | null {
  if (!view) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(view)) if (v !== undefined && k !== 'text') out[k] = v;
  if (sensitive) delete out.value;
  return out;
}

export function renderPlanJson(plan: Plan, kinds: KindRegistry = builtinKinds): PlanJson {
  return {
    format_version: '1.2',
    kestraform_version: VERSION,
    stack: plan.stack,
    applyable: plan.errors.length === 0 && hasChanges(plan),
    complete: true,
    errored: plan.errors.length > 0,
    timestamp: plan.createdAt,
    target: plan.target,
    resource_changes: plan.steps.map((c) => ({
      address: c.address,
      mode: 'managed' as const,
      type: c.tfType,
      name: c.name ?? c.address,
      namespace: c.namespace,
      action_reason: terraformActionReason(c),
      reason: reasonText(c),
      importing: c.action === 'import' ? { id: c.address } : undefined,
      change: {
        actions: ACTIONS[c.action],
        before: c.action === 'create' ? null : attributes(c.before, c.sensitive),
        after: c.action === 'delete' || c.action === 'forget' ? null : attributes(c.after, c.sensitive),
        after_unknown: {},
        before_sensitive: c.sensitive ? { value: true } : false,
        after_sensitive: c.sensitive ? { value: true } : false,
        diff: blocksText(stepBlocks(c, kinds), { values: false }),
        formatting_only: c.formattingOnly,
      },
    })),
    resource_drift: plan.drift.map((d) => driftEntry(d, kinds)),
    runtime_state: plan.mode === 'destroy' ? [] : (plan.runtime ?? []).map(runtimeEntry),
    output_changes: {},
    summary: plan.summary,
    errors: plan.errors,
    warnings: plan.warnings,
  };
}

function driftEntry(d: DriftItem, kinds: KindRegistry): PlanJson['resource_drift'][number] {
  return {
    address: d.address,
    mode: 'managed',
    type: d.tfType,
    namespace: d.namespace,
    drift: d.drift,
    live_revision: d.after?.revision,
    applied_revision: d.before?.revision,
    change: {
      actions: d.drift === 'deleted' ? ['delete'] : d.drift === 'unmanaged' ? ['create'] : ['update'],
      before: d.drift === 'unmanaged' ? null : attributes(d.before, d.sensitive),
      after: d.drift === 'deleted' ? null : attributes(d.after, d.sensitive),
      diff: blocksText(driftBlocks(d, kinds), { values: false }),
    },
  };
}

function runtimeEntry(r: RuntimeStateItem): PlanJson['runtime_state'][number] {
  return {
    address: r.address,
    type: r.tfType,
    namespace: r.namespace,
    part: r.part ?? null,
    attribute: r.attribute,
    live: r.live,
    desired: r.desired ?? null,
    stored_in: r.storedIn,
    handling: r.handling,
    policy: r.policy ?? null,
  };
}

export function renderDriftJson(items: DriftItem[], kinds: KindRegistry = builtinKinds, runtime: readonly RuntimeStateItem[] = []): DriftJson {
  const summary = { changed: 0, deleted: 0, unmanaged: 0 };
  for (const i of items) summary[i.drift]++;
  return { format_version: '1.2', kestraform_version: VERSION, drift_detected: items.length > 0, resource_drift: items.map((d) => driftEntry(d, kinds)), runtime_state: runtime.map(runtimeEntry), summary };
}
