/**
 * Namespace files (`kestra_namespace_file`, `file:NAMESPACE:/PATH`). Listings carry size and
 * modification time: when both equal what state recorded after our upload, the bytes are the
 * ones we uploaded and are not downloaded. Uploads answer without the modification time, so one
 * listing per namespace after the writes records it.
 *
 * Kestra 1.x stores a space in a path as `+` (kestra-io/kestra#16896): its listings name
 * `/docs/read me.txt` `/docs/read+me.txt`, and every call given either name reaches that one
 * object. Refresh gives such a listed file back the name Git (or else state) has for it, so the
 * plan compares it with its Git file instead of creating it again and pruning the `+` name.
 *
 * A path is a file or a directory, never both (#17659, #18821): a write where a removed object
 * still holds the path waits for that removal (writeAfterRemovals), and an upload refused because
 * an empty directory was left at its path removes that directory and uploads again.
 */
import * as path from 'node:path';
import { fileAddress, parseAddress } from '../model/addresses';
import { ancestorDirectories, kestra1xWrittenAs, storedNamespacePath } from '../model/file-paths';
import { FILE_TYPE, describeIssues, fileAttributes } from '../model/resources';
import { UserFacingError } from '../util/errors';
import { byKey } from '../util/order';
import { sha256 } from '../util/hash';
import { MAX_TEXT_DIFF_BYTES, isText, loadFileBytes } from './file-bytes';
import { entryFromLive } from './entries';
import type { DesiredBase, Fingerprint, KindHandler, LiveBase, ObjectView, PullContext, PullPlan, RefreshContext, Shown } from './types';

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
  /** What is at a path, or null when nothing is. */
  statFile(ns: string, path: string): Promise<{ isDirectory: boolean } | null>;
  /** A directory's direct children, or null when there is none. */
  listDirectory(ns: string, directory: string): Promise<Array<{ name: string }> | null>;
}

/** An upload Kestra refuses because the path, or a directory above it, is taken by an entry of the other kind. */
export class NamespacePathConflictError extends UserFacingError {}

const client = (c: unknown) => c as FileClient;
const inNamespace = (ns: string, p: string) => `${ns}\u0000${p}`;

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

  checkOffline(d, ctx) {
    // Bytes the reused synth's check vouches for are the ones synthesized: no need to read them again.
    if (d.sourcePath !== undefined && d.inlineContent === undefined && ctx?.sourceUnchanged?.(d.sourcePath, d.sha256)) return undefined;
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
      const name = ctx.kestraMajor === 1 ? writtenAs1x(ns, f.path, ctx) : f.path;
      const address = fileAddress(ns, name);
      const live: LiveFile = { kind: 'file', address, namespace: ns, path: name, size: f.size, lastModifiedTime: f.lastModifiedTime };
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
    const c = client(ctx.client);
    try {
      await c.uploadFile(d.namespace, d.path, bytes);
    } catch (e) {
      if (!isPathConflict(e, ctx.kestraMajor ?? 2)) throw e;
      await clearPathFor(c, d, e);
      await c.uploadFile(d.namespace, d.path, bytes);
    }
    return { kind: 'file', sha256: sha256(bytes), size: bytes.length };
  },
  async remove(address, ctx) {
    const p = pathOf(address);
    await client(ctx.client).deleteFile(p.namespace, p.path);
  },
  async afterWrites(written, ctx, state) {
    // Each namespace's written paths by the name Kestra lists them under.
    const byNamespace = new Map<string, Map<string, string>>();
    for (const a of written) {
      const p = pathOf(a);
      const paths = byNamespace.get(p.namespace) ?? new Map<string, string>();
      byNamespace.set(p.namespace, paths.set(storedNamespacePath(p.path, ctx.kestraMajor ?? 2), p.path));
    }
    await Promise.all(
      [...byNamespace].map(async ([ns, paths]) => {
        for (const f of await client(ctx.client).listFiles(ns)) {
          const written = paths.get(f.path);
          if (written === undefined) continue;
          const e = state.entry(fileAddress(ns, written));
          // Only when the listing shows what we uploaded (same size); anything else is a later change.
          if (e?.live.kind !== 'file' || e.live.size !== f.size) continue;
          state.set({ ...e, live: { ...e.live, lastModifiedTime: f.lastModifiedTime } });
        }
      }),
    );
  },

  writeAfterRemovals(writes, removals) {
    const removed = new Map<string, string>();
    for (const a of removals) {
      const p = pathOf(a);
      removed.set(inNamespace(p.namespace, p.path), a);
    }
    const writing = new Map(writes.map((d) => [inNamespace(d.namespace, d.path), d.address]));
    const pairs: Array<{ write: string; removal: string }> = [];
    // A file removed where a directory is now written (/cfg → /cfg/a.txt)…
    for (const d of writes) {
      for (const dir of ancestorDirectories(d.path)) {
        const removal = removed.get(inNamespace(d.namespace, dir));
        if (removal) pairs.push({ write: d.address, removal });
      }
    }
    // …and files removed from a directory now written as a file (/cfg/a.txt → /cfg).
    for (const [at, removal] of removed) {
      const [ns, p] = at.split('\u0000');
      for (const dir of ancestorDirectories(p)) {
        const write = writing.get(inNamespace(ns, dir));
        if (write) pairs.push({ write, removal });
      }
    }
    return pairs;
  },

  checkOfflineTogether(ds, { kestraMajor, projectDir }) {
    const problems: Array<{ address: string; message: string; hint?: string }> = [];
    const where = (d: DesiredFile) => {
      const o = fileKind.origin(d, projectDir);
      return o ? ` (${o.file})` : '';
    };
    // Kestra's name of each path: on 1.x `a b` and `a+b` are one.
    const byStored = new Map<string, DesiredFile[]>();
    for (const d of ds) {
      const key = inNamespace(d.namespace, storedNamespacePath(d.path, kestraMajor));
      byStored.set(key, [...(byStored.get(key) ?? []), d]);
    }
    for (const same of byStored.values()) {
      if (same.length < 2) continue;
      const sorted = [...same].sort(byKey((d) => d.path));
      problems.push({
        address: sorted[0].address,
        message: `namespace ${sorted[0].namespace}: ${sorted.map((d) => `${d.path}${where(d)}`).join(' and ')} are one file on Kestra 1.x, which stores a space in a file name as "+" (kestra-io/kestra#16896)`,
        hint: 'rename one of them (one name without spaces), or target Kestra 2 (kestraVersion: 2) where the two names are two files',
      });
    }
    // A path is a file or a directory, never both: each file some other path needs as a directory, once.
    const below = new Map<DesiredFile, DesiredFile[]>();
    for (const d of ds) {
      for (const dir of ancestorDirectories(storedNamespacePath(d.path, kestraMajor))) {
        const file = byStored.get(inNamespace(d.namespace, dir))?.[0];
        if (file) below.set(file, [...(below.get(file) ?? []), d]);
      }
    }
    for (const [file, inside] of below) {
      const more = inside.length > 1 ? ` (and ${inside.length - 1} more)` : '';
      problems.push({
        address: file.address,
        message: `namespace ${file.namespace}: ${file.path}${where(file)} is a file, and ${inside[0].path}${where(inside[0])}${more} needs a directory there: Kestra holds a path as a file or a directory, never both`,
        hint: 'rename the file or the directory',
      });
    }
    return problems;
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

/**
 * The name Git (or else state) has for a file Kestra 1.x lists as `listed`: each `+` in it may
 * have been written as a space. The listed name itself wins when it is declared.
 */
function writtenAs1x(ns: string, listed: string, ctx: RefreshContext): string {
  if (!listed.includes('+')) return listed;
  const names = kestra1xWrittenAs(listed);
  return names.find((p) => ctx.desired(fileAddress(ns, p))) ?? names.find((p) => ctx.entry(fileAddress(ns, p))) ?? listed;
}

/** Kestra refused an upload for the path's sake: 409 (2.x, 1.3.x), or the 500 of 1.x below a file. */
function isPathConflict(e: unknown, major: 1 | 2): boolean {
  const status = (e as { status?: unknown }).status;
  return status === 409 || (major === 1 && status === 500);
}

/**
 * What to do when Kestra refused to upload `d` for the path's sake. A directory left empty at
 * the path (Kestra's parent clean-up keeps one whose name another namespace also uses) is
 * removed, and the caller uploads again; otherwise the error names what is in the way.
 */
async function clearPathFor(c: FileClient, d: DesiredFile, refused: unknown): Promise<void> {
  const at = await c.statFile(d.namespace, d.path);
  if (at?.isDirectory) {
    const inside = (await c.listDirectory(d.namespace, d.path)) ?? [];
    if (!inside.length) {
      await c.deleteFile(d.namespace, d.path);
      return;
    }
    const names = inside.slice(0, 5).map((e) => e.name).join(', ') + (inside.length > 5 ? ', …' : '');
    throw new NamespacePathConflictError(
      `${d.address}: Kestra holds a directory ${d.path} in namespace ${d.namespace} with ${inside.length} entr${inside.length === 1 ? 'y' : 'ies'} kestraform does not remove (${names}), so the file cannot be written there — a path is a file or a directory, never both. Delete them in Kestra, declare them in the stack and prune, or give the file another name.`,
      { cause: refused },
    );
  }
  for (const dir of ancestorDirectories(d.path)) {
    const above = await c.statFile(d.namespace, dir);
    if (!above) break;
    if (above.isDirectory) continue;
    throw new NamespacePathConflictError(
      `${d.address}: Kestra holds a file ${dir} in namespace ${d.namespace}, where ${d.path} needs a directory — a path is a file or a directory, never both. Delete ${dir} in Kestra (or from the stack, with prune), or give the file another path.`,
      { cause: refused },
    );
  }
  throw refused;
}

/** One line for a file whose text is not shown: binary, or its bytes were not read. */
function summary(before: ObjectView | undefined, after: ObjectView | undefined): string {
  const size = (v?: ObjectView) => (v?.size === undefined ? '?' : String(v.size));
  const sha = (v?: ObjectView) => (v?.sha256 ? `${v.sha256.slice(0, 8)}…` : '(not read)');
  const binary = before?.binary || after?.binary ? 'binary, ' : '';
  if (!before) return `${binary}${size(after)} bytes, sha256 ${sha(after)}`;
  if (!after) return `${binary}${size(before)} bytes, sha256 ${sha(before)}`;
  return `${binary}${size(before)} → ${size(after)} bytes, sha256 ${sha(before)} → ${sha(after)}`;
}
