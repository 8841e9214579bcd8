/**
 * What the tree reader produces: the desired objects of each namespace folder, read from a Git
 * tree in the default layout (<root>/<namespace>/{flows,files,kv.yaml}), with every problem found.
 */
import type { Diagnostic } from '../util/diagnostics';
import type { KestraMajor } from '../flowrules';

export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;
export type KvType = (typeof KV_TYPES)[number];

export interface TreeFlow {
  namespace: string;
  id: string;
  /** Path relative to the tree root, '/'-separated, e.g. `company.team/flows/hello.yml`. */
  file: string;
  /** The file's text exactly as stored (UTF-8 decoded; a BOM and CRLF are kept). */
  source: string;
}

export interface TreeFile {
  namespace: string;
  /** Kestra path: leading '/', '/'-separated, e.g. `/scripts/etl.py`. */
  path: string;
  /** Path relative to the tree root, e.g. `company.team/files/scripts/etl.py`. */
  file: string;
  size: number;
  /** Lowercase hex sha256 of the bytes. */
  sha256: string;
}

export interface TreeKv {
  namespace: string;
  key: string;
  type: KvType;
  /**
   * Canonical text of the value: STRING the string itself; NUMBER/BOOLEAN their JSON text;
   * DATETIME/DATE/DURATION their ISO-8601 text; JSON compact JSON text.
   */
  value: string;
  description?: string;
  /** ISO-8601 duration. */
  ttl?: string;
  /** Masked as `(sensitive)` in every output. */
  sensitive?: boolean;
  /** `kv.yaml` path relative to the tree root, and the key's line. */
  file: string;
  line: number;
}

export interface TreeNamespace {
  name: string;
  /** Folder relative to the tree root (equal to `name` in the default layout). */
  dir: string;
  flows: TreeFlow[];
  files: TreeFile[];
  kv: TreeKv[];
}

export interface ReadTreeOptions {
  /** Kestra major version the stack targets (default 2). */
  kestraMajor?: KestraMajor;
  /** Read only these namespace folders (default: every folder under the root). */
  namespaces?: string[];
  /** Prefix for file names in diagnostics (default: the root as given). */
  displayRoot?: string;
}

export interface TreeReadResult {
  root: string;
  namespaces: TreeNamespace[];
  /** Errors and warnings of the whole tree, sorted by file and line. */
  diagnostics: Diagnostic[];
}
