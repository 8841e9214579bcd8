/**
 * The scheduler's trigger states, as the embedded server keeps them beside its store: one per
 * trigger of a live flow that Kestra's scheduler evaluates (not Webhook or Flow triggers, which
 * hold no state in Kestra 2.0 — kestra-io/kestra#19697), derived from the flows' current
 * definitions, with the runtime `disabled` flag the trigger API sets. The flag outlives saves of
 * the flow as long as the trigger keeps its id (what kestra-io/kestra#19672 requires; 1.3 does so);
 * it goes with the trigger or the flow. In memory only: a restart clears it.
 */
import { currentRevision, flowKey, type FlowRecord, type Store } from './store';
import { byCodePoint } from '../util/order';

export type TriggerKind = 'SCHEDULE' | 'POLLING' | 'REALTIME';

export interface TriggerStateView {
  namespace: string;
  flowId: string;
  triggerId: string;
  /** The trigger as the flow's source defines it (Kestra's AbstractTrigger JSON). */
  definition: Record<string, unknown>;
  kind: TriggerKind;
  disabled: boolean;
  /** When the state last changed (the flow's revision date until the flag is set). */
  updatedAt: string;
}

const UNSCHEDULED = /(?:\.Webhook|\.trigger\.Flow)$/;

export function triggerKind(type: string): TriggerKind {
  if (/Realtime/i.test(type)) return 'REALTIME';
  if (/\.Schedule(?:OnDates)?$/.test(type)) return 'SCHEDULE';
  return 'POLLING';
}

const key = (ns: string, flowId: string, triggerId: string) => `${ns}\u0000${flowId}\u0000${triggerId}`;

export class TriggerStates {
  /** Runtime flags, with the flow revision current when each was set. */
  private readonly flags = new Map<string, { disabled: boolean; updatedAt: string; revision: number }>();

  constructor(private readonly store: Store) {}

  /**
   * Every trigger state of the live flows whose namespace `match`es (only those of `exactly` that
   * namespace, when given: a namespace's flows, not the server's), ordered by namespace, flow and trigger.
   */
  list(match: (ns: string) => boolean, opts: { flowId?: string; exactly?: string } = {}): TriggerStateView[] {
    const flows = opts.exactly !== undefined ? this.store.flowsIn(opts.exactly) : [...this.store.flows.values()];
    const out: TriggerStateView[] = [];
    for (const record of flows.sort((a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.id, b.id))) {
      if (!match(record.namespace) || (opts.flowId !== undefined && record.id !== opts.flowId)) continue;
      out.push(...this.statesOf(record));
    }
    return out;
  }

  find(namespace: string, flowId: string, triggerId: string): TriggerStateView | undefined {
    const record = this.store.flows.get(flowKey(namespace, flowId));
    return record ? this.statesOf(record).find((v) => v.triggerId === triggerId) : undefined;
  }

  /** Sets the runtime flag; the state as it is now. */
  setDisabled(view: TriggerStateView, disabled: boolean): TriggerStateView {
    if (view.disabled === disabled) return view;
    const updatedAt = new Date().toISOString();
    const record = this.store.flows.get(flowKey(view.namespace, view.flowId))!;
    this.flags.set(key(view.namespace, view.flowId, view.triggerId), { disabled, updatedAt, revision: currentRevision(record).revision });
    return { ...view, disabled, updatedAt };
  }

  /** A trigger's flag, unless the trigger (or its flow) was gone at some revision since it was set. */
  private flagOf(record: FlowRecord, triggerId: string): { disabled: boolean; updatedAt: string } | undefined {
    const k = key(record.namespace, record.id, triggerId);
    const flag = this.flags.get(k);
    if (flag && !heldSince(record, triggerId, flag.revision)) {
      this.flags.delete(k);
      return undefined;
    }
    return flag;
  }

  private statesOf(record: FlowRecord): TriggerStateView[] {
    const rev = currentRevision(record);
    if (rev.deleted) return [];
    const triggers = rev.model?.triggers;
    if (!Array.isArray(triggers)) return [];
    const out: TriggerStateView[] = [];
    for (const t of triggers) {
      if (!t || typeof t !== 'object') continue;
      const definition = t as Record<string, unknown>;
      if (typeof definition.id !== 'string' || typeof definition.type !== 'string' || UNSCHEDULED.test(definition.type)) continue;
      const flag = this.flagOf(record, definition.id);
      out.push({ namespace: record.namespace, flowId: record.id, triggerId: definition.id, definition, kind: triggerKind(definition.type), disabled: flag?.disabled ?? false, updatedAt: flag?.updatedAt ?? rev.updated });
    }
    return out;
  }
}

/** Whether every revision of the flow since `revision` is live and holds the trigger: then its state lived on. */
function heldSince(record: FlowRecord, triggerId: string, revision: number): boolean {
  return record.revisions.every((r) => r.revision < revision || (!r.deleted && Array.isArray(r.model?.triggers) && (r.model!.triggers as unknown[]).some((t) => !!t && typeof t === 'object' && (t as { id?: unknown }).id === triggerId)));
}

const byStore = new WeakMap<Store, TriggerStates>();

/** The trigger states kept beside `store` (one set per store). */
export function triggerStatesOf(store: Store): TriggerStates {
  let states = byStore.get(store);
  if (!states) byStore.set(store, (states = new TriggerStates(store)));
  return states;
}
