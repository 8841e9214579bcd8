/**
 * The checks every state backend runs (lib/engine/state/validate): a stored document must be JSON,
 * match the version-1 schema and belong to the stack; a write must follow on from what is stored
 * (same lineage, next serial); a new state starts at serial 0 with a lineage of its own.
 */
import { StateError } from '../../../lib/engine/state/types';
import { checkSuccession, newState, parseState } from '../../../lib/engine/state/validate';
import type { StateFile } from '../../../lib/engine/state-types';

const WHERE = 'local file .kestraform/state/prod.json';
const RESTORE = 'restore it from prod.json.backup or from version control';

const stateAt = (serial: number, lineage = 'lineage-a', stack = 'prod'): StateFile => ({ version: 1, stack, lineage, serial, resources: {} });

/** The StateError `fn` throws (failing the test when it throws nothing or something else). */
function stateErrorOf(fn: () => unknown): StateError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StateError);
    return e as StateError;
  }
  throw new Error('expected a StateError, nothing was thrown');
}

describe('parseState', () => {
  it('returns the stored state, filling in what the schema defaults', () => {
    const stored = {
      ...stateAt(3),
      resources: {
        'flow.company.team.hello': { address: 'flow.company.team.hello', appliedHash: 'h1', live: { kind: 'flow', revision: 2, sourceHash: 's1' }, updatedAt: '2025-01-01T00:00:00.000Z' },
      },
    };
    const parsed = parseState(JSON.stringify(stored), WHERE, 'prod', RESTORE);
    expect(parsed).toEqual({ ...stored, resources: { 'flow.company.team.hello': { ...stored.resources['flow.company.team.hello'], applied: {} } } });
  });

  it('refuses text that is not JSON, saying the state was left as it is and how to restore it', () => {
    const error = stateErrorOf(() => parseState('{"version": 1, "stack":', WHERE, 'prod', RESTORE));
    expect(error.message).toMatch(/^local file \.kestraform\/state\/prod\.json is corrupt \(not JSON: .+\) — it was not changed; restore it from prod\.json\.backup or from version control$/);
  });

  it.each([
    ['a later format version', { ...stateAt(1), version: 2 }, 'version'],
    ['no lineage', { version: 1, stack: 'prod', serial: 1, resources: {} }, 'lineage'],
    ['a negative serial', stateAt(-1), 'serial'],
    ['a fractional serial', stateAt(1.5), 'serial'],
    ['a resource without its applied hash', { ...stateAt(1), resources: { a: { address: 'a' } } }, 'resources.a.appliedHash'],
    ['a list instead of a document', [], '(document)'],
  ])('refuses JSON with %s, naming the first wrong field', (_what, stored, field) => {
    const error = stateErrorOf(() => parseState(JSON.stringify(stored), WHERE, 'prod', RESTORE));
    expect(error.message.startsWith(`${WHERE} is not a kestraform state (version 1): ${field}: `)).toBe(true);
    expect(error.message.endsWith(` — it was not changed; ${RESTORE}`)).toBe(true);
  });

  it("refuses another stack's state, naming both stacks", () => {
    const error = stateErrorOf(() => parseState(JSON.stringify(stateAt(1, 'lineage-a', 'staging')), WHERE, 'prod', RESTORE));
    expect(error.message).toBe(`${WHERE} holds the state of stack "staging", not "prod" — it was not changed; check the backend settings of the stack`);
  });
});

describe('checkSuccession', () => {
  it('lets the first state be written at serial 0 or 1, and no other', () => {
    expect(() => checkSuccession(undefined, stateAt(0), WHERE)).not.toThrow();
    expect(() => checkSuccession(undefined, stateAt(1), WHERE)).not.toThrow();
    expect(stateErrorOf(() => checkSuccession(undefined, stateAt(2), WHERE)).message).toBe(`${WHERE}: refusing to write serial 2 where no state exists (expected 1)`);
  });

  it('lets a state follow the stored one at the next serial of the same lineage', () => {
    expect(() => checkSuccession(stateAt(4), stateAt(5), WHERE)).not.toThrow();
  });

  it('refuses a serial that does not follow the stored one: a stale run, or one that skipped', () => {
    expect(stateErrorOf(() => checkSuccession(stateAt(4), stateAt(4), WHERE)).message).toBe(
      `${WHERE} is at serial 4, but this run expected 3: another process wrote the state meanwhile — nothing was overwritten; run the command again`,
    );
    expect(stateErrorOf(() => checkSuccession(stateAt(4), stateAt(7), WHERE)).message).toBe(
      `${WHERE} is at serial 4, but this run expected 6: another process wrote the state meanwhile — nothing was overwritten; run the command again`,
    );
  });

  it('refuses a state of another lineage, whatever its serial', () => {
    const expected = `${WHERE} belongs to lineage lineage-a, not lineage-b: another state was written there — it was not overwritten; make sure two stacks do not share one state location`;
    expect(stateErrorOf(() => checkSuccession(stateAt(4), stateAt(5, 'lineage-b'), WHERE)).message).toBe(expected);
    expect(stateErrorOf(() => checkSuccession(stateAt(4), stateAt(9, 'lineage-b'), WHERE)).message).toBe(expected);
  });
});

describe('newState', () => {
  it('starts empty at serial 0 with a fresh random lineage', () => {
    const first = newState('prod');
    const second = newState('prod');
    expect(first).toEqual({ version: 1, stack: 'prod', lineage: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), serial: 0, resources: {} });
    expect(second.lineage).not.toBe(first.lineage);
  });

  it('passes the checks a backend runs on read and on the first write', () => {
    const state = newState('prod');
    expect(parseState(JSON.stringify(state), WHERE, 'prod', RESTORE)).toEqual(state);
    expect(() => checkSuccession(undefined, state, WHERE)).not.toThrow();
  });
});
