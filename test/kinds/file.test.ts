/**
 * The namespace-file kind on each Kestra line, planned and applied against the emulator's file
 * routes (test/server/support/file-emulator):
 * - on 1.x a Git name with a space is listed with `+`; refresh gives it back its Git name, so a
 *   second plan has nothing to do and prune never deletes the file just uploaded;
 * - a file turned into a directory (or back) applies in one run, the removal first;
 * - an empty directory Kestra's parent clean-up left at a file's path is removed, not a failure;
 * - Git names Kestra 1.x would store as one, and a file where a directory is needed, are offline
 *   errors.
 */
import { planStack } from '../../lib/engine/run';
import { applyPlan } from '../../lib/engine/apply';
import { LiveState } from '../../lib/engine/apply-state';
import { isQuiet } from '../../lib/engine/plan-types';
import type { StateFile } from '../../lib/engine/state-types';
import { KindRegistry, fileKind, type DesiredFile, type DesiredBase } from '../../lib/kinds';
import type { DesiredStack } from '../../lib/desired/types';
import { file, stack } from '../engine/factory';
import { fileEmulator, type FileEmulator } from '../server/support/file-emulator';

const kinds = new KindRegistry([fileKind]);
const ns = 'company.team';

/** Plans and applies `desired` until nothing is left to do; the steps of each round. */
async function converge(k: FileEmulator, s: DesiredStack, state: StateFile | undefined) {
  let stored: StateFile = state ?? { version: 1, stack: s.name, lineage: 't', serial: 0, resources: {} };
  const ctx = { client: k.client, target: { url: 'http://kestra', tenant: 'main' }, kinds };
  const rounds: string[][] = [];
  for (let i = 0; i < 4; i++) {
    const { plan } = await planStack(s, stored.serial ? stored : undefined, ctx);
    const work = plan.steps.filter((st) => !isQuiet(st));
    if (!work.length) return { rounds, state: stored };
    rounds.push(work.map((st) => `${st.action} ${st.address} @${st.phase}${st.dependsOn.length ? ` after ${st.dependsOn.join(', ')}` : ''}`).sort());
    const live = new LiveState(structuredClone(stored), { write: async (f: StateFile) => void (stored = structuredClone(f)) });
    const r = await applyPlan({ client: k.client, stack: s, plan, state: live, kinds, skipServerValidation: true });
    if (r.failed.length) throw r.failed[0].error;
  }
  throw new Error(`no convergence: ${JSON.stringify(rounds)}`);
}

const stackOf = (files: DesiredFile[], major: 1 | 2, prune = true) => stack(files, { kestra_version: major, prune, namespaces: [ns] });

describe('file names with a space on Kestra 1.x', () => {
  it('applies once: the next plan matches the listed "+" name to the Git file, and prune keeps it', async () => {
    const k = fileEmulator(1);
    const s = stackOf([file(ns, '/docs/read me.txt', 'hello\n'), file(ns, '/a+b.txt', 'plus\n')], 1);
    const first = await converge(k, s, undefined);
    expect(first.rounds).toEqual([[`create file:${ns}:/a+b.txt @1`, `create file:${ns}:/docs/read me.txt @1`]]);
    expect(await k.list(ns, '/docs')).toEqual(['read+me.txt']);
    expect(Object.keys(first.state.resources).sort()).toEqual([`file:${ns}:/a+b.txt`, `file:${ns}:/docs/read me.txt`]);
    // The upload's time was recorded under the Git name: the next refresh reads no content.
    expect(first.state.resources[`file:${ns}:/docs/read me.txt`].live.lastModifiedTime).toEqual(expect.any(Number));
    k.calls.length = 0;
    const again = await converge(k, s, first.state);
    expect(again.rounds).toEqual([]);
    expect(k.calls.filter((c) => c.startsWith('getFileContent'))).toEqual([]);
    expect((await k.read(ns, '/docs/read me.txt')).text).toBe('hello\n');
  });

  it('plans a change made in Kestra to the "+" name as a change of the Git file', async () => {
    const k = fileEmulator(1);
    const s = stackOf([file(ns, '/docs/read me.txt', 'hello\n')], 1);
    const { state } = await converge(k, s, undefined);
    await k.upload(ns, '/docs/read+me.txt', 'edited in the UI\n');
    const { plan } = await planStack(s, state, { client: k.client, target: { url: 'http://kestra', tenant: 'main' }, kinds });
    expect(plan.steps.filter((st) => !isQuiet(st)).map((st) => `${st.action} ${st.address}`)).toEqual([`update file:${ns}:/docs/read me.txt`]);
    expect(plan.drift.map((d) => `${d.drift} ${d.address}`)).toEqual([`changed file:${ns}:/docs/read me.txt`]);
  });

  it('deletes a removed file with a space by its Git name', async () => {
    const k = fileEmulator(1);
    const { state } = await converge(k, stackOf([file(ns, '/docs/read me.txt', 'x'), file(ns, '/keep.txt', 'k')], 1), undefined);
    const next = await converge(k, stackOf([file(ns, '/keep.txt', 'k')], 1), state);
    expect(next.rounds).toEqual([[`delete file:${ns}:/docs/read me.txt @4`]]);
    expect(await k.list(ns)).toEqual(['keep.txt']);
  });

  it('on 2.x leaves a listed "+" name alone: it is another file', async () => {
    const k = fileEmulator(2);
    const s = stackOf([file(ns, '/read me.txt', 'x')], 2);
    await k.upload(ns, '/read+me.txt', 'unmanaged');
    const { rounds } = await converge(k, s, undefined);
    expect(rounds).toEqual([[`create file:${ns}:/read me.txt @1`, `delete file:${ns}:/read+me.txt @4`]]);
    expect(await k.list(ns)).toEqual(['read me.txt']);
  });
});

describe('a file and a directory at one path', () => {
  for (const major of [1, 2] as const) {
    it(`${major}.x: turns a file into a directory and back in one run each, the removal first`, async () => {
      const k = fileEmulator(major);
      const before = stackOf([file(ns, '/cfg', 'flat: true\n'), file(ns, '/other.txt', 'o')], major);
      const { state } = await converge(k, before, undefined);
      const asDirectory = stackOf([file(ns, '/cfg/a.yml', 'a: 1\n'), file(ns, '/cfg/b.yml', 'b: 1\n'), file(ns, '/other.txt', 'o')], major);
      const toDir = await converge(k, asDirectory, state);
      expect(toDir.rounds).toEqual([[`create file:${ns}:/cfg/a.yml @1 after file:${ns}:/cfg`, `create file:${ns}:/cfg/b.yml @1 after file:${ns}:/cfg`, `delete file:${ns}:/cfg @1`]]);
      expect(await k.list(ns, '/cfg')).toEqual(['a.yml', 'b.yml']);
      const back = await converge(k, before, toDir.state);
      expect(back.rounds).toEqual([[`create file:${ns}:/cfg @1 after file:${ns}:/cfg/a.yml, file:${ns}:/cfg/b.yml`, `delete file:${ns}:/cfg/a.yml @1`, `delete file:${ns}:/cfg/b.yml @1`]]);
      expect((await k.read(ns, '/cfg')).text).toBe('flat: true\n');
      expect(await k.list(ns)).toEqual(['cfg', 'other.txt']);
    });
  }

  it('removes an empty directory Kestra left at the path (its name used in another namespace), then writes the file', async () => {
    const k = fileEmulator(2);
    await k.upload('elsewhere', '/cfg/x.yml', 'x');
    const { state } = await converge(k, stackOf([file(ns, '/cfg/a.yml', 'a')], 2), undefined);
    const back = await converge(k, stackOf([file(ns, '/cfg', 'flat')], 2), state);
    expect(back.rounds).toHaveLength(1);
    expect((await k.read(ns, '/cfg')).text).toBe('flat');
    expect(await k.list('elsewhere', '/cfg')).toEqual(['x.yml']);
  });

  it('names what is in the way when Kestra holds files it does not manage there', async () => {
    const k = fileEmulator(2);
    await k.upload(ns, '/cfg/manual.yml', 'm');
    const s = stackOf([file(ns, '/cfg', 'flat')], 2, false);
    await expect(converge(k, s, undefined)).rejects.toThrow(/Kestra holds a directory \/cfg in namespace company\.team with 1 entry kestraform does not remove \(manual\.yml\)/);
    await k.remove(ns, '/cfg/manual.yml');
    await k.upload(ns, '/t.txt', 't');
    await expect(converge(k, stackOf([file(ns, '/t.txt/inner.txt', 'i')], 1, false), undefined)).rejects.toThrow(/needs a directory/);
  });
});

describe('writeAfterRemovals', () => {
  const w = (p: string, n = ns) => file(n, p, 'x');
  const pairs = (writes: DesiredFile[], removals: DesiredBase[]) => fileKind.writeAfterRemovals!(writes, removals.map((r) => r.address)).map((p) => `${p.write} after ${p.removal}`).sort();
  it('pairs a write with the removals at its path or above it, in the same namespace only', () => {
    expect(pairs([w('/cfg/a.yml'), w('/cfg/deep/b.yml')], [w('/cfg'), w('/cfg', 'other.ns'), w('/unrelated')])).toEqual([`file:${ns}:/cfg/a.yml after file:${ns}:/cfg`, `file:${ns}:/cfg/deep/b.yml after file:${ns}:/cfg`]);
    expect(pairs([w('/cfg')], [w('/cfg/a.yml'), w('/cfg/deep/b.yml'), w('/cfgx/c')])).toEqual([`file:${ns}:/cfg after file:${ns}:/cfg/a.yml`, `file:${ns}:/cfg after file:${ns}:/cfg/deep/b.yml`]);
    expect(pairs([w('/a.txt')], [w('/b.txt')])).toEqual([]);
  });
});

describe('checkOfflineTogether', () => {
  const check = (files: DesiredFile[], kestraMajor: 1 | 2) => fileKind.checkOfflineTogether!(files, { kestraMajor, projectDir: '/p' });
  it('refuses on 1.x two Git names stored as one, naming both paths', () => {
    const files = [file(ns, '/docs/a b.txt', '1', { sourcePath: '/p/tree/docs/a b.txt' }), file(ns, '/docs/a+b.txt', '2'), file(ns, '/docs/c d.txt', '3')];
    const found = check(files, 1);
    expect(found).toEqual([{ address: `file:${ns}:/docs/a b.txt`, message: expect.stringContaining('/docs/a b.txt (tree/docs/a b.txt) and /docs/a+b.txt are one file on Kestra 1.x'), hint: expect.any(String) }]);
    expect(check(files, 2)).toEqual([]);
  });

  it('refuses a file where another path needs a directory, on either line', () => {
    for (const major of [1, 2] as const) {
      const found = check([file(ns, '/cfg', 'x'), file(ns, '/cfg/a.yml', 'a'), file(ns, '/cfg/b.yml', 'b'), file('other', '/cfg/a.yml', 'a')], major);
      expect(found.map((f) => f.message)).toEqual([`namespace ${ns}: /cfg is a file, and /cfg/a.yml (and 1 more) needs a directory there: Kestra holds a path as a file or a directory, never both`]);
    }
    // On 1.x the directory "a b" is where the file "a+b" is.
    expect(check([file(ns, '/a+b', 'x'), file(ns, '/a b/c', 'c')], 1)).toHaveLength(1);
    expect(check([file(ns, '/a+b', 'x'), file(ns, '/a b/c', 'c')], 2)).toHaveLength(0);
  });
});
