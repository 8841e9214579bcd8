/**
 * `NamespaceSecrets`: the secrets of one namespace (Kestra Enterprise), each named by the
 * environment variable that holds its value where kestraform runs (a CI secret):
 *
 *   new NamespaceSecrets(this, 'secrets', { namespace: 'company.team', secrets: { DB_PASSWORD: { fromEnv: 'CI_DB_PASSWORD' } } });
 *
 * Secrets are never read from the tree (no value belongs in Git), and their values never reach
 * cdk.tf.json: only the variables' names do.
 */
import { Construct } from './cdk';
import { KestraNamespaceSecret } from './namespace-secret';

export interface NamespaceSecretSpec {
  /** The environment variable holding the value. */
  fromEnv: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface NamespaceSecretsProps {
  namespace: string;
  /** By secret key. */
  secrets: Record<string, NamespaceSecretSpec>;
}

export class NamespaceSecrets extends Construct {
  readonly secrets: KestraNamespaceSecret[];

  constructor(scope: Construct, id: string, props: NamespaceSecretsProps) {
    super(scope, id);
    this.secrets = Object.entries(props.secrets).map(
      ([key, spec]) => new KestraNamespaceSecret(this, `secret-${key.replace(/\//g, '|')}`, { namespace: props.namespace, secretKey: key, fromEnv: spec.fromEnv, description: spec.description, tags: spec.tags }),
    );
  }
}
