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
  kind: 'flow' | 'app' | 'test' | 'dashboard' | 'blueprint';
  /** Project-relative file, and the line of its `id`. */
  file: string;
  line: number;
  id?: string;
  namespace?: string;
  /** Why it is not deployed: a kind kestraform does not manage, or a protected namespace. */
  reason: 'kind-not-managed' | 'protected-namespace';
};

/**
 * Where `pull` writes an object that is new in Kestra, for one namespace: a folder for new flows
 * (or the folders that make it ambiguous), a folder and path prefix for namespace files, a KV file.
 */
export type PullHomeSetting =
  | { kind: 'flow'; namespace: string; dir: string; extension: '.yml' | '.yaml' }
  | { kind: 'flow'; namespace: string; candidates: string[] }
  | { kind: 'file'; namespace: string; dir: string; prefix: string }
  | { kind: 'kv'; namespace: string; file: string };

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
};

/** Namespaces a stack never writes unless it names others: Kestra's own. */
export const DEFAULT_PROTECTED_NAMESPACES: readonly string[] = ['system'];

/** What a stack without settings of its own gets (a plain TerraformStack, or a test's stack). */
export function defaultStackSettings(overrides: Partial<StackSettings> = {}): StackSettings {
  return { namespaces: [], prune: false, protected_namespaces: [...DEFAULT_PROTECTED_NAMESPACES], backend: { type: 'local' }, kestra_version: 2, diagnostics: [], found: [], pull_homes: [], ...overrides };
}
