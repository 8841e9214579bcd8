import type { Command } from 'commander';
import { loadProject } from '../../project/config';
import { synthesize } from '../../project/synth';
import { summarizeStack } from '../summary';
import { formatDiagnostic, hasErrors, sortDiagnostics } from '../../util/diagnostics';

export function register(program: Command): void {
  program
    .command('synth')
    .description('Run the app of cdktf.json (main.ts) and read the synthesized stacks from cdktf.out/')
    .option('--stack <name>', 'only this stack (repeat for several)', (name: string, names: string[]) => [...names, name], [] as string[])
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .action(async (opts: { stack: string[]; cache: boolean }) => {
      const project = loadProject();
      const desired = await synthesize(project, { stacks: opts.stack.length ? opts.stack : undefined, noCache: !opts.cache });
      for (const stack of desired.stacks) process.stdout.write(summarizeStack(stack) + '\n');
      for (const d of sortDiagnostics(desired.diagnostics)) process.stderr.write(formatDiagnostic(d) + '\n');
      process.stdout.write(`Synthesized to ${require('node:path').relative(project.dir, project.outDir) || '.'}/\n`);
      if (hasErrors(desired.diagnostics)) {
        process.stderr.write('Error: the stacks have errors (listed above); run `kestraform validate` after fixing them.\n');
        process.exitCode = 1;
      }
    });
}
