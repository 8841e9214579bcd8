/**
 * kv.yaml: `KEY: {type, value, description?, ttl?, sensitive?}`, or a bare `KEY: value` whose
 * type is read from the YAML scalar (string, number, boolean) or collection (JSON) — convenient
 * for the common case, and explicit `type` remains the way to say DATE, DATETIME or DURATION.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Diagnostic } from '../util/diagnostics';
import { KV_TYPES, type KvType, type TreeKv } from './types';
import { parseYamlWithPositions, positionOf } from './yaml-source';
import { normaliseKvValue } from '../model/kv-values';
import { KV_KEY_PATTERN } from '../model/names';

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const FIELDS = new Set(['type', 'value', 'description', 'ttl', 'sensitive']);

export function parseKvFile(text: string, file: string, namespace: string): { kv: TreeKv[]; diagnostics: Diagnostic[] } {
  const parsed = parseYamlWithPositions(text, file);
  const diagnostics = [...parsed.diagnostics];
  const kv: TreeKv[] = [];
  if (diagnostics.some((d) => d.severity === 'error')) return { kv, diagnostics };
  if (parsed.docs.length > 1) {
    diagnostics.push({ severity: 'error', file, ...positionOf(parsed.lines, parsed.docs[1].range?.[0]), message: 'kv.yaml holds more than one YAML document', hint: 'keep all keys in one mapping' });
    return { kv, diagnostics };
  }
  const root = parsed.docs[0]?.contents;
  if (root === null || root === undefined) return { kv, diagnostics };
  const at = (n: Node | null | undefined) => positionOf(parsed.lines, (n as { range?: number[] } | null | undefined)?.range?.[0]);
  const err = (n: Node | null | undefined, message: string, hint?: string) => diagnostics.push({ severity: 'error', file, ...at(n), message, hint });
  if (!isMap(root)) {
    err(root as Node, 'kv.yaml must be a mapping of KEY: {type, value}', 'write one entry per key, e.g. `API_URL: {type: STRING, value: https://…}`');
    return { kv, diagnostics };
  }
  for (const pair of root.items as Pair[]) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (!key || !KV_KEY_PATTERN.test(key)) {
      err(keyNode, `KV key "${key ?? '(not a scalar)'}" does not match ^[a-zA-Z0-9][a-zA-Z0-9._-]*`, 'use letters, digits, ".", "_" and "-"');
      continue;
    }
    const line = at(keyNode).line;
    const entry = readEntry(pair.value as Node, key, err);
    if (!entry) continue;
    kv.push({ namespace, key, file, line, ...entry });
  }
  return { kv, diagnostics };
}

type Err = (n: Node | null | undefined, message: string, hint?: string) => void;

function readEntry(node: Node, key: string, err: Err): Omit<TreeKv, 'namespace' | 'key' | 'file' | 'line'> | undefined {
  if (!isMap(node)) return typed(inferType(node), node, key, err);
  for (const p of node.items as Pair[]) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (!FIELDS.has(k)) err(p.key as Node, `unknown field "${k}" in KV entry ${key}`, `allowed: ${[...FIELDS].join(', ')}`);
  }
  const typeNode = node.get('type', true) as Node | undefined;
  const type = isScalar(typeNode) ? String(typeNode.value) : undefined;
  if (!node.has('value')) {
    err(node, `KV entry ${key} has no \`value\``, 'add `value:`');
    return undefined;
  }
  if (type === undefined) {
    err(node, `KV entry ${key} has no \`type\``, `add \`type:\` (${KV_TYPES.join(', ')})`);
    return undefined;
  }
  if (!(KV_TYPES as readonly string[]).includes(type)) {
    err(typeNode, `unknown KV type "${type}" for ${key}`, `use one of ${KV_TYPES.join(', ')}`);
    return undefined;
  }
  const base = typed(type as KvType, node.get('value', true) as Node, key, err);
  if (!base) return undefined;
  const description = node.get('description', true) as Node | undefined;
  if (description !== undefined) {
    if (!isScalar(description) || typeof description.value !== 'string') err(description, `description of ${key} must be a string`);
    else base.description = description.value;
  }
  const ttl = node.get('ttl', true) as Node | undefined;
  if (ttl !== undefined) {
    const t = isScalar(ttl) ? String(ttl.value) : '';
    if (!ISO_DURATION.test(t)) err(ttl, `ttl "${t}" of ${key} is not an ISO-8601 duration`, 'write it like P30D or PT12H');
    else base.ttl = t;
  }
  const sensitive = node.get('sensitive', true) as Node | undefined;
  if (sensitive !== undefined) {
    if (!isScalar(sensitive) || typeof sensitive.value !== 'boolean') err(sensitive, `sensitive of ${key} must be true or false`);
    else if (sensitive.value) base.sensitive = true;
  }
  return base;
}

function inferType(node: Node): KvType {
  if (isMap(node) || isSeq(node)) return 'JSON';
  if (isScalar(node)) {
    if (typeof node.value === 'number') return 'NUMBER';
    if (typeof node.value === 'boolean') return 'BOOLEAN';
  }
  return 'STRING';
}

function typed(type: KvType, node: Node, key: string, err: Err): { type: KvType; value: string; description?: string; ttl?: string; sensitive?: boolean } | undefined {
  const js = (node as { toJSON?: () => unknown })?.toJSON?.() ?? (isScalar(node) ? node.value : null);
  let text: string;
  if (type === 'JSON') text = JSON.stringify(isScalar(node) && typeof js === 'string' ? safeJson(js) ?? js : js);
  else if (type === 'STRING') {
    if (!isScalar(node) || typeof node.value !== 'string') {
      err(node, `value of ${key} is not a string but its type is STRING`, 'quote it, e.g. value: "500"');
      return undefined;
    }
    text = node.value;
  } else if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')) text = String(node.value);
  else {
    err(node, `value of ${key} must be a single ${type} value`, 'write it on one line');
    return undefined;
  }
  try {
    return { type, value: normaliseKvValue(type, text) };
  } catch (e) {
    err(node, `value ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)} of ${key} is not a valid ${type}: ${(e as Error).message.replace(/^.*?: /, '')}`, hintFor(type));
    return undefined;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function hintFor(type: KvType): string {
  switch (type) {
    case 'NUMBER':
      return 'write a number such as 42 or 1.5';
    case 'BOOLEAN':
      return 'write true or false';
    case 'DATE':
      return 'write a date such as 2026-03-01';
    case 'DATETIME':
      return 'write an ISO date-time with offset, such as 2026-03-01T06:00:00Z';
    case 'DURATION':
      return 'write an ISO-8601 duration such as PT30M or P1D';
    default:
      return 'fix the value';
  }
}
