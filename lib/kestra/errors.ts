/**
 * Typed errors of the Kestra client. Every message names what failed, on which object, the HTTP
 * status where there is one, and what to do next. No message ever carries a credential.
 */
import { UserFacingError } from '../util/errors';

/** Base class: `instanceof KestraError` catches every failure of the client. */
export class KestraError extends UserFacingError {}

/** The environment or the options do not describe a usable Kestra target. */
export class KestraConfigError extends KestraError {}

/** A caller passed a value the client refuses to send (e.g. a KV value that does not fit its type). */
export class KestraUsageError extends KestraError {}

export interface RequestIdentity {
  method: string;
  /** URL path without the query string, e.g. `/api/v1/main/flows/company.team`. */
  path: string;
  /** What the request was for, e.g. `update flow company.team/hello`. */
  target: string;
}

export interface ApiErrorDetails extends RequestIdentity {
  status: number;
  /** Kestra's own explanation, read from the response body, when it gave one. */
  kestraMessage?: string;
  /** RFC 9457 problem type (Kestra 2.0+), e.g. `https://kestra.io/docs/api-reference/problems/not-found`. */
  problemType?: string;
  hint?: string;
  /** Wait asked for by a `Retry-After` header, in milliseconds. */
  retryAfterMs?: number;
}

/** Kestra (or something in front of it) answered with an unexpected HTTP status. */
export class KestraApiError extends KestraError {
  readonly method: string;
  readonly path: string;
  readonly target: string;
  readonly status: number;
  readonly kestraMessage?: string;
  readonly problemType?: string;
  readonly retryAfterMs?: number;

  constructor(details: ApiErrorDetails) {
    const said = details.kestraMessage ? `: ${details.kestraMessage}` : '';
    const hint = details.hint ? `. ${details.hint}` : '';
    super(`${details.target} failed with HTTP ${details.status} (${details.method} ${details.path})${said}${hint}`);
    this.method = details.method;
    this.path = details.path;
    this.target = details.target;
    this.status = details.status;
    this.kestraMessage = details.kestraMessage;
    this.problemType = details.problemType;
    this.retryAfterMs = details.retryAfterMs;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** GET of a KV entry whose TTL has passed (Kestra answers 410 and deletes the entry). */
export class KestraKvExpiredError extends KestraApiError {}

/** No HTTP answer: connection refused or reset, DNS failure, TLS failure. */
export class KestraNetworkError extends KestraError {
  readonly method: string;
  readonly path: string;
  readonly target: string;
  /** Node/undici error code, e.g. ECONNRESET, UND_ERR_SOCKET, CERT_HAS_EXPIRED. */
  readonly code?: string;

  constructor(identity: RequestIdentity, detail: string, code: string | undefined, hint: string, cause?: unknown) {
    super(`${identity.target} failed: ${detail} (${identity.method} ${identity.path}). ${hint}`, { cause });
    this.method = identity.method;
    this.path = identity.path;
    this.target = identity.target;
    this.code = code;
  }
}

/** The request (headers and body together) took longer than the configured timeout. */
export class KestraTimeoutError extends KestraError {
  readonly method: string;
  readonly path: string;
  readonly target: string;
  readonly timeoutMs: number;

  /** `raise`: what sets this bound, when it is not the client's KESTRA_TIMEOUT_MS. */
  constructor(identity: RequestIdentity, timeoutMs: number, phase: 'response headers' | 'response body', raise = 'KESTRA_TIMEOUT_MS') {
    super(
      `${identity.target} timed out after ${timeoutMs} ms waiting for the ${phase} (${identity.method} ${identity.path}). ` +
        `Check that Kestra is reachable and healthy, or raise ${raise}.`,
    );
    this.method = identity.method;
    this.path = identity.path;
    this.target = identity.target;
    this.timeoutMs = timeoutMs;
  }
}

/** A response body exceeded the configured size cap; it was not read to the end. */
export class KestraResponseTooLargeError extends KestraError {
  readonly limitBytes: number;

  constructor(identity: RequestIdentity, limitBytes: number) {
    super(
      `${identity.target}: the response is larger than the ${formatBytes(limitBytes)} limit (${identity.method} ${identity.path}). ` +
        'Raise the client option maxResponseBytes if the object is really that large.',
    );
    this.limitBytes = limitBytes;
  }
}

/** Kestra answered 2xx with a body the client cannot use (not JSON, wrong shape, bad archive). */
export class KestraProtocolError extends KestraError {
  constructor(identity: RequestIdentity, problem: string, cause?: unknown) {
    super(
      `${identity.target}: unexpected response from Kestra (${identity.method} ${identity.path}): ${problem}. ` +
        'Check that KESTRA_URL points at a Kestra server (not a proxy page) of a supported version (1.x or 2.x).',
      { cause },
    );
  }
}

/** createFlow could not tell whether its POST happened, and the flow now holds a different source. */
export class KestraFlowCreateConflictError extends KestraError {}

/**
 * Kestra's FlowValidator refusal when the operator set `kestra.require-existing-namespace: true`
 * and the flow's namespace does not exist yet (kestra-io/kestra FlowValidator, DefaultNamespaceService).
 */
export const REQUIRE_EXISTING_NAMESPACE_MESSAGE = /does not exist but is required to exist before a flow can be created in it/;

/** What the operator setting is and what to do, for the first flow of `namespace`. */
export function requireExistingNamespaceAdvice(namespace: string): string {
  return (
    `this Kestra runs with kestra.require-existing-namespace: true (an operator setting), so a flow can only be created in a namespace that already exists, ` +
    `and namespace ${namespace} does not (open-source Kestra counts a namespace as existing once it, or a child of it, holds a flow, and has no API to create one). ` +
    `Create namespace ${namespace} first (Kestra Enterprise: the UI or POST /api/v1/{tenant}/namespaces), or ask the operator to set kestra.require-existing-namespace: false ` +
    `while its first flow is created, then run the command again`
  );
}

/** createFlow refused with 422 because the flow's namespace must exist first (see requireExistingNamespaceAdvice). */
export class KestraNamespaceRequiredError extends KestraApiError {
  readonly namespace: string;

  constructor(details: ApiErrorDetails, namespace: string) {
    const advice = requireExistingNamespaceAdvice(namespace);
    super({ ...details, kestraMessage: details.kestraMessage?.replace(/\.$/, ''), hint: advice.charAt(0).toUpperCase() + advice.slice(1) });
    this.namespace = namespace;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
