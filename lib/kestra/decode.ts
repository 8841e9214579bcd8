/**
 * Reading Kestra's JSON answers defensively: a body that is not JSON, or not the expected shape,
 * becomes a KestraProtocolError naming the request, never a TypeError deep inside the engine.
 */
import { KestraProtocolError } from './errors';
import type { HttpResponse } from './http';
import { clip, sanitise } from './error-body';

export type JsonObject = Record<string, unknown>;

export class ResponseReader {
  constructor(private readonly response: HttpResponse) {}

  json(): unknown {
    const text = this.response.body.toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw this.fail(`the body is not JSON (starts with "${clip(sanitise(text), 80)}")`, error);
    }
  }

  array(): unknown[] {
    const value = this.json();
    if (!Array.isArray(value)) throw this.fail(`expected a JSON array, got ${kindOf(value)}`);
    return value;
  }

  object(): JsonObject {
    return this.asObject(this.json(), 'the body');
  }

  asObject(value: unknown, what: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.fail(`${what} should be a JSON object, got ${kindOf(value)}`);
    return value as JsonObject;
  }

  string(object: JsonObject, field: string, what: string): string {
    const value = object[field];
    if (typeof value !== 'string') throw this.fail(`${what} has no string "${field}"`);
    return value;
  }

  optionalString(object: JsonObject, field: string, what: string): string | undefined {
    const value = object[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.fail(`${what}: "${field}" should be a string, got ${kindOf(value)}`);
    return value;
  }

  optionalNumber(object: JsonObject, field: string, what: string): number | undefined {
    const value = object[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.fail(`${what}: "${field}" should be a number, got ${kindOf(value)}`);
    return value;
  }

  optionalBoolean(object: JsonObject, field: string, what: string): boolean | undefined {
    const value = object[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.fail(`${what}: "${field}" should be a boolean, got ${kindOf(value)}`);
    return value;
  }

  fail(problem: string, cause?: unknown): KestraProtocolError {
    return new KestraProtocolError(this.response.identity, problem, cause);
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
