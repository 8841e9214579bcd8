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
  output_changes: z.record(z.string(), z.unknown()),
  summary: z.object({ add: z.number(), change: z.number(), destroy: z.number(), import: z.number(), forget: z.number(), drifted: z.number(), unmanaged: z.number() }),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const driftJsonSchema = z.object({
  format_version: z.literal('1.2'),
  kestraform_version: z.string(),
  drift_detected: z.boolean(),
  resource_drift: z.array(driftEntrySchema),
  summary: z.object({ changed: z.number(), deleted: z.number(), unmanaged: z.number() }),
});

export type PlanJson = z.infer<typeof planJsonSchema>;
export type DriftJson = z.infer<typeof driftJsonSchema>;
