/**
 * Reading Kestra while the app runs. When a plan must run the app (the tree changed), the CLI
 * would otherwise wait for the app, then read every namespace. Instead, while the app runs in its
 * own process, it reads the stacks as the last kept synth had them (./project/decoded-cache) —
 * reads only, against the same target and state — and the refresh afterwards takes each
 * namespace's reading where nothing it depended on changed in the new synth
 * (lib/engine/refresh.ts adopter); the rest it reads again. Nothing here writes.
 *
 * Only for stacks whose Kestra is named (KESTRA_URL or the stack's URL variable): the embedded
 * local server is one per data folder, opened by the command itself.
 */
import type { DesiredStack, DesiredState } from '../desired/types';
import type { StateFile } from '../engine/state-types';
import { readStackAhead, type StackReadAhead } from '../engine/run';
import { clientConfigForTarget } from '../kestra/config';
import type { KeptAnswers } from '../kestra/http';
import type { Project } from '../project/config';
import { openTargets, type Targets } from './target';
import { backendFor, planStacks, withTargets } from './session';
import { checkStacksPausing, orderStacks, synthesizeStacks, type PrepareOptions, type Prepared } from './prepare';
import type { StackPlan } from '../engine/run';
import { saveEarlyReads } from './early-reads';

/**
 * What a read-only command (plan, drift) does: synthesize the stacks, open their targets and plan
 * each — reading Kestra ahead while the app runs, and while the stacks are checked offline: the
 * reads go out first, then the checks run as they come back. An error found offline stops the
 * command as before, its plans never shown (their reads end, and the targets close, on their
 * own). `between` runs once the stacks are checked, before a plan is shown.
 */
export async function planReadOnly(opts: PrepareOptions, between?: (prepared: Prepared) => void): Promise<Prepared & { plans: StackPlan[] }> {
  let readAhead: StacksReadAhead | undefined;
  try {
    const { project, desired } = await synthesizeStacks({ ...opts, whileAppRuns: (p, previous) => (readAhead = startReadAhead(p, previous)) });
    const stacks = orderStacks(desired.stacks);
    const planning = openTargets(project, stacks).then((targets) => withTargets(targets, () => planStacks(project, stacks, targets, readAhead)));
    planning.catch(() => undefined); // reported below, unless an offline check stops the command first
    await requestsSent();
    const prepared = await checkStacksPausing(project, desired);
    between?.(prepared);
    const plans = await planning;
    saveEarlyReads();
    return { ...prepared, plans };
  } finally {
    await readAhead?.close();
  }
}

/** Lets what was just started run to its first requests (the client writes them from an immediate of its own). */
function requestsSent(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

export interface StacksReadAhead {
  /**
   * The reading made for `stack` (of the new synth), the state it was made with and the answers
   * it received — when the previous synth had a stack of that name with the same target and state
   * settings. A namespace the plan must read again takes those answers (KeptAnswers) instead of
   * asking the same questions: as fresh as the namespaces it takes whole.
   */
  of(stack: DesiredStack): Promise<{ state: StateFile | undefined; ahead: StackReadAhead; answers: KeptAnswers } | undefined>;
  /** Closes the connections (after the plans). */
  close(): Promise<void>;
}

export function startReadAhead(project: Project, previous: DesiredState, env: NodeJS.ProcessEnv = process.env): StacksReadAhead | undefined {
  if (previous.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const stacks = previous.stacks;
  if (!stacks.length || stacks.some((s) => !clientConfigForTarget(s.settings.target, env))) return undefined;
  const opened: Promise<Targets> = openTargets(project, stacks, env);
  opened.catch(() => undefined); // the command opens its own targets, and reports their problems
  const readings = new Map(
    stacks.map((s) => {
      const reading = (async () => {
        const target = (await opened).of(s);
        const answers = target.client.keepAnswers();
        const state = await backendFor(project, s, target).read();
        return { state, answers, ahead: readStackAhead(s, state, { client: target.client, target: { url: target.url, tenant: target.tenant } }) };
      })();
      reading.catch(() => undefined); // unused: the plan reads that stack itself
      return [s.name, { stack: s, reading }] as const;
    }),
  );
  return {
    async of(stack) {
      const before = readings.get(stack.name);
      if (!before) return undefined;
      // Another Kestra, tenant, credentials or state place: nothing read stands.
      if (JSON.stringify(before.stack.settings.target) !== JSON.stringify(stack.settings.target)) return undefined;
      if (JSON.stringify(before.stack.settings.backend) !== JSON.stringify(stack.settings.backend)) return undefined;
      try {
        return await before.reading;
      } catch {
        return undefined;
      }
    },
    async close() {
      let targets: Targets;
      try {
        targets = await opened;
      } catch {
        return;
      }
      // Readings nobody took may still be out: let them end, then close.
      await Promise.allSettled([...readings.values()].map(async (r) => Promise.all([...(await r.reading).ahead.reading.namespaces.values()])));
      await targets.close();
      for (const [name, r] of readings) {
        const read = await r.reading.catch(() => undefined);
        read?.answers.clear();
        if (env.KESTRAFORM_SYNTH_CACHE_DEBUG) {
          const ahead = read?.ahead;
          process.stderr.write(`Read ahead while the app ran: stack ${name}: ${ahead ? `${ahead.reading.taken.size} of ${ahead.reading.namespaces.size} namespaces taken, ${read.answers.taken} answers taken again` : 'not read'}\n`);
        }
      }
    },
  };
}
