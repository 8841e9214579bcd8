/**
 * The names kestraform gives things in synthesized JSON and in plans: Terraform resource types,
 * the stack-settings key, and natural-key addresses (./addresses). Free of zod on purpose: the cdktf app loads
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

export { flowAddress, fileAddress, kvAddress, formatAddress, parseAddress, namespaceOfAddress, type ObjectAddress } from './addresses';
