/**
 * Namespace files. Kestra lists one directory per request (GET .../files/directory), so listFiles
 * walks the tree level by level, sibling directories concurrently within a bound. Uploads are
 * multipart with the bytes in the `fileContent` part; the part's file name never ends in `.zip`,
 * because Kestra unpacks such uploads instead of storing them.
 */
import pLimit from 'p-limit';
import { namespaceFilePathProblem } from '../model/file-paths';
import { KestraProtocolError, KestraUsageError } from './errors';
import { segment, type HttpTransport, type RequestSpec } from './http';
import { isRetryableError, sleep } from './retry';
import { ResponseReader } from './decode';
import { multipartBody } from './multipart';
import { byKey } from '../util/order';

export interface NamespaceFileInfo {
  /** Kestra path: leading '/', '/'-separated, e.g. `/scripts/etl.py`. */
  path: string;
  size: number;
  /** Epoch milliseconds. */
  lastModifiedTime: number;
  /** Epoch milliseconds. */
  creationTime: number;
}

/** A walk deeper than this is taken for a server answering in circles. */
const MAX_DIRECTORY_DEPTH = 128;
const UPLOAD_PART_FILENAME = 'content';

/** One entry of a directory listing, or what `stats` says of a path. */
export interface DirectoryEntry {
  name: string;
  isDirectory: boolean;
  size: number;
  lastModifiedTime: number;
  creationTime: number;
}

export class FilesApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly walkConcurrency: number,
  ) {}

  /** Every file of the namespace, recursively, sorted by path. An unknown namespace has none. */
  async listFiles(namespace: string): Promise<NamespaceFileInfo[]> {
    const limit = pLimit(this.walkConcurrency);
    const files: NamespaceFileInfo[] = [];
    const walk = async (directory: string, depth: number): Promise<void> => {
      if (depth > MAX_DIRECTORY_DEPTH) {
        const identity = { method: 'GET', path: `/api/v1/${this.http.tenant}/namespaces/${segment(namespace)}/files/directory`, target: `list the files of namespace ${namespace}` };
        throw new KestraProtocolError(identity, `directories nest deeper than ${MAX_DIRECTORY_DEPTH} levels (at ${directory})`);
      }
      // A 404 means the root does not exist yet (no files) or a directory vanished meanwhile.
      const entries = await limit(() => this.listDirectory(namespace, directory));
      const subdirectories: string[] = [];
      for (const entry of entries ?? []) {
        const path = `${directory}/${entry.name}`;
        if (entry.isDirectory) subdirectories.push(path);
        else files.push({ path, size: entry.size, lastModifiedTime: entry.lastModifiedTime, creationTime: entry.creationTime });
      }
      await Promise.all(subdirectories.map((sub) => walk(sub, depth + 1)));
    };
    await walk('', 0);
    return files.sort(byKey((f) => f.path));
  }

  async readFile(namespace: string, path: string): Promise<Buffer> {
    checkFilePath(path);
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${segment(namespace)}/files`,
      query: [['path', path]],
      operation: 'readFile',
      target: `read file ${path} of namespace ${namespace}`,
      idempotent: true,
      hints: { 404: `file ${path} does not exist in namespace ${namespace}` },
    });
    return response.body;
  }

  /** Writes the file (parent directories are created). Repeating it is harmless, so it is retried. */
  async uploadFile(namespace: string, path: string, bytes: Uint8Array): Promise<void> {
    checkFilePath(path);
    const body = multipartBody([{ name: 'fileContent', filename: UPLOAD_PART_FILENAME, contentType: 'application/octet-stream', bytes }]);
    await this.http.send({
      method: 'POST',
      path: `/namespaces/${segment(namespace)}/files`,
      query: [['path', path]],
      body,
      operation: 'uploadFile',
      target: `upload file ${path} to namespace ${namespace}`,
      idempotent: true,
      hints: { 409: `Kestra holds a directory at ${path}, or a file at a directory above it, in namespace ${namespace}: a path is a file or a directory, never both` },
    });
  }

  /** What Kestra knows of one path (a file or a directory), or null when nothing is there. */
  async statFile(namespace: string, path: string): Promise<DirectoryEntry | null> {
    checkFilePath(path);
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${segment(namespace)}/files/stats`,
      query: [['path', path]],
      operation: 'statFile',
      target: `read what is at ${path} in namespace ${namespace}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    return entryOf(reader, reader.object(), path);
  }

  async createDirectory(namespace: string, path: string): Promise<void> {
    checkFilePath(path);
    await this.http.send({
      method: 'POST',
      path: `/namespaces/${segment(namespace)}/files/directory`,
      query: [['path', path]],
      operation: 'createDirectory',
      target: `create directory ${path} in namespace ${namespace}`,
      idempotent: true,
      hints: { 409: `Kestra holds a file at ${path}, or at a directory above it, in namespace ${namespace}: a path is a file or a directory, never both` },
    });
  }

  /**
   * Deletes a file or a directory with its content. Never repeated blindly: Kestra answers 200
   * for a path that is not there, but first walks up from it while the parent directory holds a
   * single entry and deletes that directory — for a path already gone, the single entry is a
   * sibling. So after an answer that may have been lost (timeout, 502/503/504, a reset), the path
   * is looked up, and the DELETE is sent again only while it is still there.
   */
  async deleteFile(namespace: string, path: string): Promise<void> {
    checkFilePath(path);
    const spec: RequestSpec = {
      method: 'DELETE',
      path: `/namespaces/${segment(namespace)}/files`,
      query: [['path', path]],
      operation: 'deleteFile',
      target: `delete file ${path} of namespace ${namespace}`,
      idempotent: false,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.http.attempt(spec, attempt);
        return;
      } catch (error) {
        if (!isRetryableError(error) || attempt > this.http.retryPolicy.retries) throw error;
        await sleep(this.http.delayBeforeRetry(attempt, error));
        if ((await this.statFile(namespace, path)) === null) return;
      }
    }
  }

  /** The direct children of `directory` ('' for the root), or null when Kestra answers 404. */
  async listDirectory(namespace: string, directory: string): Promise<DirectoryEntry[] | null> {
    const response = await this.http.send({
      method: 'GET',
      path: `/namespaces/${segment(namespace)}/files/directory`,
      query: directory ? [['path', directory]] : [],
      operation: 'listDirectory',
      target: `list directory ${directory || '/'} of namespace ${namespace}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    const seen = new Set<string>();
    return reader.array().map((item, index) => {
      const what = `entry #${index} of ${directory || '/'}`;
      const entry = entryOf(reader, reader.asObject(item, what), what);
      if (entry.name === '' || entry.name === '.' || entry.name === '..' || entry.name.includes('/') || entry.name.includes('\0')) {
        throw reader.fail(`${what} has an unusable file name "${entry.name}"`);
      }
      if (seen.has(entry.name)) throw reader.fail(`${directory || '/'} lists "${entry.name}" twice`);
      seen.add(entry.name);
      return entry;
    });
  }
}

/** A `FileAttributes` object of Kestra's. */
function entryOf(reader: ResponseReader, entry: Record<string, unknown>, what: string): DirectoryEntry {
  const name = reader.string(entry, 'fileName', what).replace(/\/$/, '');
  const type = reader.string(entry, 'type', what);
  if (type !== 'File' && type !== 'Directory') throw reader.fail(`${what} has an unknown type "${type}"`);
  return {
    name,
    isDirectory: type === 'Directory',
    size: reader.optionalNumber(entry, 'size', what) ?? 0,
    lastModifiedTime: reader.optionalNumber(entry, 'lastModifiedTime', what) ?? 0,
    creationTime: reader.optionalNumber(entry, 'creationTime', what) ?? 0,
  };
}

/** Refuses paths that are not plain absolute namespace paths, and `/_flows` which Kestra reserves. */
export function checkFilePath(path: string): void {
  const problem = namespaceFilePathProblem(path);
  if (problem) throw new KestraUsageError(`namespace file path "${path}" ${problem}`);
}
