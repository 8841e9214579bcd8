/**
 * Desired state as the engine sees it: typed resources read from the synthesized JSON, never
 * cdktf objects.
 */
import type { KvType } from '../gittree/types';
import type { StackSettings } from '../model/settings';
import type { Diagnostic } from '../util/diagnostics';

export interface Lifecycle {
  preventDestroy: boolean;
  ignoreChanges: string[] | 'all';
  createBeforeDestroy: boolean;
}

interface ResourceBase {
  /** Natural-key address (`flow:ns/id`, `file:ns:/path`, `kv:ns/key`; `null_resource.name` for local ones). */
  address: string;
  /** Terraform type and logical id, as in cdk.tf.json. */
  tfType: string;
  logicalId: string;
  /** Construct path, for messages. */
  constructPath: string;
  /** Addresses this resource must be applied after. */
  dependsOn: string[];
  lifecycle: Lifecycle;
}

export interface DesiredFlow extends ResourceBase {
  kind: 'flow';
  namespace: string;
  flowId: string;
  content: string;
  sourceFile?: string;
}

export interface DesiredFile extends ResourceBase {
  kind: 'file';
  namespace: string;
  path: string;
  sha256: string;
  size: number;
  /** Absolute path of the bytes, or undefined when the content is inline. */
  sourcePath?: string;
  inlineContent?: string;
}

export interface DesiredKv extends ResourceBase {
  kind: 'kv';
  namespace: string;
  key: string;
  type: KvType;
  value: string;
  description?: string;
  ttl?: string;
  sensitive: boolean;
  sourceFile?: string;
}

export interface DesiredLocal extends ResourceBase {
  kind: 'local';
  /** Values whose change forces a replace (null_resource `triggers`, terraform_data `triggers_replace` + `input`). */
  triggers: Record<string, string>;
}

export type DesiredResource = DesiredFlow | DesiredFile | DesiredKv | DesiredLocal;
export type KestraDesiredResource = DesiredFlow | DesiredFile | DesiredKv;

export interface DesiredStack {
  name: string;
  /** Absolute path of the stack's cdk.tf.json. */
  file: string;
  settings: StackSettings;
  resources: DesiredResource[];
  /** Stack names this stack depends on (manifest order). */
  dependencies: string[];
  /** sha256 over the desired resources: a saved plan is stale when it moves. */
  digest: string;
}

export interface DesiredState {
  projectDir: string;
  stacks: DesiredStack[];
  /** Problems in the synthesized output and in the trees read during synth. */
  diagnostics: Diagnostic[];
}
