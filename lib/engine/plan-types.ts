/**
 * A plan: the typed steps apply will carry out, why (a reason code), and what it was computed
 * from. Pure data — saved as a plan file, worded and drawn by lib/render, carried out by apply
 * exactly as it stands (Terraform's plans.Action + ActionReason, apart from its views).
 */
import type { ObjectView, RuntimeValue, StateEntry } from '../kinds/types';

export type { ObjectView, RuntimeValue, RuntimeHandling } from '../kinds/types';

/**
 * What a step does. Writes: create, update, delete, replace. State only (nothing is sent to
 * Kestra): import (adopt a live object into state), record (state learns a newer fingerprint of
 * an unchanged object), accept (state takes a change made outside kestraform), forget (drop an
 * object gone everywhere). no-op: nothing at all.
 */
export type StepAction = 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'import' | 'record' | 'accept' | 'forget';

/** Why a step was planned; renderers word these (lib/render/reasons). */
export type ReasonCode =
  /** create */
  | 'absent-in-kestra'
  | 'deleted-outside'
  /** update */
  | 'changed-in-git'
  | 'changed-outside'
  | 'unmanaged-differs'
  /** update: only runtime state differs from Git, and the stack's policy resets it to Git */
  | 'runtime-reset'
  /** no-op, import */
  | 'up-to-date'
  | 'same-content'
  | 'changes-ignored'
  /** delete */
  | 'removed-from-config'
  | 'pruned'
  /** delete (destroy: every object the stack's state manages goes) */
  | 'destroy-requested'
  /** forget */
  | 'gone-everywhere'
  /** local resources */
  | 'not-in-state'
  | 'triggers-unchanged'
  | 'triggers-changed'
  /** record */
  | 'fingerprint-moved'
  /** state-only modes: import, refresh-only, pull */
  | 'import-requested'
  | 'drift-accepted'
  | 'deletion-accepted'
  | 'pulled-into-git';

export interface PlanStep {
  address: string;
  kind: string;
  tfType: string;
  /** Logical id from cdk.tf.json, when the object is declared. */
  name?: string;
  namespace?: string;
  action: StepAction;
  reason: ReasonCode;
  before?: ObjectView;
  after?: ObjectView;
  /** Hash of the live (or recorded) content the step replaces, and of what it writes. */
  beforeHash?: string;
  afterHash?: string;
  /** An update whose parsed content is equal: only comments, whitespace or formatting changed. */
  formattingOnly?: boolean;
  sensitive?: boolean;
  /** State-only steps: the entry state records (import, record, accept). */
  entry?: StateEntry;
  /** Addresses this step must wait for. */
  dependsOn: string[];
  /** Apply phase (a phase starts when the previous one is done); see plan-order. */
  phase: number;
  /** Runtime values the write keeps (the kind's data, see KindHandler.withKept): what is written is the desired object with them. */
  kept?: Record<string, unknown>;
}

export type DriftKind = 'changed' | 'deleted' | 'unmanaged';

/** An object changed outside kestraform: live differs from what state recorded after apply. */
export interface DriftItem {
  address: string;
  kind: string;
  tfType: string;
  namespace?: string;
  drift: DriftKind;
  /** What was applied (state) and what is live; either may be missing. */
  before?: ObjectView;
  after?: ObjectView;
  sensitive?: boolean;
}

/**
 * A value an operator set in Kestra at runtime (a flow disabled from the UI, a trigger disabled on
 * the Triggers page): neither drift nor a pending change; `handling` says what the plan does with it.
 */
export interface RuntimeStateItem extends RuntimeValue {
  address: string;
  kind: string;
  tfType: string;
  namespace?: string;
}

export interface Plan {
  formatVersion: 2;
  /** `destroy`: made by `plan --destroy` / `destroy` (every managed object goes); absent for a plan. */
  mode?: 'destroy';
  stack: string;
  createdAt: string;
  /** In a saved plan: the stack's digest when it was made (lib/desired/digest; stale when it moves). */
  desiredDigest?: string;
  /** State the plan was computed against (null: no state yet). */
  state: { lineage: string; serial: number } | null;
  /** Live fingerprint of every address the plan covers ('absent' when it did not exist). */
  liveFingerprints: Record<string, string>;
  steps: PlanStep[];
  drift: DriftItem[];
  /** Runtime state of the objects planned (absent from plans of older versions: none known). */
  runtime?: RuntimeStateItem[];
  /** Errors that forbid applying (e.g. prevent_destroy). */
  errors: string[];
  /** Notes worth showing (e.g. objects of protected namespaces left alone). */
  warnings: string[];
  summary: PlanSummary;
  /** Kestra target the plan was made against (URL without credentials, tenant). */
  target: { url: string; tenant: string };
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  import: number;
  forget: number;
  drifted: number;
  unmanaged: number;
}

/** Steps nobody needs to review: nothing happens (no-op) or state learns what it already vouches for (record). */
export function isQuiet(step: PlanStep): boolean {
  return step.action === 'no-op' || step.action === 'record';
}

/** Steps that send nothing to Kestra. */
export function isStateOnly(step: PlanStep): boolean {
  return step.action === 'import' || step.action === 'record' || step.action === 'accept' || step.action === 'forget';
}

export function hasChanges(plan: Plan): boolean {
  return plan.steps.some((s) => !isQuiet(s));
}

export function summarize(steps: readonly PlanStep[], drift: readonly DriftItem[]): PlanSummary {
  const count = (a: StepAction) => steps.filter((s) => s.action === a).length;
  return {
    add: count('create') + count('replace'),
    change: count('update'),
    destroy: count('delete') + count('replace'),
    import: count('import'),
    forget: count('forget'),
    drifted: drift.filter((d) => d.drift !== 'unmanaged').length,
    unmanaged: drift.filter((d) => d.drift === 'unmanaged').length,
  };
}
