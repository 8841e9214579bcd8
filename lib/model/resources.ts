/**
 * The resource model shared by the constructs (which write it) and the desired-state reader
 * (which reads it back from cdk.tf.json): attribute schemas (zod, snake_case as the official
 * Kestra Terraform provider names them), plus the names of ./names.
 */
import { z } from 'zod';
import { FLOW_ID_PATTERN, NAMESPACE_PATTERN } from '../flowrules';
import { APP_TYPE, DASHBOARD_TYPE, FILE_TYPE, FLOW_TYPE, KV_KEY_PATTERN, KV_TYPE, KV_TYPES, NAMESPACE_TYPE, SECRET_TYPE, TEST_TYPE } from './names';
import { namespaceFilePathProblem } from './file-paths';
import type { AppAttributes, DashboardAttributes, FileAttributes, FlowAttributes, KvAttributes, NamespaceAttributes, SecretAttributes, TestAttributes } from './attributes';

export * from './names';


const namespace = z
  .string()
  .min(1)
  .max(150)
  .regex(NAMESPACE_PATTERN, 'must match ^[a-z0-9][a-z0-9._-]* (lowercase, digits, ".", "_", "-")');

export const flowAttributes = z.object({
  namespace,
  flow_id: z.string().min(1).max(100).regex(FLOW_ID_PATTERN, 'must match ^[a-zA-Z0-9][a-zA-Z0-9._-]*'),
  content: z.string().min(1, 'must not be empty'),
  /** Where the flow came from (tree-relative file), for messages. */
  source_file: z.string().optional(),
  rewritten_for: z.string().optional(),
});

const kestraFilePath = z.string().superRefine((p, ctx) => {
  const problem = namespaceFilePathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const fileAttributes = z
  .object({
    namespace,
    filename: kestraFilePath,
    /** Inline text content (small files written by hand in a stack). */
    content: z.string().optional(),
    /** Path of the bytes, relative to the project directory (files read from a tree). */
    source: z.string().optional(),
    content_sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256'),
    content_size: z.number().int().nonnegative(),
  })
  .refine((a) => (a.content === undefined) !== (a.source === undefined), 'exactly one of `content` or `source` must be set');

export const kvAttributes = z.object({
  namespace,
  key: z.string().min(1).max(255).regex(KV_KEY_PATTERN, 'must match ^[a-zA-Z0-9][a-zA-Z0-9._-]*'),
  type: z.enum(KV_TYPES),
  value: z.string(),
  description: z.string().optional(),
  ttl: z.string().optional(),
  sensitive: z.boolean().optional(),
  source_file: z.string().optional(),
  value_from_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable').optional(),
  rewritten_for: z.string().optional(),
});

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');

// Kestra's id patterns: TestSuite ids hold no ".", flow ids (and the flows a test names) may.
const objectId = z.string().min(1).max(100).regex(FLOW_ID_PATTERN, 'must match ^[a-zA-Z0-9][a-zA-Z0-9._-]*');

export const appAttributes = z.object({
  namespace,
  app_id: objectId,
  source: z.string().min(1, 'must not be empty'),
  source_file: z.string().optional(),
});

export const testAttributes = z.object({
  namespace,
  test_id: z.string().min(1).max(100).regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, 'must match ^[a-zA-Z0-9][a-zA-Z0-9_-]* (a TestSuite id holds no ".")'),
  flow_id: objectId,
  content: z.string().min(1, 'must not be empty'),
  source_file: z.string().optional(),
});

export const dashboardAttributes = z.object({
  dashboard_id: z.string().min(1).regex(/^[^/\s]+$/, 'must hold no "/" and no white space'),
  source_code: z.string().min(1, 'must not be empty'),
  source_file: z.string().optional(),
});

export const namespaceAttributes = z.object({
  namespace_id: namespace,
  properties: z.record(z.string(), z.unknown()).superRefine((p, ctx) => {
    for (const key of ['id', 'deleted']) {
      if (key in p) ctx.addIssue({ code: 'custom', message: `must not hold \`${key}\` (kestraform sets it: the namespace is namespace_id)` });
    }
  }),
  source_file: z.string().optional(),
});

export const secretAttributes = z.object({
  namespace,
  secret_key: z.string().min(1).regex(/^[^/\s]+$/, 'must hold no "/" and no white space'),
  value_from_env: envVarName,
  secret_description: z.string().optional(),
  secret_tags: z.record(z.string(), z.string()).optional(),
});

export const localAttributes = z.object({
  triggers: z.record(z.string(), z.string()).optional(),
  triggers_replace: z.unknown().optional(),
  input: z.unknown().optional(),
});

export type { FlowAttributes, FileAttributes, KvAttributes, AppAttributes, TestAttributes, DashboardAttributes, NamespaceAttributes, SecretAttributes } from './attributes';

// The schemas describe exactly the plain attribute types of ./attributes (a compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchTypes: [
  Same<z.infer<typeof flowAttributes>, FlowAttributes>,
  Same<z.infer<typeof fileAttributes>, FileAttributes>,
  Same<z.infer<typeof kvAttributes>, KvAttributes>,
  Same<z.infer<typeof appAttributes>, AppAttributes>,
  Same<z.infer<typeof testAttributes>, TestAttributes>,
  Same<z.infer<typeof dashboardAttributes>, DashboardAttributes>,
  Same<z.infer<typeof namespaceAttributes>, NamespaceAttributes>,
  Same<z.infer<typeof secretAttributes>, SecretAttributes>,
] = [true, true, true, true, true, true, true, true];
void schemasMatchTypes;

/** Formats zod issues as `attr: message` lines. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(resource)'}: ${i.message}`);
}

/** Each Kestra resource type's attribute schema. */
export const attributeSchemas: Record<string, z.ZodType> = {
  [FLOW_TYPE]: flowAttributes,
  [FILE_TYPE]: fileAttributes,
  [KV_TYPE]: kvAttributes,
  [APP_TYPE]: appAttributes,
  [TEST_TYPE]: testAttributes,
  [DASHBOARD_TYPE]: dashboardAttributes,
  [NAMESPACE_TYPE]: namespaceAttributes,
  [SECRET_TYPE]: secretAttributes,
};
