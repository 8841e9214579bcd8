/**
 * Fast synth: the stack writes its token-free Kestra resources itself instead of through cdktf's
 * three resolve passes (prepare, per fragment, whole stack: most of the synth time of a large
 * tree), makes logical ids without copying scope chains, and writes its JSON with a native
 * serializer — to the JSON cdktf writes. Every use of cdktf's and constructs' internals lives in
 * this folder (./internals, listed in ./relied-on); ./guard falls back to cdktf's plain
 * synthesis when the installed versions or those internals are not the expected ones, or when
 * KESTRAFORM_PLAIN_SYNTH=1 is set.
 *
 * stackSynthesis is the one entry point: a stack calls it once and routes its synthesis hooks
 * (allocateLogicalId, prepareStack, toTerraform) through what it returns.
 */
import type { TerraformStack } from '../cdk';
import { FastSynthesis } from './fast-synthesis';
import { chooseSynthesis, type SynthesisMode } from './guard';
import type { StackSynthesis } from './stack-synthesis';

export type { SynthesisMode } from './guard';
export type { StackSynthesis } from './stack-synthesis';

export function stackSynthesis(stack: TerraformStack, requested?: SynthesisMode): StackSynthesis {
  return chooseSynthesis(requested) === 'fast' ? new FastSynthesis(stack) : PLAIN_SYNTHESIS;
}

/** cdktf's own synthesis, untouched. */
const PLAIN_SYNTHESIS: StackSynthesis = {
  mode: 'plain',
  logicalId: (_, cdktf) => cdktf(),
  prepare: (cdktf) => cdktf(),
  toTerraform: (cdktf) => cdktf(),
};
