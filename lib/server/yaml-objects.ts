/**
 * What the app, test-suite and dashboard routes share: reading a posted YAML body as Kestra's
 * YamlParser reads one (strict: a duplicate key is an error; one document; a mapping), the
 * constraint messages of jakarta validation, ids Kestra makes up (IdUtils.create), the paged
 * searches' `sort` (PageableUtils) and `filters[field][OP]=` parameters.
 */
import { randomBytes } from 'node:crypto';
import { parseAllDocuments, isMap } from 'yaml';
import type { RequestContext } from './router';
import { HttpError, badRequest, unsupportedMediaType } from './errors';

export type Violation = { path: string; message: string };
export type YamlRoot = Record<string, unknown>;

/**
 * The body as text; a body that is not YAML is refused as Micronaut refuses a content type the
 * route does not consume (415), an empty one as a missing `@Body` (400).
 */
export function yamlBody(ctx: RequestContext, bodyName: string): string {
  const type = String(ctx.headers['content-type'] ?? '');
  if (type && !/yaml|text\/plain/i.test(type)) throw unsupportedMediaType(type.split(';')[0].trim(), ['application/x-yaml']);
  const text = ctx.body.toString('utf8');
  if (!text.trim()) throw badRequest(`Required Body [${bodyName}] not specified`);
  return text;
}

/**
 * YamlParser's refusal of a source it cannot read (`Illegal <resource> yaml: …`, the violation on
 * path `yaml`): a ConstraintViolationException, answered 422 "Invalid entity".
 */
export function illegalYaml(resource: string, problem: string): HttpError {
  return new HttpError(422, 'validation-failed', 'Invalid entity', `Illegal ${resource} yaml: ${problem}`, [{ path: 'yaml', message: problem }]);
}

/**
 * The source's root mapping, as plain data (anchors resolved), or YamlParser's refusal. `resource`
 * is the model class's simple name in lower case (`dashboard`, `testsuite`, `app`).
 */
export function parseYamlRoot(source: string, resource: string): YamlRoot {
  let docs;
  try {
    docs = parseAllDocuments(source, { uniqueKeys: true });
  } catch (e) {
    throw illegalYaml(resource, firstLine((e as Error).message));
  }
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length !== 1) throw illegalYaml(resource, `expected one YAML document, found ${list.length}`);
  const doc = list[0];
  if (doc.errors.length) throw illegalYaml(resource, firstLine(doc.errors[0].message));
  if (!isMap(doc.contents)) throw illegalYaml(resource, 'the source is not a YAML mapping (expected `key: value` lines at the top level)');
  return doc.toJS({ maxAliasCount: 1000 }) as YamlRoot;
}

/** Jackson's refusal of a property the model does not have (UnrecognizedPropertyException, strict mapper). */
export function unknownProperties(root: YamlRoot, known: ReadonlySet<string>, modelClass: string): Violation[] {
  return Object.keys(root)
    .filter((k) => !known.has(k))
    .map((k) => ({ path: k, message: `Unrecognized field "${k}" (class ${modelClass}), not marked as ignorable` }));
}

/** A ConstraintViolationException built by hand (ManualConstraintViolation), on `path`: 422 "Invalid entity: path: message". */
export function manualViolation(path: string, message: string): HttpError {
  return new HttpError(422, 'validation-failed', 'Invalid entity', `${path}: ${message}`, [{ path, message }]);
}

/** jakarta's @NotNull / @NotBlank / @Pattern / @Size on a string property, with their default messages. */
export function checkString(root: YamlRoot, field: string, rules: { required?: boolean; pattern?: string; max?: number } = {}): Violation[] {
  const value = root[field];
  if (value === undefined || value === null) return rules.required ? [{ path: field, message: 'must not be null' }] : [];
  if (typeof value !== 'string') return [{ path: field, message: `must be a string, not ${describe(value)}` }];
  const out: Violation[] = [];
  if (rules.required && !value.trim()) out.push({ path: field, message: 'must not be blank' });
  // @Pattern matches the whole value (Matcher.matches).
  if (rules.pattern && value && !new RegExp(`^(?:${rules.pattern})$`).test(value)) out.push({ path: field, message: `must match "${rules.pattern}"` });
  if (rules.max !== undefined && (value.length < 1 || value.length > rules.max)) out.push({ path: field, message: `size must be between 1 and ${rules.max}` });
  return out;
}

/** The string value of a property, when it is one. */
export function stringOf(root: YamlRoot, field: string): string | undefined {
  const value = root[field];
  return typeof value === 'string' ? value : undefined;
}

/** The violations as the message of a ConstraintViolationException: `path: message, …` (422). */
export function constraintError(violations: Violation[]): HttpError {
  return new HttpError(422, 'validation-failed', 'Invalid entity', violations.map((v) => `${v.path}: ${v.message}`).join(', '), violations);
}

/** The message a validate endpoint puts in `constraints` for an error (the ConstraintViolationException's message). */
export function constraintsText(error: HttpError): string {
  return error.detail || error.prefix;
}

/**
 * A new id as Kestra's IdUtils.create() makes one (FriendlyId: a random UUID in base 62, e.g.
 * `5CS8qsm7YTif4PWuAUWHQ5`).
 */
export function friendlyId(): string {
  const bytes = randomBytes(16);
  // UUID version 4 and variant bits, as UUID.randomUUID sets them.
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out || '0';
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `sort=field:asc|desc` (repeatable) as PageableUtils reads it: anything but two parts is 422
 * "Invalid sort parameter"; a direction other than `asc` is descending. Fields the emulator does
 * not know are left out of the order (a database would sort by them; the emulator has no column).
 */
export function sortBy<T>(query: URLSearchParams, rows: T[], columns: Record<string, (row: T) => string>, fallback: (a: T, b: T) => number): T[] {
  const orders = query.getAll('sort').map((s) => {
    const parts = s.split(':');
    if (parts.length !== 2) throw new HttpError(422, 'invalid-argument', 'Unprocessable Entity', 'Invalid sort parameter');
    return { key: columns[parts[0]], descending: parts[1] !== 'asc' };
  });
  return [...rows].sort((a, b) => {
    for (const { key, descending } of orders) {
      if (!key) continue;
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : 0;
      if (c) return descending ? -c : c;
    }
    return fallback(a, b);
  });
}

/** One `filters[field][OP]=value` parameter (QueryFilterFormatBinder's PHP-style keys). */
export interface QueryFilterParam {
  field: string;
  op: string;
  value: string;
}

/** Every `filters[…][…]` parameter of the query. */
export function queryFilters(query: URLSearchParams): QueryFilterParam[] {
  const out: QueryFilterParam[] = [];
  for (const [key, value] of query) {
    const m = /^filters\[([^\]]+)\]\[([^\]]+)\]/.exec(key);
    if (m) out.push({ field: m[1], op: m[2].toUpperCase(), value });
  }
  return out;
}

/** InvalidQueryFiltersException (400 "Invalid query filters"). */
export function invalidQueryFilters(detail: string): HttpError {
  return new HttpError(400, 'invalid-query-filters', 'Invalid query filters', detail);
}

/** Whether `value` passes one filter on a string field: EQUALS, NOT_EQUALS, STARTS_WITH, ENDS_WITH, CONTAINS, IN, NOT_IN, REGEX, and PREFIX (the value itself or below it, `^ns(\..+)?$`). */
export function passesStringFilter(value: string | undefined, f: QueryFilterParam): boolean {
  const v = value ?? '';
  switch (f.op) {
    case 'EQUALS':
    case 'EQ':
      return v === f.value;
    case 'NOT_EQUALS':
      return v !== f.value;
    case 'PREFIX':
      return v === f.value || v.startsWith(`${f.value}.`);
    case 'STARTS_WITH':
      return v.startsWith(f.value);
    case 'ENDS_WITH':
      return v.endsWith(f.value);
    case 'CONTAINS':
      return v.includes(f.value);
    case 'IN':
      return f.value.split(',').includes(v);
    case 'NOT_IN':
      return !f.value.split(',').includes(v);
    case 'REGEX':
      try {
        return new RegExp(f.value).test(v);
      } catch {
        throw invalidQueryFilters(`invalid regular expression ${JSON.stringify(f.value)} for field '${f.field}'`);
      }
    default:
      throw invalidQueryFilters(`operation ${f.op} is not supported for field '${f.field}'`);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}
