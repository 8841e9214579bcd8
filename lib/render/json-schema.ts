/**
 * The JSON output's schema (zod), shaped like `terraform show -json`'s resource_changes so
 * reviewers' jq recipes and tools carry over. Tests and users' CI can validate against it.
 */
import { z } from 'zod';

const action = z.enum(['no-op', 'create', 'read', 'update', 'delete', 'forget']);

export const resourceChangeSchema = z.object({
  address: z.string(),
  mode: z.literal('managed'),
  type: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  action_reason: z.string().optional(),
  reason: z.string(),
  importing: z.object({ id: z.string() }).optional(),
  change: z.object({
    actions: z.array(action).min(1),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    after_unknown: z.record(z.string(), z.unknown()),
    before_sensitive: z.union([z.boolean(), z.record(z.string(), z.unknown())]),
    after_sensitive: z.union([z.boolean(), z.record(z.string(), z.unknown())]),
    diff: z.string().optional(),
    formatting_only: z.boolean().optional(),
  }),
});

export const driftEntrySchema = z.object({
  address: z.string(),
  mode: z.literal('managed'),
  type: z.string(),
  namespace: z.string().optional(),
  drift: z.enum(['changed', 'deleted', 'unmanaged']),
  live_revision: z.number().optional(),
  applied_revision: z.number().optional(),
  change: z.object({
    actions: z.array(action).min(1),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    diff: z.string().optional(),
  }),
});

/**
 * One value an operator set in Kestra at runtime, outside Git (`runtime_state`): neither drift nor
 * a change. `address`/`type`/`namespace`: the object; `part`: the part of it the value belongs to
 * (`{type: "trigger", id}`), null for the object itself; `attribute` (`disabled`); `live`: its value
 * in Kestra; `desired`: what Git says of it, null when Git does not hold it (a trigger's runtime
 * flag); `stored_in`: `source` (Kestra wrote it into the stored source, as the UI's flow toggle
 * does) or `instance` (Kestra's own state beside the source, as the trigger toggle); `handling`:
 * `kept` (deploys keep Kestra's value), `reset` (this apply sets Git's value; also a line in
 * `warnings`) or `read-only` (kestraform never changes it); `policy`: the stack setting that decided
 * the handling (`{setting: "runtimeState.flowDisabled", value: "keep"}`), null when none does.
 */
export const runtimeStateEntrySchema = z.object({
  address: z.string(),
  type: z.string(),
  namespace: z.string().optional(),
  part: z.object({ type: z.string(), id: z.string() }).nullable(),
  attribute: z.string(),
  live: z.union([z.string(), z.number(), z.boolean()]),
  desired: z.union([z.string(), z.number(), z.boolean()]).nullable(),
  stored_in: z.enum(['source', 'instance']),
  handling: z.enum(['kept', 'reset', 'read-only']),
  policy: z.object({ setting: z.string(), value: z.string() }).nullable(),
});

export const planJsonSchema = z.object({
  format_version: z.literal('1.2'),
  kestraform_version: z.string(),
  stack: z.string(),
  applyable: z.boolean(),
  complete: z.boolean(),
  errored: z.boolean(),
  timestamp: z.string(),
  target: z.object({ url: z.string(), tenant: z.string() }),
  resource_changes: z.array(resourceChangeSchema),
  resource_drift: z.array(driftEntrySchema),
  /** Runtime state set in Kestra (see runtimeStateEntrySchema); empty when there is none. */
  runtime_state: z.array(runtimeStateEntrySchema),
  output_changes: z.record(z.string(), z.unknown()),
  summary: z.object({ add: z.number(), change: z.number(), destroy: z.number(), import: z.number(), forget: z.number(), drifted: z.number(), unmanaged: z.number() }),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const driftJsonSchema = z.object({
  format_version: z.literal('1.2'),
  kestraform_version: z.string(),
  /** True when there is drift; runtime state alone is not drift (exit code 0). */
  drift_detected: z.boolean(),
  resource_drift: z.array(driftEntrySchema),
  runtime_state: z.array(runtimeStateEntrySchema),
  summary: z.object({ changed: z.number(), deleted: z.number(), unmanaged: z.number() }),
});

export type PlanJson = z.infer<typeof planJsonSchema>;
export type DriftJson = z.infer<typeof driftJsonSchema>;
