/** The kinds kestraform manages out of the box. */
import type { KestraClient } from '../kestra';
import { KindRegistry } from './registry';
import { flowKind, type FlowClient } from './flow';
import { fileKind, type FileClient } from './file';
import { kvKind, type KvClient } from './kv';
import { localKind } from './local';
import type { KindHandler } from './types';

export const builtinKinds = new KindRegistry([flowKind, fileKind, kvKind, localKind] as KindHandler[]);

// The REST client serves every built-in kind (a compile-time check).
const clientServesKinds = (c: KestraClient): FlowClient & FileClient & KvClient => c;
void clientServesKinds;
