/**
 * What the tree reader produces: the desired objects of each namespace folder, read from a Git
 * tree in the default layout (<root>/<namespace>/{flows,files,kv.yaml}), with every problem found.
 */
import type { Diagnostic } from '../util/diagnostics';
import type { KestraMajor } from '../flowrules';
import type { FoundKind } from './classify';

export { KV_TYPES, type KvType } from '../model/names';
import type { KvPair } from '../model/attributes';

export interface TreeFlow {
  namespace: string;
  id: string;
  /** The file as messages show it ('/'-separated: the reader's display root, then the path below it), e.g. `kestra/company.team/flows/hello.yml`. */
  file: string;
  /** The file's text exactly as stored (UTF-8 decoded; a BOM and CRLF are kept). */
  source: string;
  /** Line of the flow's `id`. */
  line: number;
}

export interface TreeFile {
  namespace: string;
  /** Kestra path: leading '/', '/'-separated, e.g. `/scripts/etl.py`. */
  path: string;
  /** The file as messages show it, e.g. `kestra/company.team/files/scripts/etl.py`. */
  file: string;
  size: number;
  /** Lowercase hex sha256 of the bytes. */
  sha256: string;
}

export interface TreeKv extends KvPair {
  /** Masked as `(sensitive value)` in every output. */
  sensitive?: boolean;
  /** The KV file as messages show it, and the key's line. */
  file: string;
  line: number;
}

/**
 * A Kestra object a source found but does not deploy itself: a blueprint, a unit test that is no
 * TestSuite, or an object a file source left out of its files.
 */
export interface FoundObject {
  kind: FoundKind;
  /** As shown in messages (project-relative). */
  file: string;
  /** Line of its `id` (1 when unknown). */
  line: number;
  id?: string;
  namespace?: string;
  /** Why it is never deployed as found, in words (e.g. a unit test without `testCases`). */
  why?: string;
}

/** An app (Kestra Enterprise) read from the tree: its YAML names its namespace and id. */
export interface TreeApp {
  namespace: string;
  id: string;
  /** The file as messages show it. */
  file: string;
  /** The file's text exactly as stored. */
  source: string;
  /** Line of its `id`. */
  line: number;
}

/** A unit test in Kestra's TestSuite shape (`testCases`) of flow `flowId` in its namespace. */
export interface TreeTestSuite {
  namespace: string;
  id: string;
  flowId: string;
  file: string;
  source: string;
  line: number;
}

/** A dashboard: tenant-wide, no namespace. */
export interface TreeDashboard {
  id: string;
  file: string;
  source: string;
  line: number;
}

/** A namespace's own properties (`<ns>/namespace.yaml`), as Kestra's Namespace names them. */
export interface TreeNamespaceProperties {
  namespace: string;
  file: string;
  /** Line of the first property (1 for an empty file). */
  line: number;
  /** Kestra's Namespace fields but `id` and `deleted` (description, variables, allowedNamespaces, …), checked. */
  properties: Record<string, unknown>;
}

/** The apps, TestSuites and dashboards a reader found, each with its source. */
export interface TreeObjects {
  apps: TreeApp[];
  tests: TreeTestSuite[];
  dashboards: TreeDashboard[];
}

/** A YAML file of a source's folder that is no Kestra object, and what it is instead. */
export interface OtherYaml {
  file: string;
  why: string;
}

export interface TreeNamespace {
  name: string;
  /** Folder relative to the tree root (equal to `name` in the default layout). */
  dir: string;
  flows: TreeFlow[];
  files: TreeFile[];
  kv: TreeKv[];
  /** Its `namespace.yaml`, when it has one (without problems). */
  properties?: TreeNamespaceProperties;
}

export interface ReadTreeOptions {
  /** Kestra major version the stack targets (default 2). */
  kestraMajor?: KestraMajor;
  /** Read only these namespaces (default: every namespace folder under the root). */
  namespaces?: string[];
  /** Prefix for file names in diagnostics and sources (default: the root as given). */
  displayRoot?: string;
  /** The repository whose .gitignore files apply (default: the nearest folder above holding `.git`). */
  repoRoot?: string;
  /** Gitignore-style patterns, relative to the root, of paths left out. */
  exclude?: string[];
  /** Whether an absolute folder is never entered (kestraform's own output and data). */
  skip?: (dir: string) => boolean;
}

export interface TreeReadResult {
  root: string;
  namespaces: TreeNamespace[];
  /** Errors and warnings of the whole tree, sorted by file and line. */
  diagnostics: Diagnostic[];
  /** Blueprints and unit tests that are no TestSuite (never deployed). */
  found: FoundObject[];
  /** Apps and TestSuites of the namespaces read, and the tree's dashboards (`_global/dashboards/`). */
  objects: TreeObjects;
}
