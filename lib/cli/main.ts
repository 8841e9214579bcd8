/**
 * kestraform's command line: one commander program, one module per command under ./commands.
 * Only what starts the app is loaded before the app is started; a command's module (and what it
 * needs) loads only when that command runs.
 */
import type { Command } from 'commander';
import { KESTRAFORM_VERSION } from '../version';

/** Commands that begin with a synth: their app run starts before the rest of the CLI loads. */
const SYNTHESIZING = new Set(['synth', 'validate', 'plan', 'apply', 'destroy', 'drift', 'status', 'import', 'pull', 'test']);

/**
 * Each command module exports `register(program)`; the list keeps `--help` in contract order.
 * Plain require calls, one per module, so that the one-file build (scripts/build-dist.js) holds them.
 */
const COMMANDS: Record<string, () => { register(p: Command): void }> = {
  init: () => require('./commands/init'),
  synth: () => require('./commands/synth'),
  validate: () => require('./commands/validate'),
  plan: () => require('./commands/plan'),
  show: () => require('./commands/show'),
  apply: () => require('./commands/apply'),
  destroy: () => require('./commands/destroy'),
  drift: () => require('./commands/drift'),
  status: () => require('./commands/status'),
  import: () => require('./commands/import'),
  pull: () => require('./commands/pull'),
  test: () => require('./commands/test'),
  server: () => require('./commands/server'),
};

/**
 * The program with every command (`only` given: that command alone — what running it needs;
 * null: none, for `--version`).
 */
export function buildProgram(only?: string | null): Command {
  const { Command } = require('commander') as typeof import('commander');
  const program = new Command('kestraform')
    .description('Reconcile a Kestra server with what Git holds: flows, namespace files, KV pairs, and (Kestra Enterprise) apps, unit tests, dashboards, namespaces and secrets.')
    .version(KESTRAFORM_VERSION, '-V, --version', 'print the version of kestraform that runs')
    .showHelpAfterError()
    .exitOverride();
  for (const [name, load] of Object.entries(COMMANDS)) {
    if (only !== undefined && name !== only) continue;
    load().register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  startSynthEarly(argv);
  try {
    await buildProgram(commandsNeeded(argv)).parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof (require('commander') as typeof import('commander')).CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 1;
      return;
    }
    process.exitCode = (require('./errors') as typeof import('./errors')).reportFatal(e);
  } finally {
    earlyApp?.abandonEarlyApp();
    await earlyReads?.endEarlyReads();
    earlyReads = undefined;
  }
}

/**
 * Which commands to register: the one named first (its help, options and errors need no other),
 * none for a bare `--version`, and all of them otherwise (the program's help, suggestions for a
 * mistyped command).
 */
function commandsNeeded(argv: string[]): string | null | undefined {
  if (Object.hasOwn(COMMANDS, argv[0])) return argv[0];
  if (argv.length === 1 && (argv[0] === '-V' || argv[0] === '--version')) return null;
  return undefined;
}

/** The app runner, once a command that synthesizes started the app early (loaded only then). */
let earlyApp: typeof import('../project/run-app') | undefined;
/** The early reads, once a read-only command started them (./early-reads; loaded only then). */
let earlyReads: typeof import('./early-reads') | undefined;
/** Commands that only read Kestra: they send the GETs the last of them asked before anything else (./early-reads). */
const READ_EARLY = new Set(['plan', 'drift']);

/**
 * The app (cdktf synth, a child process) runs on another core while this process loads the
 * engine, the Kestra client and the embedded server; the command then takes the finished run.
 * First, the output folder's synth is checked (a stat per input the app read): when nothing
 * changed, no app starts at all (`--no-cache`: it always starts). Anything unusual (help, no
 * cdktf.json) leaves the normal path to do and report it.
 */
function startSynthEarly(argv: string[]): void {
  if (!SYNTHESIZING.has(argv[0]) || argv.some((a) => a === '-h' || a === '--help')) return;
  try {
    const args = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
    const { loadProject } = require('../project/config') as typeof import('../project/config');
    const project = loadProject();
    if (READ_EARLY.has(argv[0])) {
      earlyReads = require('./early-reads') as typeof import('./early-reads');
      earlyReads.startEarlyReads(project.dir, argv);
    }
    earlyApp = require('../project/run-app') as typeof import('../project/run-app');
    earlyApp.startAppEarly(project, { reuse: !args.includes('--no-cache') });
  } catch {
    // the command reports the problem itself
  }
}
