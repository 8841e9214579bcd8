/**
 * Checks every state read and write: the document must parse and match the schema, belong to
 * this stack, and follow on from what is stored (same lineage, next serial).
 */
import { randomUUID } from 'node:crypto';
import { stateFile, type StateFile } from '../state-types';
import { StateError } from './types';

export function parseState(text: string, where: string, stack: string, restoreHint: string): StateFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StateError(`${where} is corrupt (not JSON: ${(e as Error).message}) — it was not changed; ${restoreHint}`);
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
