/** Fast synth's hooks for one stack (see ./index). */
import type { Node } from 'constructs';
import type { TerraformElement, TerraformStack } from '../cdk';
import { addDirectJson } from './assemble';
import { withDetached } from './detached';
import { directCandidates, directJson, mayHoldTokens } from './direct-resources';
import type { StackSynthesis } from './stack-synthesis';
import { FastJsonWriter } from './json-writer';
import { idsBelow, logicalIdOf } from './logical-id';

export class FastSynthesis implements StackSynthesis {
  readonly mode = 'fast';

  constructor(private readonly stack: TerraformStack) {
    stack.synthesizer = new FastJsonWriter(stack, stack.synthesizer);
  }

  /** cdktf's logical id, made as its allocator makes it (./logical-id); cdktf's own answers paths not plainly below this stack. */
  logicalId(elementOrNode: TerraformElement | Node, cdktf: () => string): string {
    const ids = idsBelow(this.stack, elementOrNode);
    if (ids === undefined) return cdktf();
    return ids.length > 0 ? logicalIdOf(ids) : '';
  }

  /**
   * cdktf's prepare pass resolves every element to register cross-stack references; a resource
   * without tokens has none. (Aspects run after this pass, so toTerraform looks again.)
   */
  prepare(cdktf: () => void): void {
    withDetached(directCandidates(this.stack).filter((r) => !mayHoldTokens(r)), cdktf);
  }

  /** cdktf's JSON of everything else, with the token-free Kestra resources added as they are. */
  toTerraform(cdktf: () => Record<string, unknown>): Record<string, unknown> {
    const direct = directJson(directCandidates(this.stack));
    const tf = withDetached([...direct.blocks.keys(), ...direct.fragments.keys()], cdktf);
    addDirectJson(tf, direct);
    return tf;
  }
}
