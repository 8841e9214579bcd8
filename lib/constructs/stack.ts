import { Construct, TerraformStack, deepMerge } from './cdk';
import { KestraResource } from './resource';
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

  /**
   * cdktf resolves every element's JSON three times (prepare, per fragment, whole stack): most of
   * the synth time of a large tree. Kestra resources whose JSON holds no token are written
   * as cdktf built them, after the resolved rest. Off: everything goes through cdktf's resolve.
   */
  static directSynthesis = true;

  prepareStack(): void {
    // cdktf's prepare pass resolves every element to register cross-stack references; a resource
    // without tokens has none. (Aspects run after this pass, so toTerraform looks again.)
    const plain = this.directCandidates().filter((r) => !r.mayHoldTokens());
    this.withDirect(plain, () => super.prepareStack());
  }

  toTerraform(): Record<string, unknown> {
    const direct = this.tokenFreeResources();
    const tf = this.withDirect(direct.keys(), () => super.toTerraform() as Record<string, unknown>);
    for (const json of direct.values()) deepMerge(tf, json);
    tf[SETTINGS_KEY] = this.settings();
    return tf;
  }

  private tokenFreeResources(): Map<KestraResource<Record<string, unknown>>, Record<string, unknown>> {
    const out = new Map<KestraResource<Record<string, unknown>>, Record<string, unknown>>();
    for (const r of this.directCandidates()) {
      const json = r.tokenFreeJson();
      if (json) out.set(r, json);
    }
    return out;
  }

  /** This stack's Kestra resources, unless direct synthesis is off for it. */
  private directCandidates(): KestraResource<Record<string, unknown>>[] {
    const out: KestraResource<Record<string, unknown>>[] = [];
    // A stack-level override may reach into any resource: then cdktf merges and resolves it all.
    if (!KestraStack.directSynthesis || Object.keys((this as unknown as { rawOverrides: object }).rawOverrides).length) return out;
    const visit = (c: Construct) => {
      if (c !== this && TerraformStack.isStack(c)) return; // a nested stack synthesizes itself
      if (c instanceof KestraResource) out.push(c);
      for (const child of c.node.children) visit(child);
    };
    visit(this);
    return out;
  }

  /** Runs `fn` with these resources leaving their JSON to the stack (cdktf sees them as empty). */
  private withDirect<T>(resources: Iterable<KestraResource<Record<string, unknown>>>, fn: () => T): T {
    const marked = [...resources];
    for (const r of marked) r.synthesizedByStack = true;
    try {
      return fn();
    } finally {
      for (const r of marked) r.synthesizedByStack = false;
    }
  }
}
