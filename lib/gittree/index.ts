/** The Git tree reader: desired objects of each namespace folder, with every problem found. */
export { readTreeSync } from './walk';
export { checkFlowSource, decodeFlowBytes, MAX_FLOW_BYTES, type CheckedFlow } from './flow-file';
export { parseKvFile } from './kv-file';
export * from './types';
