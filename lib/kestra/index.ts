/** The Kestra REST client: public surface. */
export { KestraClient, DEFAULT_MAX_RESPONSE_BYTES, type KestraClientOptions } from './client';
export { clientConfigFromEnv, clientConfigForTarget, DEFAULT_TENANT, DEFAULT_TIMEOUT_MS, type KestraAuth, type KestraClientConfig, type TargetVariables } from './config';
export {
  KestraError,
  KestraApiError,
  KestraKvExpiredError,
  KestraNetworkError,
  KestraTimeoutError,
  KestraResponseTooLargeError,
  KestraProtocolError,
  KestraConfigError,
  KestraUsageError,
  KestraFlowCreateConflictError,
} from './errors';
export type { KestraRequestEvent, HttpMethod, RecordedGet } from './http';
export { DEFAULT_RETRY_POLICY, isRetryableError, type RetryPolicy } from './retry';
export type { FlowSummary, FlowWithSource, DeleteFlowResult } from './flows';
export type { FlowValidation, ValidateOptions } from './flow-validate';
export { checkFilePath, type DirectoryEntry, type NamespaceFileInfo } from './files';
export type { KvEntryInfo, KvLiveValue, PutKvOptions } from './kv';
export type { TriggerRuntimeState } from './triggers';
export type { KestraEdition } from './instance';
export type { NamespaceObject } from './namespace-objects';
export type { SecretListing, SecretMeta, SecretTag, SecretToPut } from './secrets';
export type { AppSummary, AppWithSource } from './apps';
export type { TestSuiteInfo, TestSuiteRunResult, UnitTestResult, AssertionResult, AssertionRunError, TestState } from './tests';
export type { DashboardInfo } from './dashboards';
export {
  encodeKvBody,
  expectedLiveKv,
  kvValueToCanonical,
  normaliseKvValue,
  KESTRA_DURATION_PATTERN,
  type KvTypedValue,
  type KvType,
} from '../model/kv-values';
export { flowIdentity, type FlowIdentity } from './flow-identity';
