import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { FLOW_TYPE } from '../model/names';
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

  constructor(scope: Construct, id: string, config: KestraFlowConfig) {
    super(scope, id, FLOW_TYPE, config);
    this.namespace = config.namespace;
    this.flowId = config.flowId;
    this.content = config.content;
    this.sourceFile = config.sourceFile;
  }

  attributes(): FlowAttributes {
    // Keys in sorted order, as cdk.tf.json lists them.
    return { content: this.content, flow_id: this.flowId, namespace: this.namespace, source_file: this.sourceFile };
  }
}
