/**
 * What kestraform remembers per stack: every object it manages, the hash of what it applied and
 * the live fingerprint it saw right after applying. Drift is live ≠ that fingerprint.
 */
import { z } from 'zod';

export const flowFingerprint = z.object({ kind: z.literal('flow'), revision: z.number(), sourceHash: z.string() });
export const fileFingerprint = z.object({
  kind: z.literal('file'),
  sha256: z.string(),
  size: z.number(),
  /** Unknown until a listing after the upload reported it. */
  lastModifiedTime: z.number().optional(),
});
export const kvFingerprint = z.object({
  kind: z.literal('kv'),
  valueHash: z.string(),
  updateDate: z.string().optional(),
  revision: z.number().optional(),
});
export const localFingerprint = z.object({ kind: z.literal('local'), triggersHash: z.string() });
export const fingerprint = z.discriminatedUnion('kind', [flowFingerprint, fileFingerprint, kvFingerprint, localFingerprint]);
export type Fingerprint = z.infer<typeof fingerprint>;

export const stateEntry = z.object({
  address: z.string(),
  /** Hash of the desired object as applied. */
  appliedHash: z.string(),
  live: fingerprint,
  /** Applied attributes worth showing in a drift diff (flow source; KV type/value unless sensitive). */
  applied: z
    .object({
      source: z.string().optional(),
      type: z.string().optional(),
      value: z.string().optional(),
      description: z.string().optional(),
      ttl: z.string().optional(),
      sensitive: z.boolean().optional(),
      triggers: z.record(z.string(), z.string()).optional(),
    })
    .default({}),
  preventDestroy: z.boolean().optional(),
  updatedAt: z.string(),
});
export type StateEntry = z.infer<typeof stateEntry>;

export const STATE_VERSION = 1;
export const stateFile = z.object({
  version: z.literal(STATE_VERSION),
  stack: z.string(),
  lineage: z.string(),
  serial: z.number().int().nonnegative(),
  resources: z.record(z.string(), stateEntry),
});
export type StateFile = z.infer<typeof stateFile>;
