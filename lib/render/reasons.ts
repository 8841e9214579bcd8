/** The words for each step's reason code (lib/engine/plan-types ReasonCode), one place for every format. */
import type { PlanStep, ReasonCode } from '../engine/plan-types';

const WORDS: Record<Exclude<ReasonCode, 'pruned'>, string> = {
  'absent-in-kestra': 'not in Kestra yet',
  'deleted-outside': 'deleted outside kestraform; will be created again from Git',
  'changed-in-git': 'changed in Git',
  'changed-outside': 'changed outside kestraform; will be reverted to Git',
  'unmanaged-differs': 'differs from Git and not yet managed; will be overwritten',
  'up-to-date': 'up to date',
  'same-content': 'already in Kestra with the same content; will be adopted into state',
  'changes-ignored': 'changes ignored (lifecycle.ignore_changes)',
  'removed-from-config': 'not in the configuration any more; managed by this stack',
  'destroy-requested': 'the stack is being destroyed',
  'gone-everywhere': 'already gone from Kestra and from Git; removed from state',
  'not-in-state': 'not in state yet',
  'triggers-unchanged': 'triggers unchanged',
  'triggers-changed': 'triggers changed: must be replaced',
  'fingerprint-moved': 'unchanged; state records what Kestra reports of it now',
  'import-requested': 'adopted into state as it is in Kestra',
  'drift-accepted': 'changed outside kestraform; state takes the change',
  'deletion-accepted': 'deleted outside kestraform; state forgets it',
  'pulled-into-git': 'written into the repository by pull; state records it as applied',
};

export function reasonText(step: Pick<PlanStep, 'reason' | 'namespace'>): string {
  if (step.reason === 'pruned') return `not in Git, and prune is on for namespace "${step.namespace}"`;
  return WORDS[step.reason];
}

/** Terraform's delete reasons; a destroy's deletes have none in Terraform either (the whole configuration goes). */
const DELETE_ACTION_REASONS: Partial<Record<ReasonCode, string>> = {
  pruned: 'delete_because_pruned',
  'removed-from-config': 'delete_because_no_resource_config',
};

/** Terraform's `action_reason` where one applies (JSON output). */
export function terraformActionReason(step: PlanStep): string | undefined {
  if (step.action === 'delete') return DELETE_ACTION_REASONS[step.reason];
  if (step.action === 'replace') return 'replace_because_triggers_changed';
  return undefined;
}
