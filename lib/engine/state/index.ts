/**
 * State backends: where a stack's state lives (local file by default, or the target Kestra's KV
 * store) and how it is locked.
 */
import * as path from 'node:path';
import type { BackendSettings } from '../../model/settings';
import { LocalStateBackend } from './local';
import { KestraKvStateBackend } from './kestra-kv';
import { StateError, type KvStore, type StateBackend } from './types';

export { newState } from './validate';
export { StateError, StateLockedError, type StateBackend, type StateLock, type StateLockInfo, type KvStore } from './types';
export { LocalStateBackend } from './local';
export { KestraKvStateBackend } from './kestra-kv';

export function createBackend(settings: BackendSettings, ctx: { projectDir: string; stack: string; kv?: KvStore; warn?: (m: string) => void }): StateBackend {
  if (settings.type === 'local') {
    const file = settings.path ? path.resolve(ctx.projectDir, settings.path) : path.join(ctx.projectDir, '.kestraform', 'state', `${ctx.stack}.json`);
    return new LocalStateBackend({ file, stack: ctx.stack, warn: ctx.warn ?? ((m) => process.stderr.write(m)) });
  }
  if (!ctx.kv) throw new StateError(`stack "${ctx.stack}" keeps its state in Kestra's KV store, but no Kestra client is available`);
  return new KestraKvStateBackend({ kv: ctx.kv, namespace: settings.namespace, key: settings.key ?? `kestraform_state_${ctx.stack}`, stack: ctx.stack, warn: ctx.warn ?? ((m) => process.stderr.write(m)) });
}
