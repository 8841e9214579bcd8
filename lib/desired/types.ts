/**
 * Desired state as the engine sees it: typed resources read from the synthesized JSON, never
 * cdktf objects.
 */
import type { StackSettings } from '../model/settings';
import type { Diagnostic } from '../util/diagnostics';
import type { DesiredBase } from '../kinds/types';

export type { DesiredBase, Lifecycle } from '../kinds/types';
export type { DesiredFlow } from '../kinds/flow';
export type { DesiredFile } from '../kinds/file';
export type { DesiredKv } from '../kinds/kv';
export type { DesiredLocal } from '../kinds/local';

/** Any desired object; its kind's handler (lib/kinds) knows its fields. */
export type DesiredResource = DesiredBase;

export interface DesiredStack {
  name: string;
  /** Absolute path of the stack's cdk.tf.json. */
  file: string;
  settings: StackSettings;
  resources: DesiredBase[];
  /** Stack names this stack depends on (manifest order). */
  dependencies: string[];
  /**
   * What reading a resource block reported besides its resource (by `type.logical_id`), for a
   * later read that takes the block's resource unchanged — and reports it again (./read.ts).
   */
  blockDiagnostics?: Record<string, Diagnostic[]>;
}

export interface DesiredState {
  projectDir: string;
  stacks: DesiredStack[];
  /** Problems in the synthesized output and in the trees read during synth. */
  diagnostics: Diagnostic[];
}
