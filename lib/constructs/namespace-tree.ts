/**
 * `NamespaceTree`: a tree in Kestra's own Git layout, as NamespaceSync and TenantSync read it
 * (<root>/<namespace>/flows/<id>.yml, files/**, kv.yaml, apps/<id>.yaml, tests/<id>.yaml,
 * kestraform's namespace.yaml, and <root>/_global/dashboards/<id>.yaml; a namespace as one dotted
 * folder or as nested folders; see lib/gittree/namespace-layout). Apps, TestSuites, namespace
 * objects and (on 2.x) dashboards are declared when the stack says `edition: 'ee'`, listed as
 * found otherwise; blueprints are listed. The stack owns the namespaces its objects live in,
 * never a folder name without objects.
 */
import * as path from 'node:path';
import { Construct } from './cdk';
import { KestraStack } from './stack';
import { TreeResources } from './tree-resources';
import { flowHomes, kestraformSkip, sourceFolder } from './source-support';
import { readTreeSync } from '../gittree/namespace-layout';
import type { TreeNamespace, TreeObjects } from '../gittree/types';
import { TENANT_SCOPE } from '../model/addresses';

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
  /** The apps, TestSuites and dashboards declared (those the stack's edition allows). */
  readonly objects: TreeObjects;

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
    const inTree = (rel: string) => (folder.display ? `${folder.display}/${rel}` : rel);
    const protectedNs = new Set(stack.protectedNamespaces);
    // Namespace objects first: what lives in a namespace comes after it.
    for (const ns of result.namespaces) if (ns.properties) resources.namespaceProperties(ns.properties);
    this.objects = resources.objects(result.objects);
    for (const ns of result.namespaces) {
      const flows = resources.flows(ns.flows);
      resources.files(ns.files);
      resources.kv(ns.kv);
      if (protectedNs.has(ns.name)) continue;
      const nsDir = inTree(ns.dir);
      for (const home of flowHomes(flows, { [ns.name]: `${nsDir}/flows` })) stack.addPullHome(home);
      stack.addPullHome({ kind: 'file', namespace: ns.name, dir: `${nsDir}/files`, prefix: '/' });
      stack.addPullHome({ kind: 'kv', namespace: ns.name, file: `${nsDir}/kv.yaml` });
      // Kestra's layout names the homes of the other kinds; only those the stack deploys get one.
      if (stack.declares('app')) stack.addPullHome({ kind: 'app', namespace: ns.name, dir: `${nsDir}/apps`, extension: extensionOf(this.objects.apps.filter((a) => a.namespace === ns.name)) });
      if (stack.declares('test')) stack.addPullHome({ kind: 'test', namespace: ns.name, dir: `${nsDir}/tests`, extension: extensionOf(this.objects.tests.filter((t) => t.namespace === ns.name)) });
      if (stack.declares('namespace')) stack.addPullHome({ kind: 'namespace', namespace: ns.name, file: `${nsDir}/namespace.yaml` });
    }
    // Tenant-wide: the tree's _global/dashboards/, read only when no namespaces are named.
    if (stack.declares('dashboard') && !props.namespaces) {
      stack.addPullHome({ kind: 'dashboard', namespace: TENANT_SCOPE, dir: inTree(`${TENANT_SCOPE}/dashboards`), extension: extensionOf(this.objects.dashboards) });
    }
  }
}

/** Kestra's sync tasks write `.yaml`: the extension new files get, unless the existing ones mostly use `.yml`. */
function extensionOf(objects: readonly { file: string }[]): '.yml' | '.yaml' {
  const yml = objects.filter((o) => path.extname(o.file).toLowerCase() === '.yml').length;
  return yml > objects.length - yml ? '.yml' : '.yaml';
}
