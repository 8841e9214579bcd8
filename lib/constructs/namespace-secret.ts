import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { SECRET_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { SecretAttributes } from '../model/attributes';

export interface KestraNamespaceSecretConfig extends KestraResourceMeta {
  namespace: string;
  /** The secret's key, `{{ secret('KEY') }}` in the namespace's flows. */
  secretKey: string;
  /**
   * The environment variable holding the value when kestraform plans and applies (a CI secret).
   * Only its name is written to cdk.tf.json: the value is never read at synth.
   */
  fromEnv: string;
  description?: string;
  tags?: Record<string, string>;
}

/**
 * A Kestra Enterprise namespace secret (`kestra_namespace_secret`: namespace, secret_key,
 * value_from_env). Its value is never in Git, cdk.tf.json, state, plans or output: the stack names
 * the variable that holds it, read only by the process that writes it to Kestra.
 */
export class KestraNamespaceSecret extends KestraResource<SecretAttributes> {
  static readonly tfResourceType = SECRET_TYPE;
  private readonly attrs: SecretAttributes;

  constructor(scope: Construct, id: string, config: KestraNamespaceSecretConfig) {
    super(scope, id, SECRET_TYPE, config);
    const stack = KestraStack.of(this);
    // Keys in sorted order, as cdk.tf.json lists them.
    this.attrs = {
      namespace: stack.namespaceHere(config.namespace),
      secret_description: config.description,
      secret_key: config.secretKey,
      secret_tags: config.tags,
      value_from_env: config.fromEnv,
    };
  }

  get namespace(): string {
    return this.attrs.namespace;
  }
  get secretKey(): string {
    return this.attrs.secret_key;
  }

  attributes(): SecretAttributes {
    return this.attrs;
  }
}
