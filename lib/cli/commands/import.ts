import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTarget } from '../target';
import { backendFor, planWith, withTarget } from '../session';
import { UserError } from '../errors';
import { LiveState } from '../../engine/apply-state';
import { adoptIntoState } from '../../engine/import';
import { newState } from '../../engine/state';

export function register(program: Command): void {
  program
    .command('import')
    .description('Adopt live Kestra objects into state (flow:NS/ID, file:NS:/PATH, kv:NS/KEY); they must be declared in a stack')
    .argument('<address...>', 'addresses to adopt')
    .option('--stack <name>', 'the stack that declares them')
    .action(async (addresses: string[], opts: { stack?: string }) => {
      const { project, stacks } = await prepareStacks(opts);
      const target = await openTarget(project);
      await withTarget(target, async () => {
        const remaining = new Set(addresses);
        for (const stack of stacks) {
          const mine = addresses.filter((a) => stack.resources.some((r) => r.address === a));
          if (!mine.length) continue;
          const backend = backendFor(project, stack, target);
          const lock = await backend.lock({ operation: 'import' });
          try {
            const current = await planWith(stack, backend, target);
            const state = new LiveState(current.state ?? newState(stack.name), backend);
            for (const a of mine) {
              adoptIntoState(a, stack, current.live, state);
              remaining.delete(a);
              process.stdout.write(`${a}: Import prepared and recorded in state of stack "${stack.name}".\n`);
            }
            await state.save();
          } finally {
            await lock.release();
          }
        }
        if (remaining.size) {
          throw new UserError(`not declared in ${opts.stack ? `stack "${opts.stack}"` : 'any stack'}: ${[...remaining].join(', ')} — kestraform imports only objects its configuration declares; add them to the Git tree first`);
        }
        process.stdout.write('\nImport successful! The imported objects are now managed by kestraform; run `kestraform plan` to see any difference from Git.\n');
      });
    });
}
