/**
 * What a repository holds, for `kestraform init`: every file Git would commit (the same walker and
 * ignore rules as the sources, ./../gittree), and for each YAML file what it is (the same
 * classifier). Nothing is decided here; ./propose turns the scan into sources.
 */
import * as path from 'node:path';
import { classifyYaml, parseYamlDocs, YAML_FILE, type YamlClass } from '../gittree/classify';
import { decodeFlowBytes, MAX_FLOW_BYTES } from '../gittree/flow-file';
import { findRepositoryRoot, IgnoreRules } from '../gittree/ignore-rules';
import { kestraformFolders } from '../gittree/read-context';
import { readUpTo } from '../gittree/read-bytes';
import { walkFiles } from '../gittree/walk-files';

export interface ScannedYaml {
  /** Relative to the repository root, '/'-separated. */
  rel: string;
  class: YamlClass;
  text?: string;
  docs?: unknown[];
}

export interface RepoScan {
  root: string;
  /** Every file, relative to the root, in code-point order. */
  files: string[];
  yaml: ScannedYaml[];
}

export function scanRepository(root: string): RepoScan {
  const abs = path.resolve(root);
  const rules = IgnoreRules.forDirectory(abs, { repoRoot: findRepositoryRoot(abs) ?? abs });
  const files: string[] = [];
  const yaml: ScannedYaml[] = [];
  walkFiles(
    abs,
    { rules, skip: kestraformFolders(abs) },
    (f) => {
      files.push(f.rel);
      if (!YAML_FILE.test(f.name)) return;
      let read: ReturnType<typeof readUpTo>;
      try {
        read = readUpTo(f.abs, MAX_FLOW_BYTES);
      } catch {
        return; // unreadable: the source that reads it will say so
      }
      const decoded = 'bytes' in read ? decodeFlowBytes(read.bytes, f.rel) : undefined;
      if (!decoded?.text) {
        yaml.push({ rel: f.rel, class: { kind: 'other', why: 'too large or not UTF-8 text' } });
        return;
      }
      const parsed = parseYamlDocs(decoded.text);
      yaml.push({ rel: f.rel, class: classifyYaml(parsed, f.rel, decoded.text), text: decoded.text, docs: 'docs' in parsed ? parsed.docs : undefined });
    },
    () => undefined,
  );
  return { root: abs, files, yaml };
}
