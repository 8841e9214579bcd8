import * as path from 'node:path';
import { Construct } from './cdk';
import { KestraStack } from './stack';
import { KestraFlow } from './flow';
import { KestraNamespaceFile } from './namespace-file';
import { KestraKv } from './kv';
import { readTreeSync } from '../gittree/walk';
import type { TreeNamespace } from '../gittree/types';

export interface NamespaceTreeProps {
  /** Tree root, relative to the project directory (the working directory of synth) or absolute. */
  root: string;
  /** Only these namespace folders (default: every namespace folder under the root). */
  namespaces?: string[];
  /** Make the stack own every namespace read (default true). */
  own?: boolean;
}

/**
 * Reads a Git tree in the default layout and adds one resource per flow, namespace file and KV
 * pair. Problems in the tree do not throw here: they are recorded on the stack, so `validate`
 * and `plan` can list all of them, each with file and line.
 */
export class NamespaceTree extends Construct {
  readonly namespaces: TreeNamespace[];

  constructor(scope: Construct, id: string, props: NamespaceTreeProps) {
    super(scope, id);
    const stack = KestraStack.of(this);
    const cwd = process.cwd();
    const root = path.resolve(cwd, props.root);
    const result = readTreeSync(root, {
      kestraMajor: stack.kestraVersion,
      namespaces: props.namespaces,
      displayRoot: path.relative(cwd, root) || '.',
    });
    stack.addDiagnostics(result.diagnostics);
    this.namespaces = result.namespaces;
    // Tree paths from the reader are clean and '/'-separated: one path.relative for the root serves all.
    const rootFromCwd = path.relative(cwd, root).split(path.sep).join('/');
    const rel = (file: string) => (rootFromCwd ? `${rootFromCwd}/${file}` : file);

    for (const ns of result.namespaces) {
      if (props.own !== false) stack.own(ns.name);
      const scopeNs = new Construct(this, ns.name);
      const ids = new UniqueIds();
      for (const flow of ns.flows) {
        new KestraFlow(scopeNs, ids.take(`flow-${flow.id}`), {
          namespace: flow.namespace,
          flowId: flow.id,
          content: flow.source,
          sourceFile: rel(flow.file),
          schemaCheckAtReadBack: true,
        });
      }
      for (const file of ns.files) {
        new KestraNamespaceFile(scopeNs, ids.take(`file-${file.path}`), {
          namespace: ns.name,
          filename: file.path,
          source: rel(file.file),
          sha256: file.sha256,
          size: file.size,
          schemaCheckAtReadBack: true,
        });
      }
      for (const kv of ns.kv) {
        new KestraKv(scopeNs, ids.take(`kv-${kv.key}`), {
          namespace: ns.name,
          key: kv.key,
          type: kv.type,
          value: kv.value,
          description: kv.description,
          ttl: kv.ttl,
          sensitive: kv.sensitive,
          sourceFile: `${rel(kv.file)}:${kv.line}`,
          schemaCheckAtReadBack: true,
        });
      }
    }
  }
}

/** Construct ids may not contain '/', and must be unique in their scope. */
class UniqueIds {
  private readonly seen = new Set<string>();
  take(raw: string): string {
    const base = raw.replace(/\//g, '|');
    let id = base;
    for (let n = 2; this.seen.has(id); n++) id = `${base}~${n}`;
    this.seen.add(id);
    return id;
  }
}
