/**
 * Terraform-local resources (`null_resource`, `terraform_data`): no live side in Kestra. They
 * exist in state only, and are replaced when their triggers change — a way to order or re-run
 * things in a stack, as in Terraform.
 */
import { sha256 } from '../util/hash';
import { describeIssues, localAttributes, LOCAL_TYPES } from '../model/resources';
import type { DesiredBase, KindHandler, LiveBase, ObjectView, Shown } from './types';

export interface DesiredLocal extends DesiredBase {
  kind: 'local';
  /** Values whose change forces a replace (null_resource `triggers`, terraform_data `triggers_replace` + `input`). */
  triggers: Record<string, string>;
}

export const triggersHash = (triggers: Record<string, string>): string =>
  sha256(JSON.stringify(Object.keys(triggers).sort().map((k) => [k, triggers[k]])));

const noLiveSide = (): never => {
  throw new Error('local resources have no live side in Kestra (internal error)');
};

export const localKind: KindHandler<DesiredLocal, LiveBase> = {
  kind: 'local',
  tfTypes: LOCAL_TYPES,
  noun: { one: 'local-only resource', many: 'local-only resources', column: 'local' },
  localOnly: true,
  phases: { write: 2, remove: 3 },
  ignorable: ['triggers'],
  storedAs: 'file',
  provenance: [],

  decode(raw, common) {
    const p = localAttributes.safeParse(raw);
    if (!p.success) return { problems: describeIssues(p.error) };
    const triggers: Record<string, string> = { ...(p.data.triggers ?? {}) };
    if (p.data.triggers_replace !== undefined) triggers.triggers_replace = JSON.stringify(p.data.triggers_replace);
    if (p.data.input !== undefined) triggers.input = JSON.stringify(p.data.input);
    return { resource: { kind: 'local', address: `${common.tfType}.${common.logicalId}`, ...common, triggers } };
  },
  origin: () => undefined,

  planLocal(d, s) {
    if (d && !s) return { action: 'create', after: { triggers: d.triggers }, afterHash: triggersHash(d.triggers) };
    if (!d && s) return { action: 'delete', before: { triggers: s.applied.triggers as Record<string, string> | undefined }, beforeHash: s.appliedHash };
    if (d && s) {
      const h = triggersHash(d.triggers);
      if (s.live.kind === 'local' && s.live.triggersHash === h) return { action: 'no-op', afterHash: h };
      return { action: 'replace', before: { triggers: s.applied.triggers as Record<string, string> | undefined }, after: { triggers: d.triggers }, beforeHash: s.appliedHash, afterHash: h };
    }
    return undefined;
  },

  equal: noLiveSide,
  desiredHash: (d) => triggersHash(d.triggers),
  liveHash: () => undefined,
  fingerprintString: () => 'local',
  matchesState: () => true,
  sensitive: () => false,
  viewOfDesired: (d) => ({ triggers: d.triggers }),
  viewOfLive: noLiveSide,
  viewOfApplied: (s) => ({ triggers: s.applied.triggers as Record<string, string> | undefined }),
  fingerprint: noLiveSide,
  applied: (d) => ({ appliedHash: triggersHash(d.triggers), applied: { triggers: d.triggers } }),
  appliedFromLive: noLiveSide,

  async write(d) {
    return { kind: 'local', triggersHash: triggersHash(d.triggers) };
  },
  async remove() {
    // Nothing in Kestra: removing it from state is all there is.
  },

  display(shown: Shown) {
    const before: ObjectView['triggers'] = shown.sides === 'create' ? undefined : shown.before?.triggers;
    const after: ObjectView['triggers'] = shown.sides === 'delete' ? undefined : shown.after?.triggers;
    const names = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])];
    const quote = (v: string | undefined) => (v === undefined ? undefined : JSON.stringify(v));
    return [{ type: 'values', rows: names.map((k) => ({ name: `triggers.${k}`, before: before && quote(before[k]), after: after && quote(after[k]) })) }];
  },
};
