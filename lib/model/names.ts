/**
 * The names kestraform gives things in synthesized JSON and in plans: Terraform resource types,
 * the stack-settings key, and natural-key addresses (./addresses). Free of zod on purpose: the cdktf app loads
 * this, and the schemas (./resources) only when a hand-written resource needs checking.
 */
export const FLOW_TYPE = 'kestra_flow';
export const FILE_TYPE = 'kestra_namespace_file';
export const KV_TYPE = 'kestra_kv';
/** Kestra Enterprise apps (`type: io.kestra.plugin.ee.apps.App`). */
export const APP_TYPE = 'kestra_app';
/** Kestra Enterprise unit tests (TestSuite: `testCases` for one flow). */
export const TEST_TYPE = 'kestra_test';
/** Dashboards: tenant-wide (no namespace). */
export const DASHBOARD_TYPE = 'kestra_dashboard';
/** The Kestra Enterprise namespace object itself (description, variables, allowed namespaces, …). */
export const NAMESPACE_TYPE = 'kestra_namespace';
/** A namespace secret (Kestra Enterprise): cdk.tf.json names the variable holding its value, never the value. */
export const SECRET_TYPE = 'kestra_namespace_secret';
export const LOCAL_TYPES = ['null_resource', 'terraform_data'] as const;
export const KESTRA_TYPES = [FLOW_TYPE, FILE_TYPE, KV_TYPE, APP_TYPE, TEST_TYPE, DASHBOARD_TYPE, NAMESPACE_TYPE, SECRET_TYPE] as const;

/** What Kestra a stack says it deploys to: open source, or Enterprise (which adds apps, tests, namespaces, secrets). */
export const EDITIONS = ['oss', 'ee'] as const;
export type Edition = (typeof EDITIONS)[number];

/** Kestra's KV value types (KVType). */
export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;
export type KvType = (typeof KV_TYPES)[number];

// Kestra's KV key pattern (KVStore.validateKey): letters, digits, '-', '_', '.'.
export const KV_KEY_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/** Top-level key of cdk.tf.json under which a KestraStack writes its settings. */
export const SETTINGS_KEY = 'kestraform';

export { flowAddress, fileAddress, kvAddress, formatAddress, parseAddress, namespaceOfAddress, type ObjectAddress } from './addresses';
