/**
 * The embedded server's namespace-file routes of one Kestra line, called directly (as the
 * pipeline's last step calls them): by operationId, and as the FileClient the file kind uses.
 */
import { Router, type RequestContext } from '../../../lib/server/router';
import { Store } from '../../../lib/server/store';
import { DiskStore } from '../../../lib/server/persist';
import { fileRoutes } from '../../../lib/server/routes/files';
import { HttpError, errorBody } from '../../../lib/server/errors';
import type { FileClient } from '../../../lib/kinds';

export interface Answer {
  status: number;
  json?: unknown;
  bytes?: Buffer;
  text?: string;
  /** The error body Kestra of this line sends. */
  error?: Record<string, unknown>;
}

export type FileEmulator = ReturnType<typeof fileEmulator>;

export function fileEmulator(major: 1 | 2, dataDir?: string) {
  const router = new Router();
  const store = new Store(dataDir ? new DiskStore(dataDir) : undefined);
  fileRoutes(router, store, major);
  const routes = router.list();
  const calls: string[] = [];
  const call = async (operationId: string, ns: string, query: Record<string, string>, upload?: string | Buffer): Promise<Answer> => {
    const route = routes.find((r) => r.operationId === operationId)!;
    calls.push(`${operationId} ${ns} ${Object.values(query).join(' ')}`.trim());
    let body = Buffer.alloc(0);
    const headers: Record<string, string> = {};
    if (upload !== undefined) {
      const form = new FormData();
      form.append('fileContent', new Blob([upload]), 'content');
      const req = new Request('http://x/', { method: 'POST', body: form });
      body = Buffer.from(await req.arrayBuffer());
      headers['content-type'] = req.headers.get('content-type')!;
    }
    const instance = `/api/v1/main${route.template.replace('{namespace}', ns)}`;
    const ctx = { method: route.method, path: instance, query: new URLSearchParams(query), params: { namespace: ns }, headers, body, tenant: 'main', instance } as unknown as RequestContext;
    try {
      const reply = await route.handler(ctx);
      const bytes = reply.body === undefined ? undefined : Buffer.from(reply.body);
      return { status: reply.status, json: reply.json, bytes, text: bytes?.toString() };
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      return { status: e.status, error: JSON.parse(errorBody(e, major, instance).body) };
    }
  };
  const list = async (ns: string, path = '/') => {
    const a = await call('listNamespaceDirectoryFiles', ns, { path });
    return a.status === 200 ? (a.json as Array<{ fileName: string; type: string }>).map((e) => `${e.fileName}${e.type === 'Directory' ? '/' : ''}`) : a.status;
  };
  const fail = (what: string, a: Answer) => Object.assign(new Error(`${what}: ${a.status} ${JSON.stringify(a.error)}`), { status: a.status });

  /** The calls the file kind makes, over these routes (errors carry the status, as KestraApiError does). */
  const client: FileClient = {
    async listFiles(ns) {
      const out: Array<{ path: string; size: number; lastModifiedTime: number }> = [];
      const walk = async (dir: string) => {
        const a = await call('listNamespaceDirectoryFiles', ns, dir ? { path: dir } : {});
        if (a.status === 404) return;
        for (const e of a.json as Array<{ fileName: string; type: string; size: number; lastModifiedTime: number }>) {
          if (e.type === 'Directory') await walk(`${dir}/${e.fileName}`);
          else out.push({ path: `${dir}/${e.fileName}`, size: e.size, lastModifiedTime: e.lastModifiedTime });
        }
      };
      await walk('');
      return out.sort((a, b) => (a.path < b.path ? -1 : 1));
    },
    async readFile(ns, path) {
      const a = await call('getFileContent', ns, { path });
      if (a.status !== 200) throw fail(`read ${path}`, a);
      return a.bytes!;
    },
    async uploadFile(ns, path, bytes) {
      const a = await call('createNamespaceFile', ns, { path }, bytes);
      if (a.status !== 200) throw fail(`upload ${path}`, a);
    },
    async deleteFile(ns, path) {
      const a = await call('deleteFileDirectory', ns, { path });
      if (a.status !== 200) throw fail(`delete ${path}`, a);
    },
    async statFile(ns, path) {
      const a = await call('getFileMetadatas', ns, { path });
      if (a.status === 404) return null;
      return { isDirectory: (a.json as { type: string }).type === 'Directory' };
    },
    async listDirectory(ns, path) {
      const a = await call('listNamespaceDirectoryFiles', ns, { path });
      if (a.status === 404) return null;
      return (a.json as Array<{ fileName: string }>).map((e) => ({ name: e.fileName }));
    },
  };

  return {
    store,
    /** Lets the data folder go (its journal synced): what a restart does first. */
    close: () => store.close(),
    client,
    calls,
    call,
    list,
    upload: (ns: string, path: string, text: string) => call('createNamespaceFile', ns, { path }, text),
    read: (ns: string, path: string) => call('getFileContent', ns, { path }),
    remove: (ns: string, path: string) => call('deleteFileDirectory', ns, { path }),
    mkdir: (ns: string, path: string) => call('createNamespaceDirectory', ns, { path }),
    stats: (ns: string, path: string) => call('getFileMetadatas', ns, { path }),
    revisions: (ns: string, path: string) => call('getFileRevisions', ns, { path }),
  };
}
