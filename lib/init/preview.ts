/**
 * What the proposed stack would deploy, found by synthesizing it for real: the same constructs the
 * generated code instantiates (./build), synthesized in this process into a scratch folder and read
 * back as every command reads a stack. So `init` reports exactly what `plan` will then see.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDesired } from '../desired/read';
import type { DesiredStack } from '../desired/types';
import type { Diagnostic } from '../util/diagnostics';
import type { Proposal } from './propose';

export interface Preview {
  stack: DesiredStack;
  /** Every problem the synth and its read-back found (what `validate` would list). */
  diagnostics: Diagnostic[];
  /** Per source id: what it declares (objects per kind, and their namespaces). */
  bySource: Map<string, SourceContents>;
}

export interface SourceContents {
  counts: Map<string, number>;
  namespaces: Set<string>;
}

/** How many objects of `kind` a source declares. */
export const countOf = (c: SourceContents | undefined, kind: string): number => c?.counts.get(kind) ?? 0;

export function previewStack(root: string, name: string, proposal: Proposal): Preview {
  // Required here, not imported: only init loads cdktf into the CLI's own process.
  const { App } = require('../index') as typeof import('../index');
  const { buildStack } = require('./build') as typeof import('./build');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kestraform-init-'));
  const cwd = process.cwd();
  try {
    process.chdir(root);
    const app = new App({ outdir: out, stackTraces: false, context: {} });
    buildStack(app, name, proposal);
    app.synth();
    const desired = readDesired(out, root, { stacks: [name] });
    const stack = desired.stacks[0];
    const bySource = new Map<string, SourceContents>();
    for (const r of stack.resources) {
      if (r.namespace === undefined) continue;
      const source = r.constructPath.split('/')[1];
      const entry = bySource.get(source) ?? { counts: new Map<string, number>(), namespaces: new Set<string>() };
      entry.counts.set(r.kind, (entry.counts.get(r.kind) ?? 0) + 1);
      entry.namespaces.add(r.namespace);
      bySource.set(source, entry);
    }
    return { stack, diagnostics: desired.diagnostics, bySource };
  } finally {
    process.chdir(cwd);
    fs.rmSync(out, { recursive: true, force: true });
  }
}
