import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { FLOW_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { FlowAttributes } from '../model/attributes';

export interface KestraFlowConfig extends KestraResourceMeta {
  namespace: string;
  flowId: string;
  /** The flow's YAML source, sent to Kestra exactly as given. */
  content: string;
  /** Where the source came from, for messages (tree-relative path). */
  sourceFile?: string;
}

/** A Kestra flow (`kestra_flow`, attributes as the official provider: namespace, flow_id, content). */
export class KestraFlow extends KestraResource<FlowAttributes> {
  static readonly tfResourceType = FLOW_TYPE;
  readonly namespace: string;
  readonly flowId: string;
  readonly content: string;
  readonly sourceFile?: string;
  /** The environment whose namespaces, labels or triggers rewrote the source (pull cannot bring Kestra's version back as is). */
  readonly rewrittenFor?: string;

  constructor(scope: Construct, id: string, config: KestraFlowConfig) {
    super(scope, id, FLOW_TYPE, config);
    // In an environment (./environment) the flow is deployed under its namespace there, its
    // source rewritten to match; the tree's file stays as it is.
    const stack = KestraStack.of(this);
    this.namespace = stack.namespaceHere(config.namespace);
    this.flowId = config.flowId;
    const here = stack.environment?.flowSource(config.content, config.sourceFile ?? this.node.path, stack.kestraVersion);
    if (here) stack.addDiagnostics(here.diagnostics);
    this.content = here?.source ?? config.content;
    this.sourceFile = config.sourceFile;
    this.rewrittenFor = here && here.source !== config.content ? stack.environment!.name : undefined;
  }

  attributes(): FlowAttributes {
    // Keys in sorted order, as cdk.tf.json lists them.
    return { content: this.content, flow_id: this.flowId, namespace: this.namespace, rewritten_for: this.rewrittenFor, source_file: this.sourceFile };
  }
}
