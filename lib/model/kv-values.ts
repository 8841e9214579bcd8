/**
 * KV values between kestraform's canonical text and Kestra's wire formats.
 *
 * Kestra has no type parameter for a KV put: it parses the text/plain body as Amazon Ion and the
 * parsed Java value decides the type (kestra-io/kestra KVController.setKeyValue, KVType.from,
 * serializers/ion/IonParser). So each type is sent in the one syntax Ion reads as that type:
 * STRING as a JSON string literal, NUMBER/BOOLEAN as JSON literals, DATE/DATETIME as unquoted Ion
 * timestamps, DURATION as a quoted ISO duration, JSON as compact JSON.
 *
 * Three things no encoding can change, because Kestra decides them when it reads the value back
 * (InternalKVStore.getValue, IonParser.getEmbeddedObject):
 * - every string matching Kestra's duration pattern is reported as DURATION, so a STRING such as
 *   "PT5M" comes back DURATION (flows still see the same text);
 * - a timestamp at exactly 00:00:00.000 UTC is reported as a DATE;
 * - a timestamp with a non-UTC offset is reported as JSON, so DATETIME is always sent in UTC.
 * `expectedLiveKv` says what Kestra will report for a desired value, so the engine compares like
 * with like instead of planning the same change forever.
 *
 * Canonical text (both sides of a comparison): STRING the string; NUMBER the shortest JS number
 * text; BOOLEAN `true`/`false`; DATE `YYYY-MM-DD`; DATETIME UTC `YYYY-MM-DDTHH:MM:SS[.mmm]Z`
 * (Kestra keeps milliseconds); DURATION as Java's Duration.toString (`P1D` → `PT24H`); JSON
 * compact JSON with key order kept.
 */
import { UserFacingError } from '../util/errors';
import { KV_TYPES, type KvType } from './names';

export { KV_TYPES, type KvType };

/** A KV value that does not fit its type (or that Kestra could not store as it). */
export class KvValueError extends UserFacingError {}

export interface KvTypedValue {
  type: KvType;
  /** Canonical text of the value. */
  value: string;
}

/** Kestra's own test for "this string is a duration" (InternalKVStore.DURATION_PATTERN). */
export const KESTRA_DURATION_PATTERN = /^P(?=[^T]|T.)(?:\d*D)?(?:T(?=.)(?:\d*H)?(?:\d*M)?(?:\d*S)?)?$/;

/** The subset of durations Kestra can both recognise and parse: digits before every unit. */
const DURATION_PARTS = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;

export function isKvType(value: unknown): value is KvType {
  return typeof value === 'string' && (KV_TYPES as readonly string[]).includes(value);
}

/** The text/plain body that makes Kestra store `value` as `type`. Throws KvValueError if it does not fit. */
export function encodeKvBody(type: KvType, value: string): string {
  switch (type) {
    case 'STRING':
      if (KESTRA_DURATION_PATTERN.test(value) && !DURATION_PARTS.test(value)) {
        throw new KvValueError(
          `the STRING "${value}" cannot be stored: Kestra reads any string of that shape as a duration and fails to parse this one`,
        );
      }
      return JSON.stringify(value);
    case 'NUMBER':
      return numberText(value);
    case 'BOOLEAN':
      if (value !== 'true' && value !== 'false') throw misfit(type, value, 'expected true or false');
      return value;
    case 'DATE':
      return dateText(value);
    case 'DATETIME':
      return datetimeText(value);
    case 'DURATION':
      durationSeconds(value);
      return JSON.stringify(value);
    case 'JSON':
      return JSON.stringify(jsonContainer(value));
  }
}

/** The canonical text of a desired value of `type`. Throws KvValueError if it does not fit. */
export function normaliseKvValue(type: KvType, value: string): string {
  switch (type) {
    case 'STRING':
    case 'BOOLEAN':
    case 'DATE':
      encodeKvBody(type, value); // validates
      return value;
    case 'DATETIME':
      return datetimeText(value);
    case 'NUMBER':
      return JSON.stringify(Number(numberText(value)));
    case 'DURATION':
      return javaDurationText(durationSeconds(value));
    case 'JSON':
      return JSON.stringify(jsonContainer(value));
  }
}

/** What a GET of the key reports after `encodeKvBody(type, value)` was put: type and canonical text. */
export function expectedLiveKv(type: KvType, value: string): KvTypedValue {
  if (type === 'STRING' && KESTRA_DURATION_PATTERN.test(value)) {
    return { type: 'DURATION', value: javaDurationText(durationSeconds(value)) };
  }
  if (type === 'DATETIME') {
    const text = datetimeText(value);
    if (text.endsWith('T00:00:00Z')) return { type: 'DATE', value: text.slice(0, 10) };
    return { type, value: text };
  }
  return { type, value: normaliseKvValue(type, value) };
}

/**
 * The canonical text of a value as returned by `GET /namespaces/{ns}/kv/{key}` (its JSON `value`),
 * so it can be compared with `expectedLiveKv` of the desired value.
 */
export function kvValueToCanonical(type: KvType, liveValue: unknown): string {
  switch (type) {
    case 'STRING':
      return typeof liveValue === 'string' ? liveValue : JSON.stringify(liveValue ?? null);
    case 'NUMBER':
      return JSON.stringify(typeof liveValue === 'number' ? liveValue : Number(liveValue));
    case 'BOOLEAN':
      return String(liveValue);
    case 'DATE':
      if (Array.isArray(liveValue) && liveValue.length === 3) {
        const [y, m, d] = liveValue.map(Number);
        return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
      }
      return String(liveValue);
    case 'DATETIME':
      if (typeof liveValue === 'number') return instantText(liveValue * 1000);
      // An offset-less text is a LocalDateTime (an Ion-annotated value): there is no UTC form to give.
      return typeof liveValue === 'string' && DATETIME_TEXT.test(liveValue) ? datetimeText(liveValue) : String(liveValue);
    case 'DURATION':
      if (typeof liveValue === 'number' && liveValue >= 0) return javaDurationText(Math.trunc(liveValue));
      return typeof liveValue === 'string' && DURATION_PARTS.test(liveValue) ? javaDurationText(durationSeconds(liveValue)) : String(liveValue);
    case 'JSON':
      return JSON.stringify(liveValue);
  }
}

function numberText(value: string): string {
  if (!JSON_NUMBER.test(value) || !Number.isFinite(Number(value))) throw misfit('NUMBER', value, 'expected a finite JSON number such as 42 or 1.5');
  return value;
}

function dateText(value: string): string {
  const match = DATE_TEXT.exec(value);
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw misfit('DATE', value, 'expected an ISO date such as 2025-10-13');
  }
  return value;
}

/** Canonical DATETIME: UTC, milliseconds kept only when not zero (Kestra reads timestamps through a Calendar). */
function datetimeText(value: string): string {
  const match = DATETIME_TEXT.exec(value);
  if (!match) throw misfit('DATETIME', value, 'expected an ISO date-time with an offset, such as 2025-10-14T18:02:08Z or 2025-10-14T20:02:08+02:00');
  const [, y, mo, d, h, mi, s = '0', fraction = '', offset] = match;
  if (!isCalendarDate(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw misfit('DATETIME', value, 'not a valid date and time');
  }
  const offsetMinutes = offset.toUpperCase() === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis));
  date.setUTCFullYear(Number(y));
  return instantText(date.getTime() - offsetMinutes * 60_000);
}

function instantText(epochMs: number): string {
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    throw new KvValueError(`the DATETIME is outside the years 0001-9999`);
  }
  return date.toISOString().replace('.000Z', 'Z');
}

function durationSeconds(value: string): number {
  const match = DURATION_PARTS.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) {
    throw misfit('DURATION', value, 'expected an ISO-8601 duration of days, hours, minutes and whole seconds, such as PT15M or P1DT2H');
  }
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  const seconds = Number(d) * 86_400 + Number(h) * 3_600 + Number(m) * 60 + Number(s);
  if (!Number.isSafeInteger(seconds)) throw misfit('DURATION', value, 'too long');
  return seconds;
}

/** java.time.Duration#toString for a non-negative whole number of seconds. */
function javaDurationText(totalSeconds: number): string {
  if (totalSeconds === 0) return 'PT0S';
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
}

function jsonContainer(value: string): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw misfit('JSON', value, 'not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw misfit('JSON', value, 'expected a JSON object or array (use STRING, NUMBER or BOOLEAN for a scalar)');
  return parsed;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const days = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function misfit(type: KvType, value: string, why: string): KvValueError {
  const shown = value.length > 60 ? `${value.slice(0, 59)}…` : value;
  return new KvValueError(`the ${type} value "${shown}" does not fit its type: ${why}`);
}
