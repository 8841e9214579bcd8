/**
 * Where the client talks to and how it authenticates, read from the environment:
 * KESTRA_URL, KESTRA_TENANT (default `main`), KESTRA_USERNAME + KESTRA_PASSWORD (basic) or
 * KESTRA_API_TOKEN (bearer), KESTRA_CA_FILE (an extra CA for https), KESTRA_TIMEOUT_MS.
 * TLS certificates are always verified; there is deliberately no switch to turn that off.
 */
import { KestraConfigError } from './errors';

export type KestraAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface KestraClientConfig {
  /** Base URL of the Kestra server (scheme, host, optional path prefix), without a trailing slash. */
  url: string;
  tenant: string;
  auth?: KestraAuth;
  /** PEM file with an extra CA certificate to trust for https, besides Node's bundled roots. */
  caFile?: string;
  /** Time allowed for one request, response headers and body together. */
  timeoutMs: number;
}

export const DEFAULT_TENANT = 'main';
export const DEFAULT_TIMEOUT_MS = 30_000;
// Kestra's tenant id pattern (EE tenant schema); OSS uses `main`.
const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * The client configuration described by the environment, or undefined when KESTRA_URL is unset
 * (the CLI then starts the embedded server instead). Throws KestraConfigError on a bad value.
 */
export function clientConfigFromEnv(env: NodeJS.ProcessEnv = process.env): KestraClientConfig | undefined {
  const rawUrl = env.KESTRA_URL?.trim();
  if (!rawUrl) return undefined;
  return {
    url: normaliseBaseUrl(rawUrl, 'KESTRA_URL'),
    tenant: checkTenant(env.KESTRA_TENANT?.trim() || DEFAULT_TENANT, 'KESTRA_TENANT'),
    auth: authFromEnv(env),
    caFile: env.KESTRA_CA_FILE?.trim() || undefined,
    timeoutMs: timeoutFromEnv(env.KESTRA_TIMEOUT_MS),
  };
}

export function normaliseBaseUrl(raw: string, source = 'url'): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new KestraConfigError(`${source} is not a valid URL: expected something like https://kestra.example.com`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new KestraConfigError(`${source} must use http or https, not ${parsed.protocol.replace(/:$/, '')}`);
  }
  if (parsed.username || parsed.password) {
    throw new KestraConfigError(
      `${source} must not contain credentials; set KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN instead`,
    );
  }
  if (parsed.search || parsed.hash) {
    throw new KestraConfigError(`${source} must not contain a query string or fragment: give the server's base URL`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

export function checkTenant(tenant: string, source = 'tenant'): string {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new KestraConfigError(`${source} "${tenant}" is not a valid Kestra tenant id (lowercase letters, digits, "_" and "-"; OSS uses "main")`);
  }
  return tenant;
}

function authFromEnv(env: NodeJS.ProcessEnv): KestraAuth | undefined {
  const token = env.KESTRA_API_TOKEN?.trim();
  const username = env.KESTRA_USERNAME;
  const password = env.KESTRA_PASSWORD;
  const hasBasic = !!username || !!password;
  if (token && hasBasic) {
    throw new KestraConfigError('set either KESTRA_API_TOKEN or KESTRA_USERNAME/KESTRA_PASSWORD, not both');
  }
  if (token) return { kind: 'bearer', token };
  if (!hasBasic) return undefined;
  if (!username || !password) {
    throw new KestraConfigError(`KESTRA_${username ? 'PASSWORD' : 'USERNAME'} is missing: basic authentication needs both KESTRA_USERNAME and KESTRA_PASSWORD`);
  }
  if (username.includes(':')) throw new KestraConfigError('KESTRA_USERNAME must not contain ":" (HTTP basic authentication cannot carry it)');
  return { kind: 'basic', username, password };
}

function timeoutFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_TIMEOUT_MS;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value <= 0) {
    throw new KestraConfigError(`KESTRA_TIMEOUT_MS must be a positive whole number of milliseconds, got "${raw}"`);
  }
  return value;
}
