/**
 * Plans and applies a hand-made cdk.tf.json with the built-in kinds against a fake client, as every
 * command does after synth (for kind tests that need no server).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDesired } from '../../../lib/desired/read';
import { planStack } from '../../../lib/engine/run';
import { applyPlan } from '../../../lib/engine/apply';
import { LiveState } from '../../../lib/engine/apply-state';
import { newState } from '../../../lib/engine/state';
import type { StateFile } from '../../../lib/engine/state-types';
import type { Plan } from '../../../lib/engine/plan-types';

export const target = { url: 'fake://', tenant: 'main' };

/** A synthesized stack of these resource blocks (`{ kestra_namespace_secret: { name: attrs } }`), read back. */
export function stackOf(resources: Record<string, Record<string, Record<string, unknown>>>, opts: { namespaces?: string[]; prune?: boolean; env?: NodeJS.ProcessEnv; kestraVersion?: 1 | 2 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-kind-'));
  const out = path.join(dir, 'cdktf.out');
  fs.mkdirSync(path.join(out, 'stacks', 'main'), { recursive: true });
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { main: { name: 'main', synthesizedStackPath: 'stacks/main/cdk.tf.json' } } }));
  const settings = { namespaces: opts.namespaces ?? [], prune: opts.prune ?? false, protected_namespaces: ['system'], backend: { type: 'local' }, kestra_version: opts.kestraVersion ?? 2, diagnostics: [], found: [], pull_homes: [] };
  fs.writeFileSync(path.join(out, 'stacks', 'main', 'cdk.tf.json'), JSON.stringify({ kestraform: settings, resource: resources }));
  try {
    const desired = readDesired(out, dir, { env: opts.env ?? {} });
    const errors = desired.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
    return desired.stacks[0];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function planOf(stack: ReturnType<typeof stackOf>, client: unknown, state: StateFile | undefined) {
  return planStack(stack, state, { client: client as never, target });
}

export async function planAndApply(stack: ReturnType<typeof stackOf>, client: unknown, state: StateFile | undefined) {
  const current = await planOf(stack, client, state);
  let stored = current.state ?? newState(stack.name);
  const live = new LiveState(stored, { write: async (s) => void (stored = structuredClone(s)) });
  const result = await applyPlan({ client: client as never, stack, plan: current.plan, state: live, skipServerValidation: true });
  if (result.failed.length) throw new Error(result.failed.map((f) => `${f.address}: ${String((f.error as Error)?.message ?? f.error)}`).join('\n'));
  return { current, result, state: stored };
}

export const actions = (p: Plan) => Object.fromEntries(p.steps.map((s) => [s.address, s.action]));

/** A fake Kestra holding no flows, files or KV pairs: kind fakes extend it. */
export class EmptyKestra {
  async listFlows(_ns: string): Promise<Array<{ id: string; namespace: string; revision: number }>> {
    return [];
  }
  async listFiles(_ns: string): Promise<never[]> {
    return [];
  }
  async listKv(_ns: string): Promise<never[]> {
    return [];
  }
}
