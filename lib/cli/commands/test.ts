/**
 * `kestraform test`: runs the unit tests (Kestra Enterprise test suites) the stacks declare,
 * through Kestra's API, after an apply put them there — and reports Kestra's results: text, and
 * JUnit XML for CI with `--junit FILE`. Exit 0 when every test passed, 1 otherwise (a failure, an
 * error, a suite Kestra does not hold). The embedded local server cannot execute flows: there it
 * says so and exits 1, never inventing a result.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import pLimit from 'p-limit';
import { prepareStacks } from '../prepare';
import { openTargets, type Target } from '../target';
import { withTargets } from '../session';
import { addStackOptions, type StackSelection } from '../stack-selection';
import { UserError } from '../errors';
import { secondsOption } from '../seconds-option';
import { shouldColor } from '../../render';
import { paint } from '../../render/color';
import { renderJunit, renderTestText, testsPassed, totalsOf, type SuiteOutcome } from '../../render/test-results';
import { KestraApiError } from '../../kestra/errors';
import { TEST_RUN_TIMEOUT_MS } from '../../kestra/tests';
import type { DesiredTestSuite } from '../../kinds';
import { writeFileAtomic } from '../../util/atomic-write';

/** Suites run at once on one Kestra (each runs its flow once per test case). */
const SUITES_AT_ONCE = 4;

export function register(program: Command): void {
  addStackOptions(program.command('test'))
    .description("Run the stacks' unit tests (Kestra Enterprise test suites) in Kestra and report the results; exit 1 when any fails. Apply first: the suites run as Kestra holds them")
    .option('--junit <file>', 'also write the results as JUnit XML to this file (for CI test reports)')
    .option('--no-cache', 'run the app even when nothing it read changed since its last synth')
    .option('--timeout <seconds>', `how long one suite's run may take: Kestra answers once its test cases' executions end (default ${TEST_RUN_TIMEOUT_MS / 1000})`)
    .action(async (opts: StackSelection & { junit?: string; timeout?: string }) => {
      const runTimeoutMs = parseRunTimeout(opts.timeout);
      const { project, stacks } = await prepareStacks({ ...opts, command: 'test' });
      const declared = stacks.map((s) => ({ stack: s, suites: s.resources.filter((r): r is DesiredTestSuite => r.kind === 'test') }));
      const count = declared.reduce((n, d) => n + d.suites.length, 0);
      const targets = await openTargets(project, stacks);
      const outcomes = await withTargets(targets, async () => {
        const embedded = stacks.filter((s) => targets.of(s).embedded);
        if (embedded.length) {
          throw new UserError(
            `the embedded local Kestra server cannot execute flows, so it cannot run unit tests (${count ? `${count} test suite${count === 1 ? '' : 's'} declared` : 'and the stacks declare none'}); no result is made up — set KESTRA_URL to a Kestra Enterprise server the stacks were applied to, then run kestraform test again`,
          );
        }
        const limit = pLimit(SUITES_AT_ONCE);
        const all = declared.flatMap((d) => d.suites.map((suite) => limit(() => runSuite(suite, targets.of(d.stack), runTimeoutMs))));
        return Promise.all(all);
      });
      if (!count) {
        process.stdout.write('No unit tests: the stacks declare no test suites (a NamespaceTree reads <namespace>/tests/*.yaml, with edition: \'ee\').\n');
      } else {
        process.stdout.write(renderTestText(outcomes, paint(shouldColor(process.stdout, process.env))) + '\n');
      }
      if (opts.junit) {
        const file = path.resolve(opts.junit);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        writeFileAtomic(file, renderJunit(outcomes));
        process.stderr.write(`JUnit XML written to ${path.relative(process.cwd(), file) || file}\n`);
      }
      process.exitCode = testsPassed(totalsOf(outcomes)) ? 0 : 1;
    });
}

/** `--timeout <seconds>` as milliseconds (undefined: the default). */
function parseRunTimeout(seconds: string | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(secondsOption('--timeout', seconds, { aboveZero: true }));
}

async function runSuite(suite: DesiredTestSuite, target: Target, timeoutMs: number | undefined): Promise<SuiteOutcome> {
  const where = { address: suite.address, namespace: suite.namespace, id: suite.objectId };
  try {
    return { ...where, run: await target.client.runTestSuite(suite.namespace, suite.objectId, timeoutMs) };
  } catch (e) {
    if (e instanceof KestraApiError && e.status === 404) return { ...where, problem: `Kestra at ${target.url} holds no test suite ${suite.namespace}/${suite.objectId} (HTTP 404) — run kestraform apply first` };
    if (e instanceof Error) return { ...where, problem: e.message };
    throw e;
  }
}
