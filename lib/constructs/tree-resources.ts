/**
 * Turns what a repository reader found into the stack's resources: one construct scope per
 * namespace below the source (`_global` for dashboards), one Kestra resource per flow, namespace
 * file, KV pair, app, unit test, dashboard and namespace object, and the stack's records of what
 * was found but not deployed (apps, tests, dashboards and namespace objects where the stack's
 * edition keeps them out). Shared by every source construct.
 */
import { Construct } from './cdk';
import type { EditionKind, KestraStack } from './stack';
import { KestraFlow } from './flow';
import { KestraNamespaceFile } from './namespace-file';
import { KestraKv } from './kv';
import { KestraApp } from './app';
import { KestraTestSuite } from './test-suite';
import { KestraDashboard } from './dashboard';
import { KestraNamespace } from './namespace';
import { flowHomes } from './source-support';
import { TENANT_SCOPE } from '../model/addresses';
import type { PullHomeSetting } from '../model/settings';
import type { FoundObject, TreeApp, TreeDashboard, TreeFile, TreeFlow, TreeKv, TreeNamespaceProperties, TreeObjects, TreeTestSuite } from '../gittree/types';

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

  /** Records what a reader found and no source deploys (blueprints, unit tests that are no TestSuite). */
  found(objects: readonly FoundObject[]): void {
    this.stack.recordFound(objects.map((o) => ({ ...o, reason: 'kind-not-managed' as const })));
  }

  /** Declares the apps, TestSuites and dashboards the stack's edition allows; records the others as found. */
  objects(objects: TreeObjects): TreeObjects {
    return { apps: this.apps(objects.apps), tests: this.tests(objects.tests), dashboards: this.dashboards(objects.dashboards) };
  }

  apps(apps: readonly TreeApp[]): TreeApp[] {
    return this.declareEach('app', apps, (app, scope, id) => new KestraApp(scope, id, { namespace: app.namespace, appId: app.id, source: app.source, sourceFile: app.file, schemaCheckAtReadBack: true }));
  }

  tests(tests: readonly TreeTestSuite[]): TreeTestSuite[] {
    return this.declareEach('test', tests, (t, scope, id) => new KestraTestSuite(scope, id, { namespace: t.namespace, testId: t.id, flowId: t.flowId, content: t.source, sourceFile: t.file, schemaCheckAtReadBack: true }));
  }

  dashboards(dashboards: readonly TreeDashboard[]): TreeDashboard[] {
    return this.declareEach('dashboard', dashboards, (d, scope, id) => new KestraDashboard(scope, id, { dashboardId: d.id, sourceCode: d.source, sourceFile: d.file, schemaCheckAtReadBack: true }));
  }

  /** The namespace object of a tree's `namespace.yaml`; whether it was declared. */
  namespaceProperties(props: TreeNamespaceProperties): boolean {
    return this.declareEach('namespace', [props], (p, scope, id) => new KestraNamespace(scope, id, { namespace: p.namespace, properties: p.properties, sourceFile: p.file, schemaCheckAtReadBack: true })).length === 1;
  }

  private declareEach<T extends { file: string; line: number; namespace?: string; id?: string }>(kind: EditionKind, objects: readonly T[], make: (object: T, scope: Construct, id: string) => void): T[] {
    const declared: T[] = [];
    for (const o of objects) {
      const found = { kind, file: o.file, line: o.line, id: kind === 'namespace' ? undefined : o.id, namespace: o.namespace };
      if (o.namespace !== undefined && this.leftOut(o.namespace)) {
        this.stack.recordFound([{ ...found, reason: 'protected-namespace' }]);
        continue;
      }
      if (!this.stack.declares(kind)) {
        this.stack.recordFound([{ ...found, reason: 'kind-not-managed' }]);
        continue;
      }
      const { scope, ids } = this.scopeOf(o.namespace ?? TENANT_SCOPE);
      make(o, scope, ids.take(kind === 'namespace' ? 'namespace' : `${kind}-${o.id}`));
      declared.push(o);
    }
    this.stack.noteObjectFiles(declared.map((o) => o.file));
    return declared;
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

/**
 * Where new apps, unit tests or dashboards go: per namespace (dashboards: tenant-wide) the folder
 * the declared ones share, or the folders that make it ambiguous, as for flows (./source-support).
 */
export function objectHomes(kind: 'app' | 'test' | 'dashboard', objects: readonly { namespace?: string; id: string; file: string }[]): PullHomeSetting[] {
  const asFlows = objects.map((o) => ({ namespace: o.namespace ?? TENANT_SCOPE, id: o.id, file: o.file, source: '', line: 0 }));
  return flowHomes(asFlows).map((h) => ({ ...h, kind }) as PullHomeSetting);
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
