/**
 * Saved plans (`plan --out FILE`, `apply FILE`): the plan with what it was computed from, so
 * apply can refuse it when anything moved since (Terraform's stale plan check, extended to the
 * live side, which Terraform does not re-check).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Plan } from './plan-types';
import type { StateFile } from './state-types';

const MAGIC = 'kestraform-plan';

export class PlanFileError extends Error {
  readonly userFacing = true;
}

export function writePlanFile(file: string, plan: Plan): void {
  const body = JSON.stringify({ kind: MAGIC, version: 1, plan });
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function readPlanFile(file: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PlanFileError(`cannot read plan file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} — make it with \`kestraform plan --out ${file}\``);
  }
  const r = raw as { kind?: string; version?: number; plan?: Plan };
  if (r?.kind !== MAGIC || r.version !== 1 || !r.plan || !Array.isArray(r.plan.changes)) {
    throw new PlanFileError(`${file} is not a kestraform plan file (version 1) — make a new one with \`kestraform plan --out ${file}\``);
  }
  return r.plan;
}

/**
 * Everything that makes a saved plan stale, in words; empty when it still holds. `fresh` is the
 * plan computed now from the same stack.
 */
export function stalenessOf(saved: Plan, fresh: Plan, state: StateFile | undefined): string[] {
  const moved: string[] = [];
  if (saved.stack !== fresh.stack) moved.push(`the plan is for stack "${saved.stack}", not "${fresh.stack}"`);
  if (saved.target.url !== fresh.target.url || saved.target.tenant !== fresh.target.tenant) {
    moved.push(`the plan was made against ${saved.target.url} (tenant ${saved.target.tenant}), not ${fresh.target.url} (tenant ${fresh.target.tenant})`);
  }
  if (saved.desiredDigest !== fresh.desiredDigest) moved.push('the configuration (stacks or Git tree) changed since the plan was made');
  const now = state ? { lineage: state.lineage, serial: state.serial } : null;
  if (JSON.stringify(saved.state) !== JSON.stringify(now)) {
    if (saved.state && now && saved.state.lineage !== now.lineage) moved.push('the state belongs to another lineage than the plan');
    else moved.push(`the state changed since the plan was made (serial ${saved.state?.serial ?? 'none'} → ${now?.serial ?? 'none'})`);
  }
  const addresses = new Set([...Object.keys(saved.liveFingerprints), ...Object.keys(fresh.liveFingerprints)]);
  const changed: string[] = [];
  for (const a of [...addresses].sort()) {
    const before = saved.liveFingerprints[a] ?? 'absent';
    const after = fresh.liveFingerprints[a] ?? 'absent';
    if (before !== after) changed.push(`${a} (${describe(before)} → ${describe(after)})`);
  }
  if (changed.length) {
    const shown = changed.slice(0, 20).map((c) => `    ${c}`).join('\n');
    moved.push(`${changed.length} object${changed.length === 1 ? '' : 's'} changed in Kestra since the plan was made:\n${shown}${changed.length > 20 ? `\n    … and ${changed.length - 20} more` : ''}`);
  }
  return moved;
}

function describe(fp: string): string {
  if (fp === 'absent') return 'absent';
  const rev = /^rev:(\d+)/.exec(fp);
  return rev ? `revision ${rev[1]}` : 'changed';
}
