/** Reading a repository's trees: the desired objects of its folders, with every problem found. */
export { readTreeSync } from './namespace-layout';
export { checkFlowSource, decodeFlowBytes, MAX_FLOW_BYTES, type CheckedFlow } from './flow-file';
export { parseKvFile } from './kv-file';
export * from './types';
