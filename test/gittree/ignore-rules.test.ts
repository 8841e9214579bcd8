/**
 * The tree is what Git would commit: the walker's listing of a folder, under the repository's
 * .gitignore files (nested, with negation, anchors, `**`, directory-only patterns), equals what
 * `git ls-files --others --exclude-standard` lists for the same files; `.kestraignore` follows
 * the same semantics. Git itself is the oracle.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IgnoreRules, findRepositoryRoot } from '../../lib/gittree/ignore-rules';
import { walkFiles } from '../../lib/gittree/walk-files';

function repo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-ignore-'));
  execFileSync('git', ['init', '-q'], { cwd: root });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** What Git would add with `git add -A` (personal excludes off), below `dir`, relative to it. */
function gitListing(root: string, dir = root, extra: string[] = []): string[] {
  const out = execFileSync('git', ['-c', 'core.excludesFile=/dev/null', 'ls-files', '--others', '--exclude-standard', ...extra, '-z', '--', path.relative(root, dir) || '.'], { cwd: root, encoding: 'utf8' });
  const prefix = path.relative(root, dir);
  return out.split('\0').filter(Boolean).map((f) => (prefix ? path.relative(prefix, f) : f)).sort();
}

function ourListing(root: string, dir = root, opts: { kestraignore?: boolean; exclude?: string[] } = {}): string[] {
  const files: string[] = [];
  const rules = IgnoreRules.forDirectory(dir, { repoRoot: root, kestraignoreDir: opts.kestraignore ? dir : undefined, exclude: opts.exclude });
  walkFiles(dir, { rules }, (f) => files.push(f.rel), () => undefined);
  return files.sort();
}

const CASES: Record<string, Record<string, string>> = {
  'nested files, deeper negation wins': {
    '.gitignore': '*.log\nbuild/\n/secret.txt\n**/tmp/**\n',
    'a.log': '',
    'secret.txt': '',
    'sub/secret.txt': '',
    'build/x.js': '',
    'src/build/y.js': '',
    'src/tmp/z.txt': '',
    'src/keep.py': '',
    'src/.gitignore': '!keep.log\n*.py\n!keep.py\n',
    'src/keep.log': '',
    'src/other.py': '',
    'src/deep/.gitignore': '!other.py\n',
    'src/deep/other.py': '',
    'src/deep/again.log': '',
  },
  'directory-only patterns, anchoring and character classes': {
    '.gitignore': 'docs/\n/top-only\n*.py[cod]\n__pycache__/\n.env\n!.env.example\nfoo/**/bar\n',
    'docs': '',
    'data/docs/a.md': '',
    'top-only': '',
    'sub/top-only': '',
    'x.pyc': '',
    'x.py': '',
    'pkg/__pycache__/m.pyc': '',
    '.env': 'SECRET=1',
    '.env.example': 'SECRET=',
    'foo/a/b/bar': '',
    'foo/bar': '',
    'foo/baz': '',
  },
  'a whitelist: everything out, then some folders back': {
    '.gitignore': '*\n!.gitignore\n!*/\n!config/**\n!scripts/*.sh\n',
    'config/a.yml': '',
    'config/deep/b.yml': '',
    'scripts/run.sh': '',
    'scripts/run.py': '',
    'other.txt': '',
    'other/c.txt': '',
  },
  'a folder ignored as a whole is not entered, even for a negated file below it': {
    '.gitignore': 'vendor/\n!vendor/keep.txt\n',
    'vendor/keep.txt': '',
    'vendor/x.txt': '',
    'app.txt': '',
  },
};

describe('ignore rules: the walker lists what Git would commit', () => {
  for (const [name, files] of Object.entries(CASES)) {
    it(name, () => {
      const root = repo(files);
      try {
        expect(ourListing(root)).toEqual(gitListing(root));
        for (const sub of ['src', 'config', 'scripts', 'pkg']) {
          if (fs.existsSync(path.join(root, sub))) expect({ sub, files: ourListing(root, path.join(root, sub)) }).toEqual({ sub, files: gitListing(root, path.join(root, sub)) });
        }
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('reads .kestraignore at the source folder with the same semantics (Git reading it as an exclude file agrees)', () => {
    const root = repo({
      '.kestraignore': '.github/\n.idea/\ndocker-compose.yml\n*.md\n!README.md\n',
      '.github/workflows/ci.yml': '',
      '.idea/x.xml': '',
      'docker-compose.yml': '',
      'README.md': '',
      'NOTES.md': '',
      'etl/a.py': '',
      'etl/docker-compose.yml': '',
    });
    try {
      const ours = ourListing(root, root, { kestraignore: true });
      const git = gitListing(root, root, ['--exclude-from', path.join(root, '.kestraignore')]);
      expect(ours).toEqual(git);
      expect(ours).toEqual(['.kestraignore', 'README.md', 'etl/a.py']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('applies the .gitignore files of the folders above the one read, and a source `exclude`', () => {
    const root = repo({ '.gitignore': '*.tmp\n', 'a/.gitignore': 'private/\n', 'a/b/x.tmp': '', 'a/b/private/y.txt': '', 'a/b/z.txt': '', 'a/b/w.txt': '' });
    try {
      expect(ourListing(root, path.join(root, 'a', 'b'))).toEqual(['w.txt', 'z.txt']);
      expect(ourListing(root, path.join(root, 'a', 'b'), { exclude: ['w.*'] })).toEqual(['z.txt']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('never enters .git or node_modules, and finds the repository from a folder below it', () => {
    const root = repo({ 'node_modules/p/index.js': '', 'src/a.txt': '' });
    try {
      expect(ourListing(root)).toEqual(['src/a.txt']);
      expect(findRepositoryRoot(path.join(root, 'src'))).toBe(root);
      expect(findRepositoryRoot(os.tmpdir())).toBeUndefined();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
