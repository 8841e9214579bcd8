/**
 * What the source constructs (Flows, NamespaceFiles, KvPairs, NamespaceTree, SyncFlowsTree) share:
 * where their folder is (relative to the project: the working directory of synth), which ignore
 * rules apply, the read context, and where `pull` writes objects that are new in Kestra.
 */
import * as path from 'node:path';
import type { KestraStack } from './stack';
import { findRepositoryRoot, IgnoreRules, isInside } from '../gittree/ignore-rules';
import { kestraformFolders, newReadContext, type ReadContext } from '../gittree/read-context';
import type { TreeFlow } from '../gittree/types';
import type { PullHomeSetting } from '../model/settings';

export interface SourceFolder {
  abs: string;
  /** Relative to the project, '/'-separated ('' for the project folder itself). */
  display: string;
}

export function sourceFolder(dir: string): SourceFolder {
  const cwd = process.cwd();
  const abs = path.resolve(cwd, dir);
  return { abs, display: path.relative(cwd, abs).split(path.sep).join('/') };
}

export function readContextFor(stack: KestraStack, folder: SourceFolder): ReadContext {
  return newReadContext(folder.abs, { displayRoot: folder.display || '.', kestraMajor: stack.kestraVersion, skip: kestraformSkip() });
}

/** The folders of this project that kestraform writes, never read as a tree's content. */
export function kestraformSkip(): (dir: string) => boolean {
  const own = kestraformFolders(process.cwd());
  // The synth writes into a staging folder (CDKTF_OUTDIR) beside the project's output folder.
  const staged = process.env.CDKTF_OUTDIR ? path.resolve(process.env.CDKTF_OUTDIR) : undefined;
  return staged ? (dir) => own(dir) || dir === staged : own;
}

/** What Git would commit below the folder (its repository's .gitignore files), minus .kestraignore and `exclude`. */
export function ignoreRulesFor(folder: SourceFolder, exclude?: readonly string[]): IgnoreRules {
  const cwd = process.cwd();
  const repoRoot = findRepositoryRoot(folder.abs) ?? (isInside(folder.abs, cwd) ? cwd : undefined);
  return IgnoreRules.forDirectory(folder.abs, { repoRoot, kestraignoreDir: folder.abs, exclude });
}

/** Hands what the reading found (problems, other kinds) to the stack. */
export function reportReading(stack: KestraStack, ctx: ReadContext): void {
  stack.addDiagnostics(ctx.diagnostics);
  stack.recordFound(ctx.found.map((o) => ({ ...o, reason: 'kind-not-managed' as const })));
}

/**
 * Where new flows of each namespace go: the folder its flows already share (with their usual
 * extension), or `explicit`'s folder for it; several folders and no explicit one make it
 * ambiguous, which `pull` refuses with the candidates.
 */
export function flowHomes(flows: readonly TreeFlow[], explicit: Record<string, string> = {}): PullHomeSetting[] {
  const byNs = new Map<string, Map<string, string[]>>();
  for (const f of flows) {
    const dir = f.file.includes('/') ? f.file.slice(0, f.file.lastIndexOf('/')) : '';
    const dirs = byNs.get(f.namespace) ?? new Map<string, string[]>();
    dirs.set(dir, [...(dirs.get(dir) ?? []), path.extname(f.file).toLowerCase()]);
    byNs.set(f.namespace, dirs);
  }
  const homes: PullHomeSetting[] = [];
  for (const [namespace, dir] of Object.entries(explicit)) {
    const known = byNs.get(namespace)?.get(dir.split(path.sep).join('/'));
    homes.push({ kind: 'flow', namespace, dir: dir.split(path.sep).join('/'), extension: usualExtension(known ?? []) });
  }
  for (const [namespace, dirs] of byNs) {
    if (namespace in explicit) continue;
    if (dirs.size === 1) {
      const [[dir, exts]] = [...dirs];
      homes.push({ kind: 'flow', namespace, dir, extension: usualExtension(exts) });
    } else homes.push({ kind: 'flow', namespace, candidates: [...dirs.keys()].sort() });
  }
  return homes;
}

function usualExtension(exts: readonly string[]): '.yml' | '.yaml' {
  const yaml = exts.filter((e) => e === '.yaml').length;
  return yaml > exts.length - yaml ? '.yaml' : '.yml';
}
