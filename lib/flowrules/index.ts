/**
 * Structural rules of a Kestra flow that can be checked without Kestra's plugin schemas:
 * required fields, id/namespace patterns, duplicate ids, and constructs that the targeted Kestra
 * major version no longer parses. Used by the tree reader (with file positions) and by the
 * embedded server (to answer like Kestra's validation does).
 *
 * STUB: minimal version; the full rule set is being written (see the gittree work).
 */
import type { Document } from 'yaml';

export type KestraMajor = 1 | 2;

export interface FlowViolation {
  severity: 'error' | 'warning';
  /** Path into the flow document, e.g. ['tasks', 0, 'id']; [] for the document itself. */
  path: (string | number)[];
  /** Character offsets [start, end) into the source, when known. */
  range?: [number, number];
  message: string;
  hint?: string;
  /** For removed-construct rules: the construct's name, e.g. 'pluginDefaults'. */
  construct?: string;
}

export interface FlowRuleOptions {
  kestraMajor: KestraMajor;
}

export const FLOW_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

export function checkFlowDocument(doc: Document.Parsed, _opts: FlowRuleOptions): FlowViolation[] {
  const out: FlowViolation[] = [];
  const root = doc.toJS() as Record<string, unknown> | null;
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    out.push({ severity: 'error', path: [], message: 'a flow must be a YAML mapping', hint: 'start the file with `id:`, `namespace:` and `tasks:`' });
    return out;
  }
  for (const key of ['id', 'namespace', 'tasks']) {
    if (root[key] === undefined || root[key] === null || root[key] === '') {
      out.push({ severity: 'error', path: [key], message: `missing required field \`${key}\``, hint: `add \`${key}:\` to the flow` });
    }
  }
  return out;
}
