/**
 * The settings a KestraStack writes into its synthesized JSON under the top-level key
 * `kestraform` (lib/model/names SETTINGS_KEY), as plain types: the constructs' public types, free
 * of zod. ./stack-settings holds the schema the engine reads them back with, checked at compile
 * time to describe exactly these shapes.
 */
import type { Diagnostic } from '../util/diagnostics';

export type BackendSettings = { type: 'local'; path?: string } | { type: 'kestra-kv'; namespace: string; key?: string };

/** A Kestra object a source found in the repository that the stack does not deploy. */
export type FoundSetting = {
  /** `namespace`: a namespace object (a tree's `<ns>/namespace.yaml`). */
  kind: 'flow' | 'app' | 'test' | 'dashboard' | 'blueprint' | 'namespace';
  /** Project-relative file, and the line of its `id`. */
  file: string;
  line: number;
  id?: string;
  namespace?: string;
  /** Why it is not deployed: a kind kestraform does not manage (here), or a protected namespace. */
  reason: 'kind-not-managed' | 'protected-namespace';
  /**
   * `ee`: kestraform deploys it to Kestra Enterprise only, and the stack does not say `edition:
   * 'ee'` (an app, a unit test, a namespace object; a dashboard on Kestra 2.x).
   */
  edition?: 'ee';
  /** What keeps it out, in words, with what to do about it (e.g. not a Kestra TestSuite: no `testCases`). */
  why?: string;
};

/**
 * Where `pull` writes an object that is new in Kestra, for one namespace: a folder for new flows
 * (or the folders that make it ambiguous), a folder and path prefix for namespace files, a KV file.
 */
export type PullHomeSetting =
  | { kind: 'flow'; namespace: string; dir: string; extension: '.yml' | '.yaml' }
  | { kind: 'flow'; namespace: string; candidates: string[] }
  /** New flows of this namespace have no home: why (an environment that renames namespaces). */
  | { kind: 'flow'; namespace: string; refused: string }
  | { kind: 'file'; namespace: string; dir: string; prefix: string }
  | { kind: 'kv'; namespace: string; file: string }
  /**
   * New apps, unit tests and dashboards go to `<dir>/<id><extension>` (as flows do; dashboards
   * are tenant-wide: their namespace is the reserved scope `_global`).
   */
  | { kind: 'app' | 'test' | 'dashboard'; namespace: string; dir: string; extension: '.yml' | '.yaml' }
  | { kind: 'app' | 'test' | 'dashboard'; namespace: string; candidates: string[] }
  | { kind: 'app' | 'test'; namespace: string; refused: string }
  /** A namespace object new in Kestra (Enterprise) goes to this file (`<ns>/namespace.yaml`). */
  | { kind: 'namespace'; namespace: string; file: string };

/**
 * Where a stack deploys: the name of that Kestra (`dev`, `prod`; stacks naming the same one share
 * it) and the *names* of the environment variables that hold its URL, tenant and credentials —
 * never their values. KESTRA_URL, KESTRA_TENANT and the KESTRA_* credentials, when set, override
 * them; with no URL at all, each named Kestra is an embedded local server of its own (data under
 * `.kestraform/local/<name>/`).
 */
export type TargetSettings = {
  name?: string;
  url_env?: string;
  tenant?: string;
  tenant_env?: string;
  username_env?: string;
  password_env?: string;
  token_env?: string;
};

/**
 * What deploys do with state Kestra holds at runtime (./stack-settings; KestraStack's
 * `runtimeState` option). `flow_disabled`: a flow whose top-level `disabled` was changed in Kestra
 * (the UI toggle writes it into the stored source) — `keep` (the default) deploys Git's source
 * with Kestra's value, `git` deploys Git's source as it is (re-enabling the flow) and says so.
 */
export type RuntimeStateSettings = {
  flow_disabled?: 'keep' | 'git';
};

export type StackSettings = {
  /** Namespaces the stack owns (named by the stack; the engine adds those of its resources). */
  namespaces: string[];
  prune: boolean;
  protected_namespaces: string[];
  backend: BackendSettings;
  kestra_version: 1 | 2;
  /** Problems found while reading the repository during synth (errors fail validate and plan). */
  diagnostics: Diagnostic[];
  /** Kestra objects found in the repository and not deployed (listed by validate and plan). */
  found: FoundSetting[];
  pull_homes: PullHomeSetting[];
  /** The environment the stack deploys the tree as (dev, prod, pr-42), when it is one. */
  environment?: string;
  target: TargetSettings;
  /** Absent: every runtime value is handled by its default (`keep`). */
  runtime_state?: RuntimeStateSettings;
  /** The Kestra edition the stack says it deploys to (absent: not said, which deploys as `oss`). */
  edition?: 'oss' | 'ee';
};

/** Namespaces a stack never writes unless it names others: Kestra's own. */
export const DEFAULT_PROTECTED_NAMESPACES: readonly string[] = ['system'];

/** What a stack without settings of its own gets (a plain TerraformStack, or a test's stack). */
export function defaultStackSettings(overrides: Partial<StackSettings> = {}): StackSettings {
  return { namespaces: [], prune: false, protected_namespaces: [...DEFAULT_PROTECTED_NAMESPACES], backend: { type: 'local' }, kestra_version: 2, diagnostics: [], found: [], pull_homes: [], target: {}, ...overrides };
}
