/**
 * The example stack: deploys the tree in Kestra's layout named by the `kestraform:tree` context
 * key of cdktf.json (default `examples/kestra`), and owns the namespaces its objects live in. It
 * imports the package as a team's own stack does; `kestraform init` writes one for a repository.
 */
import { KestraProvider, KestraStack, NamespaceTree, type Construct } from 'kestraform';

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
    });
    new KestraProvider(this, 'kestra');
    const root = String(scope.node.tryGetContext(TREE_CONTEXT_KEY) ?? DEFAULT_TREE);
    new NamespaceTree(this, 'tree', { root });
  }
}

function flowDisabledPolicy(value: unknown): { flowDisabled: 'keep' | 'git' } | undefined {
  return value === 'keep' || value === 'git' ? { flowDisabled: value } : undefined;
}
