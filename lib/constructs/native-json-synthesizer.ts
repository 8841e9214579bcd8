/**
 * Lets cdktf's own stack synthesizer do everything (aspects, validations, custom synthesis,
 * annotations, the manifest) except serialize the stack's JSON: the stack hands its JSON here
 * instead, and it is written with stableJson. Where cdktf writes HCL, nothing changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IStackSynthesizer, ISynthesisSession, TerraformStack } from './cdk';
import { stableJson } from './stable-json';

/** A stack that can hold back its JSON from cdktf's writer for one synthesis. */
export interface JsonHandingStack extends TerraformStack {
  /** While set, toTerraform gives its JSON to this function and returns an empty object. */
  handJsonTo?: (json: Record<string, unknown>) => void;
}

export class NativeJsonSynthesizer implements IStackSynthesizer {
  constructor(
    private readonly stack: JsonHandingStack,
    private readonly cdktfSynthesizer: IStackSynthesizer,
  ) {}

  synthesize(session: ISynthesisSession): void {
    let json: Record<string, unknown> | undefined;
    this.stack.handJsonTo = (j) => (json = j);
    try {
      this.cdktfSynthesizer.synthesize(session);
    } finally {
      this.stack.handJsonTo = undefined;
    }
    if (json === undefined) return; // HCL output: cdktf wrote it
    const file = path.join(session.outdir, session.manifest.forStack(this.stack).synthesizedStackPath);
    fs.writeFileSync(file, stableJson(json, resourceCount(json) <= INDENTED_UP_TO));
  }
}

/**
 * Stacks of more resources are written without indentation: a sixth less to write, read and
 * parse on every plan, in a file too long to read by eye anyway (`jq .` lays it out).
 */
export const INDENTED_UP_TO = 1000;

function resourceCount(json: Record<string, unknown>): number {
  let n = 0;
  for (const byId of Object.values((json.resource ?? {}) as Record<string, object>)) n += Object.keys(byId).length;
  return n;
}
