/**
 * kestraform's command line: one commander program, one module per command under ./commands.
 */
import { Command, CommanderError } from 'commander';
import { reportFatal } from './errors';

/** Each command module exports `register(program)`; the list keeps `--help` in contract order. */
const COMMANDS = ['synth', 'validate', 'plan', 'apply', 'drift', 'import', 'pull', 'server'];

export function buildProgram(): Command {
  const program = new Command('kestraform')
    .description('Reconcile a Kestra server with flows, namespace files and KV pairs kept in Git.')
    .showHelpAfterError()
    .exitOverride();
  for (const name of COMMANDS) {
    let mod: { register?: (p: Command) => void };
    try {
      mod = require(`./commands/${name}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(`commands/${name}`)) continue;
      throw e;
    }
    mod.register?.(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 1;
      return;
    }
    process.exitCode = reportFatal(e);
  }
}
