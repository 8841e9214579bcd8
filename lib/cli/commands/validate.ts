import type { Command } from 'commander';
import { loadProject } from '../../project/config';
import { synthesize } from '../../project/synth';
import { offlineChecks } from '../../validate/offline';
import { crossStackConflicts } from '../../desired/ownership';
import { targetKeyOf } from '../target-key';
import { summarizeStack } from '../summary';
import { formatDiagnostic, hasErrors, sortDiagnostics } from '../../util/diagnostics';

export function register(program: Command): void {
  program
    .command('validate')
    .description('Synthesize and check the stacks and their Git trees offline; lists every error with file and line')
    .option('--stack <name>', 'only this stack (repeat for several)', (name: string, names: string[]) => [...names, name], [] as string[])
    .action(async (opts: { stack: string[] }) => {
      const project = loadProject();
      const desired = await synthesize(project, { stacks: opts.stack.length ? opts.stack : undefined });
      const diagnostics = [...desired.diagnostics];
      for (const stack of desired.stacks) diagnostics.push(...offlineChecks(stack, project.dir));
      diagnostics.push(...crossStackConflicts(desired.stacks, (s) => targetKeyOf(s), project.dir));
      for (const stack of desired.stacks) process.stdout.write(summarizeStack(stack) + '\n');
      const sorted = sortDiagnostics(diagnostics);
      for (const d of sorted) process.stderr.write(formatDiagnostic(d) + '\n');
      const errors = sorted.filter((d) => d.severity === 'error').length;
      const warnings = sorted.length - errors;
      if (hasErrors(sorted)) {
        process.stderr.write(`Error: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}. Fix them; nothing was sent to Kestra.\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(`Success! The configuration is valid${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}.\n`);
      }
    });
}
