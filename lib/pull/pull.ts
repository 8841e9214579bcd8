/**
 * `kestraform pull`: brings objects changed in Kestra (edited in the UI, deleted, or — on
 * request — created there) back into the repository, following its layout: an object already in
 * Git goes back into its own file, whatever its folder or name; a new one goes where the stack
 * says new objects of its namespace go (./homes), or is refused with the reason. The writes are
 * planned as data first, then carried out; the caller records them in state as applied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DesiredStack } from '../desired/types';
import { resourcesByAddress } from '../desired/by-address';
import type { DriftItem, Plan } from '../engine/plan-types';
import type { StateFile } from '../engine/state-types';
import { builtinKinds, PullHomes, type FileEdit, type KindRegistry, type LiveSnapshot, type StateEntry } from '../kinds';
import { IgnoreRules, findRepositoryRoot, isInside } from '../gittree/ignore-rules';
import { writeFileAtomic } from '../util/atomic-write';
import { UserFacingError } from '../util/errors';

/**
 * One repository file pull changes for one object. A pulled object new to the stack carries its
 * state entry (`adopt`): state records it as applied, so the next plan finds Git, Kestra and
 * state in agreement.
 */
export interface PullWrite {
  address: string;
  file: string;
  change: FileEdit;
  /** It was deleted in Kestra (its file, or its entry in a KV file, goes). */
  removedInKestra: boolean;
  adopt?: StateEntry;
}

export class PullError extends UserFacingError {}

export interface PullSelection {
  addresses?: string[];
  includeUnmanaged?: boolean;
}

export function selectForPull(plan: Plan, sel: PullSelection): DriftItem[] {
  const wanted = sel.addresses?.length ? new Set(sel.addresses) : undefined;
  const items = plan.drift.filter((d) => (d.drift !== 'unmanaged' || sel.includeUnmanaged) && (!wanted || wanted.has(d.address)));
  if (wanted) {
    const found = new Set(items.map((i) => i.address));
    const missing = [...wanted].filter((a) => !found.has(a));
    if (missing.length) throw new PullError(`nothing to pull for ${missing.join(', ')}: ${missing.length === 1 ? 'it has' : 'they have'} not changed outside kestraform${sel.includeUnmanaged ? '' : ' (objects created in Kestra need --include-unmanaged)'}`);
  }
  return items;
}

export interface PullInput {
  stack: DesiredStack;
  live: LiveSnapshot;
  state: StateFile | undefined;
  /** The Kestra client (each kind fetches what refresh did not read). */
  client: unknown;
  projectDir: string;
  kinds?: KindRegistry;
}

/** Plans the repository writes for `items` (nothing is written yet); what cannot be pulled is listed with the reason. */
export async function planPullWrites(items: DriftItem[], input: PullInput): Promise<{ writes: PullWrite[]; skipped: string[] }> {
  const { stack, projectDir } = input;
  const kinds = input.kinds ?? builtinKinds;
  const homes = new PullHomes(stack.settings.pull_homes, projectDir, stack.name);
  const desired = resourcesByAddress(stack);
  const now = new Date().toISOString();
  const writes: PullWrite[] = [];
  const skipped: string[] = [];
  const refuse = (address: string, why: string) => skipped.push(`${address}: ${why}`);
  for (const item of items) {
    const h = kinds.of(item.kind);
    if (!h.planPull) {
      refuse(item.address, `kestraform cannot write ${h.noun.many} into the repository`);
      continue;
    }
    const d = desired.get(item.address);
    const isNew = item.drift === 'unmanaged';
    let file: string | undefined;
    if (!isNew) {
      const origin = d ? h.origin(d, projectDir) : undefined;
      if (!origin) {
        // Declared in code, or managed (in state) but no longer declared: it was removed from Git, so it has no file to go back to.
        refuse(item.address, d ? `it is written in the stack's code (${d.constructPath}), not read from a file; change it there` : 'it is no longer in the repository (removed from Git since the last apply); `kestraform apply` will delete it from Kestra, or restore its file from Git history');
        continue;
      }
      file = path.resolve(projectDir, origin.file);
    }
    const planned = await h.planPull({ address: item.address, drift: item.drift, file, desired: d, live: input.live.objects.get(item.address), entry: input.state?.resources[item.address], client: input.client, homes, now });
    if ('refused' in planned) {
      refuse(item.address, planned.refused);
      continue;
    }
    if (isNew && planned.change.action !== 'edit' && fs.existsSync(planned.file)) {
      refuse(item.address, `its place in the repository, ${path.relative(projectDir, planned.file)}, is taken by another file — move that file, or pull this object by hand`);
      continue;
    }
    if (isNew && planned.change.action === 'write' && leftOutByIgnoreFiles(planned.file, projectDir)) {
      refuse(item.address, `${path.relative(projectDir, planned.file)} would be left out by a .gitignore or .kestraignore rule, so Git and the next plan would not see it — change the rule, or pull it by hand`);
      continue;
    }
    writes.push({ address: item.address, file: planned.file, change: planned.change, removedInKestra: item.drift === 'deleted', adopt: planned.adopt });
  }
  return { writes, skipped };
}

/** Whether the repository's .gitignore files, or the .kestraignore of the file's folder or above, leave `file` out. */
function leftOutByIgnoreFiles(file: string, projectDir: string): boolean {
  const dir = path.dirname(file);
  const repoRoot = findRepositoryRoot(dir) ?? (isInside(dir, projectDir) ? projectDir : undefined);
  for (let at = dir; repoRoot && isInside(at, repoRoot); at = path.dirname(at)) {
    if (IgnoreRules.forDirectory(dir, { repoRoot, kestraignoreDir: at }).enter(dir).ignores(file, false)) return true;
    if (at === repoRoot) break;
  }
  return false;
}

/** Carries out the writes: whole files atomically, files of several objects edited keeping their other entries and comments. */
export function executePullWrites(writes: PullWrite[]): void {
  for (const w of writes) {
    const c = w.change;
    if (c.action === 'write') writeFileAtomic(w.file, c.bytes, { makeParents: true });
    else if (c.action === 'delete') fs.rmSync(w.file, { force: true });
    else {
      const text = fs.existsSync(w.file) ? fs.readFileSync(w.file, 'utf8') : '';
      writeFileAtomic(w.file, Buffer.from(c.edit(text), 'utf8'), { makeParents: true });
    }
  }
}
