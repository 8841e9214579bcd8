import * as path from 'node:path';
import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTargets } from '../target';
import { backendFor, planWith, withTargets } from '../session';
import { UserError } from '../errors';
import { LiveState } from '../../engine/apply-state';
import { applyPlan } from '../../engine/apply';
import { adoptSteps, planImport, stateOnlyPlan } from '../../engine/plan-state-only';
import { newState } from '../../engine/state';
import { ADDRESS_FORMS, parseAddress } from '../../model/addresses';
import { builtinKinds } from '../../kinds';
import { executePullWrites, planPullWrites } from '../../pull/pull';

export function register(program: Command): void {
  program
    .command('import')
    .description(`Adopt live Kestra objects into state (${ADDRESS_FORMS}); one not in Git yet is first written into the repository where the stack keeps new objects of its namespace`)
    .argument('<address...>', 'addresses to adopt')
    .option('--stack <name>', 'the stack that declares them (or owns their namespace); repeat for several', (name: string, names: string[]) => [...names, name], [] as string[])
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (addresses: string[], opts: { stack: string[]; cache: boolean }) => {
      for (const a of addresses) {
        const p = parseAddress(a);
        if (!p || !builtinKinds.has(p.kind) || builtinKinds.of(p.kind).localOnly) throw new UserError(`"${a}" is not an address of a Kestra object: write ${ADDRESS_FORMS}`);
      }
      const { project, stacks } = await prepareStacks(opts);
      const targets = await openTargets(project, stacks, process.env, { writes: true });
      await withTargets(targets, async () => {
        const remaining = new Set(addresses);
        const declaredAnywhere = (a: string) => stacks.some((s) => s.resources.some((r) => r.address === a));
        for (const stack of stacks) {
          const declared = addresses.filter((a) => remaining.has(a) && stack.resources.some((r) => r.address === a));
          const fresh = addresses.filter((a) => remaining.has(a) && !declaredAnywhere(a) && stack.settings.namespaces.includes(parseAddress(a)!.namespace));
          if (!declared.length && !fresh.length) continue;
          const target = targets.of(stack);
          const backend = backendFor(project, stack, target);
          const lock = await backend.lock({ operation: 'import' });
          try {
            const current = await planWith(stack, backend, target);
            // Declared objects are adopted as they are live; objects not in Git yet are first written there.
            const steps = planImport(current.plan, declared, stack, current.live, current.state).steps;
            const written: string[] = [];
            if (fresh.length) {
              const items = current.plan.drift.filter((d) => d.drift === 'unmanaged' && fresh.includes(d.address));
              const absent = fresh.filter((a) => !items.some((i) => i.address === a));
              if (absent.length) throw new UserError(`not in Kestra, so nothing to import: ${absent.join(', ')}`);
              const { writes, skipped } = await planPullWrites(items, { stack, live: current.live, state: current.state, client: target.client, projectDir: project.dir });
              if (skipped.length) throw new UserError(`cannot import into the repository:\n${skipped.map((s) => `  ${s}`).join('\n')}`);
              executePullWrites(writes);
              steps.push(...adoptSteps(writes.flatMap((w) => (w.adopt ? [w.adopt] : []))));
              for (const w of writes) written.push(`${w.address}: written to ${path.relative(project.dir, w.file)} and recorded in state of stack "${stack.name}".`);
            }
            const state = new LiveState(current.state ?? newState(stack.name), backend);
            await applyPlan({ client: target.client, stack, plan: stateOnlyPlan(current.plan, steps), state });
            for (const a of declared) {
              remaining.delete(a);
              process.stdout.write(`${a}: Import prepared and recorded in state of stack "${stack.name}".\n`);
            }
            for (const w of fresh) remaining.delete(w);
            for (const line of written) process.stdout.write(line + '\n');
          } finally {
            await lock.release();
          }
        }
        if (remaining.size) {
          throw new UserError(`neither declared nor in a namespace ${opts.stack.length ? `stack ${opts.stack.map((n) => `"${n}"`).join(', ')}` : 'any stack'} owns: ${[...remaining].join(', ')} — add its namespace to a stack (a source for it, or the stack's \`namespaces\`) first`);
        }
        process.stdout.write('\nImport successful! The imported objects are now managed by kestraform; run `kestraform plan` to see any difference from Git.\n');
      });
    });
}
