/**
 * `NamespaceTree`: a tree in Kestra's own Git layout, as NamespaceSync and TenantSync read it
 * (<root>/<namespace>/flows/<id>.yml, files/**, kv.yaml; a namespace as one dotted folder or as
 * nested folders; apps/, tests/ and _global/ listed, not deployed; see lib/gittree/namespace-layout).
 * The stack owns the namespaces its objects live in, never a folder name without objects.
 */
import { Construct } from './cdk';
import { KestraStack } from './stack';
import { TreeResources } from './tree-resources';
import { flowHomes, kestraformSkip, sourceFolder } from './source-support';
import { readTreeSync } from '../gittree/namespace-layout';
import type { TreeNamespace } from '../gittree/types';

export interface NamespaceTreeProps {
  /** Tree root, relative to the project directory (the working directory of synth) or absolute. */
  root: string;
  /** Only these namespaces (default: every namespace folder under the root). */
  namespaces?: string[];
  /** Gitignore-style patterns, relative to the root, of files and folders to leave out. */
  exclude?: string[];
}

export class NamespaceTree extends Construct {
  readonly namespaces: TreeNamespace[];

  constructor(scope: Construct, id: string, props: NamespaceTreeProps) {
    super(scope, id);
    const stack = KestraStack.of(this);
    const folder = sourceFolder(props.root);
    const result = readTreeSync(folder.abs, {
      kestraMajor: stack.kestraVersion,
      namespaces: props.namespaces,
      displayRoot: folder.display || '.',
      exclude: props.exclude,
      skip: kestraformSkip(),
    });
    stack.addDiagnostics(result.diagnostics);
    this.namespaces = result.namespaces;
    const resources = new TreeResources(this, stack, { discovered: true });
    resources.found(result.found);
    const dirOf = (ns: TreeNamespace) => (folder.display ? `${folder.display}/${ns.dir}` : ns.dir);
    const protectedNs = new Set(stack.protectedNamespaces);
    for (const ns of result.namespaces) {
      const flows = resources.flows(ns.flows);
      resources.files(ns.files);
      resources.kv(ns.kv);
      if (protectedNs.has(ns.name)) continue;
      const nsDir = dirOf(ns);
      for (const home of flowHomes(flows, { [ns.name]: `${nsDir}/flows` })) stack.addPullHome(home);
      stack.addPullHome({ kind: 'file', namespace: ns.name, dir: `${nsDir}/files`, prefix: '/' });
      stack.addPullHome({ kind: 'kv', namespace: ns.name, file: `${nsDir}/kv.yaml` });
    }
  }
}
