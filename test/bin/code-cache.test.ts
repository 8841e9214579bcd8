/**
 * The installed CLI's code cache (bin/code-cache.js): the file's exports as require gives them, a
 * cache entry written by a run that ended well and kept while the file is unchanged, a new one for
 * a changed file (also one whose stat but its change time was put back), and never a cache from a folder others may write to. Each case runs in a fresh
 * Node process with its own TMPDIR.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pastRacyWindow } from '../support/racy-window';

const CODE_CACHE = path.resolve(__dirname, '../../bin/code-cache.js');

let dir: string;
let tmp: string;
let cacheDir: string;
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kf-code-cache-')));
  tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  cacheDir = path.join(tmp, `kestraform-code-${process.getuid?.() ?? 'user'}`);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Requires `file` through the code cache in a fresh process that exits with `exitCode`. */
function load(file: string, opts: { exitCode?: number; env?: Record<string, string> } = {}) {
  const script = `const m = require(${JSON.stringify(CODE_CACHE)}).requireWithCodeCache(${JSON.stringify(file)}, 'plan'); console.log(JSON.stringify(m)); process.exitCode = ${opts.exitCode ?? 0};`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: tmp, ...opts.env }, encoding: 'utf8' });
  return { stdout: r.stdout.trim(), stderr: r.stderr, status: r.status };
}

const entries = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => f.endsWith('.v8')) : []);

function writeModule(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('bin/code-cache.js', () => {
  it("gives the file's exports, with its own require, __dirname and __filename, and keeps one entry while the file is unchanged", () => {
    writeModule('helper.js', 'module.exports = 41;\n');
    const file = writeModule('main.js', "const path = require('node:path');\nmodule.exports = { n: require('./helper') + 1, dir: __dirname, base: path.basename(__filename), cached: require.cache[__filename] === module };\n");
    expect(load(file)).toMatchObject({ status: 0, stdout: JSON.stringify({ n: 42, dir, base: 'main.js', cached: true }) });
    expect(entries()).toHaveLength(1);
    const [entry] = entries();
    expect(entry).toMatch(/^plan-[0-9a-f]{16}-[0-9a-f]{40}\.v8$/);
    expect(fs.statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(cacheDir, entry)).mode & 0o777).toBe(0o600);
    const written = fs.statSync(path.join(cacheDir, entry)).mtimeMs;

    expect(load(file).stdout).toBe(JSON.stringify({ n: 42, dir, base: 'main.js', cached: true }));
    expect(entries()).toEqual([entry]);
    expect(fs.statSync(path.join(cacheDir, entry)).mtimeMs).toBe(written); // used, not written again
  });

  it('a changed file is compiled from its text: a new entry replaces the old one', () => {
    const file = writeModule('main.js', 'module.exports = "first";\n');
    expect(load(file).stdout).toBe('"first"');
    const [first] = entries();
    fs.writeFileSync(file, 'module.exports = "later";\n'); // the same length
    expect(load(file).stdout).toBe('"later"');
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).not.toBe(first);
  });

  it('a settled file is named by its stat; a rewrite of the same length, its modification time put back, still runs its new text', async () => {
    const file = writeModule('main.js', 'module.exports = "first";\n');
    const back = new Date(Date.now() - 10_000);
    fs.utimesSync(file, back, back);
    // Settled: changed more than 3 s ago (the change time cannot be put back, so wait it out).
    await pastRacyWindow();
    expect(load(file).stdout).toBe('"first"');
    const [byStat] = entries();
    expect(load(file).stdout).toBe('"first"');
    expect(entries()).toEqual([byStat]);
    fs.writeFileSync(file, 'module.exports = "later";\n');
    fs.utimesSync(file, back, back); // size, inode and modification time as before: only the change time moved
    expect(load(file).stdout).toBe('"later"');
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).not.toBe(byStat);
  });

  it("two installs keep their entries side by side: neither run replaces the other's", () => {
    const one = writeModule('one.js', 'module.exports = 1;\n');
    const two = writeModule('two.js', 'module.exports = 2;\n');
    load(one);
    load(two);
    const both = entries().sort();
    expect(both).toHaveLength(2);
    expect(load(one).stdout).toBe('1');
    expect(entries().sort()).toEqual(both);
  });

  it('writes no entry for a run that failed, nor when KESTRAFORM_CODE_CACHE=0', () => {
    const file = writeModule('main.js', 'module.exports = 1;\n');
    expect(load(file, { exitCode: 1 })).toMatchObject({ status: 1, stdout: '1' });
    expect(entries()).toEqual([]);
    expect(load(file, { env: { KESTRAFORM_CODE_CACHE: '0' } })).toMatchObject({ status: 0, stdout: '1' });
    expect(entries()).toEqual([]);
    expect(load(file, { exitCode: 2 }).status).toBe(2); // plan's "changes present" ends well
    expect(entries()).toHaveLength(1);
  });

  it('a damaged entry is rejected, the file still runs, and the entry is written again', () => {
    const file = writeModule('main.js', 'module.exports = { ok: true };\n');
    load(file);
    const entry = path.join(cacheDir, entries()[0]);
    fs.writeFileSync(entry, Buffer.from('not a code cache'));
    expect(load(file).stdout).toBe('{"ok":true}');
    expect(fs.readFileSync(entry).toString()).not.toBe('not a code cache');
  });

  it('never runs a cache from a folder others may write to (a planted cache of other code of the same length)', () => {
    const file = writeModule('main.js', 'module.exports = "AAAA";\n');
    const other = writeModule('other.js', 'module.exports = "BBBB";\n');
    load(other);
    const planted = fs.readFileSync(path.join(cacheDir, entries()[0]));
    fs.rmSync(cacheDir, { recursive: true });
    // The entry main.js would read: made by a first run, then swapped for the other file's cache.
    load(file);
    const entry = path.join(cacheDir, entries()[0]);
    fs.writeFileSync(entry, planted);
    // In the user's own folder, V8 takes a cache for a text of the same length: why the folder must be trusted.
    expect(load(file).stdout).toBe('"BBBB"');
    fs.chmodSync(cacheDir, 0o777);
    expect(load(file).stdout).toBe('"AAAA"');
    expect(fs.readFileSync(entry)).toEqual(planted); // neither read nor written
  });
});
