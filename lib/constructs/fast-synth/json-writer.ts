/**
 * Lets cdktf's own stack synthesizer do everything (aspects, validations, custom synthesis,
 * annotations, the manifest) except serialize the stack's JSON, which is written with stableJson
 * instead. Where cdktf writes HCL, nothing changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IStackSynthesizer, ISynthesisSession, TerraformStack } from '../cdk';
import { stableJson } from '../../util/stable-json';

/**
 * Stacks of more resources are written without indentation: a sixth less to write, read and
 * parse on every plan, in a file too long to read by eye anyway (`jq .` lays it out).
 */
export const INDENTED_UP_TO = 1000;

export class FastJsonWriter implements IStackSynthesizer {
  constructor(
    private readonly stack: TerraformStack,
    private readonly cdktfSynthesizer: IStackSynthesizer,
  ) {}

  synthesize(session: ISynthesisSession): void {
    const json = this.runCdktfHoldingJson(session);
    if (json === undefined) return; // HCL output: cdktf wrote it, toTerraform was not asked
    const file = path.join(session.outdir, session.manifest.forStack(this.stack).synthesizedStackPath);
    fs.writeFileSync(file, stableJson(json, resourceCount(json) <= INDENTED_UP_TO));
  }

  /**
   * cdktf's synthesizer ends by writing `stack.toTerraform()` with json-stable-stringify, several
   * times slower than stableJson on a large stack. For the length of its run only, a toTerraform
   * set on the stack object itself shadows the class's: it keeps the class's JSON for stableJson
   * and gives cdktf an empty object, whose file is overwritten right after. Outside this window
   * (any call before app.synth, after it, or from Testing.synth) toTerraform is the class's own
   * and returns the whole JSON.
   */
  private runCdktfHoldingJson(session: ISynthesisSession): Record<string, unknown> | undefined {
    const stack = this.stack;
    const classToTerraform = stack.toTerraform;
    let held: Record<string, unknown> | undefined;
    const handOver = () => {
      held = classToTerraform.call(stack) as Record<string, unknown>;
      return {};
    };
    Object.defineProperty(stack, 'toTerraform', { value: handOver, configurable: true, writable: true });
    try {
      this.cdktfSynthesizer.synthesize(session);
    } finally {
      Reflect.deleteProperty(stack, 'toTerraform');
    }
    return held;
  }
}

function resourceCount(json: Record<string, unknown>): number {
  let n = 0;
  for (const byId of Object.values((json.resource ?? {}) as Record<string, object>)) n += Object.keys(byId).length;
  return n;
}
