/**
 * The one place kestraform touches cdktf. cdktf 0.21.0 is the final release (deprecated upstream
 * in December 2025); keeping every import here lets a fork (CDK Terrain, `cdktn`) or plain
 * `constructs` replace it by editing this file alone.
 */
export { App, TerraformStack, TerraformResource, TerraformProvider, TerraformElement, Lazy, Testing, Aspects, Annotations, DataResource, Token, Tokenization } from 'cdktf';
// cdktf's own merge of JSON fragments (not part of its index), so kestraform merges exactly as it does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const deepMerge: (target: Record<string, unknown>, ...sources: unknown[]) => Record<string, unknown> = require('cdktf/lib/util').deepMerge;
// cdktf's logical id of a construct path below a stack (not part of its index either).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const makeUniqueId: (components: string[]) => string = require('cdktf/lib/private/unique').makeUniqueId;
export type { TerraformResourceLifecycle, ITerraformDependable, TerraformMetaArguments, IStackSynthesizer, ISynthesisSession } from 'cdktf';
export { Construct } from 'constructs';
