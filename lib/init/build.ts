/**
 * The proposed stack as constructs, exactly as the code ./render-stack writes instantiates them
 * (a test holds the two equal by synthesizing both): for init's preview of what will be deployed.
 */
import { Flows, KestraProvider, KestraStack, KvPairs, NamespaceFiles, NamespaceTree, SyncFlowsTree, type Construct } from '../index';
import type { Proposal } from './propose';

export function buildStack(scope: Construct, name: string, proposal: Proposal): KestraStack {
  const stack = new KestraStack(scope, name, { kestraVersion: proposal.kestraVersion });
  new KestraProvider(stack, 'kestra');
  for (const s of proposal.sources) {
    if (s.kind === 'tree') new NamespaceTree(stack, s.id, { root: s.root, namespaces: s.namespaces });
    else if (s.kind === 'sync') new SyncFlowsTree(stack, s.id, { dir: s.dir, namespace: s.namespace });
    else if (s.kind === 'flows') new Flows(stack, s.id, { dir: s.dir, recursive: s.recursive, exclude: s.exclude });
    else if (s.kind === 'files') new NamespaceFiles(stack, s.id, { dir: s.dir, namespace: s.namespace, prefix: s.prefix, exclude: s.exclude });
    else new KvPairs(stack, s.id, { file: s.file, namespace: s.namespace });
  }
  return stack;
}
