/**
 * What kestraform remembers per stack: every object it manages, the hash of what it applied and
 * the live fingerprint it saw right after applying. Drift is live ≠ that fingerprint. The
 * fingerprint and the applied values are each kind's own fields (lib/kinds): the schema checks
 * their shape as far as every kind shares it.
 */
import { z } from 'zod';
import type { StateEntry } from '../kinds/types';

export type { StateEntry, Fingerprint } from '../kinds/types';

const fingerprint = z.object({ kind: z.string().min(1) }).catchall(z.unknown());

export const stateEntry = z.object({
  address: z.string(),
  /** Hash of the desired object as applied. */
  appliedHash: z.string(),
  live: fingerprint,
  /** Applied values worth showing in a drift diff (flow source; KV type/value unless sensitive). */
  applied: z.object({ sensitive: z.boolean().optional() }).catchall(z.unknown()).default({}),
  preventDestroy: z.boolean().optional(),
  pulledAt: z.string().optional(),
  updatedAt: z.string(),
});

export const STATE_VERSION = 1;
export const stateFile = z.object({
  version: z.literal(STATE_VERSION),
  stack: z.string(),
  lineage: z.string(),
  serial: z.number().int().nonnegative(),
  resources: z.record(z.string(), stateEntry),
});

export interface StateFile {
  version: typeof STATE_VERSION;
  stack: string;
  lineage: string;
  serial: number;
  resources: Record<string, StateEntry>;
}

// The schema reads exactly the plain types (a compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<z.infer<typeof stateFile>, StateFile> = true;
void schemaMatchesType;
