import * as path from 'node:path';
import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTarget } from '../target';
import { backendFor, planWith, withTarget } from '../session';
import { UserError } from '../errors';
import { LiveState } from '../../engine/apply-state';
import { acceptDrift } from '../../engine/refresh-only';
import { newState } from '../../engine/state';
import { kvValueToCanonical } from '../../kestra';
import { executePullWrites, planPullWrites, selectForPull } from '../../pull/pull';
import { dirtyFiles } from '../../pull/git-status';

interface PullOptions {
  stack?: string;
  includeUnmanaged?: boolean;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('pull')
    .description('Write objects changed in Kestra outside kestraform back into the Git tree (flows, namespace files, kv.yaml)')
    .argument('[address...]', 'only these addresses (default: every drifted object)')
    .option('--stack <name>', 'only this stack')
    .option('--include-unmanaged', 'also write objects created in Kestra in owned namespaces')
    .option('--force', 'overwrite files that have uncommitted changes')
    .action(async (addresses: string[], opts: PullOptions) => {
      const { project, stacks } = await prepareStacks(opts);
      const target = await openTarget(project);
      await withTarget(target, async () => {
        let wrote = 0;
        for (const stack of stacks) {
          const backend = backendFor(project, stack, target);
          const lock = await backend.lock({ operation: 'pull' });
          try {
            const current = await planWith(stack, backend, target);
            const mine = addresses.length ? addresses.filter((a) => current.plan.drift.some((d) => d.address === a) || stack.resources.some((r) => r.address === a)) : undefined;
            if (addresses.length && !mine?.length) continue;
            const items = selectForPull(current.plan, { addresses: mine, includeUnmanaged: opts.includeUnmanaged });
            const { writes, skipped } = await planPullWrites(items, stack, current.live, target.client, kvValueToCanonical, project.dir);
            for (const s of skipped) process.stderr.write(`Warning: ${s}\n`);
            const dirty = opts.force ? [] : dirtyFiles([...new Set(writes.map((w) => w.file))], project.dir);
            if (dirty.length) {
              throw new UserError(`these files have uncommitted changes and would be overwritten:\n${dirty.map((f) => `  ${path.relative(project.dir, f)}`).join('\n')}\ncommit or stash them first, or pass --force`);
            }
            executePullWrites(writes);
            for (const w of writes) process.stdout.write(`${w.action === 'delete' ? 'deleted' : 'wrote'} ${path.relative(project.dir, w.file)}  (${w.address})\n`);
            const state = new LiveState(current.state ?? newState(stack.name), backend);
            acceptDrift(current.plan, current.live, state, new Set(writes.map((w) => w.address)));
            await state.save();
            wrote += writes.length;
          } finally {
            await lock.release();
          }
        }
        process.stdout.write(wrote ? `\nPulled ${wrote} object${wrote === 1 ? '' : 's'} into the Git tree. Review with \`git diff\` and commit.\n` : 'Nothing to pull: no object changed outside kestraform.\n');
      });
    });
}
