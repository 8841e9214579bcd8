/**
 * Turns what a repository reader found into the stack's resources: one construct scope per
 * namespace below the source, one Kestra resource per flow, namespace file and KV pair, and the
 * stack's records of what was found but not deployed. Shared by every source construct.
 */
import { Construct } from './cdk';
import type { KestraStack } from './stack';
import { KestraFlow } from './flow';
import { KestraNamespaceFile } from './namespace-file';
import { KestraKv } from './kv';
import type { FoundObject, TreeFile, TreeFlow, TreeKv } from '../gittree/types';

export interface TreeResourcesOptions {
  /**
   * The namespaces were discovered (from YAML or folders), not named by the stack: objects in a
   * protected namespace are then recorded as found and left out, instead of being declared (which
   * fails validation, as a protected namespace is never written).
   */
  discovered: boolean;
}

export class TreeResources {
  private readonly scopes = new Map<string, { scope: Construct; ids: UniqueIds }>();
  private readonly protectedNs: Set<string>;

  constructor(private readonly owner: Construct, private readonly stack: KestraStack, private readonly opts: TreeResourcesOptions) {
    this.protectedNs = new Set(stack.protectedNamespaces);
  }

  /** Records the apps, unit tests, dashboards and blueprints a reader found. */
  found(objects: readonly FoundObject[]): void {
    this.stack.recordFound(objects.map((o) => ({ ...o, reason: 'kind-not-managed' as const })));
  }

  flows(flows: readonly TreeFlow[]): TreeFlow[] {
    const declared: TreeFlow[] = [];
    for (const flow of flows) {
      if (this.leftOut(flow.namespace)) {
        this.stack.recordFound([{ kind: 'flow', file: flow.file, line: flow.line, id: flow.id, namespace: flow.namespace, reason: 'protected-namespace' }]);
        continue;
      }
      const { scope, ids } = this.scopeOf(flow.namespace);
      new KestraFlow(scope, ids.take(`flow-${flow.id}`), { namespace: flow.namespace, flowId: flow.id, content: flow.source, sourceFile: flow.file, schemaCheckAtReadBack: true });
      declared.push(flow);
    }
    this.stack.noteFlowFiles(declared.map((f) => f.file));
    return declared;
  }

  files(files: readonly TreeFile[]): void {
    const leftOut = new Map<string, number>();
    for (const file of files) {
      if (this.leftOut(file.namespace)) {
        leftOut.set(file.namespace, (leftOut.get(file.namespace) ?? 0) + 1);
        continue;
      }
      const { scope, ids } = this.scopeOf(file.namespace);
      new KestraNamespaceFile(scope, ids.take(`file-${file.path}`), { namespace: file.namespace, filename: file.path, source: file.file, sha256: file.sha256, size: file.size, schemaCheckAtReadBack: true });
    }
    for (const [ns, n] of leftOut) this.stack.noteLeftOut(`${n} namespace file${n === 1 ? '' : 's'}`, ns, files.find((f) => f.namespace === ns)!.file);
  }

  kv(pairs: readonly TreeKv[]): void {
    const leftOut = new Map<string, TreeKv>();
    for (const kv of pairs) {
      if (this.leftOut(kv.namespace)) {
        leftOut.set(kv.namespace, kv);
        continue;
      }
      const { scope, ids } = this.scopeOf(kv.namespace);
      new KestraKv(scope, ids.take(`kv-${kv.key}`), {
        namespace: kv.namespace, key: kv.key, type: kv.type, value: kv.value, description: kv.description, ttl: kv.ttl, sensitive: kv.sensitive,
        sourceFile: `${kv.file}:${kv.line}`, schemaCheckAtReadBack: true,
      });
    }
    for (const [ns, kv] of leftOut) this.stack.noteLeftOut('the KV pairs', ns, kv.file);
  }

  private leftOut(namespace: string): boolean {
    return this.opts.discovered && this.protectedNs.has(namespace);
  }

  private scopeOf(namespace: string): { scope: Construct; ids: UniqueIds } {
    let entry = this.scopes.get(namespace);
    if (!entry) {
      entry = { scope: new Construct(this.owner, namespace), ids: new UniqueIds() };
      this.scopes.set(namespace, entry);
    }
    return entry;
  }
}

/** Construct ids may not contain '/', and must be unique in their scope. */
class UniqueIds {
  private readonly seen = new Set<string>();
  take(raw: string): string {
    const base = raw.replace(/\//g, '|');
    let id = base;
    for (let n = 2; this.seen.has(id); n++) id = `${base}~${n}`;
    this.seen.add(id);
    return id;
  }
}
