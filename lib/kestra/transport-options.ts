/**
 * A client's options as its transport takes them: defaults filled, values checked, the CA file
 * read. Apart from the client so that the early GETs' thread (./early-thread) can be started
 * with them before the client and its APIs are loaded.
 */
import { readFileSync } from 'node:fs';
import { checkTenant, DEFAULT_TENANT, DEFAULT_TIMEOUT_MS, normaliseBaseUrl } from './config';
import { KestraConfigError } from './errors';
import { DEFAULT_RETRY_POLICY } from './retry';
import type { KestraClientOptions } from './client';
import type { TransportOptions } from './http';

export const DEFAULT_MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export function transportOptions(options: KestraClientOptions): TransportOptions {
  return {
    url: normaliseBaseUrl(options.url),
    tenant: checkTenant(options.tenant ?? DEFAULT_TENANT),
    auth: options.auth,
    ca: options.ca ?? (options.caFile ? readCaFile(options.caFile) : undefined),
    timeoutMs: positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs'),
    maxResponseBytes: positive(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 'maxResponseBytes'),
    maxInFlight: options.maxInFlight === undefined ? undefined : positive(options.maxInFlight, 1, 'maxInFlight'),
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    onRequest: options.onRequest,
    random: options.random,
  };
}

function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KestraConfigError(`KESTRA_CA_FILE ${path} cannot be read (${code})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KestraConfigError(`KESTRA_CA_FILE ${path} holds no PEM certificate (expected a "-----BEGIN CERTIFICATE-----" block)`);
  }
  return pem;
}

export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new KestraConfigError(`${name} must be a positive whole number, got ${value}`);
  return value;
}
