/**
 * The namespace files of one folder of a repository: every file of the folder's tree (./walk-files
 * and ./ignore-rules: what Git would commit, minus .kestraignore and the source's excludes) under
 * a namespace and a path prefix, bytes kept exactly (recorded by size and sha256, never inlined).
 * A YAML file that is a Kestra object (a flow, an app, a unit test) is not a namespace file unless
 * the source says so: flows are deployed by the flow sources, the other kinds are listed as found.
 */
import { classifyYaml, mayBeKestraObject, parseYamlDocs, YAML_FILE } from './classify';
import { lineOfId, MAX_FLOW_BYTES } from './flow-file';
import type { IgnoreRules } from './ignore-rules';
import { KESTRAIGNORE } from './ignore-rules';
import { absolute, joinRel, problem, shown, type ReadContext } from './read-context';
import { hashFile, readUpTo } from './read-bytes';
import { sha256 } from '../util/hash';
import { indexedRead } from './tree-index';
import type { FoundObject, TreeFile } from './types';
import { walkFiles } from './walk-files';
import { joinNamespacePath, namespaceFilePathProblem } from '../model/file-paths';

export interface FilesDirOptions {
  rules: IgnoreRules;
  namespace: string;
  /** Kestra path the folder maps to: '/' or '/some/dir'. */
  prefix: string;
  /** Kestra objects among the files: left out (the default), or uploaded as files too. */
  kestraObjects: 'skip' | 'upload';
  /** The folder's .kestraignore is rules, not content: never uploaded (as Kestra's CLI does). */
  kestraignoreAtRoot: boolean;
}

/**
 * Reads the files of `relDir`. Flows found among them are left out and returned (the stack checks
 * that a flow source reads them); apps and unit tests go to the context's found objects.
 */
export function readFilesDir(ctx: ReadContext, relDir: string, opts: FilesDirOptions): { files: TreeFile[]; skippedFlows: FoundObject[] } {
  const files: TreeFile[] = [];
  const skippedFlows: FoundObject[] = [];
  walkFiles(
    absolute(ctx, relDir),
    { rules: opts.rules, skip: ctx.skip },
    (f) => {
      if (opts.kestraignoreAtRoot && f.rel === KESTRAIGNORE) return;
      const rel = joinRel(relDir, f.rel);
      const kestraPath = joinNamespacePath(opts.prefix, f.rel);
      // The walk's names are never empty, "." or "..", and hold no NUL or "/": only a long name
      // or the reserved /_flows can be wrong (the prefix was checked by the source).
      const bad = f.rel.length > 85 || kestraPath.startsWith('/_flows') ? namespaceFilePathProblem(kestraPath) : undefined;
      if (bad) {
        problem(ctx, rel, `cannot be a namespace file: its Kestra path ${kestraPath} ${bad}`, 'rename it, or leave it out with .kestraignore');
        return;
      }
      let content: { size: number; sha256: string };
      try {
        const object = opts.kestraObjects === 'skip' && YAML_FILE.test(f.name) ? kestraObjectIn(ctx, f.abs, rel) : undefined;
        if (object && 'kind' in object) {
          if (object.kind === 'flow') skippedFlows.push(object);
          else ctx.found.push(object);
          return;
        }
        content = object?.content ?? indexedRead(ctx, f.abs, 'hash', () => hashFile(f.abs));
      } catch (err) {
        problem(ctx, rel, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'make the file readable');
        return;
      }
      files.push({ namespace: opts.namespace, path: kestraPath, file: shown(ctx, rel), ...content });
    },
    (rel, message, hint, severity) => problem(ctx, joinRel(relDir, rel), message, hint, severity),
  );
  return { files, skippedFlows };
}

/** A flow, app or unit test in this YAML file; otherwise the file's size and hash (read once). */
function kestraObjectIn(ctx: ReadContext, abs: string, rel: string): FoundObject | { content: { size: number; sha256: string } } | undefined {
  const read = readUpTo(abs, MAX_FLOW_BYTES);
  if (!('bytes' in read)) return undefined; // too large to be a flow: a plain file
  const bytes = read.bytes;
  const content = { size: bytes.length, sha256: sha256(bytes) };
  const text = bytes.toString('utf8');
  if (!mayBeKestraObject(text)) return { content };
  const kind = classifyYaml(parseYamlDocs(text), shown(ctx, rel));
  if (kind.kind === 'flow' || kind.kind === 'app' || kind.kind === 'test') {
    return { kind: kind.kind, file: shown(ctx, rel), line: lineOfId(text), id: kind.id, namespace: kind.namespace, ...(kind.why !== undefined ? { why: kind.why } : {}) };
  }
  return { content };
}
