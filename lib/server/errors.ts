/**
 * Kestra's error bodies: RFC 9457 problem documents (Kestra 2.x) or Micronaut JsonError
 * (`{message, _links, _embedded}`, Kestra 1.x), with Kestra's statuses.
 *
 * Two families, as in Kestra:
 * - errors Kestra's own handlers map (ErrorController in 1.x, KestraProblemMappings in 2.x): the
 *   1.x message is `<reason>: <exception message>`, the 2.x detail the exception message;
 * - rejections Micronaut raises itself before any Kestra code runs (no route for the path, a
 *   method or a content type no route takes — RequestLifecycle.onRouteMiss): FrameworkError,
 *   whose 1.x body is Micronaut's default JsonError (the reason as message, the explanation in
 *   `_embedded.errors`) and whose 2.x body comes from ProblemJsonErrorResponseBodyProvider.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Problem type slug, e.g. `not-found`. */
    readonly slug: string,
    /** 1.x message prefix style, e.g. `Not Found`, `Invalid entity`. */
    readonly prefix: string,
    /** The exception's message; '' when it has none (the 1.x message is then the prefix alone, the 2.x detail the title). */
    readonly detail: string,
    readonly violations: Array<{ path: string; message: string }> = [],
    /** Sent with the error body (WWW-Authenticate, Retry-After, Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

/** A rejection Micronaut answers itself: `errors` are the messages of its ErrorContext. */
export class FrameworkError extends HttpError {
  constructor(status: number, slug: string, reason: string, readonly errors: string[], headers: Record<string, string> = {}) {
    super(status, slug, reason, errors[0] ?? '', [], headers);
  }
}

// ProblemTypes.java (kestra-io/kestra webserver/errors, commit 14844e4f): slug → title.
const TITLES: Record<string, string> = {
  'not-found': 'Resource not found',
  'validation-failed': 'Validation failed',
  'invalid-entity': 'Invalid entity',
  'invalid-argument': 'Invalid argument',
  'invalid-json': 'Invalid JSON',
  'bad-request': 'Bad request',
  unauthenticated: 'Authentication required',
  'resource-expired': 'Resource has expired',
  'method-not-allowed': 'Method not allowed',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  conflict: 'Conflict',
  'internal-error': 'Internal server error',
  'service-unavailable': 'Service unavailable',
  'too-many-requests': 'Too many requests',
  'bad-gateway': 'Bad gateway',
  timeout: 'Operation timed out',
};

/** A NoSuchElementException-style 404 with a message (`Not Found: <detail>`). */
export const notFound = (detail: string) => new HttpError(404, 'not-found', 'Not Found', detail);
/** A 404 without a message: a controller that returned null or `HttpResponse.status(NOT_FOUND)`, answered by ErrorController's 404 status route. */
export const notFoundStatus = () => new HttpError(404, 'not-found', 'Not Found', '');
/** A ConstraintViolationException: `<path>: <message>, …` (jakarta's message), 422. */
export const invalidEntity = (violations: Array<{ path: string; message: string }>) =>
  new HttpError(422, 'validation-failed', 'Invalid entity', violations.map((v) => `${v.path}: ${v.message}`).join(', '), violations);
export const illegalArgument = (detail: string) => new HttpError(422, 'invalid-argument', 'Illegal argument', detail);
export const invalidJson = (detail: string) => new HttpError(422, 'invalid-json', 'Invalid json', detail);
export const badRequest = (detail: string) => new HttpError(400, 'bad-request', 'Bad Request', detail);
export const unauthenticated = (detail: string) => new HttpError(401, 'unauthenticated', 'Unauthorized', detail, [], { 'WWW-Authenticate': 'Basic realm="Kestra"' });
export const payloadTooLarge = (maxBytes: number) => new HttpError(413, 'payload-too-large', 'Payload too large', `request body over ${maxBytes} bytes`);
/** What an unexpected exception of a route handler (a bug, not a refusal) is answered with. */
export const internalError = (e: unknown) => new HttpError(500, 'internal-error', 'Internal server error', `unexpected failure: ${(e as Error).message}`);

/** No route serves the path (Micronaut: "Page Not Found", answered by ErrorController's 404 status route). */
export const routeMiss = () => new HttpError(404, 'not-found', 'Not Found', '', [], { 'X-Kestra-Route-Matched': 'false' });

/**
 * Routes serve the path, but none for this method (Micronaut's onRouteMiss: 405 with `Allow`,
 * "Method [M] not allowed for URI [u]. Allowed methods: [..]", the set printed as Java's HashSet does).
 */
export function methodNotAllowed(method: string, uri: string, allowed: readonly string[]): FrameworkError {
  const methods = javaHashSetOrder(allowed);
  return new FrameworkError(405, 'method-not-allowed', 'Method Not Allowed', [`Method [${method}] not allowed for URI [${uri}]. Allowed methods: [${methods.join(', ')}]`], { Allow: methods.join(',') });
}

/** A route serves the path and method but does not consume the body's type (Micronaut's onRouteMiss, 415). */
export function unsupportedMediaType(contentType: string, allowed: readonly string[]): FrameworkError {
  return new FrameworkError(415, 'unsupported-media-type', 'Unsupported Media Type', [`Content Type [${contentType}] not allowed. Allowed types: [${allowed.join(', ')}]`]);
}

/** Where the error happened: the path (2.x `instance`) and the request URI with its query (1.x `_links.self.href`). */
export interface ErrorPlace {
  path: string;
  uri: string;
}

export function errorBody(e: HttpError, major: 1 | 2, place: ErrorPlace | string): { contentType: string; body: string; headers: Record<string, string> } {
  const { path, uri } = typeof place === 'string' ? { path: place, uri: place } : place;
  if (major === 2) {
    const title = TITLES[e.slug] ?? e.prefix;
    const doc: Record<string, unknown> = { type: `https://kestra.io/docs/api-reference/problems/${e.slug}`, title, status: e.status, detail: e.detail || title, instance: path };
    if (e instanceof FrameworkError && e.errors.length) doc.errors = e.errors.map((detail) => ({ detail }));
    else if (e.violations.length) doc.errors = e.violations.map((v) => (v.path ? { detail: v.message, path: v.path } : { detail: v.message }));
    // NotFoundHeadersFilter (post-2.0): every 404 says the edition and whether a route matched.
    const headers = e.status === 404 ? { 'X-Kestra-Edition': 'OSS', 'X-Kestra-Route-Matched': 'true', ...e.headers } : e.headers;
    return { contentType: 'application/problem+json', body: JSON.stringify(doc), headers };
  }
  const headers = { ...e.headers };
  delete headers['X-Kestra-Route-Matched'];
  const self = { self: { href: uri, templated: false } };
  if (e instanceof FrameworkError) {
    // Micronaut's DefaultJsonErrorResponseBodyProvider, errors always serialized as a list.
    const doc: Record<string, unknown> = { message: e.prefix, _links: self };
    if (e.errors.length) doc._embedded = { errors: e.errors.map((message) => ({ message })) };
    return { contentType: 'application/json', body: JSON.stringify(doc), headers };
  }
  const doc: Record<string, unknown> = { message: e.detail ? `${e.prefix}: ${e.detail}` : e.prefix, _links: self };
  if (e.violations.length) doc._embedded = { errors: e.violations.map((v) => ({ message: v.message, path: v.path })) };
  return { contentType: 'application/json', body: JSON.stringify(doc), headers };
}

/** The iteration order of a java.util.HashSet<String> of these (HashSet(5): 8 buckets, String.hashCode spread as HashMap does). */
export function javaHashSetOrder(values: readonly string[]): string[] {
  const distinct = [...new Set(values)];
  let buckets = 8;
  while (distinct.length > buckets * 0.75) buckets *= 2;
  const bucketOf = (s: string) => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return (h ^ (h >>> 16)) & (buckets - 1);
  };
  return distinct.map((v, i) => ({ v, i, b: bucketOf(v) })).sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.v);
}
