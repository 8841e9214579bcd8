/** `pull --commit`: one commit of exactly the pulled files, on the current or a new branch; never a push. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commitPaths, parseAuthor, prepareBranch, workTreeOf } from '../../lib/pull/git-commit';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

function repo(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kf-commit-')));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Dev');
  git(dir, 'config', 'user.email', 'dev@example.com');
  fs.writeFileSync(path.join(dir, 'a.yml'), 'a\n');
  fs.writeFileSync(path.join(dir, 'gone.yml'), 'x\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'start');
  return dir;
}

describe('pull --commit', () => {
  it('commits exactly the written and deleted files, leaving other staged work staged, with the author given', () => {
    const dir = repo();
    try {
      fs.writeFileSync(path.join(dir, 'a.yml'), 'a changed in Kestra\n');
      fs.rmSync(path.join(dir, 'gone.yml'));
      fs.mkdirSync(path.join(dir, 'new'));
      fs.writeFileSync(path.join(dir, 'new', 'b.yml'), 'new in Kestra\n');
      fs.writeFileSync(path.join(dir, 'mine.txt'), 'my own work\n');
      git(dir, 'add', 'mine.txt');
      const sha = commitPaths(workTreeOf(dir), ['a.yml', 'gone.yml', 'new/b.yml', 'never-existed.yml'].map((p) => path.join(dir, p)), 'kestraform pull: 3 objects', parseAuthor('Kestra Bot <bot@example.com>'));
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(git(dir, 'log', '-1', '--format=%an <%ae> | %cn | %s')).toBe('Kestra Bot <bot@example.com> | Kestra Bot | kestraform pull: 3 objects');
      expect(git(dir, 'show', '--name-status', '--format=', 'HEAD').split('\n').sort()).toEqual(['A\tnew/b.yml', 'D\tgone.yml', 'M\ta.yml']);
      expect(git(dir, 'diff', '--cached', '--name-only')).toBe('mine.txt');
      expect(git(dir, 'rev-list', '--count', 'HEAD')).toBe('2');
      // Nothing left to commit: no empty commit.
      expect(commitPaths(dir, [path.join(dir, 'a.yml')], 'again')).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes a new branch from the current one, stays on the current one, refuses another existing one', () => {
    const dir = repo();
    try {
      prepareBranch(dir, undefined);
      prepareBranch(dir, 'main');
      git(dir, 'branch', 'other');
      expect(() => prepareBranch(dir, 'other')).toThrow(/branch "other" already exists and is not the current branch/);
      fs.writeFileSync(path.join(dir, 'a.yml'), 'edited\n');
      prepareBranch(dir, 'kestra-sync');
      expect(git(dir, 'branch', '--show-current')).toBe('kestra-sync');
      expect(fs.readFileSync(path.join(dir, 'a.yml'), 'utf8')).toBe('edited\n');
      expect(() => prepareBranch(dir, 'bad..name')).toThrow(/git check-ref-format failed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong with an author or a folder outside Git', () => {
    expect(() => parseAuthor('just a name')).toThrow('--author must be "Name <email>", not "just a name"');
    expect(parseAuthor(' Ops Team  <ops@example.com> ')).toEqual({ name: 'Ops Team', email: 'ops@example.com' });
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-nogit-'));
    try {
      expect(() => workTreeOf(plain)).toThrow(/is not in a Git work tree: pull --commit needs one/);
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});
