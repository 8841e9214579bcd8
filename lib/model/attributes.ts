/**
 * The attributes of kestraform's resources as cdk.tf.json holds them (snake_case, as the official
 * Kestra Terraform provider names them). Plain types, free of zod: they are the constructs' public
 * types, and a user's type check must not reach into zod's declarations. ./resources holds the
 * schemas and checks at compile time that they describe exactly these shapes. (Type aliases, not
 * interfaces: a resource's attributes must be assignable to Record<string, unknown>.)
 */
import type { KvType } from './names';

export type FlowAttributes = {
  namespace: string;
  flow_id: string;
  content: string;
  /** Where the flow came from (project-relative file), for messages and pull. */
  source_file?: string;
  /** The environment whose namespace mapping, labels or disabled triggers rewrote the file's source. */
  rewritten_for?: string;
};

export type FileAttributes = {
  namespace: string;
  filename: string;
  /** Inline text content (small files written by hand in a stack). */
  content?: string;
  /** Path of the bytes, relative to the project directory (files read from a tree). */
  source?: string;
  content_sha256: string;
  content_size: number;
};

/** What a KV pair is, in every layer that holds one (the tree reader, the constructs, the engine). */
export type KvPair = {
  namespace: string;
  key: string;
  type: KvType;
  /**
   * Canonical text of the value: STRING the string itself; NUMBER/BOOLEAN their JSON text;
   * DATETIME/DATE/DURATION their ISO-8601 text; JSON compact JSON text.
   */
  value: string;
  description?: string;
  /** ISO-8601 duration, e.g. `P30D`. */
  ttl?: string;
};

export type KvAttributes = KvPair & {
  /** Masked as `(sensitive value)` in every output; never stored in state, plan files or Git. */
  sensitive?: boolean;
  source_file?: string;
  /** The value is read from this environment variable when kestraform runs (`value` is then empty). */
  value_from_env?: string;
  /** The environment whose KV overlay gave the pair a value, type or description its file does not hold. */
  rewritten_for?: string;
};

/** A Kestra Enterprise app: its YAML source as Kestra stores it (the app's `namespace` and `id` are in it). */
export type AppAttributes = {
  namespace: string;
  app_id: string;
  source: string;
  source_file?: string;
};

/** A Kestra Enterprise unit test (TestSuite) of flow `flow_id` in its namespace: its YAML source. */
export type TestAttributes = {
  namespace: string;
  test_id: string;
  flow_id: string;
  content: string;
  source_file?: string;
};

/** A dashboard (tenant-wide): its YAML source, as Kestra returns it in `sourceCode`. */
export type DashboardAttributes = {
  dashboard_id: string;
  source_code: string;
  source_file?: string;
};

/**
 * The Kestra Enterprise namespace object: Kestra's Namespace fields but `id` and `deleted`, named
 * as Kestra takes them (camelCase: description, variables, allowedNamespaces, …).
 */
export type NamespaceAttributes = {
  namespace_id: string;
  properties: Record<string, unknown>;
  source_file?: string;
};

/**
 * A namespace secret. Its value is never in cdk.tf.json: `value_from_env` names the environment
 * variable that holds it when kestraform runs.
 */
export type SecretAttributes = {
  namespace: string;
  secret_key: string;
  value_from_env: string;
  secret_description?: string;
  secret_tags?: Record<string, string>;
};
