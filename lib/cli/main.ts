/**
 * kestraform's command line: one commander program, one module per command under ./commands.
 */
import { Command, CommanderError } from 'commander';
import { reportFatal } from './errors';
import { loadProject } from '../project/config';
import { abandonEarlyApp, startAppEarly } from '../project/run-app';
import { KESTRAFORM_VERSION } from '../version';

/** Commands that begin with a synth: their app run starts before the rest of the CLI loads. */
const SYNTHESIZING = new Set(['synth', 'validate', 'plan', 'apply', 'destroy', 'drift', 'status', 'import', 'pull', 'test']);

/** Each command module exports `register(program)`; the list keeps `--help` in contract order. */
const COMMANDS = ['init', 'synth', 'validate', 'plan', 'apply', 'destroy', 'drift', 'status', 'import', 'pull', 'test', 'server'];

export function buildProgram(): Command {
  const program = new Command('kestraform')
    .description('Reconcile a Kestra server with what Git holds: flows, namespace files, KV pairs, and (Kestra Enterprise) apps, unit tests, dashboards, namespaces and secrets.')
    .version(KESTRAFORM_VERSION, '-V, --version', 'print the version of kestraform that runs')
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
  startSynthEarly(argv);
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 1;
      return;
    }
    process.exitCode = reportFatal(e);
  } finally {
    abandonEarlyApp();
  }
}

/**
 * The app (cdktf synth, a child process) runs on another core while this process loads the
 * engine, the Kestra client and the embedded server; the command then takes the finished run.
 * Anything unusual (help, no cdktf.json) leaves the normal path to do and report it.
 */
function startSynthEarly(argv: string[]): void {
  if (!SYNTHESIZING.has(argv[0]) || argv.some((a) => a === '-h' || a === '--help')) return;
  try {
    startAppEarly(loadProject());
  } catch {
    // the command reports the problem itself
  }
}
