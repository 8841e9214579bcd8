import type { Command } from 'commander';
import { loadProject } from '../../project/config';
import { synthesize } from '../../project/synth';
import { projectDiagnostics } from '../prepare';
import { addStackOptions, requestedStacks, type StackSelection } from '../stack-selection';
import { summarizeStack } from '../summary';
import { formatDiagnostic, hasErrors } from '../../util/diagnostics';

export function register(program: Command): void {
  addStackOptions(program.command('validate'))
    .description('Synthesize and check the stacks and their Git trees offline; lists every error with file and line')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (opts: StackSelection) => {
      const project = loadProject();
      const desired = await synthesize(project, { stacks: requestedStacks(opts), noCache: opts.cache === false });
      for (const stack of desired.stacks) process.stdout.write(summarizeStack(stack) + '\n');
      const sorted = projectDiagnostics(project, desired);
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
