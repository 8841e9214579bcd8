/**
 * The example tree as environments: `dev` (every namespace under `dev.`), `staging` (its
 * namespaces renamed by a rule: `company.team` and everything below it under `staging.`),
 * `prod` (the tree's own namespaces, its own API URL) and, when KESTRAFORM_PREVIEW_PREFIX is set (e.g. `pr-42.`), a
 * `preview` for a pull request on dev's Kestra, its triggers disabled and its state its own.
 * Each keeps its state in the KV store of its Kestra (namespace `kestraform`).
 * Each deploys to the Kestra its URL variable names (KESTRA_DEV_URL, KESTRA_STAGING_URL,
 * KESTRA_PROD_URL), or to an embedded local server of its own when that is unset. Credentials
 * are named the same way (never written here): KESTRA_PROD_API_TOKEN, or a username and password.
 */
import { KestraProvider, KestraStack, NamespaceTree, type Construct, type EnvironmentOptions } from 'kestraform';
import { DEFAULT_TREE, TREE_CONTEXT_KEY } from './example';

/** Where every environment keeps its state: a KV namespace of the Kestra it deploys to, which no stack owns. */
export const STATE_NAMESPACE = 'kestraform';

export class EnvironmentStack extends KestraStack {
  constructor(scope: Construct, id: string, environment: EnvironmentOptions, opts: { stateKey?: string } = {}) {
    super(scope, id, {
      environment,
      // In the Kestra it deploys to, not in a file: every CI run and laptop shares it, under a
      // lock that expires by itself when a runner dies (the embedded local server keeps it too).
      backend: { type: 'kestra-kv', namespace: STATE_NAMESPACE, key: opts.stateKey ?? `kestraform_state_${id}` },
    });
    new KestraProvider(this, 'kestra');
    new NamespaceTree(this, 'tree', { root: String(scope.node.tryGetContext(TREE_CONTEXT_KEY) ?? DEFAULT_TREE) });
  }
}

export function addEnvironmentStacks(scope: Construct, env: NodeJS.ProcessEnv = process.env): void {
  new EnvironmentStack(scope, 'dev', {
    name: 'dev',
    target: { urlEnv: 'KESTRA_DEV_URL', usernameEnv: 'KESTRA_DEV_USERNAME', passwordEnv: 'KESTRA_DEV_PASSWORD', tokenEnv: 'KESTRA_DEV_API_TOKEN' },
    namespaces: { prefix: 'dev.' },
    labels: { env: 'dev' },
  });
  new EnvironmentStack(scope, 'staging', {
    name: 'staging',
    target: { urlEnv: 'KESTRA_STAGING_URL', usernameEnv: 'KESTRA_STAGING_USERNAME', passwordEnv: 'KESTRA_STAGING_PASSWORD', tokenEnv: 'KESTRA_STAGING_API_TOKEN' },
    namespaces: { rename: { 'company.team': 'staging.company.team' } },
    labels: { env: 'staging' },
  });
  new EnvironmentStack(scope, 'prod', {
    name: 'prod',
    target: { urlEnv: 'KESTRA_PROD_URL', usernameEnv: 'KESTRA_PROD_USERNAME', passwordEnv: 'KESTRA_PROD_PASSWORD', tokenEnv: 'KESTRA_PROD_API_TOKEN' },
    kv: { 'company.team': { API_BASE_URL: { value: 'https://warehouse.prod.example.com/api', description: 'Base URL of the production warehouse API' } } },
  });
  const prefix = env.KESTRAFORM_PREVIEW_PREFIX?.trim();
  if (prefix) {
    const name = prefix.replace(/[.-]+$/, '');
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
      throw new Error(`KESTRAFORM_PREVIEW_PREFIX "${prefix}" does not name a preview: use lowercase letters, digits, "-" and "_", ending in "." (e.g. pr-42.)`);
    }
    new EnvironmentStack(
      scope,
      'preview',
      {
        name,
        // On dev's Kestra: the preview's namespaces sit beside dev's.
        target: { name: 'dev', urlEnv: 'KESTRA_DEV_URL', usernameEnv: 'KESTRA_DEV_USERNAME', passwordEnv: 'KESTRA_DEV_PASSWORD', tokenEnv: 'KESTRA_DEV_API_TOKEN' },
        namespaces: { prefix },
        labels: { env: 'preview', preview: name },
        disableTriggers: true,
      },
      // Every pull request's stack is called `preview`: its state is keyed by the preview's name.
      { stateKey: `kestraform_state_preview_${name}` },
    );
  }
}
