/**
 * Offline checks of desired state beyond what the tree reader and the schemas catch: each kind's
 * own, of one object (a namespace file's bytes still those synthesized) and of its objects
 * together on the stack's Kestra line (two namespace files Kestra 1.x stores as one), and
 * depends_on has no cycle.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../util/diagnostics';
import type { DesiredStack } from '../desired/types';
import { resourcesByAddress } from '../desired/by-address';
import { builtinKinds, type KindRegistry, type OfflineContext } from '../kinds';

export function offlineChecks(stack: DesiredStack, projectDir: string, kinds: KindRegistry = builtinKinds, ctx: OfflineContext = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const _ of offlineCheckSteps(stack, projectDir, kinds, ctx, out));
  return out;
}

/**
 * The same checks, pausing (an immediate) every few hundred objects: run while the stack's
 * requests are out, they let its answers in between (a namespace file's check may stat it).
 */
export async function offlineChecksPausing(stack: DesiredStack, projectDir: string, kinds: KindRegistry = builtinKinds, ctx: OfflineContext = {}): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const _ of offlineCheckSteps(stack, projectDir, kinds, ctx, out)) await new Promise((resolve) => setImmediate(resolve));
  return out;
}

const OBJECTS_PER_STEP = 500;

/** The checks, into `out`; yields between steps. */
function* offlineCheckSteps(stack: DesiredStack, projectDir: string, kinds: KindRegistry, ctx: OfflineContext, out: Diagnostic[]): Generator<void> {
  const where = path.relative(projectDir, stack.file);
  let checked = 0;
  for (const r of stack.resources) {
    const problem = kinds.of(r.kind).checkOffline?.(r, ctx);
    if (problem) out.push({ severity: 'error', file: where, line: 0, column: 0, message: problem });
    if (++checked % OBJECTS_PER_STEP === 0) yield;
  }
  const byAddress = resourcesByAddress(stack);
  for (const h of kinds.all) {
    if (!h.checkOfflineTogether) continue;
    const mine = stack.resources.filter((r) => r.kind === h.kind);
    if (!mine.length) continue;
    for (const p of h.checkOfflineTogether(mine, { kestraMajor: stack.settings.kestra_version, projectDir })) {
      const d = byAddress.get(p.address);
      const at = d ? h.origin(d, projectDir) : undefined;
      out.push({ severity: 'error', file: at?.file ?? where, line: at?.line ?? 0, column: 0, message: `stack "${stack.name}": ${p.message}`, hint: p.hint });
    }
  }
  yield;
  const cycle = findDependencyCycle(stack);
  if (cycle) {
    out.push({ severity: 'error', file: where, line: 0, column: 0, message: `stack "${stack.name}": depends_on forms a cycle: ${cycle.join(' → ')}`, hint: 'remove one of these dependencies' });
  }
}

function findDependencyCycle(stack: DesiredStack): string[] | undefined {
  const deps = new Map(stack.resources.map((r) => [r.address, r.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (a: string): string[] | undefined => {
    if (state.get(a) === 'done') return undefined;
    if (state.get(a) === 'visiting') return [...trail.slice(trail.indexOf(a)), a];
    state.set(a, 'visiting');
    trail.push(a);
    for (const d of deps.get(a) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    trail.pop();
    state.set(a, 'done');
    return undefined;
  };
  for (const a of deps.keys()) {
    const c = visit(a);
    if (c) return c;
  }
  return undefined;
}
