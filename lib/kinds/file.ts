/**
 * Namespace files (`kestra_namespace_file`, `file:NAMESPACE:/PATH`). Listings carry size and
 * modification time: when both equal what state recorded after our upload, the bytes are the
 * ones we uploaded and are not downloaded. Uploads answer without the modification time, so one
 * listing per namespace after the writes records it.
 */
import * as path from 'node:path';
import { fileAddress, parseAddress } from '../model/addresses';
import { FILE_TYPE, describeIssues, fileAttributes } from '../model/resources';
import { sha256 } from '../util/hash';
import { MAX_TEXT_DIFF_BYTES, isText, loadFileBytes } from './file-bytes';
import { entryFromLive } from './entries';
import type { DesiredBase, Fingerprint, KindHandler, LiveBase, ObjectView, PullContext, PullPlan, Shown } from './types';

export interface DesiredFile extends DesiredBase {
  kind: 'file';
  namespace: string;
  path: string;
  sha256: string;
  size: number;
  /** Absolute path of the bytes, or undefined when the content is inline. */
  sourcePath?: string;
  inlineContent?: string;
}

export interface LiveFile extends LiveBase {
  kind: 'file';
  path: string;
  size: number;
  lastModifiedTime?: number;
  /** sha256 of the bytes, when known (downloaded, or vouched for by state). */
  sha256?: string;
  /** The bytes, when downloaded. */
  bytes?: Buffer;
}

/** The Kestra calls namespace files need (lib/kestra's client implements them). */
export interface FileClient {
  listFiles(ns: string): Promise<Array<{ path: string; size: number; lastModifiedTime?: number }>>;
  readFile(ns: string, path: string): Promise<Buffer>;
  uploadFile(ns: string, path: string, bytes: Buffer): Promise<void>;
  deleteFile(ns: string, path: string): Promise<void>;
}

const client = (c: unknown) => c as FileClient;

function pathOf(address: string): { namespace: string; path: string } {
  const p = parseAddress(address)!;
  return { namespace: p.namespace, path: p.name };
}

export const fileKind: KindHandler<DesiredFile, LiveFile> = {
  kind: 'file',
  tfTypes: [FILE_TYPE],
  noun: { one: 'namespace file', many: 'namespace files', column: 'files' },
  phases: { write: 1, remove: 4 },
  ignorable: ['content', 'source'],
  storedAs: 'file',
  provenance: ['sourcePath'],

  decode(raw, common, ctx) {
    const p = fileAttributes.safeParse(raw);
    if (!p.success) return { problems: describeIssues(p.error) };
    const a = p.data;
    return {
      resource: {
        kind: 'file', address: fileAddress(a.namespace, a.filename), ...common, namespace: a.namespace, path: a.filename,
        sha256: a.content_sha256, size: a.content_size,
        sourcePath: a.source !== undefined ? path.resolve(ctx.projectDir, a.source) : undefined,
        inlineContent: a.content,
      },
    };
  },

  origin(d, projectDir) {
    if (!d.sourcePath) return undefined;
    const rel = path.relative(projectDir, d.sourcePath);
    return { file: rel.startsWith('..') ? d.sourcePath : rel, line: 0 };
  },

  checkOffline(d) {
    try {
      loadFileBytes(d);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async refresh(ns, ctx) {
    const listed = await client(ctx.client).listFiles(ns);
    const downloads: LiveFile[] = [];
    for (const f of listed) {
      const address = fileAddress(ns, f.path);
      const live: LiveFile = { kind: 'file', address, namespace: ns, path: f.path, size: f.size, lastModifiedTime: f.lastModifiedTime };
      ctx.put(live);
      const s = ctx.entry(address);
      const d = ctx.desired(address) as DesiredFile | undefined;
      const fp = s?.live.kind === 'file' ? s.live : undefined;
      const small = f.size <= ctx.diffDownloadLimit;
      if (fp && fp.size === f.size && fp.lastModifiedTime !== undefined && fp.lastModifiedTime === f.lastModifiedTime) {
        live.sha256 = fp.sha256 as string | undefined; // untouched since our upload
        if (!d && small) downloads.push(live); // about to be deleted: read it, so the plan shows what goes
      } else if (d && d.size === f.size) {
        downloads.push(live); // same size: only the bytes can tell
      } else if ((d || s) && small) {
        downloads.push(live); // changed: fetch it for a readable diff
      }
    }
    await Promise.all(
      downloads.map((live) =>
        ctx.read(async () => {
          const bytes = await client(ctx.client).readFile(ns, live.path);
          live.bytes = bytes;
          live.sha256 = sha256(bytes);
          live.size = bytes.length;
        }),
      ),
    );
  },

  equal: (d, l) => l.size === d.size && l.sha256 === d.sha256,
  desiredHash: (d) => d.sha256,
  liveHash: (l) => l.sha256,
  fingerprintString: (l) => `size:${l.size};mtime:${l.lastModifiedTime ?? '?'}${l.sha256 ? `;sha:${l.sha256}` : ''}`,
  matchesState(l, fp) {
    if (l.size !== fp.size) return false;
    if (l.sha256) return l.sha256 === fp.sha256;
    return fp.lastModifiedTime !== undefined && l.lastModifiedTime === fp.lastModifiedTime;
  },
  sensitive: () => false,

  viewOfDesired: (d) => ({ namespace: d.namespace, size: d.size, sha256: d.sha256 }),
  viewOfLive(l, detailed) {
    const view: ObjectView = { namespace: l.namespace, size: l.size, sha256: l.sha256 };
    if (detailed && l.bytes) {
      if (isText(l.bytes)) view.text = l.bytes.toString('utf8');
      else view.binary = true;
    }
    return view;
  },
  viewOfApplied: (s) => ({ namespace: pathOf(s.address).namespace, size: s.live.size as number | undefined, sha256: s.live.sha256 as string | undefined }),
  reviewOfDesired(d) {
    if (d.size > MAX_TEXT_DIFF_BYTES) return {};
    try {
      const bytes = loadFileBytes(d);
      return isText(bytes) ? { text: bytes.toString('utf8') } : { binary: true };
    } catch {
      return {}; // a stale source is reported by validation and refused by apply
    }
  },

  fingerprint(l, d) {
    const known = l.sha256 ?? (l.bytes ? sha256(l.bytes) : d?.sha256);
    // Without its hash (too large to download, not vouched for) size and time still tell a later change.
    return { kind: 'file', size: l.size, lastModifiedTime: l.lastModifiedTime, ...(known ? { sha256: known } : {}) };
  },
  applied: (d) => ({ appliedHash: d.sha256, applied: {} }),
  appliedFromLive(l) {
    const known = l.sha256 ?? (l.bytes ? sha256(l.bytes) : undefined);
    return known === undefined ? undefined : { appliedHash: known, applied: {} };
  },

  async write(d, _action, ctx): Promise<Fingerprint> {
    const bytes = loadFileBytes(d);
    await client(ctx.client).uploadFile(d.namespace, d.path, bytes);
    return { kind: 'file', sha256: sha256(bytes), size: bytes.length };
  },
  async remove(address, ctx) {
    const p = pathOf(address);
    await client(ctx.client).deleteFile(p.namespace, p.path);
  },
  async afterWrites(written, ctx, state) {
    const byNamespace = new Map<string, Set<string>>();
    for (const a of written) {
      const p = pathOf(a);
      byNamespace.set(p.namespace, (byNamespace.get(p.namespace) ?? new Set()).add(p.path));
    }
    await Promise.all(
      [...byNamespace].map(async ([ns, paths]) => {
        for (const f of await client(ctx.client).listFiles(ns)) {
          if (!paths.has(f.path)) continue;
          const e = state.entry(fileAddress(ns, f.path));
          // Only when the listing shows what we uploaded (same size); anything else is a later change.
          if (e?.live.kind !== 'file' || e.live.size !== f.size) continue;
          state.set({ ...e, live: { ...e.live, lastModifiedTime: f.lastModifiedTime } });
        }
      }),
    );
  },

  display(shown: Shown) {
    const { before, after } = shown;
    const beforeText = shown.sides === 'create' ? null : before?.text;
    const afterText = shown.sides === 'delete' ? null : after?.text;
    if (beforeText !== undefined && afterText !== undefined) return [{ type: 'diff', label: pathOf(shown.address).path, before: beforeText, after: afterText }];
    return [{ type: 'note', text: summary(shown.sides === 'create' ? undefined : before, shown.sides === 'delete' ? undefined : after) }];
  },

  async planPull(ctx: PullContext): Promise<PullPlan> {
    const p = pathOf(ctx.address);
    const home = ctx.file !== undefined ? { file: ctx.file } : ctx.homes.file(p.namespace, p.path);
    if ('refused' in home) return home;
    if (ctx.drift === 'deleted') return { file: home.file, change: { action: 'delete' } };
    const known = ctx.live as LiveFile | undefined;
    const bytes = known?.bytes ?? (await client(ctx.client).readFile(p.namespace, p.path));
    const live: LiveFile = { kind: 'file', address: ctx.address, namespace: p.namespace, path: p.path, size: bytes.length, lastModifiedTime: known?.lastModifiedTime, sha256: sha256(bytes), bytes };
    const adopt = ctx.drift === 'unmanaged' ? entryFromLive(fileKind, live, undefined, undefined, ctx.now) : undefined;
    return { file: home.file, change: { action: 'write', bytes }, adopt };
  },
};

/** One line for a file whose text is not shown: binary, or its bytes were not read. */
function summary(before: ObjectView | undefined, after: ObjectView | undefined): string {
  const size = (v?: ObjectView) => (v?.size === undefined ? '?' : String(v.size));
  const sha = (v?: ObjectView) => (v?.sha256 ? `${v.sha256.slice(0, 8)}…` : '(not read)');
  const binary = before?.binary || after?.binary ? 'binary, ' : '';
  if (!before) return `${binary}${size(after)} bytes, sha256 ${sha(after)}`;
  if (!after) return `${binary}${size(before)} bytes, sha256 ${sha(before)}`;
  return `${binary}${size(before)} → ${size(after)} bytes, sha256 ${sha(before)} → ${sha(after)}`;
}
