/**
 * Per-stack wiring for the commands: state backend, refresh and plan against the target.
 */
import type { DesiredStack } from '../desired/types';
import { createBackend, type StateBackend } from '../engine/state';
import { planStack, type StackPlan } from '../engine/run';
import type { Project } from '../project/config';
import type { Target, Targets } from './target';
import type { StacksReadAhead } from './read-ahead';

export function backendFor(project: Project, stack: DesiredStack, target: Target): StateBackend {
  return createBackend(stack.settings.backend, { projectDir: project.dir, stack: stack.name, kv: target.client });
}

/** `readAhead`: what was read while the app ran (./read-ahead); the plan then uses the state that reading was made with, and the answers it received. */
export async function planWith(stack: DesiredStack, backend: StateBackend, target: Target, readAhead?: StacksReadAhead): Promise<StackPlan> {
  const early = await readAhead?.of(stack);
  if (early) target.client.reuseAnswers(early.answers);
  const state = early ? early.state : await backend.read();
  return planStack(stack, state, { client: target.client, target: { url: target.url, tenant: target.tenant } }, {}, early?.ahead);
}

/** Each stack's plan against its target (read-only: the stacks are planned at once). */
export async function planStacks(project: Project, stacks: readonly DesiredStack[], targets: Targets, readAhead?: StacksReadAhead): Promise<StackPlan[]> {
  return Promise.all(
    stacks.map((stack) => {
      const target = targets.of(stack);
      return planWith(stack, backendFor(project, stack, target), target, readAhead);
    }),
  );
}

/** Runs `fn` with the targets open, closing them (and their embedded servers) afterwards. */
export async function withTargets<T>(targets: Targets, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await targets.close();
  }
}
