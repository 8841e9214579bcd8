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
  /** Per source id: what it declares. */
  bySource: Map<string, { flows: number; files: number; kv: number; namespaces: Set<string> }>;
}

export function previewStack(root: string, name: string, proposal: Proposal): Preview {
  // Required here, not imported: only init loads cdktf into the CLI's own process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App } = require('../index') as typeof import('../index');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require('./build') as typeof import('./build');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kestraform-init-'));
  const cwd = process.cwd();
  try {
    process.chdir(root);
    const app = new App({ outdir: out, stackTraces: false, context: {} });
    buildStack(app, name, proposal);
    app.synth();
    const desired = readDesired(out, root, { stack: name });
    const stack = desired.stacks[0];
    const bySource = new Map<string, { flows: number; files: number; kv: number; namespaces: Set<string> }>();
    for (const r of stack.resources) {
      if (r.kind === 'local') continue;
      const source = r.constructPath.split('/')[1];
      const entry = bySource.get(source) ?? { flows: 0, files: 0, kv: 0, namespaces: new Set<string>() };
      if (r.kind === 'flow') entry.flows++;
      else if (r.kind === 'file') entry.files++;
      else entry.kv++;
      entry.namespaces.add(r.namespace);
      bySource.set(source, entry);
    }
    return { stack, diagnostics: desired.diagnostics, bySource };
  } finally {
    process.chdir(cwd);
    fs.rmSync(out, { recursive: true, force: true });
  }
}
