/**
 * The resource model shared by the constructs (which write it) and the desired-state reader
 * (which reads it back from cdk.tf.json): Terraform types, attribute schemas (zod, snake_case as
 * the official Kestra Terraform provider names them) and kestraform's natural-key addresses.
 */
import { z } from 'zod';
import { FLOW_ID_PATTERN, NAMESPACE_PATTERN } from '../flowrules';
import { KV_TYPES } from '../gittree/types';

export const FLOW_TYPE = 'kestra_flow';
export const FILE_TYPE = 'kestra_namespace_file';
export const KV_TYPE = 'kestra_kv';
export const LOCAL_TYPES = ['null_resource', 'terraform_data'] as const;
export const KESTRA_TYPES = [FLOW_TYPE, FILE_TYPE, KV_TYPE] as const;

// Kestra's KV key pattern (KVStore.validateKey): letters, digits, '-', '_', '.'.
export const KV_KEY_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

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
});

const kestraFilePath = z
  .string()
  .regex(/^\/[^\0]*$/, 'must start with "/"')
  .refine((p) => !p.split('/').some((c) => c === '..' || c === '.'), 'must not contain "." or ".." components')
  .refine((p) => !/^\/_flows(\/|$)/.test(p), 'paths under /_flows are reserved by Kestra for importing flows')
  .refine((p) => p.split('/').every((c) => Buffer.byteLength(c) <= 255), 'a path component is over 255 bytes');

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
});

export const localAttributes = z.object({
  triggers: z.record(z.string(), z.string()).optional(),
  triggers_replace: z.unknown().optional(),
  input: z.unknown().optional(),
});

export type FlowAttributes = z.infer<typeof flowAttributes>;
export type FileAttributes = z.infer<typeof fileAttributes>;
export type KvAttributes = z.infer<typeof kvAttributes>;

export const flowAddress = (ns: string, id: string) => `flow:${ns}/${id}`;
export const fileAddress = (ns: string, path: string) => `file:${ns}:${path}`;
export const kvAddress = (ns: string, key: string) => `kv:${ns}/${key}`;

/** Parses a natural-key address back into its parts; undefined when it is not one. */
export function parseAddress(address: string):
  | { kind: 'flow'; namespace: string; id: string }
  | { kind: 'file'; namespace: string; path: string }
  | { kind: 'kv'; namespace: string; key: string }
  | undefined {
  let m = /^flow:([^/]+)\/(.+)$/.exec(address);
  if (m) return { kind: 'flow', namespace: m[1], id: m[2] };
  m = /^file:([^:]+):(\/.*)$/.exec(address);
  if (m) return { kind: 'file', namespace: m[1], path: m[2] };
  m = /^kv:([^/]+)\/(.+)$/.exec(address);
  if (m) return { kind: 'kv', namespace: m[1], key: m[2] };
  return undefined;
}

/** Formats zod issues as `attr: message` lines. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(resource)'}: ${i.message}`);
}
