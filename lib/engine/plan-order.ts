/**
 * Apply order: namespace files and KV first, then flows (a subflow before the flows that call
 * it), deletes last (flows before the files and KV they may use), and every explicit depends_on.
 */
import { flowAddress } from '../model/resources';
import type { ResourceChange } from './plan-types';
import { parseData } from './plan-diff';

const WRITE_PHASE = { file: 1, kv: 1, flow: 2, local: 2 } as const;
const DELETE_PHASE = { flow: 3, local: 3, file: 4, kv: 4 } as const;

/** Flows a flow calls (Subflow-like tasks with literal namespace and flowId). */
export function calledFlows(source: string): string[] {
  // A call names its flow with `flowId`; most flows call none and need no parse.
  if (!source.includes('flowId')) return [];
  let doc: unknown;
  try {
    doc = parseData(source)[0];
  } catch {
    return [];
  }
  const out = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const o = node as Record<string, unknown>;
    if (typeof o.flowId === 'string' && typeof o.namespace === 'string' && !o.flowId.includes('{{') && !o.namespace.includes('{{')) {
      out.add(flowAddress(o.namespace, o.flowId));
    }
    for (const v of Object.values(o)) visit(v, depth + 1);
  };
  visit(doc, 0);
  return [...out];
}

/**
 * Fills `phase` and `dependsOn` of every change. `declaredDeps` holds each address's explicit
 * depends_on; `flowSources` the desired source of flows being written.
 */
export function orderChanges(changes: ResourceChange[], declaredDeps: Map<string, string[]>, flowSources: Map<string, string>): string[] {
  const warnings: string[] = [];
  const active = changes.filter((c) => c.action !== 'no-op' && c.action !== 'forget');
  const byAddress = new Map(active.map((c) => [c.address, c]));
  for (const c of changes) {
    const deleting = c.action === 'delete';
    c.phase = deleting ? DELETE_PHASE[c.kind] : WRITE_PHASE[c.kind];
    const deps = new Set<string>();
    for (const d of declaredDeps.get(c.address) ?? []) if (byAddress.has(d) && d !== c.address) deps.add(d);
    // Only writes need ordering; parsing every unchanged flow would cost more than the plan itself.
    if (c.kind === 'flow' && (c.action === 'create' || c.action === 'update')) {
      const src = flowSources.get(c.address);
      for (const called of src ? calledFlows(src) : []) {
        const target = byAddress.get(called);
        if (target && called !== c.address && target.action !== 'delete') deps.add(called);
      }
    }
    c.dependsOn = [...deps].sort();
  }
  breakCycles(active, warnings);
  // A declared dependency on a later phase pulls the dependent into that phase (never deadlock).
  for (let changed = true, rounds = 0; changed && rounds < active.length + 1; rounds++) {
    changed = false;
    for (const c of active) {
      for (const d of c.dependsOn) {
        const p = byAddress.get(d)?.phase ?? 0;
        if (p > c.phase) {
          c.phase = p;
          changed = true;
        }
      }
    }
  }
  return warnings;
}

/** Subflow calls can be mutual; drop the edge that closes each cycle rather than deadlock. */
function breakCycles(changes: ResourceChange[], warnings: string[]): void {
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const mark = new Map<string, 1 | 2>();
  const visit = (c: ResourceChange): void => {
    mark.set(c.address, 1);
    for (const d of [...c.dependsOn]) {
      const target = byAddress.get(d);
      if (!target) continue;
      if (mark.get(d) === 1) {
        c.dependsOn = c.dependsOn.filter((x) => x !== d);
        warnings.push(`${c.address} and ${d} depend on each other; they are applied without an order between them`);
      } else if (!mark.has(d)) visit(target);
    }
    mark.set(c.address, 2);
  };
  for (const c of changes) if (!mark.has(c.address)) visit(c);
}
