/**
 * Where the client talks to and how it authenticates, read from the environment:
 * KESTRA_URL, KESTRA_TENANT (default `main`), KESTRA_USERNAME + KESTRA_PASSWORD (basic) or
 * KESTRA_API_TOKEN (bearer), KESTRA_CA_FILE (an extra CA for https), KESTRA_TIMEOUT_MS.
 * TLS certificates are always verified; there is deliberately no switch to turn that off.
 */
import { KestraConfigError } from './errors';
import type { TargetSettings } from '../model/settings';

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
/** Requests kestraform ever has in flight at one Kestra (apply raises it to its --parallelism). */
export const DEFAULT_REQUESTS_IN_FLIGHT = 16;
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

/** The names of the environment variables that describe a target (a stack's environment), never their values. */
export type TargetVariables = Omit<TargetSettings, 'name'>;

/**
 * The client configuration of a target named by variables: KESTRA_URL, KESTRA_TENANT and the
 * KESTRA_* credentials override the target's own variables when set (credentials as a whole: any
 * KESTRA_* credential replaces all of the target's). Undefined when no URL is set either way.
 */
export function clientConfigForTarget(target: TargetVariables, env: NodeJS.ProcessEnv = process.env): KestraClientConfig | undefined {
  const named = (name: string | undefined) => (name ? env[name]?.trim() || undefined : undefined);
  const url = env.KESTRA_URL?.trim() ? { value: env.KESTRA_URL.trim(), source: 'KESTRA_URL' } : named(target.url_env) ? { value: named(target.url_env)!, source: target.url_env! } : undefined;
  if (!url) return undefined;
  const tenant = env.KESTRA_TENANT?.trim()
    ? { value: env.KESTRA_TENANT.trim(), source: 'KESTRA_TENANT' }
    : named(target.tenant_env)
      ? { value: named(target.tenant_env)!, source: target.tenant_env! }
      : { value: target.tenant ?? DEFAULT_TENANT, source: 'the stack\'s tenant' };
  const generic = !!(env.KESTRA_API_TOKEN?.trim() || env.KESTRA_USERNAME || env.KESTRA_PASSWORD);
  const auth = generic
    ? authFromEnv(env)
    : authFromVariables({ token: target.token_env, username: target.username_env, password: target.password_env }, env);
  return {
    url: normaliseBaseUrl(url.value, url.source, url.source === 'KESTRA_URL' ? undefined : credentialVariables(target)),
    tenant: checkTenant(tenant.value, tenant.source),
    auth,
    caFile: env.KESTRA_CA_FILE?.trim() || undefined,
    timeoutMs: timeoutFromEnv(env.KESTRA_TIMEOUT_MS),
  };
}

/** `credentials`: where the user should put them instead (the variables that hold them for this URL). */
export function normaliseBaseUrl(raw: string, source = 'url', credentials = 'KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN'): string {
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
      `${source} must not contain credentials; set ${credentials} instead`,
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
  return authFromVariables({ token: 'KESTRA_API_TOKEN', username: 'KESTRA_USERNAME', password: 'KESTRA_PASSWORD' }, env);
}

/** Bearer or basic authentication from the variables of these names (messages name the variables, never the values). */
function authFromVariables(names: { token?: string; username?: string; password?: string }, env: NodeJS.ProcessEnv): KestraAuth | undefined {
  const token = names.token ? env[names.token]?.trim() : undefined;
  const username = names.username ? env[names.username] : undefined;
  const password = names.password ? env[names.password] : undefined;
  const hasBasic = !!username || !!password;
  // A target may name one of the pair only: the message then says which setting is missing, never "undefined".
  const usernameVar = names.username ?? 'a username variable (usernameEnv)';
  const passwordVar = names.password ?? 'a password variable (passwordEnv)';
  if (token && hasBasic) {
    throw new KestraConfigError(`set either ${names.token} or ${usernameVar}/${passwordVar}, not both`);
  }
  if (token) return { kind: 'bearer', token };
  if (!hasBasic) return undefined;
  if (!username || !password) {
    throw new KestraConfigError(`${username ? passwordVar : usernameVar} is missing: basic authentication needs both ${usernameVar} and ${passwordVar}`);
  }
  if (username.includes(':')) throw new KestraConfigError(`${names.username} must not contain ":" (HTTP basic authentication cannot carry it)`);
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

/** The variables a stack names for its credentials, as a sentence names them. */
function credentialVariables(target: TargetVariables): string | undefined {
  const pair = target.username_env && target.password_env ? `${target.username_env}/${target.password_env}` : undefined;
  const either = [pair, target.token_env].filter(Boolean);
  return either.length ? either.join(' or ') : undefined;
}
