import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { KV_TYPE } from '../model/names';
import type { KvAttributes } from '../model/resources';
import type { KvType } from '../gittree/types';

export interface KestraKvConfig extends KestraResourceMeta {
  namespace: string;
  key: string;
  type: KvType;
  /** Canonical text of the value (see TreeKv.value). */
  value: string;
  description?: string;
  /** ISO-8601 duration, e.g. `P30D`. */
  ttl?: string;
  /** Mask the value as `(sensitive)` in every output and plan file. */
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
    return {
      namespace: c.namespace,
      key: c.key,
      type: c.type,
      value: c.value,
      description: c.description,
      ttl: c.ttl,
      sensitive: c.sensitive || undefined,
      source_file: c.sourceFile,
    };
  }
}
