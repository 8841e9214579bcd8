/**
 * `KvPairs`: the KV pairs of one namespace from a YAML file of the repository, in kv.yaml's form
 * (`KEY: {type, value, description?, ttl?, sensitive?}`, or `KEY: value`).
 */
import * as fs from 'node:fs';
import { Construct } from './cdk';
import { KestraStack } from './stack';
import { TreeResources } from './tree-resources';
import { sourceFolder } from './source-support';
import { parseKvFile } from '../gittree/kv-file';
import type { TreeKv } from '../gittree/types';

export interface KvPairsProps {
  /** The YAML file, relative to the project (or absolute). */
  file: string;
  namespace: string;
}

export class KvPairs extends Construct {
  readonly pairs: TreeKv[];

  constructor(scope: Construct, id: string, props: KvPairsProps) {
    super(scope, id);
    const stack = KestraStack.of(this);
    const file = sourceFolder(props.file);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(file.abs));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      stack.addDiagnostics([{ severity: 'error', file: file.display, line: 0, column: 0, message: code ? `cannot read the KV file: ${code}` : 'KV file is not valid UTF-8', hint: code === 'ENOENT' ? 'create it, or fix `file` of the KvPairs source' : 'save it as UTF-8 text' }]);
      this.pairs = [];
      return;
    }
    const read = parseKvFile(text, file.display, props.namespace);
    stack.addDiagnostics(read.diagnostics);
    new TreeResources(this, stack, { discovered: false }).kv(read.kv);
    this.pairs = read.kv;
    stack.addPullHome({ kind: 'kv', namespace: props.namespace, file: file.display });
  }
}
