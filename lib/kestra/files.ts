/**
 * Namespace files. Kestra lists one directory per request (GET .../files/directory), so listFiles
 * walks the tree level by level, sibling directories concurrently within a bound. Uploads are
 * multipart with the bytes in the `fileContent` part; the part's file name never ends in `.zip`,
 * because Kestra unpacks such uploads instead of storing them.
 */
import pLimit from 'p-limit';
import { namespaceFilePathProblem } from '../model/file-paths';
import { KestraProtocolError, KestraUsageError } from './errors';
import { segment, type HttpTransport } from './http';
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

interface DirectoryEntry {
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
    const body = await multipartBody([{ name: 'fileContent', filename: UPLOAD_PART_FILENAME, contentType: 'application/octet-stream', bytes }]);
    await this.http.send({
      method: 'POST',
      path: `/namespaces/${segment(namespace)}/files`,
      query: [['path', path]],
      body,
      operation: 'uploadFile',
      target: `upload file ${path} to namespace ${namespace}`,
      idempotent: true,
    });
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
    });
  }

  /** Deletes a file or a directory with its content. Kestra answers 200 even when nothing was there. */
  async deleteFile(namespace: string, path: string): Promise<void> {
    checkFilePath(path);
    await this.http.send({
      method: 'DELETE',
      path: `/namespaces/${segment(namespace)}/files`,
      query: [['path', path]],
      operation: 'deleteFile',
      target: `delete file ${path} of namespace ${namespace}`,
      idempotent: true,
    });
  }

  /** The direct children of `directory` ('' for the root), or null when Kestra answers 404. */
  private async listDirectory(namespace: string, directory: string): Promise<DirectoryEntry[] | null> {
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
      const entry = reader.asObject(item, what);
      const name = reader.string(entry, 'fileName', what).replace(/\/$/, '');
      if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
        throw reader.fail(`${what} has an unusable file name "${name}"`);
      }
      if (seen.has(name)) throw reader.fail(`${directory || '/'} lists "${name}" twice`);
      seen.add(name);
      const type = reader.string(entry, 'type', what);
      if (type !== 'File' && type !== 'Directory') throw reader.fail(`${what} has an unknown type "${type}"`);
      return {
        name,
        isDirectory: type === 'Directory',
        size: reader.optionalNumber(entry, 'size', what) ?? 0,
        lastModifiedTime: reader.optionalNumber(entry, 'lastModifiedTime', what) ?? 0,
        creationTime: reader.optionalNumber(entry, 'creationTime', what) ?? 0,
      };
    });
  }
}

/** Refuses paths that are not plain absolute namespace paths, and `/_flows` which Kestra reserves. */
export function checkFilePath(path: string): void {
  const problem = namespaceFilePathProblem(path);
  if (problem) throw new KestraUsageError(`namespace file path "${path}" ${problem}`);
}
