/**
 * The schema of the settings a KestraStack writes into its synthesized JSON under the top-level
 * key `kestraform` (their plain types: ./settings), read back by lib/desired. Terraform itself
 * never sees this file, so the extra key is safe; it keeps stack options next to the resources
 * they govern.
 */
import { z } from 'zod';
import type { BackendSettings, RuntimeStateSettings, StackSettings, TargetSettings } from './settings';

export { SETTINGS_KEY } from './names';
export type { BackendSettings, StackSettings, FoundSetting, PullHomeSetting, TargetSettings, RuntimeStateSettings } from './settings';

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

const found = z.object({
  kind: z.enum(['flow', 'app', 'test', 'dashboard', 'blueprint', 'namespace']),
  file: z.string(),
  line: z.number(),
  id: z.string().optional(),
  namespace: z.string().optional(),
  reason: z.enum(['kind-not-managed', 'protected-namespace']),
  edition: z.literal('ee').optional(),
  why: z.string().optional(),
});

const pullHome = z.union([
  z.object({ kind: z.literal('flow'), namespace: z.string(), dir: z.string(), extension: z.enum(['.yml', '.yaml']) }),
  z.object({ kind: z.literal('flow'), namespace: z.string(), candidates: z.array(z.string()) }),
  z.object({ kind: z.literal('flow'), namespace: z.string(), refused: z.string() }),
  z.object({ kind: z.literal('file'), namespace: z.string(), dir: z.string(), prefix: z.string() }),
  z.object({ kind: z.literal('kv'), namespace: z.string(), file: z.string() }),
  z.object({ kind: z.enum(['app', 'test', 'dashboard']), namespace: z.string(), dir: z.string(), extension: z.enum(['.yml', '.yaml']) }),
  z.object({ kind: z.enum(['app', 'test', 'dashboard']), namespace: z.string(), candidates: z.array(z.string()) }),
  z.object({ kind: z.enum(['app', 'test']), namespace: z.string(), refused: z.string() }),
  z.object({ kind: z.literal('namespace'), namespace: z.string(), file: z.string() }),
]);

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');

const simpleName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, ".", "_" or "-"');

export const targetSettings = z.object({
  name: simpleName.optional(),
  url_env: envName.optional(),
  tenant: z.string().optional(),
  tenant_env: envName.optional(),
  username_env: envName.optional(),
  password_env: envName.optional(),
  token_env: envName.optional(),
});

export const runtimeStateSettings = z.object({
  flow_disabled: z.enum(['keep', 'git']).optional(),
});

export const stackSettings = z.object({
  namespaces: z.array(z.string()),
  prune: z.boolean(),
  protected_namespaces: z.array(z.string()),
  backend: backendSettings,
  kestra_version: z.union([z.literal(1), z.literal(2)]),
  diagnostics: z.array(diagnostic),
  // Absent from what kestraform 0.1 synthesized.
  found: z.array(found).default([]),
  pull_homes: z.array(pullHome).default([]),
  environment: simpleName.optional(),
  target: targetSettings.default({}),
  runtime_state: runtimeStateSettings.optional(),
  edition: z.enum(['oss', 'ee']).optional(),
});

// The schema describes exactly the plain types of ./settings (a compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: [Same<z.infer<typeof stackSettings>, StackSettings>, Same<z.infer<typeof backendSettings>, BackendSettings>, Same<z.infer<typeof targetSettings>, TargetSettings>, Same<z.infer<typeof runtimeStateSettings>, RuntimeStateSettings>] = [true, true, true, true];
void schemaMatchesTypes;
