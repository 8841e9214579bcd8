export { App, Construct, TerraformStack, DataResource } from './cdk';
export { KestraStack, type KestraStackOptions } from './stack';
export { KestraProvider, type KestraProviderConfig } from './provider';
export { KestraFlow, type KestraFlowConfig } from './flow';
export { KestraNamespaceFile, type KestraNamespaceFileConfig } from './namespace-file';
export { KestraKv, type KestraKvConfig } from './kv';
export { NamespaceTree, type NamespaceTreeProps } from './namespace-tree';
