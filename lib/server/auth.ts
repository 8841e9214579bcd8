/** Kestra's HTTP authentication: basic auth and/or API tokens (bearer); none configured = open. */
import type { IncomingHttpHeaders } from 'node:http';

export interface Credentials {
  basicAuth?: { username: string; password: string };
  tokens?: string[];
}

/** undefined when the request may pass; otherwise why not (never echoing what was sent). */
export function authProblem(headers: IncomingHttpHeaders, credentials: Credentials): string | undefined {
  const { basicAuth, tokens } = credentials;
  if (!basicAuth && !tokens?.length) return undefined;
  const header = headers.authorization ?? '';
  if (basicAuth && header.startsWith('Basic ')) {
    const expected = Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64');
    if (header.slice(6) === expected) return undefined;
    return 'Invalid credentials';
  }
  if (tokens?.length && header.startsWith('Bearer ')) {
    if (tokens.includes(header.slice(7))) return undefined;
    return 'Invalid token';
  }
  return 'Authentication required';
}
