/**
 * The example stack: deploys the tree in Kestra's layout named by the `kestraform:tree` context
 * key of cdktf.json (default `examples/kestra`), and owns the namespaces its objects live in. It
 * imports the package as a team's own stack does; `kestraform init` writes one for a repository.
 */
import { KestraProvider, KestraStack, NamespaceSecrets, NamespaceTree, type Construct, type NamespaceSecretSpec } from 'kestraform';

export const TREE_CONTEXT_KEY = 'kestraform:tree';
export const DEFAULT_TREE = 'examples/kestra';

export class ExampleStack extends KestraStack {
  constructor(scope: Construct, id: string) {
    const major = Number(scope.node.tryGetContext('kestraform:kestraVersion') ?? 2);
    super(scope, id, {
      kestraVersion: major === 1 ? 1 : 2,
      prune: scope.node.tryGetContext('kestraform:prune') === true,
      // 'keep' (the default) or 'git': what deploys do with a flow disabled in Kestra's UI.
      runtimeState: flowDisabledPolicy(scope.node.tryGetContext('kestraform:runtimeState.flowDisabled')),
      // 'ee': the tree's apps, unit tests, namespace.yaml files and dashboards are deployed too (Kestra Enterprise).
      edition: scope.node.tryGetContext('kestraform:edition') === 'ee' ? 'ee' : undefined,
    });
    new KestraProvider(this, 'kestra');
    const root = String(scope.node.tryGetContext(TREE_CONTEXT_KEY) ?? DEFAULT_TREE);
    new NamespaceTree(this, 'tree', { root });
    // Secrets by namespace, each named by the CI variable holding its value: { "company.team": { "API_TOKEN": { "fromEnv": "CI_API_TOKEN" } } }.
    const secrets = (scope.node.tryGetContext('kestraform:secrets') ?? {}) as Record<string, Record<string, NamespaceSecretSpec>>;
    for (const [namespace, keys] of Object.entries(secrets)) new NamespaceSecrets(this, `secrets-${namespace}`, { namespace, secrets: keys });
  }
}

function flowDisabledPolicy(value: unknown): { flowDisabled: 'keep' | 'git' } | undefined {
  return value === 'keep' || value === 'git' ? { flowDisabled: value } : undefined;
}
