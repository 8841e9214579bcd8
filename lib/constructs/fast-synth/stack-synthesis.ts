import type { Node } from 'constructs';
import type { TerraformElement } from '../cdk';
import type { SynthesisMode } from './guard';

/** A stack's synthesis hooks; `cdktf` is cdktf's own implementation of the hook (the stack's `super`). */
export interface StackSynthesis {
  readonly mode: SynthesisMode;
  logicalId(elementOrNode: TerraformElement | Node, cdktf: () => string): string;
  prepare(cdktf: () => void): void;
  /** The stack's whole JSON, as cdktf's toTerraform makes it. */
  toTerraform(cdktf: () => Record<string, unknown>): Record<string, unknown>;
}
