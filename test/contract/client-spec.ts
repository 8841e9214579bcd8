/**
 * Minimal OpenAPI lookups for the client contract test: which operation of Kestra's spec a
 * recorded request hits, and what that operation declares (query parameters, body media types,
 * multipart part names).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export const SPEC_DIR = process.env.KESTRA_API_SPEC_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'kestra-api');

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}

interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

type PathItem = Record<string, Operation | Parameter[] | undefined> & { parameters?: Parameter[] };

export interface Spec {
  file: string;
  paths: Record<string, PathItem>;
}

export interface MatchedOperation {
  template: string;
  operationId: string;
  queryParameters: Parameter[];
  bodyMediaTypes: string[];
  /** Declared multipart part names, when the operation's multipart schema lists them. */
  multipartParts?: string[];
}

export function loadSpec(file: string): Spec {
  const document = parse(fs.readFileSync(path.join(SPEC_DIR, file), 'utf8'), { maxAliasCount: -1 }) as { paths: Record<string, PathItem> };
  return { file, paths: document.paths };
}

/** The operation for `method` on a concrete path; literal segments win over templated ones. */
export function matchOperation(spec: Spec, method: string, concretePath: string): MatchedOperation | undefined {
  let best: { template: string; literals: number; operation: Operation; item: PathItem } | undefined;
  for (const [template, item] of Object.entries(spec.paths)) {
    const operation = item[method.toLowerCase()] as Operation | undefined;
    if (!operation) continue;
    const pattern = new RegExp(`^${template.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? '[^/]+' : escapeRegExp(part))).join('')}$`);
    if (!pattern.test(concretePath)) continue;
    const literals = template.split('/').filter((segment) => segment && !segment.startsWith('{')).length;
    if (!best || literals > best.literals) best = { template, literals, operation, item };
  }
  if (!best) return undefined;
  const parameters = [...(best.item.parameters ?? []), ...(best.operation.parameters ?? [])];
  const content = best.operation.requestBody?.content ?? {};
  const multipartProperties = content['multipart/form-data']?.schema?.properties;
  return {
    template: best.template,
    operationId: best.operation.operationId ?? `${method} ${best.template}`,
    queryParameters: parameters.filter((p) => p.in === 'query'),
    bodyMediaTypes: Object.keys(content),
    multipartParts: multipartProperties ? Object.keys(multipartProperties) : undefined,
  };
}

/** The declared parameter a query key belongs to (`filters[namespace][EQUALS]` belongs to `filters`). */
export function declaredParameterFor(key: string, declared: Parameter[]): Parameter | undefined {
  const base = key.includes('[') ? key.slice(0, key.indexOf('[')) : key;
  return declared.find((p) => p.name === base);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
