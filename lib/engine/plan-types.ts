/**
 * A plan: what apply will do, why, and what it was computed from. Pure data — serialisable as a
 * saved plan file, rendered by lib/render, carried out by apply.
 */
import type { KvType } from '../gittree/types';

export type ChangeAction = 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'import' | 'forget';
export type ObjectKind = 'flow' | 'file' | 'kv' | 'local';

/** What an object is (before or after), as shown to reviewers. Sensitive KV values are never here. */
export interface ObjectView {
  namespace?: string;
  /** Flow source. */
  source?: string;
  revision?: number;
  /** Namespace file. */
  size?: number;
  sha256?: string;
  text?: string;
  /** KV. */
  type?: KvType;
  value?: string;
  description?: string;
  ttl?: string;
  /** Local resources. */
  triggers?: Record<string, string>;
}

export interface ResourceChange {
  address: string;
  kind: ObjectKind;
  tfType: string;
  /** Logical id from cdk.tf.json, when the object is declared. */
  name?: string;
  namespace?: string;
  action: ChangeAction;
  /** Why, in words (e.g. "content changed in Git", "not in configuration; managed by this stack"). */
  reason: string;
  before?: ObjectView;
  after?: ObjectView;
  beforeHash?: string;
  afterHash?: string;
  /** Unified diff for flows and text files; a one-line summary for binary files. */
  diff?: string;
  /** Flow update whose parsed YAML is equal: only comments, whitespace or formatting changed. */
  formattingOnly?: boolean;
  sensitive?: boolean;
  /** Addresses this change must wait for. */
  dependsOn: string[];
  /**
   * Apply phase: 1 namespace files and KV, 2 flows (and local-only resources), 3 flow deletes,
   * 4 file and KV deletes. A phase starts when the previous one is done.
   */
  phase: number;
}

export type DriftKind = 'changed' | 'deleted' | 'unmanaged';

/** An object changed outside kestraform: live differs from what state recorded after apply. */
export interface DriftItem {
  address: string;
  kind: ObjectKind;
  tfType: string;
  namespace?: string;
  drift: DriftKind;
  /** Diff from what was applied to what is live (when both are known). */
  diff?: string;
  liveRevision?: number;
  appliedRevision?: number;
  before?: ObjectView;
  after?: ObjectView;
  sensitive?: boolean;
}

export interface Plan {
  formatVersion: 1;
  stack: string;
  createdAt: string;
  /** Digest of the desired state (stale when synth now gives another). */
  desiredDigest: string;
  /** State the plan was computed against (null: no state yet). */
  state: { lineage: string; serial: number } | null;
  /** Live fingerprint of every address the plan covers ('absent' when it did not exist). */
  liveFingerprints: Record<string, string>;
  changes: ResourceChange[];
  drift: DriftItem[];
  /** Errors that forbid applying (e.g. prevent_destroy). */
  errors: string[];
  /** Notes worth showing (e.g. unmanaged objects left alone). */
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

export function hasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'no-op');
}
