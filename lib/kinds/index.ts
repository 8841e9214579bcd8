/** The kinds of objects kestraform manages: one handler each, behind one interface. */
export * from './types';
export { KindRegistry } from './registry';
export { builtinKinds } from './builtin';
export { entryFromDesired, entryFromLive, sameFingerprint } from './entries';
export { flowKind, type DesiredFlow, type LiveFlow, type FlowClient } from './flow';
export { fileKind, type DesiredFile, type LiveFile, type FileClient } from './file';
export { kvKind, kvValueHash, kvDesiredHash, shownKvValue, SENSITIVE, type DesiredKv, type LiveKv, type KvClient } from './kv';
export { localKind, triggersHash, type DesiredLocal } from './local';
export { flowSourceHash, normalizeFlowSource, onlyFormattingChanged, calledFlows, parseData, flowDisabled, withFlowDisabled, sameApartFromDisabled } from './flow-source';
export { loadFileBytes, isText, StaleSourceError } from './file-bytes';
export { PullHomes, type Home } from './pull-homes';
export { appKind, type DesiredApp, type AppClient } from './app';
export { testSuiteKind, type DesiredTestSuite, type TestSuiteClient } from './test-suite';
export { dashboardKind, type DesiredDashboard, type DashboardClient } from './dashboard';
export { namespaceObjectKind, type DesiredNamespaceObject, type LiveNamespaceObject, type NamespaceObjectClient } from './namespace-object';
export { secretKind, type DesiredSecret, type LiveSecret, type SecretClient } from './secret';
export { yamlSourceKind, type DesiredYamlObject, type LiveYamlObject, type YamlKindSpec } from './yaml-source-kind';
