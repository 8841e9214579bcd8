/**
 * Stand-in cdktf apps for the synth cache's tests: a plain Node script that runs `body`, then
 * writes one stack (`resources`: its resource block; by default one flow), run in process through
 * the real synthesize.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesize } from '../../lib/project/synth';
import { INPUTS_FILE } from '../../lib/project/synth-cache';
import type { Project } from '../../lib/project/config';
import type { DesiredState } from '../../lib/desired/types';

const ONE_FLOW = {
  kestra_flow: { f: { namespace: 'a.b', flow_id: 'f', content: 'id: f\nnamespace: a.b\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n' } },
};

export function standIn(body: string, resources: Record<string, unknown> = ONE_FLOW) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-cache-app-'));
  const runs = path.join(dir, 'runs.log');
  fs.writeFileSync(
    path.join(dir, 'app.js'),
    `const fs = require('fs'), path = require('path');
fs.appendFileSync(${JSON.stringify(runs)}, 'run\\n');
${body}
const out = process.env.CDKTF_OUTDIR;
fs.mkdirSync(path.join(out, 'stacks', 's'), { recursive: true });
fs.writeFileSync(path.join(out, 'stacks', 's', 'cdk.tf.json'), ${JSON.stringify(JSON.stringify({ resource: resources }))});
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { s: { name: 's', synthesizedStackPath: 'stacks/s/cdk.tf.json', dependencies: [] } } }));
`,
  );
  const project: Project = { dir, app: `${JSON.stringify(process.execPath)} app.js`, outDir: path.join(dir, 'cdktf.out'), context: {} };
  const count = () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);
  /** Synthesizes; whether the app ran, and what was read. */
  const synth = async (): Promise<{ ran: boolean; desired: DesiredState }> => {
    const before = count();
    const desired = await synthesize(project, { report: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 0)); // what synthesize keeps for the next command is written as the command moves on
    return { ran: count() > before, desired };
  };
  /** Synthesizes; whether the app ran. */
  const run = async (): Promise<boolean> => (await synth()).ran;
  const manifest = () => JSON.parse(fs.readFileSync(path.join(project.outDir, INPUTS_FILE), 'utf8'));
  return { dir, project, run, synth, manifest, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `fn` with these environment variables set (undefined: unset), then puts the environment back. */
export function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const before = { ...process.env };
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return fn().finally(() => {
    process.env = before;
  });
}
