/**
 * `pull --commit`: one commit of exactly the files pull wrote or deleted, with a message and an
 * author, on the current branch or a new one — as Kestra's PushFlows and NamespaceSync commit,
 * but never pushed: publishing the commit stays the user's decision.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserFacingError } from '../util/errors';

export class GitCommitError extends UserFacingError {
}

export interface Author {
  name: string;
  email: string;
}

/** `Name <email>`, as `git commit --author` takes it. */
export function parseAuthor(text: string): Author {
  const m = /^\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (!m || !m[1]) throw new GitCommitError(`--author must be "Name <email>", not "${text}"`);
  return { name: m[1], email: m[2] };
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new GitCommitError('git is not installed (pull --commit runs `git`): install it, or pull without --commit and commit yourself');
    throw new GitCommitError(`git ${args[0]} failed: ${(err.stderr || err.message).trim().split('\n').slice(0, 4).join(' / ')}`);
  }
}

/** The work tree's top folder; refuses when `cwd` is not in a Git work tree. */
export function workTreeOf(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new GitCommitError(`${cwd} is not in a Git work tree: pull --commit needs one (run \`git init\`, or pull without --commit)`);
  }
}

/** The current branch, or undefined on a detached HEAD. */
function currentBranch(top: string): string | undefined {
  try {
    return execFileSync('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Before anything is written: with `branch`, switch to it as a new branch from HEAD (the work
 * tree's changes come along, nothing is lost), or stay when it is the current one. An existing
 * other branch is refused: switching to it would change the files the plan was made from.
 */
export function prepareBranch(top: string, branch: string | undefined): void {
  const current = currentBranch(top);
  if (!branch) {
    if (!current) throw new GitCommitError('HEAD is detached: pass --branch NAME so the commit lands on a branch');
    return;
  }
  if (branch === current) return;
  git(top, ['check-ref-format', '--branch', branch]);
  let exists = true;
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: top, stdio: 'ignore' });
  } catch {
    exists = false;
  }
  if (exists) throw new GitCommitError(`branch "${branch}" already exists and is not the current branch: switch to it first (the plan is made from the files checked out), or name a new branch`);
  git(top, ['switch', '--quiet', '--create', branch]);
}

/** Commits exactly `paths` (written or deleted), whatever else is staged; undefined when nothing changed. */
export function commitPaths(top: string, paths: string[], message: string, author?: Author): string | undefined {
  // A deleted file counts only if Git tracked it (`git add` refuses a path that matches nothing).
  const tracked = new Set(git(top, ['ls-files', '-z', '--', ...paths.map((p) => path.relative(top, p))]).split('\0').filter(Boolean));
  const rel = [...new Set(paths.map((p) => path.relative(top, p)))].filter((r) => fs.existsSync(path.join(top, r)) || tracked.has(r));
  if (!rel.length) return undefined;
  git(top, ['add', '--all', '--', ...rel]);
  try {
    execFileSync('git', ['diff', '--cached', '--quiet', '--', ...rel], { cwd: top, stdio: 'ignore' });
    return undefined; // the files already were what Kestra holds
  } catch {
    // staged differences: commit them
  }
  const env = author ? { ...process.env, GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email } : process.env;
  git(top, ['commit', '--quiet', '-m', message, '--', ...rel], env);
  return git(top, ['rev-parse', 'HEAD']);
}
