/**
 * Triggers' runtime state: what Kestra's scheduler keeps for each trigger of a flow outside the
 * flow's source — above all the `disabled` flag an operator sets from the Triggers page or the
 * API. Read with the paged `GET /triggers/search?filters[namespace][EQUALS]=ns`: one search per
 * namespace, whatever the number of flows. Kestra 2.0 answers `{trigger, state}` items
 * (ApiTriggerAndState), 1.x `{abstractTrigger, triggerContext}` (TriggerController.Triggers); both
 * are read. A server without the search (404/405, remembered) or one refusing it to this identity
 * (403) leaves the trigger state unknown: never an error of the plan.
 *
 * Writing is for operators and tests: 2.0 `PUT /triggers/set-disabled` (one trigger), 1.x
 * `PUT /triggers` (a Trigger body). kestraform itself never changes trigger state.
 */
import { KestraApiError } from './errors';
import { filterParam, type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { readPagedSearch } from './paged-search';

export interface TriggerRuntimeState {
  namespace: string;
  flowId: string;
  triggerId: string;
  /** The runtime flag (the trigger state's `disabled`), not the source's. */
  disabled: boolean;
  /** `disabled: true` on the trigger in the live flow's source (then the runtime flag does not matter). */
  disabledInSource?: boolean;
  /** The trigger's type, when the server sent its definition. */
  type?: string;
}

export class TriggersApi {
  /** Whether this server answers the trigger search; unknown until first asked. */
  private searchRoute: 'yes' | 'no' | 'unknown' = 'unknown';

  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
  ) {}

  /** Every trigger state of exactly `namespace`; undefined when this server will not say. */
  async searchTriggers(namespace: string): Promise<TriggerRuntimeState[] | undefined> {
    if (this.searchRoute === 'no') return undefined;
    const states = await readPagedSearch({
      page: async (page) => {
        try {
          const response = await this.http.send({
            method: 'GET',
            path: '/triggers/search',
            query: [filterParam('namespace', 'EQUALS', namespace), ['page', String(page)], ['size', String(this.pageSize)]],
            operation: 'searchTriggers',
            target: `search the triggers of namespace ${namespace} (page ${page})`,
            idempotent: true,
          });
          this.searchRoute = 'yes';
          return response;
        } catch (error) {
          if (page === 1 && error instanceof KestraApiError) {
            // No such route on this server: remembered. Refused to this identity (EE permissions can be per namespace): this namespace only.
            if (this.searchRoute !== 'yes' && (error.status === 404 || error.status === 405)) {
              this.searchRoute = 'no';
              return undefined;
            }
            if (error.status === 403) return undefined;
          }
          throw error;
        }
      },
      pageSize: this.pageSize,
      item: (reader, raw, what) => triggerState(reader, raw, what),
      identity: (t) => `${t.namespace}\u0000${t.flowId}\u0000${t.triggerId}`,
      noun: 'trigger',
    });
    // Defence against a server that ignored the filter: keep only this namespace's triggers.
    return states?.filter((t) => t.namespace === namespace);
  }

  /** Sets a trigger's runtime `disabled` flag (2.0 `PUT /triggers/set-disabled`, 1.x `PUT /triggers`). */
  async setTriggerDisabled(trigger: { namespace: string; flowId: string; triggerId: string }, disabled: boolean): Promise<void> {
    const body = JSON.stringify({ ...trigger, disabled });
    try {
      await this.http.send({
        method: 'PUT',
        path: '/triggers/set-disabled',
        body: { data: body, contentType: 'application/json' },
        operation: 'disableTriggerById',
        target: `${disabled ? 'disable' : 'enable'} trigger ${trigger.triggerId} of ${trigger.namespace}/${trigger.flowId}`,
        idempotent: true,
      });
      return;
    } catch (error) {
      // Kestra 1.x has no /set-disabled of one trigger (the path reads as {namespace}/{flowId}).
      if (!(error instanceof KestraApiError) || ![404, 405].includes(error.status)) throw error;
    }
    await this.http.send({
      method: 'PUT',
      path: '/triggers',
      body: { data: body, contentType: 'application/json' },
      operation: 'updateTrigger',
      target: `${disabled ? 'disable' : 'enable'} trigger ${trigger.triggerId} of ${trigger.namespace}/${trigger.flowId}`,
      idempotent: true,
    });
  }
}

/** One search item of either shape; undefined for an item without a state (nothing to say of it). */
function triggerState(reader: ResponseReader, item: JsonObject, what: string): TriggerRuntimeState | undefined {
  const rawState = item.state ?? item.triggerContext;
  if (rawState === undefined || rawState === null) return undefined;
  const state = reader.asObject(rawState, `${what}: its state`);
  const out: TriggerRuntimeState = {
    namespace: reader.string(state, 'namespace', what),
    flowId: reader.string(state, 'flowId', what),
    triggerId: reader.string(state, 'triggerId', what),
    disabled: reader.optionalBoolean(state, 'disabled', what) ?? false,
  };
  const rawTrigger = item.trigger ?? item.abstractTrigger;
  if (rawTrigger !== undefined && rawTrigger !== null) {
    const definition = reader.asObject(rawTrigger, `${what}: its definition`);
    const inSource = reader.optionalBoolean(definition, 'disabled', what);
    const type = reader.optionalString(definition, 'type', what);
    if (inSource !== undefined) out.disabledInSource = inSource;
    if (type !== undefined) out.type = type;
  }
  return out;
}
