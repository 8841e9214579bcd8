import * as path from 'node:path';
import type { Command } from 'commander';
import { prepareStacks } from '../prepare';
import { openTargets } from '../target';
import { backendFor, planWith, withTargets } from '../session';
import { addStackOptions, type StackSelection } from '../stack-selection';
import { UserError } from '../errors';
import { parseLockTimeout } from '../carry-out';
import { LiveState } from '../../engine/apply-state';
import { applyPlan } from '../../engine/apply';
import { acceptDriftSteps, adoptSteps, stateOnlyPlan } from '../../engine/plan-state-only';
import { newState } from '../../engine/state';
import { executePullWrites, planPullWrites, selectForPull, type PullWrite } from '../../pull/pull';
import { dirtyFiles } from '../../pull/git-status';
import { commitPaths, parseAuthor, prepareBranch, workTreeOf, type Author } from '../../pull/git-commit';

interface PullOptions extends StackSelection {
  includeUnmanaged?: boolean;
  force?: boolean;
  commit?: boolean;
  message?: string;
  author?: string;
  branch?: string;
  lockTimeout: string;
}

export function register(program: Command): void {
  addStackOptions(program.command('pull'))
    .description('Write objects changed in Kestra outside kestraform back into the repository, each into its own file (new ones where the stack says)')
    .argument('[address...]', 'only these addresses (default: every drifted object)')
    .option('--include-unmanaged', 'also write objects created in Kestra in the namespaces the stack owns')
    .option('--force', 'overwrite files that have uncommitted changes')
    .option('--commit', 'commit the files pulled (one commit; never pushed)')
    .option('-m, --message <text>', 'commit message (with --commit)')
    .option('--author <"Name <email>">', 'commit author and committer (with --commit; default: your Git identity)')
    .option('--branch <name>', 'commit on this new branch, made from the current one (with --commit; default: the current branch)')
    .option('--lock-timeout <seconds>', 'wait this long for the state lock', '0')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (addresses: string[], opts: PullOptions) => {
      if (!opts.commit && (opts.message || opts.author || opts.branch)) throw new UserError('--message, --author and --branch go with --commit');
      const lockWaitMs = parseLockTimeout(opts.lockTimeout);
      const author: Author | undefined = opts.author ? parseAuthor(opts.author) : undefined;
      // Each environment may have drifted its own way: pull from the ones named.
      const { project, stacks } = await prepareStacks({ ...opts, selection: 'named-when-several', command: 'pull from' });
      const top = opts.commit ? workTreeOf(project.dir) : undefined;
      const targets = await openTargets(project, stacks, process.env, { writes: true });
      const pulled: PullWrite[] = [];
      const refused: string[] = [];
      let branchReady = false;
      await withTargets(targets, async () => {
        for (const stack of stacks) {
          const target = targets.of(stack);
          const backend = backendFor(project, stack, target);
          const lock = await backend.lock({ operation: 'pull' }, { waitMs: lockWaitMs });
          try {
            const current = await planWith(stack, backend, target);
            const mine = addresses.length ? addresses.filter((a) => current.plan.drift.some((d) => d.address === a) || stack.resources.some((r) => r.address === a)) : undefined;
            if (addresses.length && !mine?.length) continue;
            const items = selectForPull(current.plan, { addresses: mine, includeUnmanaged: opts.includeUnmanaged });
            const { writes, skipped } = await planPullWrites(items, { stack, live: current.live, state: current.state, client: target.client, projectDir: project.dir });
            for (const s of skipped) process.stderr.write(`Warning: not pulled: ${s}\n`);
            refused.push(...skipped);
            const dirty = opts.force ? [] : dirtyFiles([...new Set(writes.map((w) => w.file))], project.dir);
            if (dirty.length) {
              throw new UserError(`these files have uncommitted changes and would be overwritten:\n${dirty.map((f) => `  ${path.relative(project.dir, f)}`).join('\n')}\ncommit or stash them first, or pass --force`);
            }
            if (top && writes.length && !branchReady) {
              prepareBranch(top, opts.branch);
              branchReady = true;
            }
            executePullWrites(writes);
            for (const w of writes) process.stdout.write(`${w.change.action === 'delete' ? 'deleted' : 'wrote'} ${path.relative(project.dir, w.file)}  (${w.address}${w.adopt ? ', new' : ''})\n`);
            // State takes what was written to Git: Git, Kestra and state agree again.
            const steps = [
              ...acceptDriftSteps(current.plan, current.live, current.state, { only: new Set(writes.map((w) => w.address)), reason: 'pulled-into-git' }),
              ...adoptSteps(writes.flatMap((w) => (w.adopt ? [w.adopt] : []))),
            ];
            const state = new LiveState(current.state ?? newState(stack.name), backend);
            await applyPlan({ client: target.client, stack, plan: stateOnlyPlan(current.plan, steps), state });
            pulled.push(...writes);
          } finally {
            await lock.release();
          }
        }
      });
      // Objects named on the command line that could not be pulled are an error, not a note.
      if (addresses.length && refused.length) process.exitCode = 1;
      if (!pulled.length) {
        const left = refused.length ? `; ${refused.length} object${refused.length === 1 ? '' : 's'} changed outside kestraform could not be pulled (see the warnings above)` : ': no object changed outside kestraform';
        process.stdout.write(`Nothing pulled${left}.\n`);
        return;
      }
      const n = pulled.length;
      if (!top) {
        process.stdout.write(`\nPulled ${n} object${n === 1 ? '' : 's'} into the repository. Review with \`git diff\` and commit (or pull with --commit).\n`);
        return;
      }
      const message = opts.message ?? defaultMessage(pulled, [...new Set(stacks.map((s) => targets.of(s).url))].join(', '));
      const commit = commitPaths(top, pulled.map((w) => w.file), message, author);
      if (commit) process.stdout.write(`\nPulled ${n} object${n === 1 ? '' : 's'} and committed them as ${commit.slice(0, 12)} (not pushed).\n`);
      else process.stdout.write(`\nPulled ${n} object${n === 1 ? '' : 's'}; the files already held what Kestra holds, so there was nothing to commit.\n`);
    });
}

function defaultMessage(writes: PullWrite[], url: string): string {
  const lines = writes.map((w) => `- ${w.address} (${w.removedInKestra ? 'deleted in Kestra' : w.adopt ? 'created in Kestra' : 'changed in Kestra'})`);
  return `kestraform pull: ${writes.length} object${writes.length === 1 ? '' : 's'} changed in Kestra\n\nFrom ${url}:\n${lines.join('\n')}\n`;
}
