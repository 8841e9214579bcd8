/**
 * KestraClient: the REST client of one Kestra tenant (Kestra 1.x and 2.x, `/api/v1/{tenant}/...`).
 * Concurrency is the caller's business, except inside listFiles, which walks directories with a
 * bound. Call close() when done to release pooled connections.
 */
import type { KestraClientConfig } from './config';
import { DEFAULT_MAX_RESPONSE_BYTES, positive, transportOptions } from './transport-options';
import type { ThreadReads } from './early-thread';
import { HttpTransport, type KeptAnswers, type RecordedGet, type KestraRequestEvent } from './http';
import type { RetryPolicy } from './retry';
import { FlowsApi, type DeleteFlowResult, type FlowSummary, type FlowWithSource } from './flows';
import { DEFAULT_VALIDATE_OPTIONS, validateFlows, type FlowValidation, type ValidateOptions } from './flow-validate';
import { FilesApi, type DirectoryEntry, type NamespaceFileInfo } from './files';
import { KvApi, type KvEntryInfo, type KvLiveValue, type PutKvOptions } from './kv';
import { NamespacesApi } from './namespaces';
import { TriggersApi, type TriggerRuntimeState } from './triggers';
import { InstanceApi, type KestraEdition } from './instance';
import { NamespaceObjectsApi, type NamespaceObject } from './namespace-objects';
import { SecretsApi, type SecretListing, type SecretToPut } from './secrets';
import { AppsApi, type AppSummary, type AppWithSource } from './apps';
import { TestSuitesApi, type TestSuiteInfo, type TestSuiteRunResult } from './tests';
import { DashboardsApi, type DashboardInfo } from './dashboards';
import type { KvType } from '../model/names';

export interface KestraClientOptions extends Omit<KestraClientConfig, 'tenant' | 'timeoutMs'> {
  tenant?: string;
  timeoutMs?: number;
  /** PEM text of an extra CA certificate, as an alternative to `caFile`. */
  ca?: string | Buffer;
  /** Largest response body accepted (file contents, exports); default 512 MiB. */
  maxResponseBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** Called after every attempt of every request (instrumentation, benchmarks). */
  onRequest?: (event: KestraRequestEvent) => void;
  /** Page size of paged searches (KV listing, namespace and trigger searches); default 100. */
  pageSize?: number;
  /**
   * Requests this client has in flight at once, whoever makes them; more wait their turn.
   * Unlimited by default: the engine bounds its own concurrency.
   */
  maxInFlight?: number;
  /** Directory listings in flight at once inside listFiles; default maxInFlight, else 8. */
  fileListConcurrency?: number;
  validateBatch?: Partial<ValidateOptions>;
  /** Random source of the backoff jitter; tests make it deterministic. */
  random?: () => number;
}

export { DEFAULT_MAX_RESPONSE_BYTES };

export class KestraClient {
  readonly url: string;
  readonly tenant: string;
  private readonly http: HttpTransport;
  private readonly flows: FlowsApi;
  private readonly files: FilesApi;
  private readonly kv: KvApi;
  private readonly namespaces: NamespacesApi;
  private readonly triggers: TriggersApi;
  private readonly instance: InstanceApi;
  private readonly namespaceObjects: NamespaceObjectsApi;
  private readonly secrets: SecretsApi;
  private readonly apps: AppsApi;
  private readonly testSuites: TestSuitesApi;
  private readonly dashboards: DashboardsApi;
  private readonly validateOptions: ValidateOptions;

  constructor(options: KestraClientOptions) {
    const transport = transportOptions(options);
    this.url = transport.url;
    this.tenant = transport.tenant;
    const maxResponseBytes = transport.maxResponseBytes;
    const pageSize = positive(options.pageSize, 100, 'pageSize');
    this.http = new HttpTransport(transport);
    this.flows = new FlowsApi(this.http, maxResponseBytes);
    this.files = new FilesApi(this.http, positive(options.fileListConcurrency, options.maxInFlight ?? 8, 'fileListConcurrency'));
    this.kv = new KvApi(this.http, pageSize);
    this.namespaces = new NamespacesApi(this.http, pageSize);
    this.triggers = new TriggersApi(this.http, pageSize);
    this.instance = new InstanceApi(this.http);
    this.namespaceObjects = new NamespaceObjectsApi(this.http, pageSize, this.instance);
    this.secrets = new SecretsApi(this.http, pageSize);
    this.apps = new AppsApi(this.http, pageSize);
    this.testSuites = new TestSuitesApi(this.http, pageSize);
    this.dashboards = new DashboardsApi(this.http, pageSize);
    this.validateOptions = { ...DEFAULT_VALIDATE_OPTIONS, ...options.validateBatch };
  }

  /** From now on, keeps this client's answers to GETs, for another client to the same Kestra to take (lib/kestra/http.ts KeptAnswers). */
  keepAnswers(): KeptAnswers {
    return this.http.keepAnswers();
  }

  /** Answers another client to the same Kestra kept: a GET asked again is answered from them, once each. */
  reuseAnswers(kept: KeptAnswers): void {
    this.http.reuseAnswers(kept);
  }

  /** Takes the answers of GETs a thread of their own sends (lib/kestra/early-thread.ts askOnThread), each once, for the same GET asked later. */
  takeEarlyFromThread(reads: ThreadReads): void {
    this.http.takeEarlyFromThread(reads);
  }

  /** How many GETs were sent early, and how many of their answers were taken. */
  get earlyAnswers(): { asked: number; taken: number } {
    return this.http.earlyAnswers;
  }

  /** From now on, records every GET this client asks, in order (for the early reads of a later run, lib/cli/early-reads.ts). */
  recordGets(): readonly RecordedGet[] {
    return this.http.recordGets();
  }

  // Namespaces

  /** Namespaces that hold flows, plus those the namespace search knows where the server has it. */
  listNamespaces(): Promise<string[]> {
    return this.namespaces.listNamespaces();
  }

  // Flows

  listFlows(namespace: string): Promise<FlowSummary[]> {
    return this.flows.listFlows(namespace);
  }

  getFlow(namespace: string, id: string): Promise<FlowWithSource | null> {
    return this.flows.getFlow(namespace, id);
  }

  exportFlowSources(namespace: string): Promise<Map<string, string>> {
    return this.flows.exportFlowSources(namespace);
  }

  createFlow(source: string): Promise<FlowWithSource> {
    return this.flows.createFlow(source);
  }

  updateFlow(namespace: string, id: string, source: string): Promise<FlowWithSource> {
    return this.flows.updateFlow(namespace, id, source);
  }

  deleteFlow(namespace: string, id: string): Promise<DeleteFlowResult> {
    return this.flows.deleteFlow(namespace, id);
  }

  /** One result per source, in order, from as few requests as the batch limits allow. */
  validateFlows(sources: readonly string[]): Promise<FlowValidation[]> {
    return validateFlows(this.http, sources, this.validateOptions);
  }

  // Namespace files

  listFiles(namespace: string): Promise<NamespaceFileInfo[]> {
    return this.files.listFiles(namespace);
  }

  readFile(namespace: string, path: string): Promise<Buffer> {
    return this.files.readFile(namespace, path);
  }

  uploadFile(namespace: string, path: string, bytes: Uint8Array): Promise<void> {
    return this.files.uploadFile(namespace, path, bytes);
  }

  createDirectory(namespace: string, path: string): Promise<void> {
    return this.files.createDirectory(namespace, path);
  }

  deleteFile(namespace: string, path: string): Promise<void> {
    return this.files.deleteFile(namespace, path);
  }

  /** What is at `path` (a file or a directory), or null when nothing is. */
  statFile(namespace: string, path: string): Promise<DirectoryEntry | null> {
    return this.files.statFile(namespace, path);
  }

  /** The direct children of a directory ('' for the root), or null when there is no such directory. */
  listDirectory(namespace: string, directory: string): Promise<DirectoryEntry[] | null> {
    return this.files.listDirectory(namespace, directory);
  }

  // KV

  listKv(namespace: string): Promise<KvEntryInfo[]> {
    return this.kv.listKv(namespace);
  }

  getKv(namespace: string, key: string): Promise<KvLiveValue | null> {
    return this.kv.getKv(namespace, key);
  }

  putKv(namespace: string, key: string, value: { type: KvType; value: string }, options?: PutKvOptions): Promise<void> {
    return this.kv.putKv(namespace, key, value, options);
  }

  deleteKv(namespace: string, key: string): Promise<boolean> {
    return this.kv.deleteKv(namespace, key);
  }

  // Triggers' runtime state (outside the flows' sources)

  /** The trigger states of exactly `namespace` (one paged search); undefined when the server will not say. */
  searchTriggers(namespace: string): Promise<TriggerRuntimeState[] | undefined> {
    return this.triggers.searchTriggers(namespace);
  }

  /** Sets a trigger's runtime `disabled` flag, as an operator does from Kestra's Triggers page. */
  setTriggerDisabled(trigger: { namespace: string; flowId: string; triggerId: string }, disabled: boolean): Promise<void> {
    return this.triggers.setTriggerDisabled(trigger, disabled);
  }

  // Apps (Kestra Enterprise; named by the uid Kestra gives them)

  /** Every app of exactly `namespace` (all pages; no sources). */
  searchApps(namespace: string): Promise<AppSummary[]> {
    return this.apps.searchApps(namespace);
  }

  /** The app with its source, or null when there is none with that uid. */
  getApp(uid: string): Promise<AppWithSource | null> {
    return this.apps.getApp(uid);
  }

  createApp(source: string): Promise<AppWithSource> {
    return this.apps.createApp(source);
  }

  updateApp(uid: string, source: string): Promise<AppWithSource> {
    return this.apps.updateApp(uid, source);
  }

  /** Deletes an app; one already gone is fine. */
  deleteApp(uid: string): Promise<void> {
    return this.apps.deleteApp(uid);
  }

  setAppEnabled(uid: string, enabled: boolean): Promise<void> {
    return this.apps.setAppEnabled(uid, enabled);
  }

  // Unit tests (Kestra Enterprise test suites)

  /** Every test suite of exactly `namespace` (not its children), with sources. */
  searchTestSuites(namespace: string): Promise<TestSuiteInfo[]> {
    return this.testSuites.searchTestSuites(namespace);
  }

  getTestSuite(namespace: string, id: string): Promise<TestSuiteInfo | null> {
    return this.testSuites.getTestSuite(namespace, id);
  }

  createTestSuite(source: string): Promise<TestSuiteInfo> {
    return this.testSuites.createTestSuite(source);
  }

  updateTestSuite(namespace: string, id: string, source: string): Promise<TestSuiteInfo> {
    return this.testSuites.updateTestSuite(namespace, id, source);
  }

  /** Deletes a test suite; one already gone is fine. */
  deleteTestSuite(namespace: string, id: string): Promise<void> {
    return this.testSuites.deleteTestSuite(namespace, id);
  }

  /** Kestra's problems with the source, in its words; undefined when it takes it. */
  validateTestSuite(source: string): Promise<string | undefined> {
    return this.testSuites.validateTestSuite(source);
  }

  /** Runs the suite's test cases (Kestra executes the flow) and answers the result, waiting up to `timeoutMs` (default 10 minutes) for it. */
  runTestSuite(namespace: string, id: string, timeoutMs?: number): Promise<TestSuiteRunResult> {
    return this.testSuites.runTestSuite(namespace, id, timeoutMs);
  }

  // Dashboards (tenant-wide)

  /** Every dashboard, with sources (all pages). */
  searchDashboards(): Promise<DashboardInfo[]> {
    return this.dashboards.searchDashboards();
  }

  getDashboard(id: string): Promise<DashboardInfo | null> {
    return this.dashboards.getDashboard(id);
  }

  /** Creates a dashboard; on Kestra 1.x the answer's id is the one Kestra made up. */
  createDashboard(source: string): Promise<DashboardInfo> {
    return this.dashboards.createDashboard(source);
  }

  updateDashboard(id: string, source: string): Promise<DashboardInfo> {
    return this.dashboards.updateDashboard(id, source);
  }

  /** Deletes a dashboard; one already gone is fine. */
  deleteDashboard(id: string): Promise<void> {
    return this.dashboards.deleteDashboard(id);
  }

  /** Kestra's problems with the source, in its words; undefined when it takes it. */
  validateDashboard(source: string): Promise<string | undefined> {
    return this.dashboards.validateDashboard(source);
  }

  // The instance (outside the tenant)

  /** The server's edition (`OSS` or `EE`) and version, from GET /api/v1/configs (asked once per client). */
  getEdition(): Promise<KestraEdition> {
    return this.instance.getEdition();
  }

  // Namespace objects (Kestra Enterprise)

  /** The namespace object, or null when there is none (EE: 404); open-source Kestra's `{id}` as it answers it. */
  getNamespace(id: string): Promise<NamespaceObject | null> {
    return this.namespaceObjects.getNamespace(id);
  }

  createNamespace(ns: NamespaceObject): Promise<NamespaceObject> {
    return this.namespaceObjects.createNamespace(ns);
  }

  /** Replaces the whole namespace object. */
  updateNamespace(ns: NamespaceObject): Promise<NamespaceObject> {
    return this.namespaceObjects.updateNamespace(ns);
  }

  /** Deletes a namespace object; one already gone is fine. */
  deleteNamespace(id: string): Promise<void> {
    return this.namespaceObjects.deleteNamespace(id);
  }

  /** Every namespace object (all pages), of `prefix` and below when given; none on open-source Kestra. */
  searchNamespaceObjects(prefix?: string): Promise<NamespaceObject[]> {
    return this.namespaceObjects.searchNamespaceObjects(prefix);
  }

  // Secrets (values are never read back)

  /** The secrets of exactly `namespace` (all pages): keys and metadata, and whether Kestra may write them. */
  listSecrets(namespace: string): Promise<SecretListing> {
    return this.secrets.listSecrets(namespace);
  }

  /** Creates or replaces a secret (Kestra Enterprise). */
  putSecret(namespace: string, secret: SecretToPut): Promise<void> {
    return this.secrets.putSecret(namespace, secret);
  }

  /** Deletes a secret; one already gone is fine. */
  deleteSecret(namespace: string, key: string): Promise<void> {
    return this.secrets.deleteSecret(namespace, key);
  }

  /** Releases pooled connections. The client must not be used afterwards. */
  close(): Promise<void> {
    return this.http.close();
  }
}

