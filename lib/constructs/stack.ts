import { Construct, TerraformStack } from './cdk';
import type { KestraMajor } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import { SETTINGS_KEY, type BackendSettings, type StackSettings } from '../model/stack-settings';

export interface KestraStackOptions {
  /** Namespaces this stack owns; the namespaces of its resources (and of NamespaceTree folders) are added. */
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
}

/**
 * A stack that describes the desired state of some Kestra namespaces. Its settings travel in
 * cdk.tf.json under the `kestraform` key, which the engine reads back.
 */
export class KestraStack extends TerraformStack {
  readonly kestraVersion: KestraMajor;
  private readonly owned = new Set<string>();
  private readonly diagnostics: Diagnostic[] = [];

  constructor(scope: Construct, id: string, private readonly options: KestraStackOptions = {}) {
    super(scope, id);
    this.kestraVersion = options.kestraVersion ?? 2;
    for (const ns of options.namespaces ?? []) this.own(ns);
  }

  static of(construct: Construct): KestraStack {
    const stack = TerraformStack.of(construct);
    if (!(stack instanceof KestraStack)) {
      throw new Error(`${construct.node.path}: Kestra resources must be created inside a KestraStack (lib/constructs/stack.ts)`);
    }
    return stack;
  }

  own(namespace: string): void {
    this.owned.add(namespace);
  }

  addDiagnostics(ds: readonly Diagnostic[]): void {
    this.diagnostics.push(...ds);
  }

  get protectedNamespaces(): string[] {
    return this.options.protectedNamespaces ?? ['system'];
  }

  settings(): StackSettings {
    return {
      namespaces: [...this.owned].sort(),
      prune: this.options.prune ?? false,
      protected_namespaces: this.protectedNamespaces,
      backend: this.options.backend ?? { type: 'local' },
      kestra_version: this.kestraVersion,
      diagnostics: this.diagnostics,
    };
  }

  toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as Record<string, unknown>;
    tf[SETTINGS_KEY] = this.settings();
    return tf;
  }
}
