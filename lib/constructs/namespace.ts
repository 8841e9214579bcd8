import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { NAMESPACE_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { NamespaceAttributes } from '../model/attributes';
import { namespacePropertyProblems } from '../gittree/namespace-props';

type Isolation = { enabled?: boolean; deniedServices?: Array<'EXECUTOR' | 'INDEXER' | 'SCHEDULER' | 'WEBSERVER' | 'WORKER' | 'CONTROLLER' | 'INVALID'> };

/**
 * Kestra Enterprise's Namespace fields but `id` and `deleted`, named as Kestra takes them. Which
 * exist depends on the Kestra line: `concurrency`, `quotas` and `defaultWorkerSelector` are 2.x's,
 * `pluginDefaults`, `workerGroup` and the deprecated `allowedTriggers` 1.x's.
 */
export interface NamespaceProperties {
  description?: string;
  /** Namespace variables, `{{ namespace.x }}` in the flows of the namespace and below. */
  variables?: Record<string, unknown>;
  /** The namespaces allowed to use this one's flows, files and KV (renamed by an environment as flows are). */
  allowedNamespaces?: Array<{ namespace: string }>;
  outputsInInternalStorage?: boolean;
  storageIsolation?: Isolation;
  secretIsolation?: Isolation;
  storageType?: string;
  storageConfiguration?: Record<string, unknown>;
  secretType?: string;
  secretConfiguration?: Record<string, unknown>;
  secretReadOnly?: boolean;
  /** A username, or a password or token as a Pebble expression (a literal credential is refused). */
  sdkDefaultAuthentication?: { username?: string; password?: string; apiToken?: string };
  concurrency?: { limit: number; behavior: 'QUEUE' | 'CANCEL' | 'FAIL' };
  defaultWorkerSelector?: { tags?: string[]; match?: 'ALL' | 'ANY'; fallback?: 'FAIL' | 'WAIT' | 'CANCEL' | 'IGNORE' };
  quotas?: Array<{ behavior: 'FAIL' | 'CANCEL'; duration: string; limit: number }>;
  pluginDefaults?: Array<{ type: string; forced?: boolean; values?: Record<string, unknown>; ref?: string }>;
  workerGroup?: { key?: string; fallback?: 'FAIL' | 'WAIT' | 'CANCEL' };
  /** @deprecated Kestra 1.x: use allowedNamespaces. */
  allowedTriggers?: Array<{ namespace: string; flowId?: string }>;
}

export interface KestraNamespaceConfig extends KestraResourceMeta {
  namespace: string;
  properties?: NamespaceProperties;
  /** Where the properties came from (a tree's `<ns>/namespace.yaml`), for messages and pull. */
  sourceFile?: string;
}

/**
 * The Kestra Enterprise namespace object (`kestra_namespace`: namespace_id, properties). Kestra
 * open source has no namespace objects (a namespace exists by its flows): a stack declares them
 * with `edition: 'ee'`. In an environment, the namespace and its allowed namespaces are named as
 * the environment names them.
 */
export class KestraNamespace extends KestraResource<NamespaceAttributes> {
  static readonly tfResourceType = NAMESPACE_TYPE;
  readonly namespaceId: string;
  readonly properties: Record<string, unknown>;
  readonly sourceFile?: string;

  constructor(scope: Construct, id: string, config: KestraNamespaceConfig) {
    super(scope, id, NAMESPACE_TYPE, config);
    const stack = KestraStack.of(this);
    const given = (config.properties ?? {}) as Record<string, unknown>;
    if (!config.schemaCheckAtReadBack) {
      this.node.addValidation({
        validate: () =>
          namespacePropertyProblems(given, config.namespace, stack.kestraVersion)
            .filter((p) => p.severity === 'error')
            .map((p) => `${NAMESPACE_TYPE} ${this.node.path}: properties${p.path.length ? `.${p.path.join('.')}` : ''}: ${p.message} (${p.hint})`),
      });
    }
    this.namespaceId = stack.namespaceHere(config.namespace);
    const allowed = given.allowedNamespaces;
    this.properties = Array.isArray(allowed)
      ? { ...given, allowedNamespaces: allowed.map((a) => (a && typeof a === 'object' && typeof (a as { namespace?: unknown }).namespace === 'string' ? { ...a, namespace: stack.namespaceHere((a as { namespace: string }).namespace) } : a)) }
      : given;
    this.sourceFile = config.sourceFile;
  }

  attributes(): NamespaceAttributes {
    // Keys in sorted order, as cdk.tf.json lists them.
    return { namespace_id: this.namespaceId, properties: this.properties, source_file: this.sourceFile };
  }
}
