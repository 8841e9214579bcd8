import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { KV_TYPE } from '../model/names';
import type { KvAttributes, KvPair } from '../model/attributes';

export interface KestraKvConfig extends KestraResourceMeta, KvPair {
  /** Mask the value as `(sensitive value)` in every output and plan file. */
  sensitive?: boolean;
  sourceFile?: string;
}

/** A KV pair (`kestra_kv`: namespace, key, type, value, description, ttl). */
export class KestraKv extends KestraResource<KvAttributes> {
  static readonly tfResourceType = KV_TYPE;
  constructor(scope: Construct, id: string, private readonly config: KestraKvConfig) {
    super(scope, id, KV_TYPE, config);
  }

  attributes(): KvAttributes {
    const c = this.config;
    // Keys in sorted order, as cdk.tf.json lists them.
    return {
      description: c.description,
      key: c.key,
      namespace: c.namespace,
      sensitive: c.sensitive || undefined,
      source_file: c.sourceFile,
      ttl: c.ttl,
      type: c.type,
      value: c.value,
    };
  }
}
