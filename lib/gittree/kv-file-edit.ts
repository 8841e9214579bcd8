/**
 * Edits a kv.yaml in place through the YAML document model, so every other entry, comment and
 * layout choice is kept.
 */
import { isMap, parseDocument } from 'yaml';
import type { KvType } from '../model/names';

export interface KvYamlEntry {
  type: KvType;
  value: string;
  description?: string;
}

/** The YAML value for a canonical KV text: numbers, booleans and JSON as YAML data, the rest as strings. */
export function yamlValueOf(type: KvType, canonical: string): unknown {
  if (type === 'NUMBER' || type === 'BOOLEAN' || type === 'JSON') return JSON.parse(canonical);
  return canonical;
}

export function setKvEntry(text: string, key: string, entry: KvYamlEntry): string {
  const doc = parseDocument(text || '{}\n');
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as never;
  const existing = doc.getIn([key], true);
  if (isMap(existing)) {
    doc.setIn([key, 'type'], entry.type);
    doc.setIn([key, 'value'], yamlValueOf(entry.type, entry.value));
    if (entry.description !== undefined) doc.setIn([key, 'description'], entry.description);
    else doc.deleteIn([key, 'description']);
  } else {
    const node: Record<string, unknown> = { type: entry.type, value: yamlValueOf(entry.type, entry.value) };
    if (entry.description !== undefined) node.description = entry.description;
    doc.setIn([key], node);
  }
  return doc.toString();
}

export function deleteKvEntry(text: string, key: string): string {
  const doc = parseDocument(text);
  doc.deleteIn([key]);
  return doc.toString();
}
