/**
 * The one interface every kind of object kestraform manages implements (Terraform's provider
 * split): how it is read from cdk.tf.json, refreshed from Kestra, compared, fingerprinted,
 * recorded in state, written and removed, ordered, shown and pulled back into Git. The planner,
 * apply, refresh, import, pull and the renderers hold no per-kind branch: they ask the kind's
 * handler (./registry). Adding a kind is one handler file, its client calls and its emulator
 * routes.
 */
import type { Diagnostic } from '../util/diagnostics';
import type { PullHomes } from './pull-homes';
import type { RuntimeStateSettings } from '../model/settings';

export interface Lifecycle {
  preventDestroy: boolean;
  ignoreChanges: string[] | 'all';
  createBeforeDestroy: boolean;
}

/** A desired object as the engine sees it: read from the synthesized JSON, never a cdktf object. */
export interface DesiredBase {
  kind: string;
  /** Natural-key address (lib/model/addresses; `null_resource.name` for local ones). */
  address: string;
  /** Terraform type and logical id, as in cdk.tf.json. */
  tfType: string;
  logicalId: string;
  /** Construct path, for messages. */
  constructPath: string;
  /** Addresses this resource must be applied after. */
  dependsOn: string[];
  lifecycle: Lifecycle;
  /** The Kestra namespace it lives in (none for Terraform-local resources). */
  namespace?: string;
}

/** A live object as refresh read it. Content is present only where refresh needed it. */
export interface LiveBase {
  kind: string;
  address: string;
  namespace: string;
}

/** The live side of a stack's namespaces, every kind in one map by address. */
export interface LiveSnapshot {
  /** Namespaces that were read. */
  namespaces: string[];
  objects: Map<string, LiveBase>;
}

export function emptySnapshot(namespaces: string[] = []): LiveSnapshot {
  return { namespaces, objects: new Map() };
}

/** What state recorded of the live object right after kestraform applied it (the kind's own fields). */
export interface Fingerprint {
  kind: string;
  [field: string]: unknown;
}

/** Applied attributes worth showing in a drift diff (flow source; KV type/value unless sensitive). */
export interface AppliedValues {
  sensitive?: boolean;
  [field: string]: unknown;
}

export interface StateEntry {
  address: string;
  /** Hash of the desired object as applied. */
  appliedHash: string;
  live: Fingerprint;
  applied: AppliedValues;
  preventDestroy?: boolean;
  /**
   * Set when `kestraform pull` adopted the object (created in Kestra, written into the working
   * tree): when, as an ISO instant. Until a configuration declares it, no plan deletes it — a plan
   * from a checkout without the pull's commit (another clone, CI on the main branch, files put
   * back) leaves it in Kestra and says so. The first plan whose configuration declares it records
   * the entry again, without the mark.
   */
  pulledAt?: string;
  updatedAt: string;
}

/** What an object is (before or after), as data for reviewers. Sensitive values are never here. */
export interface ObjectView {
  namespace?: string;
  /** Flow source. */
  source?: string;
  revision?: number;
  /** Namespace file: size and hash; its text when it is text and was read, `binary` when it was read and is not. */
  size?: number;
  sha256?: string;
  text?: string;
  binary?: boolean;
  /** KV. */
  type?: string;
  value?: string;
  description?: string;
  ttl?: string;
  /** Local resources. */
  triggers?: Record<string, string>;
  /** A namespace object's properties (Kestra's names), those the stack manages. */
  properties?: Record<string, unknown>;
  /** A secret: the environment variable its value comes from, and what is known of the value. */
  valueFrom?: string;
  valueStatus?: 'changed' | 'unchanged' | 'unknown';
  tags?: Record<string, string>;
}

/** How a change or a drift shows, kind-neutral: renderers draw these without knowing the kind. */
export type DisplayBlock =
  /** Two texts to show as a unified diff (null: that side does not exist). */
  | { type: 'diff'; label: string; before: string | null; after: string | null; /** What the two sides are (default live → desired, as a plan shows them). */ sides?: [string, string] }
  /** Named values; a row with one side, or equal sides, shows one value, otherwise before → after. */
  | { type: 'values'; rows: Array<{ name: string; before?: string; after?: string }> }
  /** One line, when there is nothing better to show (e.g. bytes not read). */
  | { type: 'note'; text: string };

/** What a display is asked to show: a step's or a drift's sides. */
export interface Shown {
  address: string;
  /** Which sides exist: 'create' has no before, 'delete' no after. */
  sides: 'create' | 'update' | 'delete';
  before?: ObjectView;
  after?: ObjectView;
  sensitive?: boolean;
}

/** Context of decoding one resource block of cdk.tf.json. */
export interface DecodeContext {
  projectDir: string;
  /** Where messages about it point (the stack's cdk.tf.json, relative) and the stack's name. */
  where: string;
  stack: string;
  /** Problems beyond the schema's (e.g. a hand-written flow's checks). */
  diagnostics: Diagnostic[];
  /** The environment variables of the process that plans (values a stack names by variable). */
  env: NodeJS.ProcessEnv;
}

/** The parts of a resource block every kind shares, read by lib/desired. */
export type CommonFields = Pick<DesiredBase, 'tfType' | 'logicalId' | 'constructPath' | 'dependsOn' | 'lifecycle'>;

/** What offline checks are told besides the object. */
export interface OfflineContext {
  /**
   * Whether the bytes of the file at `absPath` are vouched to have this sha256 now, without
   * reading them: the synth was reused because nothing the app read changed, and the app read
   * exactly these bytes (lib/project/synth-cache.ts). Absent or false: read and hash them.
   */
  sourceUnchanged?(absPath: string, sha256: string): boolean;
}

/** What refresh gives a kind to read one namespace with. */
export interface RefreshContext {
  /** The Kestra client (each kind names the calls it needs). */
  client: unknown;
  /** The desired object at an address, if declared. */
  desired(address: string): DesiredBase | undefined;
  /** State's entry at an address, if recorded. */
  entry(address: string): StateEntry | undefined;
  /** Puts a live object into the snapshot; removes one deleted between listing and read. */
  put(object: LiveBase): void;
  remove(address: string): void;
  /** The desired objects of a namespace, every kind (a kind decides from them what else is worth reading). */
  declared(namespace: string): readonly DesiredBase[];
  /** State's entries of a namespace (or of the tenant scope), every kind. */
  recorded(namespace: string): readonly StateEntry[];
  /** Content reads go through this bound (the client bounds requests as a whole). */
  read<T>(fn: () => Promise<T>): Promise<T>;
  now(): number;
  /** Files up to this size are downloaded when changed, so plans can show a text diff. */
  diffDownloadLimit: number;
  /** Above this many sources needed in one namespace, one export request beats single reads. */
  exportThreshold: number;
  /** The Kestra line the stack targets (its `kestraVersion`); 2 when not given. */
  kestraMajor?: 1 | 2;
}

/**
 * Runtime state: values an operator set in Kestra that Git does not hold as such (a flow disabled
 * from the UI, a trigger disabled on the Triggers page). Not drift and not a pending change: plan
 * and drift list them in a section of their own, and the stack's policy says what deploys do.
 */
export type RuntimePolicy = RuntimeStateSettings;

/** What a plan does with a runtime value: deploys keep it, this apply resets it to Git, or kestraform only reads it. */
export type RuntimeHandling = 'kept' | 'reset' | 'read-only';

/** One runtime value of an object, as its kind reports it (the planner adds the object's address and kind). */
export interface RuntimeValue {
  /** The part of the object it belongs to, when not the object itself (e.g. `{ type: 'trigger', id: 'every-morning' }`). */
  part?: { type: string; id: string };
  /** The attribute, e.g. `disabled`. */
  attribute: string;
  /** Its value in Kestra now. */
  live: string | number | boolean;
  /** What Git's configuration says of it; absent when Git does not hold it at all. */
  desired?: string | number | boolean;
  /** Where Kestra keeps it: written into the object's stored source, or in Kestra's own store beside it. */
  storedIn: 'source' | 'instance';
  handling: RuntimeHandling;
  /** The stack setting that decided the handling, and its value (e.g. `runtimeState.flowDisabled`, `keep`). */
  policy?: { setting: string; value: string };
}

/** What a kind's look at an object's runtime state decides. */
export interface RuntimeDecision {
  values: RuntimeValue[];
  /** The live object moved away from what state recorded by runtime values only: no drift. */
  explainsChange?: boolean;
  /** Runtime values the write keeps (the kind's own data): the plan's step carries them, apply gives them to `withKept`. */
  kept?: Record<string, unknown>;
}

/** What apply gives a kind to write with. */
export interface WriteContext {
  client: unknown;
  /** The Kestra line the stack targets (its `kestraVersion`); 2 when not given. */
  kestraMajor?: 1 | 2;
  /** State's entry at an address, as apply keeps it (e.g. the id Kestra gave an object on create). */
  entry?(address: string): StateEntry | undefined;
}

/** State as apply keeps it, as far as a kind's follow-up reads need it. */
export interface EntryStore {
  entry(address: string): StateEntry | undefined;
  set(entry: StateEntry): void;
}

/** A local decision (kinds without a live side decide from desired and state alone). */
export interface LocalDecision {
  action: 'create' | 'replace' | 'delete' | 'no-op';
  before?: ObjectView;
  after?: ObjectView;
  beforeHash?: string;
  afterHash?: string;
}

/** What pull does to one repository file for one object. */
export type FileEdit =
  | { action: 'write'; bytes: Buffer }
  | { action: 'delete' }
  /** A file that holds several objects (a KV file): its text is edited, its other entries and comments kept. */
  | { action: 'edit'; edit(text: string): string };

/** Where and how pull brings one object into the repository, or why it does not. */
export type PullPlan = { file: string; change: FileEdit; adopt?: StateEntry } | { refused: string };

/** What a kind is given to plan pulling one drifted object. */
export interface PullContext {
  address: string;
  drift: 'changed' | 'deleted' | 'unmanaged';
  /** The object's own file, for one already in Git; undefined for one new in Kestra (the kind finds its home). */
  file: string | undefined;
  desired: DesiredBase | undefined;
  live: LiveBase | undefined;
  entry: StateEntry | undefined;
  client: unknown;
  /** Where the stack puts objects new in Kestra. */
  homes: PullHomes;
  now: string;
}

export interface KindHandler<D extends DesiredBase = DesiredBase, L extends LiveBase = LiveBase> {
  readonly kind: string;
  /** Terraform resource types of this kind, as in cdk.tf.json. */
  readonly tfTypes: readonly string[];
  /** Words for counts and tables: `{ one: 'flow', many: 'flows', column: 'flows' }`. */
  readonly noun: { one: string; many: string; column: string };
  /** Terraform-local resources have no live side in Kestra (null_resource, terraform_data). */
  readonly localOnly?: boolean;
  /**
   * `tenant`: the objects are tenant-wide (dashboards), addressed in the reserved scope
   * TENANT_SCOPE and refreshed once for it; every other kind lives in namespaces.
   */
  readonly scope?: 'namespace' | 'tenant';
  /**
   * The edition of Kestra the kind needs on a Kestra line (`'ee'`: Enterprise only), if any. A stack
   * declaring such objects fails before any request against a server of another edition.
   */
  requiredEdition?(kestraMajor: 1 | 2): 'ee' | undefined;
  /**
   * `prune` never deletes objects of this kind kestraform did not create (secrets, whose values
   * cannot be read back; namespace objects; tenant-wide dashboards): they are reported only.
   */
  readonly neverPruned?: boolean;
  /** Apply phase of its writes and of its removals (a phase starts when the previous is done). */
  readonly phases: { write: number; remove: number };
  /** The attribute names whose `lifecycle.ignore_changes` stops an update. */
  readonly ignorable: readonly string[];
  /** Desired fields that say where an object came from, not what it is (left out of the plan's digest). */
  readonly provenance: readonly string[];
  /** In the repository each object is a file of its own (flows, namespace files) or an entry of a file holding several (KV pairs). */
  readonly storedAs: 'file' | 'entry';

  /** The desired object of one resource block (its schema checked), or what is wrong with it. */
  decode(raw: Record<string, unknown>, common: CommonFields, ctx: DecodeContext): { resource: D } | { problems: string[] };
  /** The repository file (and line) an object read from a tree comes from; undefined when written in code. */
  origin(d: D, projectDir: string): { file: string; line: number } | undefined;
  /** A desired object's problem that only shows now (e.g. a namespace file's bytes no longer those synthesized). */
  checkOffline?(d: D, ctx?: OfflineContext): string | undefined;
  /** Problems only the stack's objects of this kind together show (two namespace files Kestra 1.x stores as one). */
  checkOfflineTogether?(ds: readonly D[], opts: { kestraMajor: 1 | 2; projectDir: string }): Array<{ address: string; message: string; hint?: string }>;

  /** Reads one namespace's objects of this kind into the snapshot, with as few requests as the API allows. */
  refresh?(namespace: string, ctx: RefreshContext): Promise<void>;

  /** Desired equals live, with what refresh learned (and state, for what Kestra cannot report back). */
  equal(d: D, l: L, s: StateEntry | undefined): boolean;
  /** Hash of the desired object as applied: the `appliedHash` state records after writing it (= applied(d).appliedHash). */
  desiredHash(d: D): string;
  /** Hash of the live content, when known. */
  liveHash(l: L): string | undefined;
  /** Compact string that changes whenever the live object changes (saved-plan staleness). */
  fingerprintString(l: L): string;
  /** The live object is exactly what state recorded right after kestraform applied it. */
  matchesState(l: L, fp: Fingerprint): boolean;
  /** Only comments, whitespace or formatting differ between desired and live. */
  formattingOnly?(d: D, l: L): boolean;
  /** Whether the object's value must never be shown or stored. */
  sensitive(d: D | undefined, s: StateEntry | undefined): boolean;
  /** A view of a sensitive object without its secret parts. */
  redact?(view: ObjectView): ObjectView;

  viewOfDesired(d: D): ObjectView;
  /** `detailed`: for a step or drift that will be shown (e.g. a file's text), not a no-op. */
  viewOfLive(l: L, detailed: boolean): ObjectView;
  viewOfApplied(s: StateEntry): ObjectView;
  /** What only a read of the repository can add to a desired view for review (a file's text); I/O, so never in the planner. */
  reviewOfDesired?(d: D): Partial<ObjectView>;

  /** The fingerprint state records for a live object (desired fills what refresh did not learn, when equal). */
  fingerprint(l: L, d: D | undefined): Fingerprint | undefined;
  /** Applied hash and values of a desired object, as state records them after a write. */
  applied(d: D): { appliedHash: string; applied: AppliedValues };
  /** Applied hash and values of a live object taken as it is (import, accepted drift); undefined when refresh did not learn enough. */
  appliedFromLive(l: L, prev: StateEntry | undefined, d: D | undefined): { appliedHash: string; applied: AppliedValues } | undefined;

  /**
   * The runtime state of a live object (see RuntimeValue) and what the stack's policy does with it.
   * Pure: from what refresh read, state and the policy.
   */
  runtime?(d: D | undefined, l: L, s: StateEntry | undefined, policy: RuntimePolicy): RuntimeDecision | undefined;
  /**
   * The desired object as written when it keeps runtime values (`kept`, from `runtime`): compared
   * with the live one, shown as the step's after side and written by apply. State still records
   * the desired object itself as applied, so the runtime value stays known as such.
   */
  withKept?(d: D, kept: Record<string, unknown>): D;

  /** Addresses this object's write must wait for (e.g. the subflows a flow calls). */
  dependencies?(d: D): string[];
  /**
   * Writes of one plan that must wait for removals of the same kind, as (write, removal) address
   * pairs: Kestra refuses the write while the removed object holds its place (a namespace file
   * where a directory of that name still is, or below a file). The removal runs first, in the
   * write's phase.
   */
  writeAfterRemovals?(writes: readonly D[], removals: readonly string[]): Array<{ write: string; removal: string }>;
  /** Kinds without a live side decide here. */
  planLocal?(d: D | undefined, s: StateEntry | undefined): LocalDecision | undefined;

  /** Checks every object about to be written with Kestra before anything is written; problems in words. */
  validateWrites?(ds: D[], client: unknown): Promise<string[]>;
  /** Creates or updates the object in Kestra; the fingerprint state records for it. */
  write(d: D, action: 'create' | 'update' | 'replace', ctx: WriteContext): Promise<Fingerprint>;
  /** Removes the object from Kestra. */
  remove(address: string, ctx: WriteContext): Promise<void>;
  /** After all writes: what the write answers did not say (e.g. a modification time), read back in one listing per namespace. */
  afterWrites?(written: string[], ctx: WriteContext, state: EntryStore): Promise<void>;

  /** How a change or a drift shows (renderers draw the blocks). */
  display(shown: Shown): DisplayBlock[];

  /** Where and how `pull` brings the object into the repository (fetching what refresh did not read). */
  planPull?(ctx: PullContext): Promise<PullPlan>;
}
