/**
 * What makes a stack one environment of a tree deployed to several (dev, staging, prod, a preview
 * per pull request): where it deploys, how its namespaces are named, what its flows get (labels,
 * disabled triggers) and which KV values differ. Applied at synth, when each resource is made,
 * so cdk.tf.json — and the engine — hold the final namespaces and sources.
 */
import type { KvType } from '../model/names';
import type { TargetSettings } from '../model/settings';
import type { Diagnostic } from '../util/diagnostics';
import { mapNamespace, transformFlow, type NamespaceMapping } from '../gittree/flow-transform';

export interface EnvironmentTarget {
  /**
   * The Kestra this environment deploys to (default: the environment's name). Environments
   * naming the same one share it — a preview deploys to dev's; with no URL set, each named Kestra
   * is an embedded local server of its own.
   */
  name?: string;
  /** Names of environment variables (never their values) that hold the URL, tenant and credentials. */
  urlEnv?: string;
  /** A fixed tenant (default `main`), or the variable that holds it. */
  tenant?: string;
  tenantEnv?: string;
  usernameEnv?: string;
  passwordEnv?: string;
  tokenEnv?: string;
}

/** One KV pair's value in this environment, over the tree's `kv.yaml`. */
export interface KvOverride {
  value?: string;
  type?: KvType;
  description?: string;
  /** Read the value from this environment variable when kestraform runs (never written to cdk.tf.json); the pair is then sensitive. */
  valueFromEnv?: string;
  sensitive?: boolean;
}

export interface EnvironmentOptions {
  /** The environment's name (`dev`, `prod`, `pr-42`): shown by `plan` and `status`. */
  name: string;
  target?: EnvironmentTarget;
  /**
   * How namespaces are named here: `rename` maps a namespace and every one below it
   * (`{ 'company.team': 'prod.company.team' }`), `prefix` goes before every other one
   * (`'pr-42.'`). Every namespace a flow names is rewritten: its own, subflow calls, flow
   * triggers' upstream flows, `namespaceFiles.namespaces`, `kv('KEY', 'ns')`.
   */
  namespaces?: { rename?: Record<string, string>; prefix?: string };
  /** Labels every flow gets here (added to, or replacing, the flow's own). */
  labels?: Record<string, string>;
  /** Deploy every trigger with `disabled: true` (previews must not run schedules). */
  disableTriggers?: boolean;
  /** KV values that differ here, by the namespace and key as the tree names them. */
  kv?: Record<string, Record<string, KvOverride>>;
}

export class StackEnvironment {
  private readonly mapping: NamespaceMapping | undefined;

  constructor(readonly options: EnvironmentOptions) {
    const ns = options.namespaces;
    const rules = Object.entries(ns?.rename ?? {}).map(([from, to]) => ({ from, to }));
    this.mapping = rules.length || ns?.prefix ? { rules, prefix: ns?.prefix } : undefined;
  }

  get name(): string {
    return this.options.name;
  }

  /** The namespace a tree's namespace has here. */
  namespace(ns: string): string {
    return this.mapping ? (mapNamespace(ns, this.mapping) ?? ns) : ns;
  }

  /** Whether flows need their source rewritten here. */
  get transformsFlows(): boolean {
    return !!(this.mapping || this.options.disableTriggers || Object.keys(this.options.labels ?? {}).length);
  }

  /** A flow's source as it is deployed here; warnings about references the mapping leaves alone. */
  flowSource(source: string, file: string, kestraMajor: 1 | 2): { source: string; diagnostics: Diagnostic[] } {
    if (!this.transformsFlows) return { source, diagnostics: [] };
    return transformFlow(source, { namespaces: this.mapping, labels: this.options.labels, disableTriggers: this.options.disableTriggers, kestraMajor }, { file });
  }

  private readonly usedKv = new Set<string>();

  /** The value a tree's KV pair has here, if it differs; the override counts as used. */
  useKvOverride(ns: string, key: string): KvOverride | undefined {
    const o = this.options.kv?.[ns]?.[key];
    if (o) this.usedKv.add(`${ns}\u0000${key}`);
    return o;
  }

  /** Overrides of pairs no KV source of the stack read: a value meant for this environment that would never be deployed. */
  unusedKvOverrides(): Array<{ namespace: string; key: string }> {
    const out: Array<{ namespace: string; key: string }> = [];
    for (const [namespace, keys] of Object.entries(this.options.kv ?? {})) {
      for (const key of Object.keys(keys)) if (!this.usedKv.has(`${namespace}\u0000${key}`)) out.push({ namespace, key });
    }
    return out;
  }

  targetSettings(): TargetSettings {
    const t = this.options.target ?? {};
    return {
      name: t.name ?? this.options.name,
      url_env: t.urlEnv,
      tenant: t.tenant,
      tenant_env: t.tenantEnv,
      username_env: t.usernameEnv,
      password_env: t.passwordEnv,
      token_env: t.tokenEnv,
    };
  }
}
