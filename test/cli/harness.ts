/**
 * End-to-end harness: a temporary kestraform project (cdktf.json pointing at this repository's
 * main.ts, with its own Git tree copied from examples/kestra) and a way to run the real CLI in it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin', 'kestraform.js');

export interface TempProject {
  dir: string;
  tree: string;
  /** Path inside the tree. */
  at(...parts: string[]): string;
  cleanup(): void;
}

export function makeProject(opts: { context?: Record<string, unknown>; tree?: string } = {}): TempProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-e2e-'));
  const tree = path.join(dir, 'tree');
  fs.cpSync(opts.tree ?? path.join(REPO, 'examples', 'kestra'), tree, { recursive: true });
  const cdktf = {
    language: 'typescript',
    app: `node ${JSON.stringify(path.join(REPO, 'bin', 'run-ts.js'))} ${JSON.stringify(path.join(REPO, 'main.ts'))}`,
    output: 'cdktf.out',
    context: { 'kestraform:tree': tree, ...opts.context },
  };
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify(cdktf, null, 2));
  return { dir, tree, at: (...parts) => path.join(tree, ...parts), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The kill asked for was delivered while the process still ran (false: it had finished first). */
  killed: boolean;
}

export function runCli(cwd: string, args: string[], env: Record<string, string | undefined> = {}, opts: { killAfterMs?: number; signal?: NodeJS.Signals; killAfterFile?: string; killWhen?: () => Promise<boolean> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    let poll: NodeJS.Timeout | undefined;
    let killed = false;
    const killLater = () =>
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) killed = child.kill(opts.signal ?? 'SIGKILL');
      }, opts.killAfterMs);
    if (opts.killAfterMs !== undefined && opts.killAfterFile === undefined) killLater();
    if (opts.killAfterMs !== undefined && opts.killAfterFile !== undefined) {
      // The delay counts from the moment the file appears (e.g. the state lock: the process is past synth).
      poll = setInterval(() => {
        if (!fs.existsSync(opts.killAfterFile!)) return;
        clearInterval(poll);
        killLater();
      }, 5);
    }
    if (opts.killWhen) {
      // Polled until it holds (e.g. the first delete reached the server), then the signal at once.
      const check = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (await opts.killWhen!().catch(() => false)) {
          if (child.exitCode === null && child.signalCode === null) killed = child.kill(opts.signal ?? 'SIGKILL');
        } else setTimeout(check, 10);
      };
      void check();
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}

/**
 * A suite's embedded Kestra and example project, started before its tests (and applied first
 * when `applied`) and removed after them. Read its fields inside tests.
 */
export function cliSuite(opts: { applied?: boolean } = {}) {
  const suite = {
    server: undefined as unknown as import('../../lib/server').RunningKestraServer,
    project: undefined as unknown as TempProject,
    env: {} as Record<string, string>,
    /** A URL of the Kestra API of the suite's server (`/flows/…`). */
    api: (p: string) => `${suite.server.url}/api/v1/main${p}`,
  };
  beforeAll(async () => {
    const { startKestraServer } = await import('../../lib/server');
    suite.server = await startKestraServer({ port: 0 });
    suite.project = makeProject();
    suite.env = { KESTRA_URL: suite.server.url };
    if (opts.applied) expect((await runCli(suite.project.dir, ['apply', '--auto-approve'], suite.env)).code).toBe(0);
  });
  afterAll(async () => {
    await suite.server?.close();
    suite.project?.cleanup();
  });
  return suite;
}
