/**
 * How Kestra types a KV body (text/plain parsed as Ion, the Java value deciding the type):
 * JSON string → STRING, number → NUMBER, true/false → BOOLEAN, unquoted ISO timestamp →
 * DATETIME (DATE when it is a date only), object/array → JSON, an unquoted word or anything
 * that is not one value → the raw text as STRING. Strings shaped like an ISO duration are
 * reported as DURATION on read.
 */
import type { KvType } from './store';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
// Kestra's InternalKVStore duration test.
export const DURATION_PATTERN = /^P(?=[^T]|T.)(?:\d*D)?(?:T(?=.)(?:\d*H)?(?:\d*M)?(?:\d*S)?)?$/;

export interface StoredKv {
  type: KvType;
  value: unknown;
}

export function parseKvBody(text: string): StoredKv {
  const t = text.trim();
  if (DATE.test(t)) return { type: 'DATE', value: t };
  if (DATETIME.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) {
      const iso = new Date(ms).toISOString().replace('.000Z', 'Z');
      // A timestamp at midnight UTC comes back as a DATE (Kestra reads it through a Calendar).
      if (iso.endsWith('T00:00:00Z')) return { type: 'DATE', value: iso.slice(0, 10) };
      return { type: 'DATETIME', value: iso };
    }
  }
  try {
    const v = JSON.parse(t);
    if (typeof v === 'string') return DURATION_PATTERN.test(v) ? { type: 'DURATION', value: v } : { type: 'STRING', value: v };
    if (typeof v === 'number') return { type: 'NUMBER', value: v };
    if (typeof v === 'boolean') return { type: 'BOOLEAN', value: v };
    if (v === null) return { type: 'STRING', value: 'null' };
    return { type: 'JSON', value: v };
  } catch {
    return DURATION_PATTERN.test(t) ? { type: 'DURATION', value: t } : { type: 'STRING', value: text };
  }
}

/** ISO-8601 duration (days and time part) in milliseconds, or undefined. */
export function durationMs(text: string): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
}
