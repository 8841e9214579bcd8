/**
 * kestraform's library entry, `import { ... } from 'kestraform'`: what a stack is written with.
 * Only the constructs load here (never the engine, the client or the server), so a synth stays light.
 */
export { App, Construct, TerraformStack } from './constructs/cdk';
export { KestraStack, type KestraStackOptions, type EditionKind } from './constructs/stack';
export type { SynthesisMode } from './constructs/fast-synth';
export type { EnvironmentOptions, EnvironmentTarget, KvOverride } from './constructs/environment';
export { KestraProvider, type KestraProviderConfig } from './constructs/provider';
export { KestraFlow, type KestraFlowConfig } from './constructs/flow';
export { KestraNamespaceFile, type KestraNamespaceFileConfig } from './constructs/namespace-file';
export { KestraKv, type KestraKvConfig } from './constructs/kv';
export { KestraApp, type KestraAppConfig } from './constructs/app';
export { KestraTestSuite, type KestraTestSuiteConfig } from './constructs/test-suite';
export { KestraDashboard, type KestraDashboardConfig } from './constructs/dashboard';
export { KestraNamespace, type KestraNamespaceConfig, type NamespaceProperties } from './constructs/namespace';
export { KestraNamespaceSecret, type KestraNamespaceSecretConfig } from './constructs/namespace-secret';
export { NamespaceSecrets, type NamespaceSecretsProps, type NamespaceSecretSpec } from './constructs/namespace-secrets';
export { Flows, type FlowsProps } from './constructs/flows';
export { NamespaceFiles, type NamespaceFilesProps } from './constructs/namespace-files';
export { KvPairs, type KvPairsProps } from './constructs/kv-pairs';
export { NamespaceTree, type NamespaceTreeProps } from './constructs/namespace-tree';
export { SyncFlowsTree, type SyncFlowsTreeProps } from './constructs/sync-flows-tree';
