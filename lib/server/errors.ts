/**
 * Kestra's error bodies: RFC 9457 problem documents (Kestra 2.x) or Micronaut JsonError
 * (`{message, _links, _embedded}`, Kestra 1.x), with Kestra's statuses.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** Problem type slug, e.g. `not-found`. */
    readonly slug: string,
    /** 1.x message prefix style, e.g. `Not Found`, `Invalid entity`. */
    readonly prefix: string,
    readonly detail: string,
    readonly violations: Array<{ path: string; message: string }> = [],
    /** Sent with the error body (WWW-Authenticate, Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<string, string> = {
  'not-found': 'Resource not found',
  'invalid-entity': 'Invalid entity',
  'invalid-argument': 'Invalid argument',
  'bad-request': 'Bad request',
  unauthenticated: 'Unauthenticated',
  'resource-expired': 'Resource expired',
  'method-not-allowed': 'Method not allowed',
  'unsupported-media-type': 'Unsupported media type',
  conflict: 'Conflict',
  'internal-error': 'Internal server error',
  'service-unavailable': 'Service unavailable',
  'too-many-requests': 'Too many requests',
  'bad-gateway': 'Bad gateway',
  timeout: 'Gateway timeout',
};

export const notFound = (detail: string) => new HttpError(404, 'not-found', 'Not Found', detail);
export const invalidEntity = (violations: Array<{ path: string; message: string }>) =>
  new HttpError(422, 'invalid-entity', 'Invalid entity', violations.map((v) => `${v.path}: ${v.message}`).join(', '), violations);
export const illegalArgument = (detail: string) => new HttpError(422, 'invalid-argument', 'Illegal argument', detail);
export const badRequest = (detail: string) => new HttpError(400, 'bad-request', 'Bad Request', detail);
export const unauthenticated = (detail: string) => new HttpError(401, 'unauthenticated', 'Unauthorized', detail, [], { 'WWW-Authenticate': 'Basic realm="Kestra"' });
export const payloadTooLarge = (maxBytes: number) => new HttpError(413, 'payload-too-large', 'Payload too large', `request body over ${maxBytes} bytes`);
export const methodNotAllowed = (method: string, instance: string) => new HttpError(405, 'method-not-allowed', 'Method Not Allowed', `${method} is not allowed on ${instance}`);
export const noRoute = (instance: string) => notFound(`no route ${instance}`);
/** What a route handler's unexpected exception (a bug, not a refusal) is answered with. */
export const internalError = (e: unknown) => new HttpError(500, 'internal-error', 'Internal server error', `unexpected failure: ${(e as Error).message}`);

export function errorBody(e: HttpError, major: 1 | 2, instance: string): { contentType: string; body: string } {
  if (major === 2) {
    const doc: Record<string, unknown> = { type: `https://kestra.io/docs/api-reference/problems/${e.slug}`, title: TITLES[e.slug] ?? e.prefix, status: e.status, detail: e.detail, instance };
    if (e.violations.length) doc.errors = e.violations.map((v) => ({ detail: v.message, path: v.path }));
    return { contentType: 'application/problem+json', body: JSON.stringify(doc) };
  }
  const doc: Record<string, unknown> = { message: e.detail ? `${e.prefix}: ${e.detail}` : e.prefix, _links: { self: { href: instance, templated: false } } };
  if (e.violations.length) doc._embedded = { errors: e.violations.map((v) => ({ message: v.message, path: v.path })) };
  return { contentType: 'application/json', body: JSON.stringify(doc) };
}
