/**
 * `kestraform pull`: brings objects changed in Kestra (edited in the UI, deleted, or — on
 * request — created there) back into the repository, following its layout: an object already in
 * Git goes back into its own file, whatever its folder or name; a new one goes where the stack
 * says new objects of its namespace go (./homes), or is refused with the reason. The writes are
 * planned as data first, then carried out; the caller records them in state as applied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DesiredResource, DesiredStack } from '../desired/types';
import type { DriftItem, Plan } from '../engine/plan-types';
import type { LiveSnapshot } from '../engine/live';
import type { LiveFacts } from '../engine/import';
import { sha256 } from '../engine/hash';
import type { KvType } from '../gittree/types';
import { IgnoreRules, findRepositoryRoot, isInside } from '../gittree/ignore-rules';
import { parseAddress } from '../model/resources';
import { PullHomes, type Home } from './homes';
import { deleteKvEntry, setKvEntry } from './kv-yaml';

export interface PullClient {
  getFlow(ns: string, id: string): Promise<{ source?: string; revision: number } | null>;
  readFile(ns: string, path: string): Promise<Buffer>;
  getKv(ns: string, key: string): Promise<{ type: KvType; value: unknown } | null>;
}

/**
 * A pulled object new to the stack carries what it was live (`adopt`): state records it as
 * applied, so the next plan finds Git, Kestra and state in agreement.
 */
export type PullWrite = { address: string; file: string; adopt?: LiveFacts } & (
  | { action: 'write'; bytes: Buffer }
  | { action: 'delete' }
  | { action: 'kv-set'; key: string; type: KvType; value: string; description?: string }
  | { action: 'kv-delete'; key: string }
);

export class PullError extends Error {
  readonly userFacing = true;
}

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

export async function planPullWrites(
  items: DriftItem[],
  stack: DesiredStack,
  live: LiveSnapshot,
  client: PullClient,
  kvToCanonical: (type: KvType, value: unknown) => string,
  projectDir: string,
): Promise<{ writes: PullWrite[]; skipped: string[] }> {
  const homes = new PullHomes(stack.settings.pull_homes, projectDir, stack.name);
  const desired = new Map(stack.resources.map((r) => [r.address, r]));
  const writes: PullWrite[] = [];
  const skipped: string[] = [];
  const refuse = (address: string, why: string) => skipped.push(`${address}: ${why}`);
  for (const item of items) {
    const p = parseAddress(item.address);
    if (!p) continue;
    const d = desired.get(item.address);
    const isNew = item.drift === 'unmanaged';
    const place = isNew ? newHome(homes, p) : ownFile(d, projectDir);
    if ('refused' in place) {
      refuse(item.address, place.refused);
      continue;
    }
    const file = place.file;
    if (isNew && fs.existsSync(file)) {
      refuse(item.address, `its place in the repository, ${path.relative(projectDir, file)}, is taken by another file — move that file, or pull this object by hand`);
      continue;
    }
    if (isNew && p.kind !== 'kv' && leftOutByIgnoreFiles(file, projectDir)) {
      refuse(item.address, `${path.relative(projectDir, file)} would be left out by a .gitignore or .kestraignore rule, so Git and the next plan would not see it — change the rule, or pull it by hand`);
      continue;
    }
    if (p.kind === 'flow') {
      if (item.drift === 'deleted') {
        writes.push({ address: item.address, file, action: 'delete' });
        continue;
      }
      const known = live.flows.get(item.address);
      const fetched = known?.source !== undefined ? { source: known.source, revision: known.revision } : await client.getFlow(p.namespace, p.id);
      if (fetched?.source === undefined) {
        refuse(item.address, 'its source could not be read from Kestra');
        continue;
      }
      const adopt: LiveFacts | undefined = isNew ? { kind: 'flow', revision: fetched.revision, source: fetched.source } : undefined;
      writes.push({ address: item.address, file, action: 'write', bytes: Buffer.from(fetched.source, 'utf8'), adopt });
    } else if (p.kind === 'file') {
      if (item.drift === 'deleted') {
        writes.push({ address: item.address, file, action: 'delete' });
        continue;
      }
      const known = live.files.get(item.address);
      const bytes = known?.bytes ?? (await client.readFile(p.namespace, p.path));
      const adopt: LiveFacts | undefined = isNew ? { kind: 'file', sha256: sha256(bytes), size: bytes.length, lastModifiedTime: known?.lastModifiedTime } : undefined;
      writes.push({ address: item.address, file, action: 'write', bytes, adopt });
    } else {
      if (item.sensitive || (d?.kind === 'kv' && d.sensitive)) {
        refuse(item.address, 'sensitive values are never written to Git; update it in its KV file yourself, or accept it with `apply --refresh-only`');
        continue;
      }
      if (item.drift === 'deleted') {
        writes.push({ address: item.address, file, action: 'kv-delete', key: p.key });
        continue;
      }
      const l = live.kv.get(item.address);
      let type = l?.type;
      let value = l?.value;
      if (type === undefined || value === undefined) {
        const v = await client.getKv(p.namespace, p.key);
        if (!v) {
          refuse(item.address, 'it expired or was deleted while pulling');
          continue;
        }
        type = v.type;
        value = kvToCanonical(v.type, v.value);
      }
      const adopt: LiveFacts | undefined = isNew ? { kind: 'kv', type, value, description: l?.description, updateDate: l?.updateDate, revision: l?.revision } : undefined;
      writes.push({ address: item.address, file, action: 'kv-set', key: p.key, type, value, description: l?.description, adopt });
    }
  }
  return { writes, skipped };
}

type Parsed = NonNullable<ReturnType<typeof parseAddress>>;

function newHome(homes: PullHomes, p: Parsed): Home {
  if (p.kind === 'flow') return homes.flow(p.namespace, p.id);
  if (p.kind === 'file') return homes.file(p.namespace, p.path);
  return homes.kv(p.namespace);
}

/** The file a declared object came from. */
function ownFile(d: DesiredResource | undefined, projectDir: string): Home {
  if (d?.kind === 'flow' && d.sourceFile) return { file: path.resolve(projectDir, d.sourceFile) };
  if (d?.kind === 'file' && d.sourcePath) return { file: d.sourcePath };
  if (d?.kind === 'kv' && d.sourceFile) return { file: path.resolve(projectDir, d.sourceFile.replace(/:\d+$/, '')) };
  if (d) return { refused: `it is written in the stack's code (${d.constructPath}), not read from a file; change it there` };
  // Managed (in state) but no longer declared: it was removed from Git, so it has no file to go back to.
  return { refused: 'it is no longer in the repository (removed from Git since the last apply); `kestraform apply` will delete it from Kestra, or restore its file from Git history' };
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

/** Carries out the writes: whole files atomically, KV files edited keeping their other entries and comments. */
export function executePullWrites(writes: PullWrite[]): void {
  for (const w of writes) {
    if (w.action === 'write') writeAtomic(w.file, w.bytes);
    else if (w.action === 'delete') fs.rmSync(w.file, { force: true });
    else {
      const text = fs.existsSync(w.file) ? fs.readFileSync(w.file, 'utf8') : '';
      const next = w.action === 'kv-set' ? setKvEntry(text, w.key, { type: w.type, value: w.value, description: w.description }) : deleteKvEntry(text, w.key);
      writeAtomic(w.file, Buffer.from(next, 'utf8'));
    }
  }
}

function writeAtomic(file: string, bytes: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.kestraform-${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}
