import { Construct, TerraformElement, TerraformStack } from './cdk';
import type { Node } from 'constructs';
import { stackSynthesis, type StackSynthesis, type SynthesisMode } from './fast-synth';
import type { KestraMajor } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import type { FoundObject } from '../gittree/types';
import { SETTINGS_KEY, type Edition } from '../model/names';
import { TENANT_SCOPE } from '../model/addresses';
import { DEFAULT_PROTECTED_NAMESPACES, type BackendSettings, type FoundSetting, type PullHomeSetting, type StackSettings } from '../model/settings';
import { StackEnvironment, type EnvironmentOptions } from './environment';

export interface KestraStackOptions {
  /** Namespaces this stack owns beyond those its objects live in (which it always owns; a folder name never is one). */
  namespaces?: string[];
  /**
   * Delete objects of owned namespaces that the stack does not declare, even if kestraform never
   * created them (Kestra's `whenMissingInSource: DELETE`). Off by default: only objects recorded
   * in state are ever deleted.
   */
  prune?: boolean;
  /** Namespaces never written or deleted (default `['system']`). */
  protectedNamespaces?: string[];
  /** Where state is kept (default: local file `.kestraform/state/<stack>.json`). */
  backend?: BackendSettings;
  /** Kestra major version the stack targets (default 2). */
  kestraVersion?: KestraMajor;
  /**
   * How the stack synthesizes (default `'fast'`): fast synth writes its token-free Kestra
   * resources without cdktf's resolve passes, to the same cdk.tf.json (lib/constructs/fast-synth).
   * It turns itself into `'plain'` — cdktf's own synthesis, slower — when the installed cdktf or
   * constructs is not the release it was checked against, or when KESTRAFORM_PLAIN_SYNTH=1 is set.
   */
  synthesis?: SynthesisMode;
  /**
   * The environment this stack deploys the tree to (dev, prod, a pull-request preview): its
   * target, its namespace names, labels, disabled triggers and KV values (./environment).
   */
  environment?: EnvironmentOptions;
  /**
   * What deploys do with state an operator set in Kestra at runtime, outside Git.
   *
   * `flowDisabled` — a flow disabled (or enabled) in Kestra since kestraform last applied it (or,
   * not managed yet, one that differs from Git by nothing else). Kestra's UI toggle writes
   * `disabled: true` into the flow's stored source, so deploying Git's source as it is would
   * silently switch the flow back on (kestra-io/kestra#19673).
   * - `'keep'` (default): deploys keep Kestra's value — also when the flow changes in Git, whose new
   *   source is then written with Kestra's `disabled` set in it. Plan, drift and their Markdown and
   *   JSON list it as runtime state (not drift, not a pending change), saying it is kept.
   * - `'git'`: Git wins — the plan shows an update that re-enables the flow (or disables it, when
   *   Git does), with a warning line like a deletion's, in text, Markdown and JSON.
   * A `disabled` changed in Git itself is always deployed, whichever the policy.
   *
   * Triggers disabled at runtime (Kestra's trigger state, never in the source) are listed by plan
   * and drift as runtime state whatever this says: kestraform reads them and never changes them.
   */
  runtimeState?: { flowDisabled?: 'keep' | 'git' };
  /**
   * The Kestra edition the stack deploys to (default: not said, which is `'oss'`). With `'ee'`,
   * the tree sources also declare what only Kestra Enterprise takes: apps, unit tests
   * (TestSuites), namespace objects (`<ns>/namespace.yaml`) and, on Kestra 2.x, dashboards (1.x
   * writes dashboards in open source too, so they are declared whatever the edition). Otherwise
   * the sources list those as found, not deployed, saying to set it. A plan against a Kestra
   * that lacks the edition a declared object needs fails before any write.
   */
  edition?: Edition;
}

/** The kinds a tree source declares only as the stack's edition and Kestra line allow. */
export type EditionKind = 'app' | 'test' | 'dashboard' | 'namespace';

/**
 * A stack that describes the desired state of some Kestra namespaces. Its settings travel in
 * cdk.tf.json under the `kestraform` key, which the engine reads back.
 */
export class KestraStack extends TerraformStack {
  readonly kestraVersion: KestraMajor;
  /** The synthesis this stack got: the `synthesis` option, or `'plain'` where fast synth is refused. */
  readonly synthesisMode: SynthesisMode;
  private readonly synthesis: StackSynthesis;
  /** How this environment differs from the tree (none: the tree as it is). */
  readonly environment: StackEnvironment | undefined;
  /** The edition the stack says (undefined: not said, deployed as open source). */
  readonly edition: Edition | undefined;
  private readonly owned = new Set<string>();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly foundObjects: FoundSetting[] = [];
  private readonly pullHomes: PullHomeSetting[] = [];
  /** Files of the flows the stack's sources declare, and flows its file sources left out. */
  private readonly flowFiles = new Set<string>();
  /** Files of the apps, unit tests, dashboards and namespace properties the sources declare. */
  private readonly objectFiles = new Set<string>();
  private readonly flowsLeftOutOfFiles: FoundObject[] = [];

  constructor(scope: Construct, id: string, private readonly options: KestraStackOptions = {}) {
    super(scope, id);
    this.kestraVersion = options.kestraVersion ?? 2;
    this.environment = options.environment ? new StackEnvironment(options.environment) : undefined;
    const flowDisabled = options.runtimeState?.flowDisabled;
    if (flowDisabled !== undefined && flowDisabled !== 'keep' && flowDisabled !== 'git') {
      throw new Error(`${this.node.path}: runtimeState.flowDisabled must be 'keep' or 'git', not ${JSON.stringify(flowDisabled)}`);
    }
    if (options.edition !== undefined && options.edition !== 'oss' && options.edition !== 'ee') {
      throw new Error(`${this.node.path}: edition must be 'oss' or 'ee', not ${JSON.stringify(options.edition)}`);
    }
    this.edition = options.edition;
    for (const ns of options.namespaces ?? []) this.own(ns);
    this.synthesis = stackSynthesis(this, options.synthesis);
    this.synthesisMode = this.synthesis.mode;
  }

  static of(construct: Construct): KestraStack {
    const stack = TerraformStack.of(construct);
    if (!(stack instanceof KestraStack)) {
      throw new Error(`${construct.node.path}: Kestra resources must be created inside a KestraStack (lib/constructs/stack.ts)`);
    }
    return stack;
  }

  /** Owns a namespace, named as the tree names it (the environment's name for it is owned). */
  own(namespace: string): void {
    this.owned.add(this.namespaceHere(namespace));
  }

  /** The namespace a tree's namespace has in this stack's environment. */
  namespaceHere(namespace: string): string {
    return this.environment ? this.environment.namespace(namespace) : namespace;
  }

  addDiagnostics(ds: readonly Diagnostic[]): void {
    this.diagnostics.push(...ds);
  }

  /** Kestra objects a source found and does not deploy (validate and plan list them). */
  recordFound(objects: readonly FoundSetting[]): void {
    this.foundObjects.push(...objects);
  }

  /**
   * Whether the tree sources declare objects of this kind: apps, unit tests and namespace objects
   * with `edition: 'ee'`; dashboards too on Kestra 2.x, always on 1.x.
   */
  declares(kind: EditionKind): boolean {
    return this.edition === 'ee' || (kind === 'dashboard' && this.kestraVersion === 1);
  }

  /** Where `pull` writes objects new in Kestra (see PullHomeSetting). */
  addPullHome(home: PullHomeSetting): void {
    // Dashboards are tenant-wide: no namespace to rename.
    if (home.kind === 'dashboard') {
      this.pullHomes.push({ ...home, namespace: TENANT_SCOPE });
      return;
    }
    const here = this.namespaceHere(home.namespace);
    // A flow (an app, a unit test) names its namespace: one made in a renamed namespace would go
    // into Git under the environment's name, and be renamed again on the next synth.
    if ((home.kind === 'flow' || home.kind === 'app' || home.kind === 'test') && here !== home.namespace) {
      const kind = home.kind;
      const what = kind === 'test' ? 'unit test' : kind;
      const refused = (text: string): PullHomeSetting => (kind === 'flow' ? { kind, namespace: here, refused: text } : { kind, namespace: here, refused: text });
      this.pullHomes.push(refused(`environment "${this.environment!.name}" renames namespace ${home.namespace} to ${here}, so a${what === 'app' ? 'n' : ''} ${what} made there names a namespace Git does not — write it into the tree under ${home.namespace}, or pull it from an environment that keeps Git's namespaces`));
      return;
    }
    this.pullHomes.push({ ...home, namespace: here });
  }

  /** The files of flows a source declared (project-relative). */
  noteFlowFiles(files: readonly string[]): void {
    for (const f of files) this.flowFiles.add(f);
  }

  /** The files of apps, unit tests, dashboards and namespace properties a source declared (project-relative). */
  noteObjectFiles(files: readonly string[]): void {
    for (const f of files) this.objectFiles.add(f);
  }

  /** Flows a namespace-files source found among its files and left out of them. */
  noteFlowsLeftOutOfFiles(flows: readonly FoundObject[]): void {
    this.flowsLeftOutOfFiles.push(...flows);
  }

  /** Objects of a protected namespace a source found and left out (`what`: e.g. "3 namespace files"). */
  noteLeftOut(what: string, namespace: string, file: string): void {
    this.diagnostics.push({ severity: 'warning', file, line: 0, column: 0, message: `${what} of protected namespace "${namespace}" found here are not deployed`, hint: 'kestraform never writes a protected namespace (protectedNamespaces of the stack)' });
  }

  get protectedNamespaces(): string[] {
    return this.options.protectedNamespaces ?? [...DEFAULT_PROTECTED_NAMESPACES];
  }

  settings(): StackSettings {
    return {
      namespaces: [...this.owned].sort(),
      prune: this.options.prune ?? false,
      protected_namespaces: this.protectedNamespaces,
      backend: this.options.backend ?? { type: 'local' },
      kestra_version: this.kestraVersion,
      diagnostics: [...this.diagnostics, ...this.unreadFlows(), ...this.unusedOverrides()],
      found: this.foundSettings(),
      pull_homes: this.pullHomes,
      ...(this.environment ? { environment: this.environment.name } : {}),
      target: this.environment?.targetSettings() ?? {},
      ...(this.options.runtimeState?.flowDisabled ? { runtime_state: { flow_disabled: this.options.runtimeState.flowDisabled } } : {}),
      ...(this.edition ? { edition: this.edition } : {}),
    };
  }

  /**
   * What the sources found and the stack does not deploy, each once: an object another source
   * declares (an app a NamespaceFiles source left out of its files and a Flows source read) is not
   * listed, and one kept out by the edition says so.
   */
  private foundSettings(): FoundSetting[] {
    const out: FoundSetting[] = [];
    const seen = new Set<string>();
    for (const f of this.foundObjects) {
      if (f.kind !== 'flow' && this.objectFiles.has(f.file)) continue;
      const key = `${f.kind}\u0000${f.file}\u0000${f.namespace ?? ''}\u0000${f.id ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f.reason === 'kind-not-managed' && f.why === undefined ? { ...f, ...this.whyNotDeployed(f.kind) } : f);
    }
    return out;
  }

  private whyNotDeployed(kind: FoundSetting['kind']): Pick<FoundSetting, 'edition' | 'why'> {
    if (kind !== 'app' && kind !== 'test' && kind !== 'dashboard' && kind !== 'namespace') return {};
    if (!this.declares(kind)) {
      const only = kind === 'dashboard' ? 'Kestra 2.x writes dashboards in its Enterprise edition only' : 'Kestra Enterprise only';
      return { edition: 'ee', why: `${only}: set edition: 'ee' on the stack to deploy ${kind === 'test' ? 'unit tests' : `${kind === 'namespace' ? 'namespace object' : kind}s`}` };
    }
    return { why: 'lies among namespace files, where no source of this stack reads Kestra objects: read its folder with a Flows source to deploy it' };
  }

  /** A KV value given for this environment whose pair no source read would silently not be deployed. */
  private unusedOverrides(): Diagnostic[] {
    return (this.environment?.unusedKvOverrides() ?? []).map(({ namespace, key }) => ({
      severity: 'error' as const,
      file: `stack "${this.node.id}"`,
      line: 0,
      column: 0,
      message: `environment "${this.environment!.name}" gives a value for kv:${namespace}/${key}, but no KV file the stack reads has that key`,
      hint: `add ${key} (with its type) to the kv.yaml of ${namespace}, or remove it from the environment's kv`,
    }));
  }

  /** A flow left out of namespace files that no flow source of the stack reads is deployed by nobody. */
  private unreadFlows(): Diagnostic[] {
    return this.flowsLeftOutOfFiles
      .filter((f) => !this.flowFiles.has(f.file))
      .map((f) => ({
        severity: 'warning' as const,
        file: f.file,
        line: f.line,
        column: 1,
        message: `flow ${f.namespace}/${f.id} lies in a folder of namespace files: it is not uploaded as a file, and no flow source of this stack reads it`,
        hint: 'read its folder with a Flows source, or set includeKestraObjects: true on the NamespaceFiles source to upload it as a plain file',
      }));
  }

  /** cdktf's logical id (fast synth makes it cheaper: lib/constructs/fast-synth). */
  protected allocateLogicalId(tfElement: TerraformElement | Node): string {
    return this.synthesis.logicalId(tfElement, () => super.allocateLogicalId(tfElement));
  }

  prepareStack(): void {
    this.synthesis.prepare(() => super.prepareStack());
  }

  /** The stack's cdk.tf.json: cdktf's JSON of its elements, and its settings under `kestraform`. */
  toTerraform(): Record<string, unknown> {
    const tf = this.synthesis.toTerraform(() => super.toTerraform() as Record<string, unknown>);
    tf[SETTINGS_KEY] = this.settings();
    return tf;
  }
}
