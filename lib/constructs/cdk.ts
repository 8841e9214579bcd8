/**
 * The one place kestraform touches cdktf. cdktf 0.21.0 is the final release (deprecated upstream
 * in December 2025); keeping every import here lets a fork (CDK Terrain, `cdktn`) or plain
 * `constructs` replace it by editing this file alone.
 */
export { App, TerraformStack, TerraformResource, TerraformProvider, TerraformElement, Lazy, Testing, Aspects, Annotations, DataResource } from 'cdktf';
export type { TerraformResourceLifecycle, ITerraformDependable, TerraformMetaArguments } from 'cdktf';
export { Construct } from 'constructs';
