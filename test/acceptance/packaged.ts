/**
 * kestraform as a team installs it: `npm pack` of this repository, installed into a fresh Git
 * repository (`npm init -y`, then `npm install --save-dev ./kestraform-<version>.tgz`), with none
 * of this repository's files in reach. Commands run the installed bin, in that repository.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
let tarball: string | undefined;

/** Packs this repository once per test process. */
export function packedTarball(): string {
  if (tarball) return tarball;
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-pack-'));
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  tarball = path.join(dest, out.trim().split('\n').pop()!);
  return tarball;
}

export interface UserRepo {
  dir: string;
  run(args: string[], env?: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }>;
  git(...args: string[]): string;
  cleanup(): void;
}

/** `tree` copied into a new Git repository (one commit), made an npm project with kestraform installed from the tarball. */
export function userRepo(tree: string): UserRepo {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `kf-user-${path.basename(tree)}-`)));
  fs.cpSync(tree, dir, { recursive: true });
  for (const f of walk(dir)) fs.chmodSync(f, 0o644);
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: gitEnv }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Dev');
  git('config', 'user.email', 'dev@example.com');
  git('add', '-A');
  git('commit', '-q', '-m', 'the team repository');
  execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore' });
  execFileSync('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', packedTarball()], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const bin = path.join(dir, 'node_modules', '.bin', 'kestraform');
  return {
    dir,
    git,
    run: (args, env = {}) =>
      new Promise((resolve, reject) => {
        const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
        for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
        const child = spawn(bin, args, { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b) => (stdout += b));
        child.stderr.on('data', (b) => (stderr += b));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      fs.chmodSync(p, 0o755);
      return walk(p);
    }
    return [p];
  });
}
