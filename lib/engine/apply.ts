/**
 * Apply: carries out a plan against Kestra — flows validated first (nothing is written if any is
 * invalid), then writes in phases with bounded concurrency, state saved after every success.
 */
import pLimit from 'p-limit';
import type { DesiredFile, DesiredFlow, DesiredKv, DesiredLocal, DesiredResource, DesiredStack } from '../desired/types';
import { loadFileBytes } from '../desired/bytes';
import { parseAddress } from '../model/resources';
import type { KvType } from '../gittree/types';
import type { Plan, ResourceChange } from './plan-types';
import type { LiveSnapshot } from './live';
import type { Fingerprint, StateEntry } from './state-types';
import { flowSourceHash, kvDesiredHash, kvValueHash, triggersHash, sha256 } from './hash';
import { LiveState } from './apply-state';
import { expectedLiveKv } from '../kestra/kv-values';

/** The part of the Kestra client apply needs (lib/kestra implements it). */
export interface ApplyClient {
  createFlow(source: string): Promise<{ revision: number; source?: string }>;
  updateFlow(ns: string, id: string, source: string): Promise<{ revision: number; source?: string }>;
  deleteFlow(ns: string, id: string): Promise<unknown>;
  validateFlows(sources: string[]): Promise<Array<{ index: number; flowId?: string; namespace?: string; errors?: string }>>;
  uploadFile(ns: string, path: string, bytes: Buffer): Promise<void>;
  deleteFile(ns: string, path: string): Promise<void>;
  putKv(ns: string, key: string, v: { type: KvType; value: string }, o?: { ttl?: string; description?: string }): Promise<void>;
  deleteKv(ns: string, key: string): Promise<unknown>;
  listFiles(ns: string): Promise<Array<{ path: string; size: number; lastModifiedTime?: number }>>;
  listKv(ns: string): Promise<Array<{ key: string; updateDate?: string; revision?: number }>>;
}

export interface ApplyOptions {
  client: ApplyClient;
  stack: DesiredStack;
  plan: Plan;
  live: LiveSnapshot;
  state: LiveState;
  parallelism?: number;
  /** Called after each action (for progress). */
  onProgress?: (done: number, total: number, change: ResourceChange, error?: unknown) => void;
  /** Polled before each action starts: true stops launching new actions (SIGINT). */
  shouldStop?: () => boolean;
  /** Skip Kestra's validate endpoint (tests of local validation only). */
  skipServerValidation?: boolean;
}

export interface ApplyResult {
  added: number;
  changed: number;
  destroyed: number;
  imported: number;
  failed: Array<{ address: string; error: unknown }>;
  /** Actions not started (after a failure in an earlier phase, or an interrupt). */
  skipped: string[];
  interrupted: boolean;
}

export class ValidationFailedError extends Error {
  readonly userFacing = true;
  constructor(readonly problems: string[]) {
    super(`${problems.length} flow${problems.length === 1 ? ' is' : 's are'} invalid; nothing was applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export async function applyPlan(opts: ApplyOptions): Promise<ApplyResult> {
  const { plan, stack } = opts;
  if (plan.errors.length) throw new ValidationFailedError(plan.errors);
  const desired = new Map<string, DesiredResource>(stack.resources.map((r) => [r.address, r]));
  await validateFlows(plan, desired, opts);

  const result: ApplyResult = { added: 0, changed: 0, destroyed: 0, imported: 0, failed: [], skipped: [], interrupted: false };
  const work = plan.changes.filter((c) => c.action !== 'no-op');
  const total = work.length;
  let done = 0;

  // No-ops whose live fingerprint is newer than state's: record it (e.g. a timestamp now known).
  for (const c of plan.changes) if (c.action === 'no-op') adoptLive(c, desired.get(c.address), opts);

  const phases = [...new Set(work.map((c) => c.phase))].sort((a, b) => a - b);
  const limit = pLimit(Math.max(1, opts.parallelism ?? 8));
  const uploadedFiles = new Map<string, Map<string, number>>();
  const writtenKv = new Map<string, Set<string>>();

  for (const phase of phases) {
    const inPhase = work.filter((c) => c.phase === phase);
    if (result.failed.length || result.interrupted) {
      result.skipped.push(...inPhase.map((c) => c.address));
      continue;
    }
    const finished = new Map<string, Promise<boolean>>();
    const run = (c: ResourceChange): Promise<boolean> => {
      let p = finished.get(c.address);
      if (p) return p;
      p = (async () => {
        const deps = await Promise.all(c.dependsOn.filter((d) => inPhase.some((x) => x.address === d)).map((d) => run(inPhase.find((x) => x.address === d)!)));
        if (deps.some((ok) => !ok)) {
          result.skipped.push(c.address);
          return false;
        }
        // The API call holds a concurrency slot; the state save that follows does not, so
        // saves (coalesced) never throttle the writes.
        const outcome = await limit(async (): Promise<'ok' | 'stopped' | unknown> => {
          if (opts.shouldStop?.()) return 'stopped';
          try {
            await execute(c, desired.get(c.address), opts, { uploadedFiles, writtenKv });
            return 'ok';
          } catch (e) {
            return { error: e };
          }
        });
        if (outcome === 'stopped') {
          result.interrupted = true;
          result.skipped.push(c.address);
          return false;
        }
        if (outcome !== 'ok') {
          const error = (outcome as { error: unknown }).error;
          result.failed.push({ address: c.address, error });
          opts.onProgress?.(++done, total, c, error);
          return false;
        }
        count(result, c);
        await opts.state.save();
        opts.onProgress?.(++done, total, c);
        return true;
      })();
      finished.set(c.address, p);
      return p;
    };
    await Promise.all(inPhase.map(run));
  }

  await recordListingFingerprints(opts, uploadedFiles, writtenKv);
  await opts.state.save();
  return result;
}

function count(r: ApplyResult, c: ResourceChange): void {
  if (c.action === 'create') r.added++;
  else if (c.action === 'update') r.changed++;
  else if (c.action === 'delete') r.destroyed++;
  else if (c.action === 'replace') {
    r.added++;
    r.destroyed++;
  } else if (c.action === 'import') r.imported++;
}

/**
 * Every flow to write was checked locally when the stacks were read (tree reader, desired
 * reader); here Kestra's own validate endpoint checks them all, in batches, before any write.
 */
async function validateFlows(plan: Plan, desired: Map<string, DesiredResource>, opts: ApplyOptions): Promise<void> {
  const flows = plan.changes
    .filter((c) => c.kind === 'flow' && (c.action === 'create' || c.action === 'update'))
    .map((c) => desired.get(c.address) as DesiredFlow);
  const problems: string[] = [];
  if (flows.length && !opts.skipServerValidation) {
    const answers = await opts.client.validateFlows(flows.map((f) => f.content));
    for (const a of answers) {
      if (!a.errors) continue;
      const f = flows[a.index] ?? flows.find((x) => x.flowId === a.flowId && x.namespace === a.namespace);
      problems.push(`${f ? (f.sourceFile ?? f.address) : `flow #${a.index}`}: Kestra's validation: ${a.errors.trim()}`);
    }
  }
  if (problems.length) throw new ValidationFailedError(problems);
}

interface Written {
  uploadedFiles: Map<string, Map<string, number>>;
  writtenKv: Map<string, Set<string>>;
}

async function execute(c: ResourceChange, d: DesiredResource | undefined, opts: ApplyOptions, written: Written): Promise<void> {
  const { client, state } = opts;
  const now = new Date().toISOString();
  if (c.action === 'import') {
    adoptLive(c, d, opts, true);
    return;
  }
  if (c.action === 'forget') {
    state.remove(c.address);
    return;
  }
  if (c.kind === 'local') {
    if (c.action === 'delete') state.remove(c.address);
    else {
      const l = d as DesiredLocal;
      state.set({ address: c.address, appliedHash: triggersHash(l.triggers), live: { kind: 'local', triggersHash: triggersHash(l.triggers) }, applied: { triggers: l.triggers }, updatedAt: now });
    }
    return;
  }
  const p = parseAddress(c.address)!;
  if (c.action === 'delete') {
    if (p.kind === 'flow') await client.deleteFlow(p.namespace, p.id);
    else if (p.kind === 'file') await client.deleteFile(p.namespace, p.path);
    else await client.deleteKv(p.namespace, p.key);
    state.remove(c.address);
    return;
  }
  // create / update
  if (d?.kind === 'flow') {
    const res = c.action === 'create' ? await client.createFlow(d.content) : await client.updateFlow(d.namespace, d.flowId, d.content);
    state.set(entryFor(d, { kind: 'flow', revision: res.revision, sourceHash: flowSourceHash(res.source ?? d.content) }, now));
  } else if (d?.kind === 'file') {
    const bytes = loadFileBytes(d);
    await client.uploadFile(d.namespace, d.path, bytes);
    state.set(entryFor(d, { kind: 'file', sha256: sha256(bytes), size: bytes.length }, now));
    const m = written.uploadedFiles.get(d.namespace) ?? new Map<string, number>();
    m.set(d.path, bytes.length);
    written.uploadedFiles.set(d.namespace, m);
  } else if (d?.kind === 'kv') {
    await client.putKv(d.namespace, d.key, { type: d.type, value: d.value }, { ttl: d.ttl, description: d.description });
    const expected = expectedLiveKv(d.type, d.value);
    state.set(entryFor(d, { kind: 'kv', valueHash: kvValueHash(expected.type, expected.value) }, now));
    const s = written.writtenKv.get(d.namespace) ?? new Set<string>();
    s.add(d.key);
    written.writtenKv.set(d.namespace, s);
  } else {
    throw new Error(`${c.address}: nothing declared to ${c.action} (internal error)`);
  }
}

function entryFor(d: DesiredFlow | DesiredFile | DesiredKv, live: Fingerprint, now: string): StateEntry {
  const base = { address: d.address, live, preventDestroy: d.lifecycle.preventDestroy || undefined, updatedAt: now };
  if (d.kind === 'flow') return { ...base, appliedHash: flowSourceHash(d.content), applied: { source: d.content } };
  if (d.kind === 'file') return { ...base, appliedHash: d.sha256, applied: {} };
  return {
    ...base,
    appliedHash: kvDesiredHash(d),
    applied: { type: d.type, value: d.sensitive ? undefined : d.value, description: d.description, ttl: d.ttl, sensitive: d.sensitive || undefined },
  };
}

/** Records the live object as managed, with the fingerprint refresh saw (import, and no-ops). */
function adoptLive(c: ResourceChange, d: DesiredResource | undefined, opts: ApplyOptions, force = false): void {
  if (!d || d.kind === 'local') return;
  const prev = opts.state.entry(c.address);
  let fp: Fingerprint | undefined;
  if (d.kind === 'flow') {
    const l = opts.live.flows.get(c.address);
    if (l) fp = { kind: 'flow', revision: l.revision, sourceHash: l.sourceHash ?? flowSourceHash(d.content) };
  } else if (d.kind === 'file') {
    const l = opts.live.files.get(c.address);
    if (l) fp = { kind: 'file', sha256: l.sha256 ?? d.sha256, size: l.size, lastModifiedTime: l.lastModifiedTime };
  } else {
    const l = opts.live.kv.get(c.address);
    if (l) {
      const expected = expectedLiveKv(d.type, d.value);
      fp = { kind: 'kv', valueHash: l.valueHash ?? kvValueHash(expected.type, expected.value), updateDate: l.updateDate, revision: l.revision };
    }
  }
  if (!fp) return;
  if (!force && prev && JSON.stringify(prev.live) === JSON.stringify(fp) && prev.appliedHash === entryFor(d, fp, '').appliedHash) return;
  opts.state.set(entryFor(d, fp, new Date().toISOString()));
}

/**
 * Uploads and KV writes answer without the modification time / update date that the next
 * refresh compares against; one listing per touched namespace records them.
 */
async function recordListingFingerprints(opts: ApplyOptions, uploaded: Map<string, Map<string, number>>, kv: Map<string, Set<string>>): Promise<void> {
  const tasks: Array<Promise<void>> = [];
  for (const [ns, files] of uploaded) {
    tasks.push(
      opts.client.listFiles(ns).then((listed) => {
        for (const f of listed) {
          const size = files.get(f.path);
          const address = `file:${ns}:${f.path}`;
          const e = opts.state.entry(address);
          if (size === undefined || f.size !== size || e?.live.kind !== 'file') continue;
          opts.state.set({ ...e, live: { ...e.live, lastModifiedTime: f.lastModifiedTime } });
        }
      }),
    );
  }
  for (const [ns, keys] of kv) {
    tasks.push(
      opts.client.listKv(ns).then((listed) => {
        for (const k of listed) {
          if (!keys.has(k.key)) continue;
          const e = opts.state.entry(`kv:${ns}/${k.key}`);
          if (e?.live.kind !== 'kv') continue;
          opts.state.set({ ...e, live: { ...e.live, updateDate: k.updateDate, revision: k.revision } });
        }
      }),
    );
  }
  // Best effort: without these the next refresh downloads to compare, which is slower, not wrong.
  await Promise.allSettled(tasks);
}
