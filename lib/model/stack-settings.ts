/**
 * The settings a KestraStack writes into its synthesized JSON under the top-level key
 * `kestraform`, and reads back in lib/desired. Terraform itself never sees this file, so the
 * extra key is safe; it keeps stack options next to the resources they govern.
 */
import { z } from 'zod';

export { SETTINGS_KEY } from './names';

export const backendSettings = z.discriminatedUnion('type', [
  z.object({ type: z.literal('local'), path: z.string().optional() }),
  z.object({ type: z.literal('kestra-kv'), namespace: z.string(), key: z.string().optional() }),
]);

const diagnostic = z.object({
  severity: z.enum(['error', 'warning']),
  file: z.string(),
  line: z.number(),
  column: z.number(),
  message: z.string(),
  hint: z.string().optional(),
});

export const stackSettings = z.object({
  /** Namespaces the stack owns (declared plus those of its resources). */
  namespaces: z.array(z.string()),
  prune: z.boolean(),
  protected_namespaces: z.array(z.string()),
  backend: backendSettings,
  kestra_version: z.union([z.literal(1), z.literal(2)]),
  /** Problems found while reading Git trees during synth (they fail validate/plan). */
  diagnostics: z.array(diagnostic),
});

export type StackSettings = z.infer<typeof stackSettings>;
export type BackendSettings = z.infer<typeof backendSettings>;
