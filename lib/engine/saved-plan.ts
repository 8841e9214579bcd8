/**
 * Saved plans (`plan --out FILE`, `apply FILE`): the plan's steps with what they were computed
 * from, so apply can refuse them when anything moved since (Terraform's stale plan check,
 * extended to the live side, which Terraform does not re-check) and otherwise run exactly them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isQuiet, type Plan, type StepAction } from './plan-types';
import { writeFileAtomic } from '../util/atomic-write';
import { byCodePoint } from '../util/order';
import type { StateFile } from './state-types';
import { UserFacingError } from '../util/errors';
import type { DesiredStack } from '../desired/types';
import { stackDigest } from '../desired/digest';

const MAGIC = 'kestraform-plan';
/** Version 2: typed steps with reason codes (version 1 held changes with reasons in words). */
const VERSION = 2;

export class PlanFileError extends UserFacingError {
}

/** Saves `plan`, made from `stack`, with the stack's digest. */
export function writePlanFile(file: string, plan: Plan, stack: DesiredStack): void {
  const body = JSON.stringify({ kind: MAGIC, version: VERSION, plan: { ...plan, desiredDigest: stackDigest(stack) } });
  writeFileAtomic(path.resolve(file), body, { mode: 0o600 });
}

export function readPlanFile(file: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PlanFileError(`cannot read plan file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} — make it with \`kestraform plan --out ${file}\``);
  }
  const r = raw as { kind?: string; version?: number; plan?: Plan };
  if (r?.kind !== MAGIC || r.version !== VERSION || !r.plan || !Array.isArray(r.plan.steps)) {
    const what = r?.kind === MAGIC ? `a plan file of version ${r.version}, made by another version of kestraform` : 'not a kestraform plan file';
    throw new PlanFileError(`${file} is ${what} (this one reads version ${VERSION}) — make a new one with \`kestraform plan --out ${file}\``);
  }
  const bad = r.plan.steps.findIndex((s) => typeof s?.address !== 'string' || typeof s.kind !== 'string' || !ACTIONS.has(s.action) || !Array.isArray(s.dependsOn) || typeof s.phase !== 'number');
  if (bad >= 0) throw new PlanFileError(`${file} is damaged: step ${bad + 1} is not a step kestraform writes — make a new one with \`kestraform plan --out ${file}\``);
  return r.plan;
}

const ACTIONS = new Set<string>(['create', 'update', 'delete', 'replace', 'no-op', 'import', 'record', 'accept', 'forget'] satisfies StepAction[]);

/**
 * Everything that makes a saved plan stale, in words; empty when it still holds. `fresh` is the
 * plan computed now from `stack`, the stack as it is now.
 */
export function stalenessOf(saved: Plan, fresh: Plan, state: StateFile | undefined, stack: DesiredStack): string[] {
  const moved: string[] = [];
  if (saved.stack !== fresh.stack) moved.push(`the plan is for stack "${saved.stack}", not "${fresh.stack}"`);
  if (saved.target.url !== fresh.target.url || saved.target.tenant !== fresh.target.tenant) {
    moved.push(`the plan was made against ${saved.target.url} (tenant ${saved.target.tenant}), not ${fresh.target.url} (tenant ${fresh.target.tenant})`);
  }
  if (saved.desiredDigest !== stackDigest(stack)) moved.push('the configuration (stacks or Git tree) changed since the plan was made');
  const now = state ? { lineage: state.lineage, serial: state.serial } : null;
  if (JSON.stringify(saved.state) !== JSON.stringify(now)) {
    if (saved.state && now && saved.state.lineage !== now.lineage) moved.push('the state belongs to another lineage than the plan');
    else moved.push(`the state changed since the plan was made (serial ${saved.state?.serial ?? 'none'} → ${now?.serial ?? 'none'})`);
  }
  const addresses = new Set([...Object.keys(saved.liveFingerprints), ...Object.keys(fresh.liveFingerprints)]);
  const changed: string[] = [];
  for (const a of [...addresses].sort(byCodePoint)) {
    const before = saved.liveFingerprints[a] ?? 'absent';
    const after = fresh.liveFingerprints[a] ?? 'absent';
    if (before !== after) changed.push(`${a} (${describe(before)} → ${describe(after)})`);
  }
  if (changed.length) moved.push(`${changed.length} object${changed.length === 1 ? '' : 's'} changed in Kestra since the plan was made:\n${listed(changed)}`);
  // With nothing moved, the saved steps are carried out as they are; none may go beyond what
  // kestraform plans from the same inputs (an edited or foreign file must not delete what it does not own).
  const planned = new Set(fresh.steps.map((s) => `${s.action} ${s.address}`));
  const foreign = saved.steps.filter((s) => !isQuiet(s) && !planned.has(`${s.action} ${s.address}`)).map((s) => `${s.action} ${s.address}`);
  if (foreign.length) moved.push(`the plan file holds ${foreign.length} step${foreign.length === 1 ? '' : 's'} kestraform does not plan from the same configuration, state and Kestra:\n${listed(foreign)}`);
  return moved;
}

function listed(lines: string[]): string {
  const shown = lines.slice(0, 20).map((c) => `    ${c}`).join('\n');
  return `${shown}${lines.length > 20 ? `\n    … and ${lines.length - 20} more` : ''}`;
}

function describe(fp: string): string {
  if (fp === 'absent') return 'absent';
  const rev = /^rev:(\d+)/.exec(fp);
  return rev ? `revision ${rev[1]}` : 'changed';
}
