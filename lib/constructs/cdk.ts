/**
 * The one place kestraform imports cdktf's published API. cdktf 0.21.0 is the final release
 * (deprecated upstream in December 2025); keeping every import here lets a fork (CDK Terrain,
 * `cdktn`) or plain `constructs` replace it by editing this file alone. What kestraform uses
 * beyond that API lives in ./fast-synth only, behind a guard that falls back to cdktf's plain
 * synthesis on any other release.
 */
export { App, TerraformStack, TerraformResource, TerraformProvider, TerraformElement, Lazy, Testing, Aspects, Annotations, DataResource, Token, Tokenization } from 'cdktf';
export type { TerraformResourceLifecycle, ITerraformDependable, TerraformMetaArguments, IStackSynthesizer, ISynthesisSession } from 'cdktf';
export { Construct } from 'constructs';
