/** The words for each step's reason code (lib/engine/plan-types ReasonCode), one place for every format. */
import type { PlanStep, ReasonCode, RuntimeStateItem } from '../engine/plan-types';

const WORDS: Record<Exclude<ReasonCode, 'pruned'>, string> = {
  'absent-in-kestra': 'not in Kestra yet',
  'deleted-outside': 'deleted outside kestraform; will be created again from Git',
  'changed-in-git': 'changed in Git',
  'changed-outside': 'changed outside kestraform; will be reverted to Git',
  'unmanaged-differs': 'differs from Git and not yet managed; will be overwritten',
  'runtime-reset': 'runtime state set in Kestra differs from Git; the stack resets it to Git (see Runtime state)',
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

/** A runtime value in words: what it is (`what`) and what the plan does with it (`handling`), for every format. */
export function runtimeWords(item: RuntimeStateItem): { what: string; handling: string } {
  const subject = item.part ? `${item.address} ${item.part.type} ${item.part.id}` : item.address;
  const where = item.storedIn === 'instance' ? " (Kestra's runtime state, not its source)" : '';
  const onOff = (v: unknown) => (v ? 'disabled' : 'enabled');
  const isFlag = item.attribute === 'disabled' && typeof item.live === 'boolean';
  const git = item.desired === undefined ? '' : ` (Git: ${isFlag && typeof item.desired === 'boolean' ? onOff(item.desired) : String(item.desired)})`;
  const what = isFlag ? `${subject} is ${onOff(item.live)} in Kestra${where}${git}` : `${subject}: ${item.attribute} is ${String(item.live)} in Kestra${where}${git}`;
  const policy = item.policy ? ` (${item.policy.setting}: ${item.policy.value})` : '';
  let handling: string;
  if (item.handling === 'kept') handling = `kept: deploys keep Kestra's value${policy}`;
  else if (item.handling === 'reset') {
    const does = isFlag && typeof item.desired === 'boolean' ? `${item.desired ? 'disables' : 're-enables'} it` : "sets it to Git's value";
    handling = `reset to Git: this apply ${does}${policy}`;
  } else handling = 'read-only: kestraform reports it and never changes it';
  return { what, handling };
}

/** Counts of runtime values by what the plan does with them, in words (`2 kept, 1 read-only`). */
export function runtimeCounts(items: readonly RuntimeStateItem[]): string {
  const n = (h: RuntimeStateItem['handling']) => items.filter((i) => i.handling === h).length;
  const parts = [n('kept') && `${n('kept')} kept`, n('reset') && `${n('reset')} reset to Git`, n('read-only') && `${n('read-only')} read-only`].filter(Boolean);
  return parts.join(', ');
}
