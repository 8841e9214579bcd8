/**
 * The checkout's compiler for kestraform's own TypeScript (bin/ts-source-loader.js, used by
 * bin/kestraform.js when lib/ is there): it compiles, its cache follows the source, it names the
 * TypeScript line in a stack, and it never runs compiled code from a cache folder others may write.
 * Each case runs in a child process with its own TMPDIR (the loader hooks `.ts` process-wide).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const LOADER = path.join(REPO, 'bin', 'ts-source-loader.js');

let dir: string;
let tmp: string;
let cacheDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-ts-loader-'));
  tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  cacheDir = path.join(tmp, `kestraform-ts-${process.getuid?.() ?? 'user'}`);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Requires `file` through the loader in a fresh process; what it printed, or its error. */
function load(file: string): { stdout: string; stderr: string; status: number | null } {
  const script = `require(${JSON.stringify(LOADER)}).registerTsSources(${JSON.stringify(REPO)}); console.log(JSON.stringify(require(${JSON.stringify(file)})));`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
  return { stdout: r.stdout.trim(), stderr: r.stderr, status: r.status };
}

const cached = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => f.endsWith('.js')) : []);

describe('bin/ts-source-loader.js', () => {
  it('compiles TypeScript, and a changed source is compiled again, never taken from the cache', () => {
    const file = path.join(dir, 'answer.ts');
    fs.writeFileSync(file, 'interface Box { n: number }\nconst box: Box = { n: 41 + 1 };\nexport const answer: number = box.n;\n');
    expect(load(file)).toMatchObject({ status: 0, stdout: '{"answer":42}' });
    expect(cached()).toHaveLength(1);
    expect(load(file).stdout).toBe('{"answer":42}');
    expect(cached()).toHaveLength(1);
    fs.writeFileSync(file, 'export const answer: string = "changed";\n');
    expect(load(file).stdout).toBe('{"answer":"changed"}');
    expect(cached()).toHaveLength(2);
  });

  it("names the TypeScript file and line in an error's stack", () => {
    const file = path.join(dir, 'boom.ts');
    fs.writeFileSync(file, 'type T = { a: number };\n\nexport function f(t?: T): never {\n  throw new Error(`boom ${t?.a}`);\n}\nf();\n');
    const r = load(file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${file}:4`);
  });

  it('uses its own cache folder, and no cache folder that others may write to', () => {
    const file = path.join(dir, 'answer.ts');
    fs.writeFileSync(file, 'export const answer: number = 42;\n');
    expect(load(file).stdout).toBe('{"answer":42}');
    const [entry] = cached();
    // Someone rewrites the compiled file: from the loader's own folder, it is what runs…
    fs.writeFileSync(path.join(cacheDir, entry), 'module.exports = { answer: "from the cache" };\n');
    expect(load(file).stdout).toBe('{"answer":"from the cache"}');
    // …but not once the folder may be written by others.
    fs.chmodSync(cacheDir, 0o777);
    expect(load(file).stdout).toBe('{"answer":42}');
  });
});
