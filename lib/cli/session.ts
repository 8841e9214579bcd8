/**
 * Per-stack wiring for the commands: state backend, refresh and plan against the target.
 */
import type { DesiredStack } from '../desired/types';
import { createBackend, type StateBackend } from '../engine/state';
import { planStack, type StackPlan } from '../engine/run';
import type { Project } from '../project/config';
import type { Target } from './target';

export function backendFor(project: Project, stack: DesiredStack, target: Target): StateBackend {
  return createBackend(stack.settings.backend, { projectDir: project.dir, stack: stack.name, kv: target.client });
}

export async function planWith(stack: DesiredStack, backend: StateBackend, target: Target): Promise<StackPlan> {
  const state = await backend.read();
  return planStack(stack, state, { client: target.client, target: { url: target.url, tenant: target.tenant } });
}

/** Runs `fn` with the target open, closing it (and the embedded server) afterwards. */
export async function withTarget<T>(target: Target, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await target.close();
  }
}
