/**
 * The `id` and `namespace` a flow source declares, read with a YAML parser; when the parser gives
 * up (Kestra's parser and ours disagree on some edge cases), the top-level `id:`/`namespace:` lines.
 */
import { CORE_SCHEMA, load } from 'js-yaml';

export interface FlowIdentity {
  id?: string;
  namespace?: string;
}

export function flowIdentity(source: string): FlowIdentity {
  try {
    // js-yaml is fast; `json: true` keeps a repeated key from hiding the identity (Kestra's validation reports it).
    const root = load(source.replace(/^\uFEFF/, ''), { schema: CORE_SCHEMA, json: true }) as unknown;
    if (root && typeof root === 'object' && !Array.isArray(root)) {
      const { id, namespace } = root as Record<string, unknown>;
      return { id: scalarText(id), namespace: scalarText(namespace) };
    }
    return {};
  } catch {
    // fall through to the line scan
  }
  return { id: topLevelValue(source, 'id'), namespace: topLevelValue(source, 'namespace') };
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function topLevelValue(source: string, key: string): string | undefined {
  const match = new RegExp(`^${key}[ \\t]*:[ \\t]*(["']?)([^"'#\\r\\n]*?)\\1[ \\t]*(?:#.*)?\\r?$`, 'm').exec(source);
  return match?.[2] || undefined;
}
