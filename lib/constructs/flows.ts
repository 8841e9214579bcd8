/**
 * `Flows`: the flows of a folder of the repository, wherever the team keeps them
 * (`flows/<namespace>/*.yml`, `flows/ingest/*.yaml`, `flows/prod/backups/*.yml`, …). By default
 * each flow's namespace is its own `namespace:`; a source can require one namespace, or take it
 * from the folders below its own. Apps, unit tests (TestSuites) and dashboards in the folder are
 * declared as the stack's edition allows (`edition: 'ee'`; dashboards on Kestra 1.x always) and
 * listed as found otherwise; blueprints and unit tests of another shape are listed; other YAML is
 * warned about and left out.
 */
import { Construct } from './cdk';
import { KestraStack } from './stack';
import { objectHomes, TreeResources } from './tree-resources';
import { flowHomes, ignoreRulesFor, readContextFor, reportReading, sourceFolder } from './source-support';
import { readFlowsDir } from '../gittree/read-flows';
import type { TreeFlow, TreeObjects } from '../gittree/types';

export interface FlowsProps {
  /** The folder, relative to the project (or absolute). */
  dir: string;
  /**
   * With `namespaceFrom: 'yaml'` (the default): the namespace every flow must declare (a flow that
   * declares another is an error); unset, each flow's own `namespace:` counts. With
   * `namespaceFrom: 'folder'`: the namespace of the folder itself, before its sub-folders' names.
   */
  namespace?: string;
  /**
   * `'folder'`: a flow's namespace is given by its place — the folders below `dir`, joined by
   * dots after `namespace` (`prod/backups/x.yml` → `prod.backups`, or `company.prod.backups` with
   * `namespace: 'company'`); a flow whose `namespace:` says otherwise is an error.
   */
  namespaceFrom?: 'yaml' | 'folder';
  /** Read the folders below `dir` too (default true). */
  recursive?: boolean;
  /** Gitignore-style patterns, relative to `dir`, of files and folders to leave out. */
  exclude?: string[];
  /**
   * Where `pull` writes flows created in Kestra, per namespace: a folder relative to the project.
   * Default: the folder that namespace's flows already share here.
   */
  newFlows?: Record<string, string>;
}

export class Flows extends Construct {
  /** The flows read (those in protected namespaces left out). */
  readonly flows: TreeFlow[];
  /** The apps, TestSuites and dashboards declared (those the stack's edition allows). */
  readonly objects: TreeObjects;

  constructor(scope: Construct, id: string, props: FlowsProps) {
    super(scope, id);
    const stack = KestraStack.of(this);
    const folder = sourceFolder(props.dir);
    const ctx = readContextFor(stack, folder);
    const byFolder = props.namespaceFrom === 'folder';
    const read = readFlowsDir(ctx, '', {
      rules: ignoreRulesFor(folder, props.exclude),
      namespace: byFolder ? { from: 'folder', root: props.namespace } : { from: 'yaml', namespace: props.namespace },
      recursive: props.recursive !== false,
    });
    reportReading(stack, ctx);
    const resources = new TreeResources(this, stack, { discovered: props.namespace === undefined || byFolder });
    this.flows = resources.flows(read);
    this.objects = resources.objects(ctx.objects);
    // A source bound to a namespace keeps that namespace's new flows in its own folder; the
    // others go where their flows already are (each folder of a folder tree is one namespace).
    const bound = props.namespace !== undefined ? { [props.namespace]: folder.display } : {};
    for (const home of flowHomes(this.flows, { ...bound, ...props.newFlows })) stack.addPullHome(home);
    // New apps, tests and dashboards go where the declared ones are.
    for (const home of objectHomes('app', this.objects.apps)) stack.addPullHome(home);
    for (const home of objectHomes('test', this.objects.tests)) stack.addPullHome(home);
    for (const home of objectHomes('dashboard', this.objects.dashboards)) stack.addPullHome(home);
  }
}
