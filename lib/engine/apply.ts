/**
 * Apply: carries out the steps of a plan, exactly those — it decides nothing. Every object about
 * to be written is first checked by Kestra (nothing is written if any is invalid), then the steps
 * run phase by phase with bounded concurrency, each after those it depends on, state saved after
 * every success. State-only steps (import, record, accept, forget) send nothing to Kestra.
 */
import pLimit from 'p-limit';
import type { DesiredStack } from '../desired/types';
import { resourcesByAddress } from '../desired/by-address';
import { builtinKinds, entryFromDesired, type DesiredBase, type KindRegistry, type WriteContext } from '../kinds';
import { UserFacingError } from '../util/errors';
import { isQuiet, isStateOnly, type Plan, type PlanStep } from './plan-types';
import type { LiveState } from './apply-state';

export interface ApplyOptions {
  /** The Kestra client; each kind names the calls it needs. */
  client: unknown;
  stack: DesiredStack;
  plan: Plan;
  state: LiveState;
  kinds?: KindRegistry;
  parallelism?: number;
  /** Called after each step that is not quiet (for progress). */
  onProgress?: (done: number, total: number, step: PlanStep, error?: unknown) => void;
  /** Polled before each step starts: true stops launching new steps (SIGINT). */
  shouldStop?: () => boolean;
  /** Skip Kestra's validate endpoint (tests of local validation only). */
  skipServerValidation?: boolean;
}

export interface ApplyResult {
  added: number;
  changed: number;
  destroyed: number;
  imported: number;
  /** State entries that took changes made outside kestraform (refresh-only, pull). */
  accepted: number;
  failed: Array<{ address: string; error: unknown }>;
  /** Steps not started (after a failure in an earlier phase, or an interrupt). */
  skipped: string[];
  interrupted: boolean;
}

export class ValidationFailedError extends UserFacingError {
  constructor(readonly problems: string[]) {
    super(`${problems.length} object${problems.length === 1 ? ' is' : 's are'} invalid (Kestra's validation); nothing was applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export async function applyPlan(opts: ApplyOptions): Promise<ApplyResult> {
  const { plan, stack } = opts;
  const kinds = opts.kinds ?? builtinKinds;
  if (plan.errors.length) throw new ValidationFailedError(plan.errors);
  const desired = resourcesByAddress(stack);
  const desiredOf = (s: PlanStep): DesiredBase => {
    const d = desired.get(s.address);
    if (!d) throw new Error(`${s.address}: the plan writes it, but the stack does not declare it (internal error)`);
    return d;
  };
  if (!opts.skipServerValidation) await validateWrites(plan.steps, desiredOf, kinds, opts.client);

  const result: ApplyResult = { added: 0, changed: 0, destroyed: 0, imported: 0, accepted: 0, failed: [], skipped: [], interrupted: false };
  const ctx: WriteContext = { client: opts.client, kestraMajor: stack.settings.kestra_version, entry: (a) => opts.state.entry(a) };
  const written = new Map<string, string[]>();

  // Quiet steps first: state learns what it can vouch for (a newer fingerprint) before anything moves.
  for (const s of plan.steps) if (s.action === 'record') recordEntry(s, opts.state);

  const work = plan.steps.filter((s) => !isQuiet(s));
  const total = work.length;
  let done = 0;
  const execute = async (s: PlanStep): Promise<void> => {
    if (isStateOnly(s)) {
      if (s.action === 'forget') opts.state.remove(s.address);
      else recordEntry(s, opts.state);
      return;
    }
    const h = kinds.of(s.kind);
    if (s.action === 'delete') {
      await h.remove(s.address, ctx);
      opts.state.remove(s.address);
      return;
    }
    const d = desiredOf(s);
    // A step that keeps runtime values (a flow's `disabled` set in Kestra) writes the desired object with them; state records d.
    const fingerprint = await h.write(s.kept && h.withKept ? h.withKept(d, s.kept) : d, s.action as 'create' | 'update' | 'replace', ctx);
    opts.state.set(entryFromDesired(h, d, fingerprint, new Date().toISOString()));
    push(written, h.kind, s.address);
  };

  const phases = [...new Set(work.map((s) => s.phase))].sort((a, b) => a - b);
  const limit = pLimit(Math.max(1, opts.parallelism ?? 8));
  for (const phase of phases) {
    const inPhase = work.filter((s) => s.phase === phase);
    if (result.failed.length || result.interrupted) {
      result.skipped.push(...inPhase.map((s) => s.address));
      continue;
    }
    const byAddress = new Map(inPhase.map((s) => [s.address, s]));
    const finished = new Map<string, Promise<boolean>>();
    // How an action's end reaches state: a write waits for its save; the phase's last action to
    // end, and any that stops the apply, save at once (no spacing wait before the next phase or
    // the exit).
    let open = inPhase.length;
    const ended = (wrote: boolean, now = false): Promise<void> | undefined => {
      const last = --open === 0;
      return last || now ? opts.state.flush() : wrote ? opts.state.save() : undefined;
    };
    const run = (s: PlanStep): Promise<boolean> => {
      let p = finished.get(s.address);
      if (p) return p;
      p = (async () => {
        const deps = await Promise.all(s.dependsOn.filter((a) => byAddress.has(a)).map((a) => run(byAddress.get(a)!)));
        if (deps.some((ok) => !ok)) {
          result.skipped.push(s.address);
          await ended(false);
          return false;
        }
        // The API call holds a concurrency slot; the state save that follows does not, so
        // saves (coalesced) never throttle the writes.
        const outcome = await limit(async (): Promise<'ok' | 'stopped' | { error: unknown }> => {
          if (opts.shouldStop?.()) return 'stopped';
          try {
            await execute(s);
            return 'ok';
          } catch (e) {
            return { error: e };
          }
        });
        if (outcome === 'stopped') {
          result.interrupted = true;
          result.skipped.push(s.address);
          await ended(false, true);
          return false;
        }
        if (outcome !== 'ok') {
          result.failed.push({ address: s.address, error: outcome.error });
          opts.onProgress?.(++done, total, s, outcome.error);
          await ended(false);
          return false;
        }
        count(result, s);
        await ended(true);
        opts.onProgress?.(++done, total, s);
        return true;
      })();
      finished.set(s.address, p);
      return p;
    };
    await Promise.all(inPhase.map(run));
  }

  // Best effort: without these the next refresh downloads to compare, which is slower, not wrong.
  await Promise.allSettled([...written].map(([kind, addresses]) => kinds.of(kind).afterWrites?.(addresses, ctx, opts.state)));
  await opts.state.flush();
  return result;
}

function recordEntry(s: PlanStep, state: LiveState): void {
  if (!s.entry) throw new Error(`${s.address}: a ${s.action} step without the state entry it records (internal error)`);
  state.set({ ...s.entry, updatedAt: new Date().toISOString() });
}

function count(r: ApplyResult, s: PlanStep): void {
  if (s.action === 'create') r.added++;
  else if (s.action === 'update') r.changed++;
  else if (s.action === 'delete') r.destroyed++;
  else if (s.action === 'replace') {
    r.added++;
    r.destroyed++;
  } else if (s.action === 'import') r.imported++;
  else if (s.action === 'accept') r.accepted++;
}

/**
 * Every object to write was checked locally when the stacks were read (tree reader, desired
 * reader); here Kestra itself checks each kind's writes (flows: its validate endpoint), all
 * before any write.
 */
async function validateWrites(steps: readonly PlanStep[], desiredOf: (s: PlanStep) => DesiredBase, kinds: KindRegistry, client: unknown): Promise<void> {
  const byKind = new Map<string, DesiredBase[]>();
  for (const s of steps) {
    if (s.action !== 'create' && s.action !== 'update') continue;
    push(byKind, s.kind, desiredOf(s));
  }
  const problems: string[] = [];
  for (const [kind, ds] of byKind) {
    const h = kinds.of(kind);
    if (h.validateWrites) problems.push(...(await h.validateWrites(ds, client)));
  }
  if (problems.length) throw new ValidationFailedError(problems);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
