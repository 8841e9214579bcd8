/**
 * Namespace files: multipart upload (part `fileContent`), byte-exact reads, one-level directory
 * listings with size and times, stats, revisions, search, move, recursive delete, ZIP export —
 * with what Kestra's NamespaceFileController and InternalNamespace do around them:
 * - Kestra 1.x stores a path as `URLEncoder.encode` then `URI.getPath()` leave it: a space
 *   becomes `+`, so `a b.txt` and `a+b.txt` are one object (#16896; 2.0 keeps the path, #17086);
 * - a path is a file or a directory, never both: a write meeting a live entry of the other kind
 *   is a 409 (#17659, in 1.3.x by #18034); a write below a file is a 409 in 2.x (#18821) and the
 *   storage layer's 500 in 1.x;
 * - every upload makes its parent directories as entries of their own, which stay when their
 *   files go;
 * - a delete first walks up while the parent directory holds exactly one live entry, counted
 *   over every namespace, and deletes the highest such directory with all it holds — for a path
 *   already gone, the one entry is a sibling;
 * - a file uploaded again after a delete keeps its creation time and numbers its revisions on.
 */
import type { Router, RequestContext } from '../router';
import { currentFile, fileKey, parentPathOf, type FileRecord, type Store } from '../store';
import { HttpError, illegalArgument, notFound, badRequest } from '../errors';
import { ancestorDirectories, storedNamespacePath } from '../../model/file-paths';
import { byCodePoint } from '../../util/order';
import { zipped } from '../zip';
import { parseMultipart, type FormPart } from '../multipart';

export function fileRoutes(router: Router, store: Store, major: 1 | 2 = 2): void {
  const T = '/namespaces/{namespace}/files';
  /** The `path` parameter as this Kestra line stores it, normalised. */
  const stored = (raw: string) => normalise(storedNamespacePath(raw, major));

  router.add({
    method: 'GET', template: T, operationId: 'getFileContent', query: ['path', 'revision'],
    handler: (ctx) => {
      const path = requirePath(ctx, stored);
      const f = liveFile(store, ctx.params.namespace, path);
      if (!f) throw notFound(`File '${path}' was not found in namespace '${ctx.params.namespace}'.`);
      const wanted = ctx.query.get('revision');
      const rev = wanted ? [...f.revisions].reverse().find((r) => r.revision === Number(wanted) && !r.deleted) : currentFile(f);
      if (!rev) throw notFound(`Revision ${wanted} of file '${path}' was not found in namespace '${ctx.params.namespace}'.`);
      return { status: 200, body: store.getBlob(rev.sha256), contentType: 'application/octet-stream', headers: { 'Cache-Control': 'no-cache' } };
    },
  });

  router.add({
    method: 'POST', template: T, operationId: 'createNamespaceFile', query: ['path'],
    handler: async (ctx) => {
      const path = requirePath(ctx, stored);
      const part = await fileContentPart(ctx);
      checkWritable(store, ctx.params.namespace, path, 'file', major);
      writeFile(store, ctx.params.namespace, path, part);
      return { status: 200 };
    },
  });

  router.add({
    method: 'DELETE', template: T, operationId: 'deleteFileDirectory', query: ['path'],
    handler: (ctx) => {
      const raw = ctx.query.get('path');
      if (raw === null) throw badRequest('Required QueryValue [path] not specified');
      const path = stored(raw.startsWith('/') ? raw : `/${raw}`);
      forbidden(path);
      const ns = ctx.params.namespace;
      // Kestra's "zombie-aware" delete: up while the parent holds one live entry, in any namespace.
      let target = path;
      for (let parent = parentPathOf(path); parent !== undefined && parent !== '/' && store.liveEntriesUnder(parent) === 1; parent = parentPathOf(parent)) {
        target = parent.slice(0, -1);
      }
      deleteTree(store, ns, target);
      return { status: 200 };
    },
  });

  router.add({
    method: 'PUT', template: T, operationId: 'moveFileDirectory', query: ['from', 'to'],
    handler: (ctx) => {
      const from = normalise(ctx.query.get('from') ?? '');
      const to = normalise(ctx.query.get('to') ?? '');
      const ns = ctx.params.namespace;
      const src = liveFile(store, ns, from);
      if (!src) throw notFound(`File '${from}' was not found in namespace '${ns}'.`);
      if (liveFile(store, ns, to) || isDirectory(store, ns, to)) throw new HttpError(500, 'internal-error', 'Internal server error', `File '${to}' already exists in namespace '${ns}'.`);
      checkWritable(store, ns, to, 'file', major);
      writeFile(store, ns, to, store.getBlob(currentFile(src).sha256));
      markDeleted(store, src, store.fileTime());
      return { status: 200 };
    },
  });

  router.add({
    method: 'GET', template: `${T}/directory`, operationId: 'listNamespaceDirectoryFiles', query: ['path'],
    handler: (ctx) => {
      const dir = stored(ctx.query.get('path') ?? '/');
      const ns = ctx.params.namespace;
      forbidden(dir);
      // A file's path lists as an empty directory, as Kestra's exists() + children() answer it.
      if (dir !== '/' && !isDirectory(store, ns, dir) && !liveFile(store, ns, dir)) throw notFound(`Directory '${dir}' was not found in namespace '${ns}'.`);
      const children = new Map<string, Record<string, unknown>>();
      const prefix = dir === '/' ? '/' : `${dir}/`;
      for (const f of store.filesIn(ns)) {
        if (currentFile(f).deleted || !f.path.startsWith(prefix)) continue;
        const rest = f.path.slice(prefix.length);
        const cur = currentFile(f);
        if (!rest.includes('/')) children.set(rest, { fileName: rest, lastModifiedTime: cur.modified, creationTime: f.creationTime, type: 'File', size: cur.size, metadata: {} });
      }
      for (const d of store.dirs.get(ns) ?? []) {
        if (!d.startsWith(prefix) || d.slice(prefix.length).includes('/')) continue;
        const name = d.slice(prefix.length);
        if (!children.has(name)) children.set(name, { fileName: name, lastModifiedTime: 0, creationTime: 0, type: 'Directory', size: 0, metadata: {} });
      }
      return { status: 200, json: [...children.values()].sort((a, b) => byCodePoint(String(a.fileName), String(b.fileName))) };
    },
  });

  router.add({
    method: 'POST', template: `${T}/directory`, operationId: 'createNamespaceDirectory', query: ['path'],
    handler: (ctx) => {
      const dir = stored(ctx.query.get('path') ?? '/');
      forbidden(dir);
      const ns = ctx.params.namespace;
      if (dir !== '/') {
        checkWritable(store, ns, dir, 'directory', major);
        makeDirectories(store, ns, [...ancestorDirectories(dir), dir]);
      }
      return { status: 200 };
    },
  });

  router.add({
    method: 'GET', template: `${T}/stats`, operationId: 'getFileMetadatas', query: ['path'],
    handler: (ctx) => {
      const raw = ctx.query.get('path');
      const path = raw === null || raw === '' ? '/' : stored(raw);
      forbidden(path);
      const ns = ctx.params.namespace;
      const f = liveFile(store, ns, path);
      if (f) {
        const cur = currentFile(f);
        return { status: 200, json: { fileName: path.split('/').pop(), lastModifiedTime: cur.modified, creationTime: f.creationTime, type: 'File', size: cur.size, metadata: {} } };
      }
      if (path !== '/' && !isDirectory(store, ns, path)) throw notFound(`File '${path}' was not found in namespace '${ns}'.`);
      return { status: 200, json: { fileName: path.split('/').pop() || '_files', lastModifiedTime: 0, creationTime: 0, type: 'Directory', size: 0, metadata: {} } };
    },
  });

  router.add({
    method: 'GET', template: `${T}/revisions`, operationId: 'getFileRevisions', query: ['path'],
    handler: (ctx) => {
      const path = requirePath(ctx, stored);
      const f = liveFile(store, ctx.params.namespace, path);
      if (!f) throw notFound(`File not found: ${path}`);
      return { status: 200, json: [...new Set(f.revisions.map((r) => r.revision))].map((revision) => ({ revision })) };
    },
  });

  router.add({
    method: 'GET', template: `${T}/search`, operationId: 'searchNamespaceFiles', query: ['q'],
    handler: (ctx) => {
      const q = ctx.query.get('q');
      if (q === null) throw badRequest('Required QueryValue [q] not specified');
      return { status: 200, json: store.filesIn(ctx.params.namespace).filter((f) => !currentFile(f).deleted && f.path.includes(q)).map((f) => f.path).sort() };
    },
  });

  router.add({
    method: 'GET', template: `${T}/export`, operationId: 'exportNamespaceFiles', query: [],
    handler: (ctx) => {
      const entries: Record<string, Uint8Array> = {};
      for (const f of store.filesIn(ctx.params.namespace)) if (!currentFile(f).deleted) entries[f.path.slice(1)] = store.getBlob(currentFile(f).sha256);
      return { status: 200, body: zipped(entries), contentType: 'application/octet-stream', headers: { 'Content-Disposition': `attachment; filename="${ctx.params.namespace}_files.zip"` } };
    },
  });
}

function requirePath(ctx: RequestContext, stored: (raw: string) => string): string {
  const raw = ctx.query.get('path');
  if (raw === null || raw === '') throw badRequest('Required QueryValue [path] not specified');
  const path = stored(raw);
  forbidden(path);
  return path;
}

function normalise(raw: string): string {
  const p = ('/' + raw.replace(/^\/+/, '')).replace(/\/+$/, '') || '/';
  if (p.split('/').some((c) => c === '..' || c === '.')) throw illegalArgument(`Forbidden path: ${raw}`);
  return p;
}

function forbidden(path: string): void {
  if (path === '/_flows' || path.startsWith('/_flows/')) throw illegalArgument(`Forbidden path: ${path}`);
  const long = path.split('/').find((c) => Buffer.byteLength(c) > 255);
  if (long) throw new HttpError(400, 'bad-request', 'Bad Request', `Path component '${long.slice(0, 40)}…' is longer than 255 bytes`);
}

function liveFile(store: Store, ns: string, path: string): FileRecord | undefined {
  const f = store.files.get(fileKey(ns, path));
  return f && !currentFile(f).deleted ? f : undefined;
}

function isDirectory(store: Store, ns: string, path: string): boolean {
  return store.hasDir(ns, path);
}

/**
 * A file or a directory may be written at `path` only where no live entry of the other kind
 * holds it, and no file holds a directory above it.
 */
function checkWritable(store: Store, ns: string, path: string, kind: 'file' | 'directory', major: 1 | 2): void {
  if (kind === 'file' && isDirectory(store, ns, path)) {
    throw new HttpError(409, 'conflict', 'Conflict', `Path '${path}' is a directory in namespace '${ns}', it cannot also be a file`);
  }
  if (kind === 'directory' && liveFile(store, ns, path)) {
    throw new HttpError(409, 'conflict', 'Conflict', `Path '${path}' is a file in namespace '${ns}', it cannot also be a directory`);
  }
  const blocking = ancestorDirectories(path).find((a) => liveFile(store, ns, a));
  if (blocking === undefined) return;
  if (major === 2) throw new HttpError(409, 'conflict', 'Conflict', `Path '${path}' runs through '${blocking}', which is a file in namespace '${ns}'`);
  // Before #18821 the storage layer failed to make a directory of the file.
  throw new HttpError(500, 'internal-error', 'Internal server error', `${blocking}: Not a directory`);
}

/** Directory entries for `dirs` (a soft-deleted file entry at one is purged first, as #17659 does). */
function makeDirectories(store: Store, ns: string, dirs: string[]): void {
  let added = false;
  for (const d of dirs) {
    const gone = store.files.get(fileKey(ns, d));
    if (gone && currentFile(gone).deleted) store.purgeFile(gone);
    added = store.addDir(ns, d) || added;
  }
  if (added) store.saveDirs(ns);
}

function writeFile(store: Store, ns: string, path: string, bytes: Buffer): void {
  makeDirectories(store, ns, ancestorDirectories(path));
  const sha = store.putBlob(bytes);
  const now = store.fileTime();
  // The entry of an earlier life of the path (deleted included) keeps its creation time and numbering.
  const f: FileRecord = store.files.get(fileKey(ns, path)) ?? { namespace: ns, path, creationTime: now, revisions: [] };
  const last = f.revisions.reduce((n, r) => Math.max(n, r.revision), 0);
  f.revisions.push({ revision: last + 1, sha256: sha, size: bytes.length, modified: now, deleted: false });
  store.saveFile(f);
}

/** Soft-deletes a file: its current revision marked deleted, the number kept. */
function markDeleted(store: Store, f: FileRecord, now: number): void {
  f.revisions.push({ ...currentFile(f), deleted: true, modified: now });
  store.saveFile(f);
}

/** Deletes `path` and, when it is a directory, everything under it. */
function deleteTree(store: Store, ns: string, path: string): void {
  const now = store.fileTime();
  const under = path === '/' ? '/' : `${path}/`;
  for (const f of store.filesIn(ns)) {
    if (currentFile(f).deleted) continue;
    if (f.path === path || f.path.startsWith(under)) markDeleted(store, f, now);
  }
  const dirs = [...(store.dirs.get(ns) ?? [])].filter((d) => d === path || d.startsWith(under));
  for (const d of dirs) store.removeDir(ns, d);
  if (dirs.length) store.saveDirs(ns);
}

async function fileContentPart(ctx: RequestContext): Promise<Buffer> {
  const type = String(ctx.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(type)) throw new HttpError(415, 'unsupported-media-type', 'Unsupported Media Type', `expected multipart/form-data with a part named fileContent, got ${type || 'no Content-Type'}`);
  let parts: FormPart[];
  try {
    parts = parseMultipart(ctx.body, type);
  } catch (e) {
    throw badRequest(`malformed multipart body: ${(e as Error).message}`);
  }
  const part = parts.find((p) => p.name === 'fileContent');
  if (!part) throw badRequest('Required part [fileContent] not specified');
  if (part.filename?.toLowerCase().endsWith('.zip')) {
    throw new HttpError(422, 'invalid-argument', 'Illegal argument', 'ZIP uploads are unpacked by Kestra into the namespace root; the embedded server does not emulate that — upload files one by one');
  }
  return Buffer.from(part.data);
}
