import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Files among `files` with uncommitted changes in their Git work tree. Outside a Git work tree
 * (or without git) nothing counts as dirty: there is nothing a commit would protect.
 */
export function dirtyFiles(files: string[], cwd: string): string[] {
  if (!files.length) return [];
  let out: string;
  try {
    out = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...files], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  let top: string;
  try {
    top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter((l) => l.length > 3)
    .map((l) => path.resolve(top, l.slice(3).replace(/^"|"$/g, '')));
}
