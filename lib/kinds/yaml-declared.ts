/** The id and namespace a YAML object's source declares (for checking a hand-written object against its attributes). */
import { parseData } from './flow-source';

export function declaredIdentity(content: string): { id?: string; namespace?: string } {
  let root: unknown;
  try {
    root = parseData(content)[0];
  } catch {
    return {}; // Kestra's validation says what is wrong with it
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return {};
  const r = root as Record<string, unknown>;
  return { id: typeof r.id === 'string' ? r.id : undefined, namespace: typeof r.namespace === 'string' ? r.namespace : undefined };
}
