/**
 * The state an apply keeps (lib/engine/apply-state.ts): saves coalesced, each change on disk when
 * its save resolves, saves spaced by how long the last one took, a flush that does not wait, and a
 * failed save that leaves the change to the next one. A fake clock stands in for time.
 */
import { LiveState, type SaveClock } from '../../lib/engine/apply-state';
import { newState } from '../../lib/engine/state';
import type { StateEntry, StateFile } from '../../lib/engine/state-types';

/** A clock that moves only when the code under test sleeps or a write takes time. */
function fakeClock(yieldOnSleep = false): SaveClock & { t: number } {
  const clock = {
    t: 1000,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
      if (yieldOnSleep) await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

/** A sink that takes `ms` of the clock per write and keeps what each write held. */
function recordingSink(clock: { t: number }, ms: number) {
  const writes: { at: number; serial: number; addresses: string[] }[] = [];
  let failNext = false;
  return {
    writes,
    failOnce: () => (failNext = true),
    write: async (state: StateFile) => {
      const at = clock.t;
      await Promise.resolve();
      clock.t += ms;
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      writes.push({ at, serial: state.serial, addresses: Object.keys(state.resources).sort() });
    },
  };
}

const entry = (address: string) => ({ address, kind: 'flow', live: {}, appliedHash: 'h', updatedAt: 'now' }) as unknown as StateEntry;

/** A state whose first save (of entry 'a', taking `ms`) is done; when it ended. */
async function afterOneSave(clock: SaveClock & { t: number }, ms: number) {
  const sink = recordingSink(clock, ms);
  const state = new LiveState(newState('s'), sink, clock);
  state.set(entry('a'));
  await state.save();
  return { sink, state, firstEnd: sink.writes[0].at + ms };
}

describe('LiveState', () => {
  it('coalesces saves asked for together, and each change is on disk when its save resolves', async () => {
    const clock = fakeClock();
    const sink = recordingSink(clock, 0);
    const state = new LiveState(newState('s'), sink, clock);
    const saved = ['a', 'b', 'c', 'd'].map(async (a) => {
      state.set(entry(a));
      await state.save();
      expect(sink.writes.some((w) => w.addresses.includes(a))).toBe(true);
    });
    await Promise.all(saved);
    expect(sink.writes.length).toBeLessThan(4);
    expect(sink.writes.at(-1)!.addresses).toEqual(['a', 'b', 'c', 'd']);
    expect(sink.writes.map((w) => w.serial)).toEqual(sink.writes.map((_, i) => i + 1));
    const writes = sink.writes.length;
    await state.save();
    expect(sink.writes).toHaveLength(writes); // nothing changed, nothing written
  });

  it('spaces a save after the last by four times as long as that one took; a flush goes at once', async () => {
    const { sink, state, firstEnd } = await afterOneSave(fakeClock(), 100);
    state.set(entry('b'));
    await state.save();
    expect(sink.writes[1].at).toBeGreaterThanOrEqual(firstEnd + 400);

    const secondEnd = sink.writes[1].at + 100;
    state.set(entry('c'));
    await state.flush();
    expect(sink.writes[2].at).toBe(secondEnd);
    expect(sink.writes[2].addresses).toEqual(['a', 'b', 'c']);
  });

  it('a flush cuts short a save waiting for its turn', async () => {
    const { sink, state, firstEnd } = await afterOneSave(fakeClock(true), 100);
    state.set(entry('b'));
    const waiting = state.save();
    await new Promise((resolve) => setImmediate(resolve));
    await state.flush();
    await waiting;
    expect(sink.writes).toHaveLength(2);
    expect(sink.writes[1].at).toBeLessThan(firstEnd + 400);
    expect(sink.writes[1].addresses).toEqual(['a', 'b']);
  });

  it('a failed save rejects, and its change goes with the next save', async () => {
    const clock = fakeClock();
    const sink = recordingSink(clock, 0);
    const state = new LiveState(newState('s'), sink, clock);
    state.set(entry('a'));
    sink.failOnce();
    await expect(state.save()).rejects.toThrow('disk full');
    expect(state.saveError).toBeInstanceOf(Error);
    await state.save();
    expect(sink.writes).toEqual([{ at: expect.any(Number), serial: 1, addresses: ['a'] }]);
  });
});
