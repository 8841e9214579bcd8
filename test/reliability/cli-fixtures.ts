/** A project over a generated tree, for CLI reliability tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, type TempProject } from '../cli/harness';

export const flowYaml = (ns: string, id: string, extra = '') => `id: ${id}\nnamespace: ${ns}\n${extra}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hello from ${id}\n`;

export function generatedProject(flows: number, opts: { context?: Record<string, unknown>; kv?: string } = {}): TempProject {
  const p = makeProject({ context: opts.context });
  fs.rmSync(p.tree, { recursive: true, force: true });
  for (let i = 0; i < flows; i++) {
    const ns = `rel.ns${i % 4}`;
    fs.mkdirSync(path.join(p.tree, ns, 'flows'), { recursive: true });
    fs.writeFileSync(path.join(p.tree, ns, 'flows', `f${i}.yml`), flowYaml(ns, `f${i}`));
  }
  fs.mkdirSync(path.join(p.tree, 'rel.ns0', 'files'), { recursive: true });
  fs.writeFileSync(path.join(p.tree, 'rel.ns0', 'files', 'data.bin'), Buffer.from([0, 1, 2, 255]));
  if (opts.kv) fs.writeFileSync(path.join(p.tree, 'rel.ns0', 'kv.yaml'), opts.kv);
  return p;
}

export function stateFileOf(p: TempProject): string {
  return path.join(p.dir, '.kestraform', 'state', 'example.json');
}
