import { Construct, TerraformStack, deepMerge } from './cdk';
import { KestraResource } from './resource';
import { NativeJsonSynthesizer, type JsonHandingStack } from './native-json-synthesizer';
import type { KestraMajor } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import { SETTINGS_KEY } from '../model/names';
import type { BackendSettings, StackSettings } from '../model/stack-settings';

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
export class KestraStack extends TerraformStack implements JsonHandingStack {
  readonly kestraVersion: KestraMajor;
  private readonly owned = new Set<string>();
  private readonly diagnostics: Diagnostic[] = [];
  handJsonTo?: (json: Record<string, unknown>) => void;

  constructor(scope: Construct, id: string, private readonly options: KestraStackOptions = {}) {
    super(scope, id);
    this.kestraVersion = options.kestraVersion ?? 2;
    for (const ns of options.namespaces ?? []) this.own(ns);
    this.synthesizer = new NativeJsonSynthesizer(this, this.synthesizer);
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
   * as cdktf built them, after the resolved rest, and the JSON is written with stableJson. Off:
   * everything goes through cdktf's resolve and writer.
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
    const metadata = (tf['//'] as { metadata: Record<string, unknown> }).metadata;
    for (const [resource, json] of direct) {
      // What cdktf would have merged for this element: its overrides, imports and moves, if any.
      const meta = resource.toMetadata() as Record<string, unknown>;
      if (Object.values(meta).some((v) => v !== undefined)) deepMerge(metadata, meta);
      mergeElement(tf, json);
    }
    tf[SETTINGS_KEY] = this.settings();
    if (this.handJsonTo && KestraStack.directSynthesis) {
      this.handJsonTo(tf);
      return {};
    }
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

  /**
   * Runs `fn` with these resources out of the construct tree, so cdktf's passes over every
   * element (each a resolve, a merge and a walk) skip them; their JSON is the stack's to add.
   * The tree is put back as it was, keeping whatever `fn` added.
   */
  private withDirect<T>(resources: Iterable<KestraResource<Record<string, unknown>>>, fn: () => T): T {
    const byParent = new Map<ChildrenHolder, Set<string>>();
    for (const r of resources) {
      const parent = r.node.scope!.node as unknown as ChildrenHolder;
      const ids = byParent.get(parent) ?? new Set<string>();
      byParent.set(parent, ids.add(r.node.id));
    }
    const saved: [ChildrenHolder, Record<string, Construct>][] = [];
    for (const [holder, ids] of byParent) {
      const all = holder._children!;
      const kept: Record<string, Construct> = {};
      for (const id of Object.keys(all)) if (!ids.has(id)) kept[id] = all[id];
      holder._children = kept;
      saved.push([holder, all]);
    }
    try {
      return fn();
    } finally {
      for (const [holder, all] of saved) {
        const during = holder._children ?? {};
        holder._children = all;
        for (const id of Object.keys(during)) if (!(id in all)) all[id] = during[id];
      }
    }
  }
}

/**
 * Adds one element's JSON to the stack's, as cdktf's deepMerge would: a resource whose type and
 * id are new is set in place (the common case, and 10,000 deep merges cost real time).
 */
function mergeElement(tf: Record<string, unknown>, json: Record<string, unknown>): void {
  const resources = json.resource as Record<string, Record<string, unknown>> | undefined;
  const types = resources ? Object.keys(resources) : [];
  const ids = types.length === 1 ? Object.keys(resources![types[0]]) : [];
  if (Object.keys(json).length === 1 && ids.length === 1 && (tf.resource === undefined || isPlainObject(tf.resource))) {
    const target = (tf.resource ??= {}) as Record<string, Record<string, unknown>>;
    const byId = (target[types[0]] ??= {});
    if (byId[ids[0]] === undefined) {
      byId[ids[0]] = resources![types[0]][ids[0]];
      return;
    }
  }
  deepMerge(tf, json);
}

/** What constructs keeps a node's children in (private to it; constructs 10.8.1 is pinned). */
interface ChildrenHolder {
  _children?: Record<string, Construct>;
}

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
