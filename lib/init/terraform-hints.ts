/**
 * A repository that deployed with the Kestra Terraform provider says in its *.tf files which folder
 * goes to which namespace: `kestra_namespace_file` over `fileset(path.module, "scripts/**")` with
 * `filename = "/${each.value}"`. init reads that one common shape and suggests the `--files`
 * option it amounts to; anything else in HCL it leaves alone (it does not evaluate Terraform).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAMESPACE_PATTERN } from '../flowrules';

export interface TerraformFilesHint {
  tfFile: string;
  dir: string;
  namespace: string;
  prefix: string;
}

export function terraformFileHints(root: string, files: string[]): TerraformFilesHint[] {
  const hints: TerraformFilesHint[] = [];
  for (const rel of files.filter((f) => f.endsWith('.tf'))) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, rel), 'utf8');
    } catch {
      continue;
    }
    const namespaces = new Map<string, string>();
    for (const block of blocks(text, 'kestra_namespace')) {
      const id = /\bnamespace_id\s*=\s*"([^"$]+)"/.exec(block.body)?.[1];
      if (id) namespaces.set(block.name, id);
    }
    for (const block of blocks(text, 'kestra_namespace_file')) {
      const glob = /\bfor_each\s*=\s*fileset\(\s*path\.module\s*,\s*"([^"$]+)"\s*\)/.exec(block.body)?.[1];
      const filename = /\bfilename\s*=\s*"([^"]*)"/.exec(block.body)?.[1];
      const nsExpr = /\bnamespace\s*=\s*([^\n#]+)/.exec(block.body)?.[1]?.trim();
      if (!glob || !filename || !nsExpr) continue;
      const literal = /^"([^"$]+)"$/.exec(nsExpr)?.[1];
      const ref = /^kestra_namespace\.([\w-]+)\.(?:namespace_id|id)$/.exec(nsExpr)?.[1];
      const namespace = literal ?? (ref ? namespaces.get(ref) : undefined);
      const dir = /^([^*?[{]+?)\/\*\*$/.exec(glob)?.[1];
      if (!namespace || !NAMESPACE_PATTERN.test(namespace) || !dir) continue;
      const base = path.posix.join(path.posix.dirname(rel), dir);
      if (filename === '/${each.value}' || filename === '${each.value}') hints.push({ tfFile: rel, dir: base, namespace, prefix: `/${dir}` });
    }
  }
  return hints;
}

/** The `resource "<type>" "<name>" { ... }` blocks of a Terraform file (braces matched, strings skipped). */
function blocks(text: string, type: string): { name: string; body: string }[] {
  const out: { name: string; body: string }[] = [];
  const head = new RegExp(`resource\\s+"${type}"\\s+"([\\w-]+)"\\s*\\{`, 'g');
  for (let m = head.exec(text); m; m = head.exec(text)) {
    let depth = 1;
    let i = head.lastIndex;
    let inString = false;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    out.push({ name: m[1], body: text.slice(head.lastIndex, i - 1) });
  }
  return out;
}
