import type { DesiredStack } from '../desired/types';
import { clientConfigForTarget } from '../kestra/config';

/**
 * Which Kestra a stack goes to, as a key (two stacks with one key share a server): its URL and
 * tenant from the environment (KESTRA_* over the stack's own variables), or — with no URL — the
 * embedded local server of its environment.
 */
export function targetKeyOf(stack: DesiredStack, env: NodeJS.ProcessEnv = process.env): string {
  const config = clientConfigForTarget(stack.settings.target, env);
  return config ? `${config.url}#${config.tenant}` : `embedded:${stack.settings.target.name ?? ''}`;
}
