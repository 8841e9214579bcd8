/**
 * Lists the files of a folder as they are in the repository's tree: `.git` and `node_modules`
 * never entered, kestraform's own output folders never entered, ignored paths left out (see
 * ./ignore-rules), entries in code-point order (the same on every machine). Symbolic links and
 * special files are reported, never followed: what a source reads is real files inside the tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IgnoreRules } from './ignore-rules';
import { byKey } from '../util/order';

export interface WalkedFile {
  abs: string;
  /** Relative to the walk's root, '/'-separated. */
  rel: string;
  name: string;
}

export interface WalkOptions {
  rules: IgnoreRules;
  /** Enter sub-folders (default true). */
  recursive?: boolean;
  /** Whether an absolute folder is never entered (the project's output and data folders). */
  skip?: (dir: string) => boolean;
  /** Called for each sub-folder before it is entered; false keeps the walk out of it. */
  enterDir?: (abs: string, rel: string) => boolean;
}

export type WalkProblem = (rel: string, message: string, hint: string, severity?: 'error' | 'warning') => void;

/** Folders no repository tree holds as content. */
const NEVER_ENTERED = new Set(['.git', 'node_modules']);

const byName = byKey((d: fs.Dirent) => d.name);

export function walkFiles(root: string, opts: WalkOptions, onFile: (file: WalkedFile) => void, problem: WalkProblem): void {
  const realRoot = safeRealpath(root) ?? root;
  const visit = (dir: string, rel: string, rules: IgnoreRules) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problem(rel || '.', `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'make it readable');
      return;
    }
    // Only a folder that has a .gitignore brings rules of its own (no failed read per folder).
    const inner = entries.some((e) => e.name === '.gitignore') ? rules.enter(dir) : rules;
    const testing = !inner.empty;
    for (const e of entries.sort(byName)) {
      const abs = dir + path.sep + e.name;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (NEVER_ENTERED.has(e.name) || opts.skip?.(abs) || opts.recursive === false) continue;
        if (testing && inner.ignores(abs, true)) continue;
        if (opts.enterDir && !opts.enterDir(abs, childRel)) continue;
        visit(abs, childRel, inner);
        continue;
      }
      if (testing && inner.ignores(abs, false)) continue;
      if (e.name.includes('\uFFFD')) {
        // Node decodes bytes that are not UTF-8 in a name to U+FFFD.
        problem(childRel, 'file name is not valid UTF-8', 'rename the file');
      } else if (e.isFile()) {
        onFile({ abs, rel: childRel, name: e.name });
      } else if (e.isSymbolicLink()) {
        const target = safeRealpath(abs);
        const outside = !target || !(target === realRoot || target.startsWith(realRoot + path.sep));
        problem(childRel, `is a symbolic link${outside ? ' pointing outside the tree' : ''}; kestraform reads real files only, never links`, 'replace the link with the file itself, or leave it out with .kestraignore');
      } else {
        problem(childRel, 'is not a regular file; ignored', 'keep only plain files here', 'warning');
      }
    }
  };
  visit(path.resolve(root), '', opts.rules);
}

function safeRealpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}
