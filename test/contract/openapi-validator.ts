/**
 * Validates JSON bodies against the response schemas of Kestra's OpenAPI 3.0 spec with ajv:
 * components are registered once under the id `spec`, OpenAPI's `nullable` becomes JSON-schema
 * `null` alternatives, and refs point into that document.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { SPEC_DIR } from './client-spec';

type Json = Record<string, unknown>;

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  // A bare `{type: object}` is how Micronaut's generator writes Java's Object (the values of a
  // Map<String, Object>: a namespace's variables, a filter's value): any JSON value.
  const keys = Object.keys(node);
  if (keys.length === 1 && (node as Json).type === 'object') return {};
  const o: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) o[k] = `spec${v}`;
    else if (k === 'discriminator' || k === 'example' || k === 'xml' || k === 'externalDocs' || k === 'deprecated') continue;
    else o[k] = convert(v);
  }
  // OpenAPI 3.0 (draft-04 style) boolean exclusive bounds → JSON-schema numbers.
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (o[flag] === true && typeof o[bound] === 'number') {
      o[flag] = o[bound];
      delete o[bound];
    } else if (typeof o[flag] === 'boolean') delete o[flag];
  }
  if (o.nullable === true) {
    delete o.nullable;
    return { anyOf: [o, { type: 'null' }] };
  }
  delete o.nullable;
  return o;
}

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly doc: { paths: Record<string, Record<string, Json>>; components: Json };
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(file = 'openapi-ee.yml') {
    this.doc = parse(fs.readFileSync(path.join(SPEC_DIR, file), 'utf8'), { maxAliasCount: -1 });
    this.ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'binary', 'byte', 'duration']) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ $id: 'spec', components: convert(this.doc.components) } as Json);
  }

  /** The operation (path template + method) of the spec, or undefined. */
  operation(template: string, method: string): Json | undefined {
    return this.doc.paths[template]?.[method.toLowerCase()] as Json | undefined;
  }

  templates(): string[] {
    return Object.keys(this.doc.paths);
  }

  /** Errors of `body` against the JSON response schema of (template, method, status); null = no JSON schema declared. */
  validate(template: string, method: string, status: number, body: unknown): string[] | null {
    const key = `${method} ${template} ${status}`;
    if (!this.cache.has(key)) {
      const op = this.operation(template, method);
      const responses = (op?.responses ?? {}) as Record<string, Json>;
      const schema = ((responses[String(status)] ?? responses.default)?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
      this.cache.set(key, schema ? this.ajv.compile(convert(schema) as Json) : null);
    }
    const fn = this.cache.get(key);
    if (!fn) return null;
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
  }

  /** Errors of a JSON request `body` against the operation's application/json request schema; null = none declared. */
  validateRequest(template: string, method: string, body: unknown): string[] | null {
    const key = `request ${method} ${template}`;
    if (!this.cache.has(key)) {
      const op = this.operation(template, method);
      const schema = ((op?.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
      this.cache.set(key, schema ? this.ajv.compile(convert(schema) as Json) : null);
    }
    const fn = this.cache.get(key);
    if (!fn) return null;
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
  }

  /** A component schema's own property names (`allOf` parts included), e.g. of `Namespace`. */
  schemaProperties(name: string): string[] {
    const schemas = (this.doc.components.schemas ?? {}) as Record<string, Json>;
    const out = new Set<string>();
    const visit = (s: Json | undefined) => {
      if (!s) return;
      for (const p of Object.keys((s.properties ?? {}) as Json)) out.add(p);
      for (const part of (s.allOf ?? []) as Json[]) {
        const ref = part.$ref;
        visit(typeof ref === 'string' ? schemas[ref.replace('#/components/schemas/', '')] : part);
      }
    };
    visit(schemas[name]);
    return [...out].sort();
  }
}
