/**
 * `kestraform pull`: brings objects changed in Kestra (edited in the UI, deleted, or — on
 * request — created there) back into the Git tree in the default layout, then records them in
 * state as applied, so plan shows no change and drift no longer reports them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DesiredStack } from '../desired/types';
import type { DriftItem, Plan } from '../engine/plan-types';
import type { LiveSnapshot } from '../engine/live';
import type { KvType } from '../gittree/types';
import { parseAddress } from '../model/resources';
import { namespaceFolders } from './tree-locations';
import { deleteKvEntry, setKvEntry } from './kv-yaml';

export interface PullClient {
  getFlow(ns: string, id: string): Promise<{ source?: string; revision: number } | null>;
  readFile(ns: string, path: string): Promise<Buffer>;
  getKv(ns: string, key: string): Promise<{ type: KvType; value: unknown } | null>;
}

export type PullWrite =
  | { address: string; file: string; action: 'write'; bytes: Buffer }
  | { address: string; file: string; action: 'delete' }
  | { address: string; file: string; action: 'kv-set'; key: string; type: KvType; value: string; description?: string }
  | { address: string; file: string; action: 'kv-delete'; key: string };

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
    if (missing.length) throw new PullError(`nothing to pull for ${missing.join(', ')}: ${missing.length === 1 ? 'it has' : 'they have'} not changed outside kestraform${sel.includeUnmanaged ? '' : ' (unmanaged objects need --include-unmanaged)'}`);
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
  const folders = namespaceFolders(stack, projectDir);
  const desired = new Map(stack.resources.map((r) => [r.address, r]));
  const writes: PullWrite[] = [];
  const skipped: string[] = [];
  for (const item of items) {
    const p = parseAddress(item.address);
    if (!p) continue;
    const nsDir = folders.get(p.namespace);
    const d = desired.get(item.address);
    if (!nsDir) {
      skipped.push(`${item.address}: namespace "${p.namespace}" has no folder in the Git tree that kestraform can tell; pull it by hand`);
      continue;
    }
    if (p.kind === 'flow') {
      const file = d?.kind === 'flow' && d.sourceFile ? path.resolve(projectDir, d.sourceFile) : path.join(nsDir, 'flows', `${p.id}.yml`);
      if (item.drift === 'deleted') {
        writes.push({ address: item.address, file, action: 'delete' });
        continue;
      }
      const source = live.flows.get(item.address)?.source ?? (await client.getFlow(p.namespace, p.id))?.source;
      if (source === undefined) {
        skipped.push(`${item.address}: its source could not be read from Kestra`);
        continue;
      }
      writes.push({ address: item.address, file, action: 'write', bytes: Buffer.from(source, 'utf8') });
    } else if (p.kind === 'file') {
      const file = d?.kind === 'file' && d.sourcePath ? d.sourcePath : path.join(nsDir, 'files', ...p.path.split('/').filter(Boolean));
      if (item.drift === 'deleted') writes.push({ address: item.address, file, action: 'delete' });
      else writes.push({ address: item.address, file, action: 'write', bytes: live.files.get(item.address)?.bytes ?? (await client.readFile(p.namespace, p.path)) });
    } else {
      const file = path.join(nsDir, 'kv.yaml');
      if (item.sensitive || (d?.kind === 'kv' && d.sensitive)) {
        skipped.push(`${item.address}: sensitive values are never written to Git; update it in kv.yaml yourself or accept it with \`apply --refresh-only\``);
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
          skipped.push(`${item.address}: it expired or was deleted while pulling`);
          continue;
        }
        type = v.type;
        value = kvToCanonical(v.type, v.value);
      }
      writes.push({ address: item.address, file, action: 'kv-set', key: p.key, type, value, description: l?.description });
    }
  }
  return { writes, skipped };
}

/** Carries out the writes: whole files atomically, kv.yaml edits keeping its other entries and comments. */
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
