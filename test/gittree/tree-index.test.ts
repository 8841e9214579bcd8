/**
 * The tree index (lib/gittree/tree-index.ts) through the real CLI, recorder and app: what it
 * gives an app run is what reading the files gives — also for a file rewritten behind its time —
 * and what a read reported is reported again.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, runCli, type TempProject } from '../cli/harness';
import { pastRacyWindow } from '../support/racy-window';
import { jsonExact } from '../../lib/gittree/tree-index';

const debug = { KESTRAFORM_SYNTH_CACHE_DEBUG: '1' };
const taken = (stderr: string) => {
  const m = /Tree index: (\d+) of (\d+) reads taken from it, (\d+) entries kept/.exec(stderr);
  if (!m) throw new Error(`no tree index line in:\n${stderr}`);
  return { taken: Number(m[1]), asked: Number(m[2]), kept: Number(m[3]) };
};
const synthesized = (p: TempProject) => {
  const out = path.join(p.dir, 'cdktf.out', 'stacks');
  return fs.readdirSync(out).map((s) => fs.readFileSync(path.join(out, s, 'cdk.tf.json'), 'utf8')).join('\n');
};

describe('the tree index', () => {
  let p: TempProject;
  let files = 0;
  let stacks = 0;
  beforeAll(async () => {
    p = makeProject({ context: { 'kestraform:environments': true } }); // several stacks over one tree, each reading it its own way
    // A flow whose file name is not its id: a warning every read must report.
    fs.copyFileSync(p.at('company.team', 'flows', 'hello-world.yml'), p.at('company.team', 'flows', 'greeting.yml'));
    fs.rmSync(p.at('company.team', 'flows', 'hello-world.yml'));
    // Files changed within 3 s of being read are never kept: let the copied tree age.
    await pastRacyWindow();
  });
  afterAll(() => p.cleanup());

  it('answers an app run with what reading the files gave, warnings included', async () => {
    const first = await runCli(p.dir, ['synth', '--no-cache'], debug);
    expect(first.code).toBe(0);
    // Each stack reads every file; the first read of each is kept and serves the other stacks —
    // but for company.team/kv.yaml, whose sensitive value is never copied into the index.
    const f = taken(first.stderr);
    files = f.kept;
    expect(files).toBeGreaterThan(5);
    stacks = f.asked / (files + 1);
    expect(Number.isInteger(stacks) && stacks > 1).toBe(true);
    expect(f.taken).toBe(f.asked - files - stacks);
    expect(fs.readFileSync(path.join(p.dir, '.kestraform', 'tree-index.bin')).includes('not-a-real-secret-but-masked')).toBe(false);
    const before = synthesized(p);
    const second = await runCli(p.dir, ['synth', '--no-cache'], debug);
    expect(second.code).toBe(0);
    expect(taken(second.stderr)).toEqual({ taken: f.asked - stacks, asked: f.asked, kept: files });
    expect(synthesized(p)).toBe(before);
    for (const r of [first, second]) expect(r.stderr).toMatch(/greeting\.yml.*file name "greeting\.yml" differs from the flow id "hello-world"/);
  });

  it('reads again a flow and a namespace file rewritten with the same size and modification time', async () => {
    const flow = p.at('company.team', 'flows', 'greeting.yml');
    const file = p.at('company.team', 'files', 'scripts', 'etl.py');
    const sameSize = (f: string, from: string, to: string) => {
      const st = fs.statSync(f);
      const text = fs.readFileSync(f, 'utf8');
      expect(text).toContain(from);
      expect(to).toHaveLength(from.length);
      const times = `${f}.times`;
      execFileSync('cp', ['-p', f, times]);
      fs.writeFileSync(f, text.replace(from, to));
      execFileSync('touch', ['-r', times, f]); // the times put back to the nanosecond: only the change time and the bytes tell
      fs.rmSync(times);
      expect(fs.statSync(f).size).toBe(st.size);
      expect(fs.statSync(f).mtimeMs).toBe(st.mtimeMs);
    };
    const flowText = fs.readFileSync(flow, 'utf8');
    const word = /message: (\S{4})/.exec(flowText)![1];
    sameSize(flow, `message: ${word}`, 'message: WXYZ');
    const script = fs.readFileSync(file, 'utf8');
    sameSize(file, script.slice(0, 4), 'ABCD');
    const r = await runCli(p.dir, ['synth'], debug);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Synth: reused');
    // Both files just written: read by every stack, and not kept (a stat this recent cannot vouch for the bytes).
    const t = taken(r.stderr);
    expect(t.taken).toBe(t.asked - 3 * stacks);
    expect(t.kept).toBe(files - 2);
    const out = synthesized(p);
    expect(out).toContain('message: WXYZ');
    const sha = require('node:crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(out).toContain(sha);
  });

  it('is not rewritten for a few changed files, which the next runs read again', async () => {
    await pastRacyWindow(); // the two files rewritten above are old enough to be kept now
    const indexFile = path.join(p.dir, '.kestraform', 'tree-index.bin');
    const before = fs.readFileSync(indexFile);
    const r = await runCli(p.dir, ['synth', '--no-cache'], debug);
    expect(r.code).toBe(0);
    const t = taken(r.stderr);
    // Each of the two read once, by the first stack, whose answers serve the others.
    expect(t.taken).toBe(t.asked - stacks - 2);
    expect(t.kept).toBe(files);
    // Two new entries, two old ones not taken: not worth rewriting the index for.
    expect(fs.readFileSync(indexFile).equals(before)).toBe(true);
    const again = await runCli(p.dir, ['synth', '--no-cache'], debug);
    expect(taken(again.stderr)).toEqual(t);
    expect(synthesized(p)).toContain('message: WXYZ');
  });

  it('is not used without the input recorder (the synth cache off)', async () => {
    const r = await runCli(p.dir, ['synth'], { ...debug, KESTRAFORM_SYNTH_CACHE: '0' });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/Tree index:/);
  });
});

describe('jsonExact (what the tree index keeps)', () => {
  it('holds exactly what JSON gives back as it was', () => {
    for (const x of ['a', 0, 1.5, -1, true, null, [], {}, { a: [1, { b: 'c' }], d: null }, [[], [{}]]]) {
      expect(jsonExact(x)).toBe(true);
      expect(JSON.parse(JSON.stringify(x))).toStrictEqual(x);
    }
    const hidden = { a: 1 };
    Object.defineProperty(hidden, 'b', { value: 2, enumerable: false });
    // eslint-disable-next-line no-sparse-arrays
    const notExact: unknown[] = [undefined, { a: undefined }, [1, , 3], -0, NaN, Infinity, new Date(0), new Map(), Object.create(null), { s: Symbol('s') }, { [Symbol('k')]: 1 }, () => 1, 1n, hidden, Object.assign([1], { extra: true })];
    for (const x of notExact) expect(jsonExact(x)).toBe(false);
  });
});
