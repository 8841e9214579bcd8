import { Construct, TerraformElement, TerraformStack, deepMerge } from './cdk';
import { logicalIdOf } from './logical-id';
import type { Node } from 'constructs';
import { KestraResource, type PlainBlock } from './resource';
import { NativeJsonSynthesizer, type JsonHandingStack } from './native-json-synthesizer';
import type { KestraMajor } from '../flowrules';
import type { Diagnostic } from '../util/diagnostics';
import type { FoundObject } from '../gittree/types';
import { SETTINGS_KEY } from '../model/names';
import { DEFAULT_PROTECTED_NAMESPACES, type BackendSettings, type FoundSetting, type PullHomeSetting, type StackSettings } from '../model/settings';

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
}

/**
 * A stack that describes the desired state of some Kestra namespaces. Its settings travel in
 * cdk.tf.json under the `kestraform` key, which the engine reads back.
 */
export class KestraStack extends TerraformStack implements JsonHandingStack {
  readonly kestraVersion: KestraMajor;
  private readonly owned = new Set<string>();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly foundObjects: FoundSetting[] = [];
  private readonly pullHomes: PullHomeSetting[] = [];
  /** Files of the flows the stack's sources declare, and flows its file sources left out. */
  private readonly flowFiles = new Set<string>();
  private readonly flowsLeftOutOfFiles: FoundObject[] = [];
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

  /** Kestra objects a source found and does not deploy (validate and plan list them). */
  recordFound(objects: readonly FoundSetting[]): void {
    this.foundObjects.push(...objects);
  }

  /** Where `pull` writes objects new in Kestra (see PullHomeSetting). */
  addPullHome(home: PullHomeSetting): void {
    this.pullHomes.push(home);
  }

  /** The files of flows a source declared (project-relative). */
  noteFlowFiles(files: readonly string[]): void {
    for (const f of files) this.flowFiles.add(f);
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
      diagnostics: [...this.diagnostics, ...this.unreadFlows()],
      found: this.foundObjects,
      pull_homes: this.pullHomes,
    };
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

  /**
   * cdktf's logical id, from the ids on the path below this stack, as cdktf's own allocator makes
   * it (./logical-id); the path is walked up from the element instead of copying its whole scope
   * chain, and the element's stack is not looked up again (it is this one: cdktf asks the
   * element's own stack). Elements not under this stack get cdktf's allocator itself.
   */
  protected allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const components: string[] = [];
    let at: Node | undefined = node;
    for (; at && at !== this.node; at = at.scope?.node) {
      if (TerraformStack.isStack((at as unknown as { host: unknown }).host)) return super.allocateLogicalId(tfElement); // in a nested stack
      components.push(at.id);
    }
    if (at !== this.node) return super.allocateLogicalId(tfElement);
    return components.length > 0 ? logicalIdOf(components.reverse()) : '';
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
    const { blocks, fragments } = this.directResources();
    const tf = this.withDirect([...blocks.keys(), ...fragments.keys()], () => super.toTerraform() as Record<string, unknown>);
    for (const block of blocks.values()) addBlock(tf, block);
    const metadata = (tf['//'] as { metadata: Record<string, unknown> }).metadata;
    for (const [resource, json] of fragments) {
      // What cdktf would have merged for this element: its overrides, imports and moves, if any.
      const meta = resource.toMetadata() as Record<string, unknown>;
      if (Object.values(meta).some((v) => v !== undefined)) deepMerge(metadata, meta);
      deepMerge(tf, json);
    }
    tf[SETTINGS_KEY] = this.settings();
    if (this.handJsonTo && KestraStack.directSynthesis) {
      this.handJsonTo(tf);
      return {};
    }
    return tf;
  }

  /** Token-free Kestra resources: bare ones as plain blocks, the others as cdktf's JSON fragment. */
  private directResources(): { blocks: Map<AnyKestraResource, PlainBlock>; fragments: Map<AnyKestraResource, Record<string, unknown>> } {
    const blocks = new Map<AnyKestraResource, PlainBlock>();
    const fragments = new Map<AnyKestraResource, Record<string, unknown>>();
    for (const r of this.directCandidates()) {
      const block = r.plainBlock();
      if (block) blocks.set(r, block);
      else {
        const json = r.tokenFreeJson();
        if (json) fragments.set(r, json);
      }
    }
    return { blocks, fragments };
  }

  /** This stack's Kestra resources, unless direct synthesis is off for it. */
  private directCandidates(): KestraResource<Record<string, unknown>>[] {
    const out: KestraResource<Record<string, unknown>>[] = [];
    // A stack-level override may reach into any resource: then cdktf merges and resolves it all.
    if (!KestraStack.directSynthesis || Object.keys((this as unknown as { rawOverrides: object }).rawOverrides).length) return out;
    const visit = (c: Construct) => {
      if (c !== this && TerraformStack.isStack(c)) return; // a nested stack synthesizes itself
      const children = c.node.children;
      // A resource with constructs below it stays in the tree (withDirect would hide them too).
      if (c instanceof KestraResource && children.length === 0) out.push(c);
      for (const child of children) visit(child);
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

/** A plain block is set in place (10,000 deep merges cost real time), unless its address is taken. */
function addBlock(tf: Record<string, unknown>, block: PlainBlock): void {
  const resources = tf.resource;
  if (resources === undefined || isPlainObject(resources)) {
    const byType = (tf.resource ??= {}) as Record<string, Record<string, unknown>>;
    const byId = (byType[block.type] ??= {});
    if (byId[block.id] === undefined) {
      byId[block.id] = block.body;
      return;
    }
  }
  deepMerge(tf, { resource: { [block.type]: { [block.id]: block.body } } });
}

type AnyKestraResource = KestraResource<Record<string, unknown>>;

/** What constructs keeps a node's children in (private to it; constructs 10.8.1 is pinned). */
interface ChildrenHolder {
  _children?: Record<string, Construct>;
}

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
