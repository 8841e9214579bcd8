/**
 * The live side of a stack's namespaces, as read by refresh. Content is present only where it
 * was needed: refresh settles equality from revisions, sizes and timestamps whenever state allows.
 */
import type { KvType } from '../gittree/types';

export interface LiveFlow {
  namespace: string;
  id: string;
  revision: number;
  /** The stored source; undefined when refresh did not need to read it. */
  source?: string;
  /** sha256 of the normalised source (see flowSourceHash), known even when `source` is not read. */
  sourceHash?: string;
  disabled?: boolean;
}

export interface LiveFile {
  namespace: string;
  path: string;
  size: number;
  lastModifiedTime?: number;
  /** sha256 of the bytes, when known (downloaded, or vouched for by state). */
  sha256?: string;
  /** The bytes, when downloaded. */
  bytes?: Buffer;
}

export interface LiveKv {
  namespace: string;
  key: string;
  description?: string;
  updateDate?: string;
  expirationDate?: string;
  revision?: number;
  /** Type and canonical value, when read (or vouched for by state). */
  type?: KvType;
  value?: string;
  /** sha256 of `${type}:${value}`. */
  valueHash?: string;
}

export interface LiveSnapshot {
  /** Namespaces that were read (the stack's owned namespaces). */
  namespaces: string[];
  flows: Map<string, LiveFlow>;
  files: Map<string, LiveFile>;
  kv: Map<string, LiveKv>;
}

export function emptySnapshot(namespaces: string[] = []): LiveSnapshot {
  return { namespaces, flows: new Map(), files: new Map(), kv: new Map() };
}
