/**
 * Which paths of a repository belong to its tree: what Git would commit (the repository's own
 * `.gitignore` files, nested ones included, with Git's precedence), minus what `.kestraignore`
 * leaves out (one file at the root of the folder a source reads, as Kestra's CLI and sync tasks
 * read it), minus a source's own `exclude` patterns. Gitignore semantics — negation, anchoring,
 * `**`, directory-only patterns — come from the `ignore` package, not from code of ours.
 *
 * Personal excludes (`.git/info/exclude`, `core.excludesFile`) are deliberately not read: they
 * differ from machine to machine, and a plan must be the same on a laptop and in CI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const KESTRAIGNORE = '.kestraignore';
const GITIGNORE = '.gitignore';

/** One set of patterns and the folder its paths are relative to. */
interface RuleSet {
  /** Absolute folder, with a trailing separator. */
  base: string;
  rules: Ignore;
  /** Where the patterns came from, for messages. */
  origin: string;
}

export class IgnoreRules {
  private constructor(
    /** .gitignore sets from the repository root down to the current folder (deepest last). */
    private readonly git: readonly RuleSet[],
    /** .kestraignore and exclude patterns: a path is out if any of them leaves it out. */
    private readonly extra: readonly RuleSet[],
  ) {}

  /**
   * The rules for reading `dir`: the .gitignore files of `repoRoot` and of every folder between it
   * and `dir`, the .kestraignore of `kestraignoreDir` (when given), and `exclude` (patterns
   * relative to `dir`).
   */
  static forDirectory(dir: string, opts: { repoRoot?: string; kestraignoreDir?: string; exclude?: readonly string[] } = {}): IgnoreRules {
    const abs = path.resolve(dir);
    const git: RuleSet[] = [];
    const root = opts.repoRoot ? path.resolve(opts.repoRoot) : undefined;
    if (root && isInside(abs, root)) {
      // The folders above `dir`, from the root down; the walk reads `dir`'s own when it enters it.
      let at = root;
      for (const part of path.relative(root, abs).split(path.sep).filter(Boolean)) {
        const set = readRuleFile(at, GITIGNORE);
        if (set) git.push(set);
        at = path.join(at, part);
      }
    }
    const extra: RuleSet[] = [];
    if (opts.kestraignoreDir) {
      const set = readRuleFile(path.resolve(opts.kestraignoreDir), KESTRAIGNORE);
      if (set) extra.push(set);
    }
    if (opts.exclude?.length) extra.push({ base: withSep(abs), rules: ignore().add([...opts.exclude]), origin: 'exclude' });
    return new IgnoreRules(git, extra);
  }

  /** No rule at all: every path is kept (and nothing needs testing). */
  get empty(): boolean {
    return this.git.length === 0 && this.extra.length === 0;
  }

  /** The rules inside `dir`: its own .gitignore, if it has one, joins them. */
  enter(dir: string): IgnoreRules {
    const set = readRuleFile(dir, GITIGNORE);
    return set ? new IgnoreRules([...this.git, set], this.extra) : this;
  }

  /** Whether `abs` (a file, or a folder when `isDir`) is left out of the tree. */
  ignores(abs: string, isDir: boolean): boolean {
    // Git: the deepest .gitignore that says anything about the path decides.
    for (let i = this.git.length - 1; i >= 0; i--) {
      const verdict = test(this.git[i], abs, isDir);
      if (verdict === 'ignored') return true;
      if (verdict === 'kept') break;
    }
    for (const set of this.extra) if (test(set, abs, isDir) === 'ignored') return true;
    return false;
  }
}

function test(set: RuleSet, abs: string, isDir: boolean): 'ignored' | 'kept' | undefined {
  if (!abs.startsWith(set.base)) return undefined;
  let rel = abs.slice(set.base.length);
  if (path.sep !== '/') rel = rel.split(path.sep).join('/');
  if (!rel) return undefined;
  const r = set.rules.test(isDir ? `${rel}/` : rel);
  return r.ignored ? 'ignored' : r.unignored ? 'kept' : undefined;
}

function readRuleFile(dir: string, name: string): RuleSet | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return undefined;
  }
  return { base: withSep(dir), rules: ignore().add(text), origin: path.join(dir, name) };
}

const withSep = (dir: string) => (dir.endsWith(path.sep) ? dir : dir + path.sep);

export function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(withSep(parent));
}

/**
 * The repository a folder belongs to: the nearest folder at or above it holding `.git` (a folder,
 * or a file in worktrees and submodules); undefined outside any repository.
 */
export function findRepositoryRoot(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
