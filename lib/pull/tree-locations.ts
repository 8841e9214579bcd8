/**
 * Where a namespace's objects live in the Git tree, derived from the desired resources that came
 * from it (flows, files and kv.yaml record their source path).
 */
import * as path from 'node:path';
import type { DesiredStack } from '../desired/types';

export function namespaceFolders(stack: DesiredStack, projectDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of stack.resources) {
    if (r.kind === 'local' || out.has(r.namespace)) continue;
    let dir: string | undefined;
    if (r.kind === 'flow' && r.sourceFile) dir = before(path.resolve(projectDir, r.sourceFile), `${path.sep}flows${path.sep}`);
    else if (r.kind === 'file' && r.sourcePath) dir = before(r.sourcePath, `${path.sep}files${path.sep}`);
    else if (r.kind === 'kv' && r.sourceFile) dir = path.dirname(path.resolve(projectDir, r.sourceFile.replace(/:\d+$/, '')));
    if (dir) out.set(r.namespace, dir);
  }
  return out;
}

function before(p: string, marker: string): string | undefined {
  const i = p.lastIndexOf(marker);
  return i < 0 ? undefined : p.slice(0, i);
}
