/**
 * `SyncFlowsTree`: the layout Kestra's SyncFlows / PushFlows and SyncNamespaceFiles /
 * PushNamespaceFiles tasks keep for one namespace: `_flows/` holds its flows, each sub-folder a
 * child namespace (`_flows/sales/x.yml` → `<namespace>.sales`), and `_files/` its namespace files.
 * Apps, unit tests and dashboards among the flows are declared as the stack's edition allows
 * (./flows), their namespaces held to the folders' as the flows' are.
 */
import * as path from 'node:path';
import { Construct } from './cdk';
import { Flows } from './flows';
import { NamespaceFiles } from './namespace-files';
import { sourceFolder } from './source-support';
import { isDirectory } from '../util/files';

export interface SyncFlowsTreeProps {
  /** The folder that holds `_flows/` and `_files/`, relative to the project (or absolute). */
  dir: string;
  /** The namespace the sync tasks target. */
  namespace: string;
  /** The flows folder's name (the tasks' `gitDirectory`; default `_flows`). */
  flowsDir?: string;
  /** The files folder's name (default `_files`). */
  filesDir?: string;
}

export class SyncFlowsTree extends Construct {
  readonly flows?: Flows;
  readonly files?: NamespaceFiles;

  constructor(scope: Construct, id: string, props: SyncFlowsTreeProps) {
    super(scope, id);
    const root = sourceFolder(props.dir).abs;
    const flowsDir = path.join(root, props.flowsDir ?? '_flows');
    const filesDir = path.join(root, props.filesDir ?? '_files');
    if (isDirectory(flowsDir)) this.flows = new Flows(this, 'flows', { dir: flowsDir, namespace: props.namespace, namespaceFrom: 'folder' });
    if (isDirectory(filesDir)) this.files = new NamespaceFiles(this, 'files', { dir: filesDir, namespace: props.namespace });
  }
}

