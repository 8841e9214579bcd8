/**
 * Namespace files: multipart upload (part `fileContent`), byte-exact reads, one-level directory
 * listings with size and times, stats, revisions, search, move, recursive delete, ZIP export.
 */
import { zipSync } from 'fflate';
import type { Router, RequestContext } from '../router';
import { currentFile, fileKey, type FileRecord, type Store } from '../store';
import { HttpError, illegalArgument, notFound, badRequest } from '../errors';
import { byCodePoint } from '../../util/order';

export function fileRoutes(router: Router, store: Store): void {
  const T = '/namespaces/{namespace}/files';

  router.add({
    method: 'GET', template: T, operationId: 'getFileContent', query: ['path', 'revision'],
    handler: (ctx) => {
      const path = requirePath(ctx);
      const f = liveFile(store, ctx.params.namespace, path);
      if (!f) throw notFound(`File '${path}' was not found in namespace '${ctx.params.namespace}'.`);
      const wanted = ctx.query.get('revision');
      const rev = wanted ? f.revisions.find((r) => r.revision === Number(wanted)) : currentFile(f);
      if (!rev) throw notFound(`Revision ${wanted} of file '${path}' was not found in namespace '${ctx.params.namespace}'.`);
      return { status: 200, body: store.getBlob(rev.sha256), contentType: 'application/octet-stream', headers: { 'Cache-Control': 'no-cache' } };
    },
  });

  router.add({
    method: 'POST', template: T, operationId: 'createNamespaceFile', query: ['path'],
    handler: async (ctx) => {
      const path = requirePath(ctx);
      const part = await fileContentPart(ctx);
      writeFile(store, ctx.params.namespace, path, part);
      return { status: 200 };
    },
  });

  router.add({
    method: 'DELETE', template: T, operationId: 'deleteFileDirectory', query: ['path'],
    handler: (ctx) => {
      const raw = ctx.query.get('path');
      if (raw === null) throw badRequest('Required QueryValue [path] not specified');
      const path = normalise(raw.startsWith('/') ? raw : `/${raw}`);
      const ns = ctx.params.namespace;
      const now = store.fileTime();
      for (const f of store.filesIn(ns)) {
        if (currentFile(f).deleted) continue;
        if (f.path === path || f.path.startsWith(path === '/' ? '/' : `${path}/`)) {
          const cur = currentFile(f);
          f.revisions.push({ ...cur, revision: cur.revision + 1, deleted: true, modified: now });
          store.saveFile(f);
        }
      }
      const dirs = store.dirs.get(ns);
      if (dirs) {
        for (const d of [...dirs]) if (d === path || d.startsWith(`${path}/`)) dirs.delete(d);
        store.saveDirs(ns);
      }
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
      if (liveFile(store, ns, to)) throw new HttpError(500, 'internal-error', 'Internal server error', `File '${to}' already exists in namespace '${ns}'.`);
      writeFile(store, ns, to, store.getBlob(currentFile(src).sha256));
      const cur = currentFile(src);
      src.revisions.push({ ...cur, revision: cur.revision + 1, deleted: true, modified: store.fileTime() });
      store.saveFile(src);
      return { status: 200 };
    },
  });

  router.add({
    method: 'GET', template: `${T}/directory`, operationId: 'listNamespaceDirectoryFiles', query: ['path'],
    handler: (ctx) => {
      const dir = normalise(ctx.query.get('path') ?? '/');
      const ns = ctx.params.namespace;
      forbidden(dir);
      const children = new Map<string, Record<string, unknown>>();
      const prefix = dir === '/' ? '/' : `${dir}/`;
      let exists = dir === '/';
      for (const f of store.filesIn(ns)) {
        if (currentFile(f).deleted || !f.path.startsWith(prefix)) continue;
        exists = true;
        const rest = f.path.slice(prefix.length);
        const slash = rest.indexOf('/');
        const cur = currentFile(f);
        if (slash < 0) children.set(rest, { fileName: rest, lastModifiedTime: cur.modified, creationTime: f.creationTime, type: 'File', size: cur.size, metadata: {} });
        else {
          const name = rest.slice(0, slash);
          const existing = children.get(name);
          if (!existing) children.set(name, { fileName: name, lastModifiedTime: cur.modified, creationTime: f.creationTime, type: 'Directory', size: 0, metadata: {} });
          else if ((existing.lastModifiedTime as number) < cur.modified) existing.lastModifiedTime = cur.modified;
        }
      }
      for (const d of store.dirs.get(ns) ?? []) {
        if (d === dir) exists = true;
        if (!d.startsWith(prefix) || d === dir) continue;
        const name = d.slice(prefix.length).split('/')[0];
        if (!children.has(name)) children.set(name, { fileName: name, lastModifiedTime: 0, creationTime: 0, type: 'Directory', size: 0, metadata: {} });
        exists = true;
      }
      if (!exists) throw notFound(`Directory '${dir}' was not found in namespace '${ns}'.`);
      return { status: 200, json: [...children.values()].sort((a, b) => byCodePoint(String(a.fileName), String(b.fileName))) };
    },
  });

  router.add({
    method: 'POST', template: `${T}/directory`, operationId: 'createNamespaceDirectory', query: ['path'],
    handler: (ctx) => {
      const dir = normalise(ctx.query.get('path') ?? '/');
      forbidden(dir);
      addDirs(store, ctx.params.namespace, dir, true);
      store.saveDirs(ctx.params.namespace);
      return { status: 200 };
    },
  });

  router.add({
    method: 'GET', template: `${T}/stats`, operationId: 'getFileMetadatas', query: ['path'],
    handler: (ctx) => {
      const path = normalise(ctx.query.get('path') ?? '/');
      const ns = ctx.params.namespace;
      const f = liveFile(store, ns, path);
      if (f) {
        const cur = currentFile(f);
        return { status: 200, json: { fileName: path.split('/').pop(), lastModifiedTime: cur.modified, creationTime: f.creationTime, type: 'File', size: cur.size, metadata: {} } };
      }
      const isDir = path === '/' || [...store.files.values()].some((x) => x.namespace === ns && !currentFile(x).deleted && x.path.startsWith(`${path}/`)) || store.dirs.get(ns)?.has(path);
      if (!isDir) throw notFound(`File '${path}' was not found in namespace '${ns}'.`);
      return { status: 200, json: { fileName: path.split('/').pop() || '', lastModifiedTime: 0, creationTime: 0, type: 'Directory', size: 0, metadata: {} } };
    },
  });

  router.add({
    method: 'GET', template: `${T}/revisions`, operationId: 'getFileRevisions', query: ['path'],
    handler: (ctx) => {
      const path = requirePath(ctx);
      const f = store.files.get(fileKey(ctx.params.namespace, path));
      if (!f) throw notFound(`File '${path}' was not found in namespace '${ctx.params.namespace}'.`);
      return { status: 200, json: f.revisions.filter((r) => !r.deleted).map((r) => ({ revision: r.revision })) };
    },
  });

  router.add({
    method: 'GET', template: `${T}/search`, operationId: 'searchNamespaceFiles', query: ['q'],
    handler: (ctx) => {
      const q = ctx.query.get('q');
      if (q === null) throw badRequest('Required QueryValue [q] not specified');
      return { status: 200, json: [...store.files.values()].filter((f) => f.namespace === ctx.params.namespace && !currentFile(f).deleted && f.path.includes(q)).map((f) => f.path).sort() };
    },
  });

  router.add({
    method: 'GET', template: `${T}/export`, operationId: 'exportNamespaceFiles', query: [],
    handler: (ctx) => {
      const entries: Record<string, Uint8Array> = {};
      for (const f of store.files.values()) if (f.namespace === ctx.params.namespace && !currentFile(f).deleted) entries[f.path.slice(1)] = store.getBlob(currentFile(f).sha256);
      return { status: 200, body: Buffer.from(zipSync(entries, { level: 1 })), contentType: 'application/octet-stream', headers: { 'Content-Disposition': `attachment; filename="${ctx.params.namespace}_files.zip"` } };
    },
  });
}

function requirePath(ctx: RequestContext): string {
  const raw = ctx.query.get('path');
  if (raw === null || raw === '') throw badRequest('Required QueryValue [path] not specified');
  const path = normalise(raw);
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

function addDirs(store: Store, ns: string, dir: string, includeSelf: boolean): void {
  const set = store.dirs.get(ns) ?? new Set<string>();
  const parts = dir.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length - (includeSelf ? 0 : 1); i++) set.add('/' + parts.slice(0, i).join('/'));
  store.dirs.set(ns, set);
}

function writeFile(store: Store, ns: string, path: string, bytes: Buffer): void {
  const sha = store.putBlob(bytes);
  const key = fileKey(ns, path);
  const now = store.fileTime();
  const f: FileRecord = store.files.get(key) ?? { namespace: ns, path, creationTime: now, revisions: [] };
  const last = f.revisions[f.revisions.length - 1];
  if (last?.deleted) f.creationTime = now;
  f.revisions.push({ revision: (last?.revision ?? 0) + 1, sha256: sha, size: bytes.length, modified: now, deleted: false });
  store.saveFile(f);
}

async function fileContentPart(ctx: RequestContext): Promise<Buffer> {
  const type = String(ctx.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(type)) throw new HttpError(415, 'unsupported-media-type', 'Unsupported Media Type', `expected multipart/form-data with a part named fileContent, got ${type || 'no Content-Type'}`);
  let form: FormData;
  try {
    form = await new Response(ctx.body, { headers: { 'content-type': type } }).formData();
  } catch (e) {
    throw badRequest(`malformed multipart body: ${(e as Error).message}`);
  }
  const part = form.get('fileContent');
  if (part === null) throw badRequest('Required part [fileContent] not specified');
  if (typeof part === 'string') return Buffer.from(part, 'utf8');
  if ((part as File).name?.toLowerCase().endsWith('.zip')) {
    throw new HttpError(422, 'invalid-argument', 'Illegal argument', 'ZIP uploads are unpacked by Kestra into the namespace root; the embedded server does not emulate that — upload files one by one');
  }
  return Buffer.from(await part.arrayBuffer());
}
