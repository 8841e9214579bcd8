/**
 * One Kestra object declared by two stacks that deploy to the same Kestra would be fought over
 * by both; stacks of different Kestras (dev and prod) may declare the same objects.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../util/diagnostics';
import type { DesiredStack } from './types';

/** `targetOf`: a key naming the Kestra a stack deploys to (stacks with one key share it). */
export function crossStackConflicts(stacks: readonly DesiredStack[], targetOf: (s: DesiredStack) => string, projectDir: string): Diagnostic[] {
  if (stacks.length < 2) return []; // one stack declares each object once (its read drops a second declaration)
  const owner = new Map<string, string>();
  // One error per pair of stacks, listing what they share (not one per object).
  const shared = new Map<string, { first: string; second: DesiredStack; addresses: string[] }>();
  for (const s of stacks) {
    const target = targetOf(s);
    for (const r of s.resources) {
      if (r.namespace === undefined) continue; // local resources belong to their stack alone
      const key = `${target}\u0000${r.address}`;
      const prev = owner.get(key);
      if (prev === undefined) owner.set(key, s.name);
      else {
        const pair = `${prev}\u0000${s.name}`;
        const entry = shared.get(pair) ?? { first: prev, second: s, addresses: [] };
        entry.addresses.push(r.address);
        shared.set(pair, entry);
      }
    }
  }
  return [...shared.values()].map(({ first, second, addresses }) => {
    const file = path.relative(projectDir, second.file);
    const shown = addresses.slice(0, 5).join(', ') + (addresses.length > 5 ? `, and ${addresses.length - 5} more` : '');
    return {
      severity: 'error' as const,
      file: file.startsWith('..') ? second.file : file,
      line: 0,
      column: 0,
      message: `stacks "${first}" and "${second.name}" deploy to the same Kestra and both declare ${addresses.length === 1 ? 'this object' : `these ${addresses.length} objects`}: ${shown}`,
      hint: 'each object must belong to one stack per Kestra: work on one of the stacks (--stack NAME), or give one its own target or namespaces',
    };
  });
}
