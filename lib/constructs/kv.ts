import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { KV_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { KvAttributes, KvPair } from '../model/attributes';

export interface KestraKvConfig extends KestraResourceMeta, KvPair {
  /** Mask the value as `(sensitive value)` in every output and plan file. */
  sensitive?: boolean;
  sourceFile?: string;
}

/** A KV pair (`kestra_kv`: namespace, key, type, value, description, ttl). */
export class KestraKv extends KestraResource<KvAttributes> {
  static readonly tfResourceType = KV_TYPE;
  private readonly attrs: KvAttributes;

  constructor(scope: Construct, id: string, config: KestraKvConfig) {
    super(scope, id, KV_TYPE, config);
    // In an environment (./environment) the pair lives in its namespace there, with the value the
    // environment gives it; one read from the environment is never written here, only its name.
    const stack = KestraStack.of(this);
    const override = stack.environment?.useKvOverride(config.namespace, config.key);
    const fromEnv = override?.valueFromEnv;
    // Keys in sorted order, as cdk.tf.json lists them.
    this.attrs = {
      description: override?.description ?? config.description,
      key: config.key,
      namespace: stack.namespaceHere(config.namespace),
      rewritten_for: override ? stack.environment!.name : undefined,
      sensitive: fromEnv !== undefined || override?.sensitive || config.sensitive || undefined,
      source_file: config.sourceFile,
      ttl: config.ttl,
      type: override?.type ?? config.type,
      value: fromEnv !== undefined ? '' : (override?.value ?? config.value),
      value_from_env: fromEnv,
    };
  }

  attributes(): KvAttributes {
    return this.attrs;
  }
}
