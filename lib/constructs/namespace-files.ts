/**
 * `NamespaceFiles`: a folder of the repository uploaded as namespace files of one namespace,
 * under a path prefix (`scripts/` → `/scripts/...` in `company.team`). The folder is read as Git
 * would commit it (its repository's .gitignore files), minus its `.kestraignore` (gitignore
 * syntax, as Kestra's CLI reads it) and `exclude`; `.git` and `node_modules` are never read, so a
 * `.env` or `credentials.json` the team ignores never reaches Kestra. Flows, apps and unit tests
 * among the files are not uploaded as files unless `includeKestraObjects` says so.
 */
import { Construct } from './cdk';
import { KestraStack } from './stack';
import { TreeResources } from './tree-resources';
import { ignoreRulesFor, readContextFor, reportReading, sourceFolder } from './source-support';
import { readFilesDir } from '../gittree/read-files';
import type { TreeFile } from '../gittree/types';
import { namespaceFilePathProblem } from '../model/file-paths';

export interface NamespaceFilesProps {
  /** The folder, relative to the project (or absolute). */
  dir: string;
  namespace: string;
  /** The Kestra path the folder maps to (default `/`): with `/scripts`, `dir/a.py` is `/scripts/a.py`. */
  prefix?: string;
  /** Gitignore-style patterns, relative to `dir`, of files and folders to leave out. */
  exclude?: string[];
  /** Upload YAML files that are Kestra objects (flows, apps, unit tests) as plain files too (default false). */
  includeKestraObjects?: boolean;
}

export class NamespaceFiles extends Construct {
  readonly files: TreeFile[];

  constructor(scope: Construct, id: string, props: NamespaceFilesProps) {
    super(scope, id);
    const stack = KestraStack.of(this);
    const folder = sourceFolder(props.dir);
    const ctx = readContextFor(stack, folder);
    const prefix = normalPrefix(props.prefix);
    const bad = prefix === '/' ? undefined : namespaceFilePathProblem(prefix);
    if (bad) {
      stack.addDiagnostics([{ severity: 'error', file: folder.display || '.', line: 0, column: 0, message: `NamespaceFiles ${this.node.path}: prefix "${props.prefix}" ${bad}`, hint: 'give a Kestra path such as /scripts' }]);
      this.files = [];
      return;
    }
    const read = readFilesDir(ctx, '', {
      rules: ignoreRulesFor(folder, props.exclude),
      namespace: props.namespace,
      prefix,
      kestraObjects: props.includeKestraObjects ? 'upload' : 'skip',
      kestraignoreAtRoot: true,
    });
    reportReading(stack, ctx);
    stack.noteFlowsLeftOutOfFiles(read.skippedFlows);
    new TreeResources(this, stack, { discovered: false }).files(read.files);
    this.files = read.files;
    stack.addPullHome({ kind: 'file', namespace: props.namespace, dir: folder.display, prefix });
  }
}

function normalPrefix(prefix: string | undefined): string {
  if (!prefix || prefix === '/') return '/';
  return `/${prefix.replace(/^\/+|\/+$/g, '')}`;
}
