/**
 * Checks every state read and write: the document must parse and match the schema, belong to
 * this stack, and follow on from what is stored (same lineage, next serial).
 */
import { randomUUID } from 'node:crypto';
import { STATE_VERSION, stateFile, type StateFile } from '../state-types';
import { StateError } from './types';

export function parseState(text: string, where: string, stack: string, restoreHint: string): StateFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StateError(`${where} is corrupt (not JSON: ${(e as Error).message}) — it was not changed; ${restoreHint}`);
  }
  // The state of a large stack is megabytes: a plain check takes what is well formed (the usual
  // case) at once; anything else goes through the schema, which also words the problem.
  if (plainlyValid(raw)) {
    if (raw.stack !== stack) throw new StateError(`${where} holds the state of stack "${raw.stack}", not "${stack}" — it was not changed; check the backend settings of the stack`);
    return raw;
  }
  const parsed = stateFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StateError(`${where} is not a kestraform state (version 1): ${issue.path.join('.') || '(document)'}: ${issue.message} — it was not changed; ${restoreHint}`);
  }
  if (parsed.data.stack !== stack) {
    throw new StateError(`${where} holds the state of stack "${parsed.data.stack}", not "${stack}" — it was not changed; check the backend settings of the stack`);
  }
  return parsed.data;
}

export function checkSuccession(stored: StateFile | undefined, next: StateFile, where: string): void {
  if (!stored) {
    if (next.serial !== 1 && next.serial !== 0) throw new StateError(`${where}: refusing to write serial ${next.serial} where no state exists (expected 1)`);
    return;
  }
  if (stored.lineage !== next.lineage) {
    throw new StateError(`${where} belongs to lineage ${stored.lineage}, not ${next.lineage}: another state was written there — it was not overwritten; make sure two stacks do not share one state location`);
  }
  if (next.serial !== stored.serial + 1) {
    throw new StateError(`${where} is at serial ${stored.serial}, but this run expected ${next.serial - 1}: another process wrote the state meanwhile — nothing was overwritten; run the command again`);
  }
}

export function newState(stack: string): StateFile {
  return { version: 1, stack, lineage: randomUUID(), serial: 0, resources: {} };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FILE_KEYS = new Set(['version', 'stack', 'lineage', 'serial', 'resources']);
const ENTRY_KEYS = new Set(['address', 'appliedHash', 'live', 'applied', 'preventDestroy', 'pulledAt', 'updatedAt']);

/**
 * Exactly what `stateFile` accepts and gives back unchanged (no key it would strip, no default it
 * would fill in but `applied: {}`); false sends the document through the schema.
 */
function plainlyValid(raw: unknown): raw is StateFile {
  if (!isObject(raw) || raw.version !== STATE_VERSION || typeof raw.stack !== 'string' || typeof raw.lineage !== 'string') return false;
  if (typeof raw.serial !== 'number' || !Number.isInteger(raw.serial) || raw.serial < 0 || !isObject(raw.resources)) return false;
  for (const k in raw) if (!FILE_KEYS.has(k)) return false;
  for (const e of Object.values(raw.resources)) {
    if (!isObject(e) || typeof e.address !== 'string' || typeof e.appliedHash !== 'string' || typeof e.updatedAt !== 'string') return false;
    if (!isObject(e.live) || typeof e.live.kind !== 'string' || e.live.kind === '') return false;
    if (e.applied !== undefined && (!isObject(e.applied) || (e.applied.sensitive !== undefined && typeof e.applied.sensitive !== 'boolean'))) return false;
    if (e.preventDestroy !== undefined && typeof e.preventDestroy !== 'boolean') return false;
    if (e.pulledAt !== undefined && typeof e.pulledAt !== 'string') return false;
    for (const k in e) if (!ENTRY_KEYS.has(k)) return false;
  }
  // The schema's one default.
  for (const e of Object.values(raw.resources) as Array<Record<string, unknown>>) if (e.applied === undefined) e.applied = {};
  return true;
}
