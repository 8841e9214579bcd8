/**
 * Hashes that settle equality between desired, live and state without keeping content around.
 */
import { createHash } from 'node:crypto';

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * Flow sources compare with line endings normalised and a leading BOM dropped, as Kestra's own
 * Git sync does: a CRLF checkout must not look like a change.
 */
export function normalizeFlowSource(source: string): string {
  return source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export const flowSourceHash = (source: string): string => sha256(normalizeFlowSource(source));

export const kvValueHash = (type: string, value: string): string => sha256(`${type}\u0000${value}`);

/** Everything of a desired KV pair that a write sets. */
export const kvDesiredHash = (kv: { type: string; value: string; description?: string; ttl?: string }): string =>
  sha256(JSON.stringify([kv.type, kv.value, kv.description ?? null, kv.ttl ?? null]));

export const triggersHash = (triggers: Record<string, string>): string =>
  sha256(JSON.stringify(Object.keys(triggers).sort().map((k) => [k, triggers[k]])));
