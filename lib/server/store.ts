/**
 * The embedded server's data: flows with revisions, namespace files with revisions and
 * directories, typed KV entries with expiry, apps, test suites and dashboards, EE namespace objects
 * and secrets (their metadata). In memory, optionally backed by a DiskStore (its journal makes
 * each change durable a moment later: `durable()`).
 */
import { createHash } from 'node:crypto';
import { DiskStore } from './persist';
import { ancestorDirectories } from '../model/file-paths';

export interface FlowRevision {
  revision: number;
  source: string;
  deleted: boolean;
  updated: string;
  /** `disabled:` of the source, read once when the revision is written. */
  disabled?: boolean;
  /** The flow's own fields as Kestra's Flow JSON carries them, read once at write time. */
  model?: Record<string, unknown>;
}

export interface FlowRecord {
  namespace: string;
  id: string;
  revisions: FlowRevision[];
}

export interface FileRevision {
  revision: number;
  sha256: string;
  size: number;
  modified: number;
  deleted: boolean;
}

export interface FileRecord {
  namespace: string;
  path: string;
  creationTime: number;
  revisions: FileRevision[];
}

export type KvType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'DATE' | 'DURATION' | 'JSON';

export interface KvRecord {
  namespace: string;
  key: string;
  type: KvType;
  value: unknown;
  description?: string;
  creationDate: string;
  updateDate: string;
  expirationDate?: string;
  revision: number;
}

/** An EE app: its source and what Kestra's ApiApp / ApiAppSource say of it, read once at write time. */
export interface AppRecord {
  /** Kestra's handle of the app, made up on create (IdUtils.create). */
  uid: string;
  namespace: string;
  id: string;
  type: string;
  /** `displayName`. */
  name?: string;
  flowId?: string;
  tags: string[];
  source: string;
  /** Set by enable/disable, not by the source. */
  disabled: boolean;
  created: string;
  updated: string;
}

/** An EE test suite (TestSuite): the source and its model. */
export interface TestSuiteRecord {
  namespace: string;
  id: string;
  flowId: string;
  description?: string;
  /** The model's `testCases`, as Kestra's TestSuite JSON carries them. */
  testCases: unknown[];
  disabled: boolean;
  source: string;
}

/** A dashboard: the source and the model fields of DashboardResponse. */
export interface DashboardRecord {
  id: string;
  title: string;
  description?: string;
  timeWindow: { default: string; max: string };
  charts?: unknown[];
  source: string;
  created: string;
  updated: string;
}

/** An EE namespace object: Kestra's Namespace as the API answers it, but `deleted` (always false while it exists). */
export interface NamespaceObjectRecord {
  id: string;
  /** The other fields sent, as sent (those of the line's Namespace schema). */
  properties: Record<string, unknown>;
}

/**
 * An EE namespace secret: its metadata and a digest of its value. The value itself is never kept
 * (nothing returns it, and the data folder must not hold it).
 */
export interface SecretRecord {
  namespace: string;
  key: string;
  description?: string;
  tags: Array<{ key: string; value: string }>;
  valueSha256: string;
}

export class Store {
  readonly flows = new Map<string, FlowRecord>();
  readonly files = new Map<string, FileRecord>();
  readonly kv = new Map<string, KvRecord>();
  /** Apps by uid. */
  readonly apps = new Map<string, AppRecord>();
  /** Test suites by testSuiteKey. */
  readonly testSuites = new Map<string, TestSuiteRecord>();
  /** Dashboards by id (tenant-wide). */
  readonly dashboards = new Map<string, DashboardRecord>();
  /** EE namespace objects by id. */
  readonly namespaceObjects = new Map<string, NamespaceObjectRecord>();
  /** EE namespace secrets by secretKey. */
  readonly secrets = new Map<string, SecretRecord>();
  /**
   * Directory entries per namespace (no trailing slash, never the root): made for every parent of
   * an upload and by createDirectory, as Kestra's metadata index does, and kept when their files
   * are deleted (only Kestra's parent clean-up or a delete of the directory removes them).
   */
  readonly dirs = new Map<string, Set<string>>();
  private readonly blobs = new Map<string, Buffer>();
  /** Per-namespace indexes, so a listing costs the namespace's size, not the server's. */
  private readonly flowsByNs = new Map<string, Map<string, FlowRecord>>();
  private readonly filesByNs = new Map<string, Map<string, FileRecord>>();
  /**
   * Live namespace-file entries (files, and directories with their trailing slash) by parent
   * path (`/docs/`), across every namespace: Kestra's parent clean-up after a delete counts them
   * so, without a namespace filter.
   */
  private readonly liveByParent = new Map<string, Set<string>>();
  private lastFileTime = 0;

  constructor(private readonly disk?: DiskStore) {
    if (!disk) return;
    for (const f of disk.readAll<FlowRecord>('flows')) this.indexFlow(f);
    for (const f of disk.readAll<FileRecord>('files')) this.indexFile(f);
    for (const k of disk.readAll<KvRecord>('kv')) this.kv.set(kvKey(k.namespace, k.key), k);
    for (const a of disk.readAll<AppRecord>('apps')) this.apps.set(a.uid, a);
    for (const t of disk.readAll<TestSuiteRecord>('tests')) this.testSuites.set(testSuiteKey(t.namespace, t.id), t);
    for (const d of disk.readAll<DashboardRecord>('dashboards')) this.dashboards.set(d.id, d);
    for (const n of disk.readAll<NamespaceObjectRecord>('namespaces')) this.namespaceObjects.set(n.id, n);
    for (const x of disk.readAll<SecretRecord>('secrets')) this.secrets.set(secretKey(x.namespace, x.key), x);
    for (const d of disk.readAll<{ namespace: string; dirs: string[] }>('dirs')) for (const dir of d.dirs) this.addDir(d.namespace, dir);
    // Data written before directory entries were kept: every parent of a live file is one.
    for (const f of this.files.values()) if (!currentFile(f).deleted) for (const dir of ancestorDirectories(f.path)) this.addDir(f.namespace, dir);
  }

  // flows
  flowsIn(ns: string): FlowRecord[] {
    return [...(this.flowsByNs.get(ns)?.values() ?? [])];
  }

  filesIn(ns: string): FileRecord[] {
    return [...(this.filesByNs.get(ns)?.values() ?? [])];
  }

  private indexFlow(f: FlowRecord): void {
    this.flows.set(flowKey(f.namespace, f.id), f);
    const m = this.flowsByNs.get(f.namespace) ?? new Map<string, FlowRecord>();
    m.set(f.id, f);
    this.flowsByNs.set(f.namespace, m);
  }

  private indexFile(f: FileRecord): void {
    this.files.set(fileKey(f.namespace, f.path), f);
    const m = this.filesByNs.get(f.namespace) ?? new Map<string, FileRecord>();
    m.set(f.path, f);
    this.filesByNs.set(f.namespace, m);
    this.indexEntry(f.namespace, f.path, !currentFile(f).deleted);
  }

  private indexEntry(namespace: string, entryPath: string, live: boolean): void {
    const parent = parentPathOf(entryPath);
    if (parent === undefined) return;
    const id = `${namespace}\u0000${entryPath}`;
    let set = this.liveByParent.get(parent);
    if (live) {
      if (!set) this.liveByParent.set(parent, (set = new Set()));
      set.add(id);
    } else if (set) {
      set.delete(id);
      if (!set.size) this.liveByParent.delete(parent);
    }
  }

  /** Live entries (files and directories, every namespace) whose parent path is `parent` (`/docs/`). */
  liveEntriesUnder(parent: string): number {
    return this.liveByParent.get(parent)?.size ?? 0;
  }

  saveFlow(f: FlowRecord): void {
    this.indexFlow(f);
    this.disk?.writeDoc('flows', DiskStore.keyName(f.namespace, f.id), f);
  }

  // files
  putBlob(bytes: Buffer): string {
    if (this.disk) return this.disk.putBlob(bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(sha, Buffer.from(bytes));
    return sha;
  }

  getBlob(sha: string): Buffer {
    if (this.disk) return this.disk.getBlob(sha);
    return this.blobs.get(sha) ?? Buffer.alloc(0);
  }

  saveFile(f: FileRecord): void {
    this.indexFile(f);
    this.disk?.writeDoc('files', DiskStore.keyName(f.namespace, f.path), f);
  }

  /** Drops a file's every revision (Kestra purges a deleted entry a directory takes the place of). */
  purgeFile(f: FileRecord): void {
    this.indexEntry(f.namespace, f.path, false);
    this.files.delete(fileKey(f.namespace, f.path));
    this.filesByNs.get(f.namespace)?.delete(f.path);
    this.disk?.removeDoc('files', DiskStore.keyName(f.namespace, f.path));
  }

  hasDir(namespace: string, dir: string): boolean {
    return this.dirs.get(namespace)?.has(dir) ?? false;
  }

  /** Adds a directory entry (saveDirs persists it); false when it was there. */
  addDir(namespace: string, dir: string): boolean {
    let set = this.dirs.get(namespace);
    if (!set) this.dirs.set(namespace, (set = new Set()));
    if (set.has(dir)) return false;
    set.add(dir);
    this.indexEntry(namespace, `${dir}/`, true);
    return true;
  }

  removeDir(namespace: string, dir: string): void {
    if (!this.dirs.get(namespace)?.delete(dir)) return;
    this.indexEntry(namespace, `${dir}/`, false);
  }

  saveDirs(namespace: string): void {
    this.disk?.writeDoc('dirs', DiskStore.keyName(namespace), { namespace, dirs: [...(this.dirs.get(namespace) ?? [])] });
  }

  /** Modification times strictly increase, as a real file store's would across writes. */
  fileTime(): number {
    const now = Date.now();
    this.lastFileTime = now > this.lastFileTime ? now : this.lastFileTime + 1;
    return this.lastFileTime;
  }

  // kv
  saveKv(k: KvRecord): void {
    this.kv.set(kvKey(k.namespace, k.key), k);
    this.disk?.writeDoc('kv', DiskStore.keyName(k.namespace, k.key), k);
  }

  removeKv(namespace: string, key: string): boolean {
    const existed = this.kv.delete(kvKey(namespace, key));
    this.disk?.removeDoc('kv', DiskStore.keyName(namespace, key));
    return existed;
  }

  // apps, test suites, dashboards
  saveApp(a: AppRecord): void {
    this.apps.set(a.uid, a);
    this.disk?.writeDoc('apps', DiskStore.keyName(a.uid), a);
  }

  removeApp(uid: string): boolean {
    const existed = this.apps.delete(uid);
    this.disk?.removeDoc('apps', DiskStore.keyName(uid));
    return existed;
  }

  saveTestSuite(t: TestSuiteRecord): void {
    this.testSuites.set(testSuiteKey(t.namespace, t.id), t);
    this.disk?.writeDoc('tests', DiskStore.keyName(t.namespace, t.id), t);
  }

  removeTestSuite(namespace: string, id: string): boolean {
    const existed = this.testSuites.delete(testSuiteKey(namespace, id));
    this.disk?.removeDoc('tests', DiskStore.keyName(namespace, id));
    return existed;
  }

  saveDashboard(d: DashboardRecord): void {
    this.dashboards.set(d.id, d);
    this.disk?.writeDoc('dashboards', DiskStore.keyName(d.id), d);
  }

  removeDashboard(id: string): boolean {
    const existed = this.dashboards.delete(id);
    this.disk?.removeDoc('dashboards', DiskStore.keyName(id));
    return existed;
  }

  // EE namespace objects and secrets
  saveNamespaceObject(n: NamespaceObjectRecord): void {
    this.namespaceObjects.set(n.id, n);
    this.disk?.writeDoc('namespaces', DiskStore.keyName(n.id), n);
  }

  removeNamespaceObject(id: string): boolean {
    const existed = this.namespaceObjects.delete(id);
    this.disk?.removeDoc('namespaces', DiskStore.keyName(id));
    return existed;
  }

  saveSecret(x: SecretRecord): void {
    this.secrets.set(secretKey(x.namespace, x.key), x);
    this.disk?.writeDoc('secrets', DiskStore.keyName(x.namespace, x.key), x);
  }

  removeSecret(namespace: string, key: string): boolean {
    const existed = this.secrets.delete(secretKey(namespace, key));
    this.disk?.removeDoc('secrets', DiskStore.keyName(namespace, key));
    return existed;
  }

  /**
   * Resolves once every change made so far is durable (at once in memory); a request is answered
   * only after it (steps.ts `awaitDurable`).
   */
  durable(): Promise<void> {
    return this.disk ? this.disk.durable() : Promise.resolve();
  }

  /** Lets the data folder go once the pending changes are on disk. */
  close(): Promise<void> {
    return this.disk ? this.disk.close() : Promise.resolve();
  }

  /** Every namespace that holds anything. */
  namespaces(): Set<string> {
    const out = new Set<string>();
    for (const f of this.flows.values()) if (!f.revisions[f.revisions.length - 1].deleted) out.add(f.namespace);
    for (const f of this.files.values()) if (!f.revisions[f.revisions.length - 1].deleted) out.add(f.namespace);
    for (const k of this.kv.values()) out.add(k.namespace);
    return out;
  }
}

export const flowKey = (ns: string, id: string) => `${ns}\u0000${id}`;
export const fileKey = (ns: string, p: string) => `${ns}\u0000${p}`;
export const kvKey = (ns: string, k: string) => `${ns}\u0000${k}`;
export const testSuiteKey = (ns: string, id: string) => `${ns}\u0000${id}`;
export const secretKey = (ns: string, key: string) => `${ns}\u0000${key}`;

export function currentRevision(f: FlowRecord): FlowRevision {
  return f.revisions[f.revisions.length - 1];
}

export function currentFile(f: FileRecord): FileRevision {
  return f.revisions[f.revisions.length - 1];
}

/**
 * Kestra's parent path of a namespace-file entry (NamespaceFileMetadata.parentPath): `/docs/a.txt`
 * and `/docs/sub/` → `/docs/`, `/docs` → `/`; the root has none.
 */
export function parentPathOf(entryPath: string): string | undefined {
  const bare = entryPath.endsWith('/') ? entryPath.slice(0, -1) : entryPath;
  const slash = bare.lastIndexOf('/');
  return slash < 0 ? undefined : bare.slice(0, slash + 1);
}
