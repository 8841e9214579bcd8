/** The kinds kestraform manages out of the box. */
import type { KestraClient } from '../kestra';
import { KindRegistry } from './registry';
import { flowKind, type FlowClient } from './flow';
import { fileKind, type FileClient } from './file';
import { kvKind, type KvClient } from './kv';
import { appKind, type AppClient } from './app';
import { testSuiteKind, type TestSuiteClient } from './test-suite';
import { dashboardKind, type DashboardClient } from './dashboard';
import { namespaceObjectKind, type NamespaceObjectClient } from './namespace-object';
import { secretKind, type SecretClient } from './secret';
import { localKind } from './local';
import type { KindHandler } from './types';

export const builtinKinds = new KindRegistry([flowKind, fileKind, kvKind, appKind, testSuiteKind, dashboardKind, namespaceObjectKind, secretKind, localKind] as KindHandler[]);

// The REST client serves every built-in kind (a compile-time check).
const clientServesKinds = (c: KestraClient): FlowClient & FileClient & KvClient & AppClient & TestSuiteClient & DashboardClient & NamespaceObjectClient & SecretClient => c;
void clientServesKinds;
