/**
 * The names kestraform gives things in synthesized JSON and in plans: Terraform resource types,
 * the stack-settings key and natural-key addresses. Free of zod on purpose: the cdktf app loads
 * this, and the schemas (./resources) only when a hand-written resource needs checking.
 */
export const FLOW_TYPE = 'kestra_flow';
export const FILE_TYPE = 'kestra_namespace_file';
export const KV_TYPE = 'kestra_kv';
export const LOCAL_TYPES = ['null_resource', 'terraform_data'] as const;
export const KESTRA_TYPES = [FLOW_TYPE, FILE_TYPE, KV_TYPE] as const;

/** Kestra's KV value types (KVType). */
export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;
export type KvType = (typeof KV_TYPES)[number];

// Kestra's KV key pattern (KVStore.validateKey): letters, digits, '-', '_', '.'.
export const KV_KEY_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** Top-level key of cdk.tf.json under which a KestraStack writes its settings. */
export const SETTINGS_KEY = 'kestraform';

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
