/**
 * Reusing a synth (lib/project/synth-cache): only when nothing the app read changed. Each kind
 * of input is changed once and must bring a fresh synth (the app runs: a counter file it writes
 * grows); an unchanged project must not run the app at all. Real app runs, through the real CLI
 * for the example stack, and in-process with stand-in apps for what the recorder follows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { REPO, runCli, type CliResult } from '../cli/harness';
import { execForm, simpleCommand, stillPublished, INPUTS_FILE } from '../../lib/project/synth-cache';
import { standIn, withEnv } from '../support/stand-in-app';
import { sourcesVouchedFor } from '../../lib/project/synth';
import { pastRacyWindow } from '../support/racy-window';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** The example stack in a project of its own (its main.ts and stacks copied, so they can be edited), whose app counts its runs. */
function exampleProject() {
  const dir = tmp('kf-cache-');
  const tree = path.join(dir, 'tree');
  fs.cpSync(path.join(REPO, 'examples', 'kestra'), tree, { recursive: true });
  fs.cpSync(path.join(REPO, 'stacks'), path.join(dir, 'stacks'), { recursive: true });
  fs.copyFileSync(path.join(REPO, 'main.ts'), path.join(dir, 'main.ts'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'kestraform'));
  const runs = path.join(dir, 'runs.log');
  fs.writeFileSync(
    path.join(dir, 'app.js'),
    [
      `require('fs').appendFileSync(${JSON.stringify(runs)}, 'run\\n');`,
      `process.argv.splice(2, 0, require('path').join(__dirname, 'main.ts'));`,
      `require(${JSON.stringify(path.join(REPO, 'bin', 'run-ts.js'))});`,
    ].join('\n'),
  );
  const cdktf = { language: 'typescript', app: 'node app.js', output: 'cdktf.out', context: { 'kestraform:tree': tree, 'kestraform:environments': true } };
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify(cdktf, null, 2));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'x', lockfileVersion: 3, packages: {} }, null, 2));
  const count = () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);
  return { dir, tree, at: (...p: string[]) => path.join(tree, ...p), count, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

type Example = ReturnType<typeof exampleProject>;

async function synth(p: Example, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<CliResult & { ran: boolean }> {
  const before = p.count();
  const r = await runCli(p.dir, ['synth', ...args], { KESTRAFORM_SYNTH_CACHE_DEBUG: '1', ...env });
  if (r.code !== 0) throw new Error(`synth failed (${r.code}):\n${r.stderr}`);
  return { ...r, ran: p.count() > before };
}

/** The app ran, for the reason given (the debug line names what changed). */
async function expectFresh(p: Example, reason: RegExp, args: string[] = [], env: Record<string, string | undefined> = {}) {
  const r = await synth(p, args, env);
  expect(r.stderr).toMatch(reason);
  expect(r.stderr).not.toContain('Synth: reused');
  expect(r.ran).toBe(true);
  return r;
}

/** No app ran: the synth was reused, and said so. */
async function expectReused(p: Example, env: Record<string, string | undefined> = {}) {
  const r = await synth(p, [], env);
  expect(r.stderr).toMatch(/^Synth: reused cdktf\.out \(nothing the app read changed since \d\d:\d\d:\d\d; --no-cache runs the app\)$/m);
  expect(r.ran).toBe(false);
  return r;
}

const flowFile = (p: Example) => p.at('company.team', 'flows', 'hello-world.yml');

describe('reusing a synth: the example stack through the CLI', () => {
  let p: Example;
  beforeAll(() => {
    p = exampleProject();
    fs.writeFileSync(p.at('.gitignore'), '*.tmp\n');
  });
  afterAll(() => p.cleanup());

  it('runs the app the first time and records what it read', async () => {
    await expectFresh(p, /running the app: no recorded synth/);
    const m = JSON.parse(fs.readFileSync(path.join(p.dir, 'cdktf.out', INPUTS_FILE), 'utf8'));
    expect(m.reusable).toBe(true);
    const files = (m.files as string[][]).map((f) => f[0]);
    expect(files).toEqual(expect.arrayContaining([flowFile(p), path.join(p.dir, 'stacks', 'environments.ts'), path.join(p.dir, 'main.ts')]));
    expect(Object.keys(m.env.names)).toEqual(expect.arrayContaining(['KESTRAFORM_PREVIEW_PREFIX', 'CDKTF_CONTEXT_JSON', 'PATH']));
    // Values of the environment never in clear, nor as a plain hash.
    const text = fs.readFileSync(path.join(p.dir, 'cdktf.out', INPUTS_FILE), 'utf8');
    expect(text).not.toContain(process.env.PATH!);
    expect(fs.statSync(path.join(p.dir, '.kestraform', 'cache-key')).mode & 0o777).toBe(0o600);
    // Nothing left beside the output folder.
    expect(fs.readdirSync(p.dir).filter((n) => n.startsWith('.cdktf.out.'))).toEqual([]);
  });

  it('reuses it when nothing changed, without starting the app', async () => {
    await expectReused(p);
    await expectReused(p, { SOME_VARIABLE_THE_APP_NEVER_READS: 'x' });
  });

  it('runs the app after a flow file is edited', async () => {
    fs.appendFileSync(flowFile(p), '# edited\n');
    await expectFresh(p, /tree\/company\.team\/flows\/hello-world\.yml changed/);
    await expectReused(p);
  });

  it('runs the app when a file of the same size and time is rewritten (its bytes decide)', async () => {
    const file = flowFile(p);
    const st = fs.statSync(file);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('# edited', '# EDITED'));
    fs.utimesSync(file, st.atime, st.mtime);
    await expectFresh(p, /hello-world\.yml changed/);
  });

  it('still reuses after a file is only touched (same bytes)', async () => {
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(flowFile(p), later, later);
    await expectReused(p);
  });

  it('runs the app after a file is added to a tree folder', async () => {
    fs.writeFileSync(p.at('company.team', 'flows', 'added.yml'), 'id: added\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n');
    await expectFresh(p, /folder tree\/company\.team\/flows changed/);
    expect(fs.readFileSync(path.join(p.dir, 'cdktf.out', 'stacks', 'example', 'cdk.tf.json'), 'utf8')).toContain('id: added');
    await expectReused(p);
  });

  it('runs the app after a file is deleted', async () => {
    fs.rmSync(p.at('company.team', 'flows', 'added.yml'));
    await expectFresh(p, /added\.yml is gone|folder tree\/company\.team\/flows changed/);
  });

  it('runs the app after a .gitignore changed', async () => {
    fs.writeFileSync(p.at('.gitignore'), '*.tmp\nREADME-windows.txt\n');
    await expectFresh(p, /tree\/\.gitignore changed/);
    await expectReused(p);
  });

  it('runs the app after a stack source changed', async () => {
    fs.appendFileSync(path.join(p.dir, 'stacks', 'environments.ts'), '\n// edited\n');
    await expectFresh(p, /stacks\/environments\.ts changed/);
    // The TypeScript compiler's worker thread and its service process are followed: the next run reuses.
    await expectReused(p);
  });

  it('runs the app when a module file appears that resolution would now pick', async () => {
    // `./stacks/extra` resolves to the folder's index.ts; an extra.ts beside the folder would be found first.
    fs.mkdirSync(path.join(p.dir, 'stacks', 'extra'));
    fs.writeFileSync(path.join(p.dir, 'stacks', 'extra', 'index.ts'), 'export const extra = 1;\n');
    fs.appendFileSync(path.join(p.dir, 'main.ts'), "import './stacks/extra';\n");
    await expectFresh(p, /main\.ts changed/);
    await expectReused(p);
    fs.writeFileSync(path.join(p.dir, 'stacks', 'extra.ts'), "throw new Error('extra.ts is the module now');\n");
    const r = await runCli(p.dir, ['synth'], { KESTRAFORM_SYNTH_CACHE_DEBUG: '1' });
    expect(r.stderr).toMatch(/stacks\/extra\.ts changed|folder stacks changed/);
    expect(r.stderr).toMatch(/extra\.ts is the module now/);
    expect(r.code).toBe(1);
    fs.rmSync(path.join(p.dir, 'stacks', 'extra.ts'));
    await expectReused(p);
  });

  it('runs the app after cdktf.json changed', async () => {
    const file = path.join(p.dir, 'cdktf.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), projectId: 'edited' }, null, 2));
    await expectFresh(p, /cdktf\.json changed/);
    await expectReused(p);
  });

  it('runs the app after the lockfile changed', async () => {
    fs.writeFileSync(path.join(p.dir, 'package-lock.json'), JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { version: '2' } } }));
    await expectFresh(p, /a lockfile changed/);
    await expectReused(p);
  });

  it('runs the app when an environment variable the stack reads changed', async () => {
    const r = await expectFresh(p, /environment variable KESTRAFORM_PREVIEW_PREFIX changed/, [], { KESTRAFORM_PREVIEW_PREFIX: 'pr-7.' });
    expect(r.stdout).toMatch(/preview/);
    await expectReused(p, { KESTRAFORM_PREVIEW_PREFIX: 'pr-7.' });
    const back = await expectFresh(p, /KESTRAFORM_PREVIEW_PREFIX changed/);
    expect(back.stdout).not.toMatch(/Stack preview|"preview"/);
  });

  it('runs the app when the output folder was edited since the synth', async () => {
    const file = path.join(p.dir, 'cdktf.out', 'manifest.json');
    fs.appendFileSync(file, ' ');
    await expectFresh(p, /cdktf\.out\/manifest\.json changed since the synth/);
  });

  it('runs the app when the recorded Node.js or kestraform version differs', async () => {
    const file = path.join(p.dir, 'cdktf.out', INPUTS_FILE);
    const edit = (f: (m: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const m = JSON.parse(fs.readFileSync(file, 'utf8'));
      f(m);
      fs.writeFileSync(file, JSON.stringify(m));
    };
    await expectReused(p);
    edit((m) => (m.given.node = 'v18.0.0'));
    await expectFresh(p, /Node\.js v\d+.* now, v18\.0\.0/);
    edit((m) => (m.given.kestraform = '0.0.1'));
    await expectFresh(p, /kestraform \S+ now, 0\.0\.1 when it ran/);
    await expectReused(p);
  });

  it('runs the app with --no-cache, and with KESTRAFORM_SYNTH_CACHE=0 (which records nothing)', async () => {
    await expectFresh(p, /^(?![\s\S]*Synth cache: reusing)/, ['--no-cache']);
    await expectReused(p);
    await expectFresh(p, /KESTRAFORM_SYNTH_CACHE turns the cache off/, [], { KESTRAFORM_SYNTH_CACHE: '0' });
    expect(fs.existsSync(path.join(p.dir, 'cdktf.out', INPUTS_FILE))).toBe(false);
    await expectFresh(p, /no recorded synth/);
    await expectReused(p);
  });

  it('leaves no reusable synth when the app fails', async () => {
    const before = p.count();
    const bad = await runCli(p.dir, ['synth'], { KESTRAFORM_PREVIEW_PREFIX: 'Not A Preview!', KESTRAFORM_SYNTH_CACHE_DEBUG: '1' });
    expect(bad.code).toBe(1);
    expect(p.count()).toBe(before + 1);
    const again = await runCli(p.dir, ['synth'], { KESTRAFORM_PREVIEW_PREFIX: 'Not A Preview!', KESTRAFORM_SYNTH_CACHE_DEBUG: '1' });
    expect(again.code).toBe(1);
    expect(p.count()).toBe(before + 2);
    expect(fs.readdirSync(p.dir).filter((n) => n.startsWith('.cdktf.out.'))).toEqual([]);
    // The synth before the failures is still the one whose inputs are the current ones.
    await expectReused(p);
  });

  it('leaves no reusable synth when the CLI is killed while the app runs', async () => {
    fs.appendFileSync(flowFile(p), '# killed\n');
    const before = p.count();
    // Killed once its app has started.
    const killed = await runCli(p.dir, ['synth'], {}, { killWhen: async () => p.count() > before });
    expect(killed.signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 1500)); // the orphaned app finishes (or not) on its own
    expect(p.count()).toBeGreaterThan(before);
    await expectFresh(p, /hello-world\.yml changed/);
  });

  it('lets commands run at once, each with a complete synth, and the next one reuses', async () => {
    fs.appendFileSync(flowFile(p), '# concurrent\n');
    const before = p.count();
    const [a, b, c] = await Promise.all([synth(p), synth(p), synth(p, ['--no-cache'])]);
    for (const r of [a, b, c]) expect(r.stdout).toMatch(/Synthesized to cdktf\.out/);
    expect(p.count()).toBeGreaterThanOrEqual(before + 2);
    await expectReused(p);
  });

  it('says so on plan too', async () => {
    const r = await runCli(p.dir, ['plan', '--stack', 'dev']);
    expect(r.code).toBe(0);
    const again = await runCli(p.dir, ['plan', '--stack', 'dev']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/^Synth: reused cdktf\.out \(nothing the app read changed since /m);
    expect(again.stdout).toBe(r.stdout);
  });
});

// ---- what the recorder follows, with stand-in apps (in process) ----

describe('reusing a synth: what the recorder follows', () => {
  const made: { cleanup(): void }[] = [];
  const app = (body: string) => {
    const a = standIn(body);
    made.push(a);
    return a;
  };
  afterAll(() => made.forEach((m) => m.cleanup()));

  it('follows a file read through a descriptor, and a path probed and found absent', async () => {
    const a = app(`
const fd = fs.openSync(path.join(__dirname, 'data.txt'), 'r');
const buf = Buffer.alloc(100); fs.readSync(fd, buf, 0, 100, null); fs.readSync(fd, buf, 0, 100, null); fs.closeSync(fd);
fs.existsSync(path.join(__dirname, 'maybe.txt'));`);
    fs.writeFileSync(path.join(a.dir, 'data.txt'), 'one');
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
    fs.writeFileSync(path.join(a.dir, 'data.txt'), 'two');
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
    fs.writeFileSync(path.join(a.dir, 'maybe.txt'), 'now here');
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
  });

  it('sees a folder change after its stat vouched for its listing', async () => {
    const a = app(`fs.readdirSync(path.join(__dirname, 'folder'), { withFileTypes: true });`);
    fs.mkdirSync(path.join(a.dir, 'folder'));
    fs.writeFileSync(path.join(a.dir, 'folder', 'one'), '');
    expect(await a.run()).toBe(true);
    await pastRacyWindow();
    // Listed again, then vouched for by the folder's stat.
    expect(await a.run()).toBe(false);
    const verified = JSON.parse(fs.readFileSync(path.join(a.dir, '.kestraform', 'synth-verified.json'), 'utf8')).files;
    expect(Object.keys(verified)).toContain(`${path.join(a.dir, 'folder')}\0listing`);
    expect(await a.run()).toBe(false);
    fs.writeFileSync(path.join(a.dir, 'folder', 'two'), '');
    expect(await a.run()).toBe(true);
    await pastRacyWindow();
    expect(await a.run()).toBe(false);
    fs.renameSync(path.join(a.dir, 'folder', 'two'), path.join(a.dir, 'folder', 'three'));
    expect(await a.run()).toBe(true);
    await pastRacyWindow();
    expect(await a.run()).toBe(false);
    // A name that becomes a folder (its type is listed).
    fs.rmSync(path.join(a.dir, 'folder', 'three'));
    fs.mkdirSync(path.join(a.dir, 'folder', 'three'));
    expect(await a.run()).toBe(true);
  }, 30_000);

  it('follows async reads and listings', async () => {
    const a = app(`
(async () => {
  await fs.promises.readFile(path.join(__dirname, 'data.txt'), 'utf8');
  await fs.promises.readdir(path.join(__dirname, 'folder'));
})().then(() => {}, (e) => { console.error(e); process.exit(1); });
`);
    fs.writeFileSync(path.join(a.dir, 'data.txt'), 'one');
    fs.mkdirSync(path.join(a.dir, 'folder'));
    // The stand-in writes its output at once; the reads finish before it exits.
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
    fs.writeFileSync(path.join(a.dir, 'folder', 'new'), '');
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
  });

  it("follows the package scope Node reads for a module (package.json, also one that appears)", async () => {
    const a = app('');
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
    fs.writeFileSync(path.join(a.dir, 'package.json'), JSON.stringify({ name: 'x', type: 'commonjs' }));
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
    fs.writeFileSync(path.join(a.dir, 'package.json'), JSON.stringify({ name: 'x', type: 'commonjs', imports: { '#a': './a.js' } }));
    expect(await a.run()).toBe(true);
  });

  it('compares the environment variables the app read, and only those', async () => {
    const a = app(`void process.env.KF_TEST_READ; void ('KF_TEST_PROBED' in process.env);`);
    await withEnv({ KF_TEST_READ: '1', KF_TEST_PROBED: undefined, KF_TEST_OTHER: 'a' }, async () => {
      expect(await a.run()).toBe(true);
      expect(await a.run()).toBe(false);
    });
    await withEnv({ KF_TEST_READ: '1', KF_TEST_PROBED: undefined, KF_TEST_OTHER: 'b' }, async () => expect(await a.run()).toBe(false));
    await withEnv({ KF_TEST_READ: '2', KF_TEST_PROBED: undefined }, async () => expect(await a.run()).toBe(true));
    await withEnv({ KF_TEST_READ: '2', KF_TEST_PROBED: 'x' }, async () => expect(await a.run()).toBe(true));
    // Digests only: the value is nowhere in the manifest.
    expect(JSON.stringify(a.manifest())).not.toMatch(/"x"|KF_TEST_OTHER/);
  });

  it('compares the whole environment once the app enumerated it', async () => {
    const a = app(`void Object.keys(process.env).length;`);
    await withEnv({ KF_TEST_OTHER: 'a' }, async () => {
      expect(await a.run()).toBe(true);
      expect(await a.run()).toBe(false);
    });
    await withEnv({ KF_TEST_OTHER: 'b' }, async () => expect(await a.run()).toBe(true));
  });

  it('never reuses a run that started a program it cannot follow', async () => {
    const a = app(`require('child_process').spawnSync('/bin/sh', ['-c', 'true']);`);
    expect(await a.run()).toBe(true);
    expect(a.manifest()).toMatchObject({ reusable: false, reason: expect.stringMatching(/did not report what it read/) });
    expect(await a.run()).toBe(true);
  });

  it('never reuses a run that used the network', async () => {
    const a = app(`require('net').connect(9, '127.0.0.1').on('error', () => {});`);
    expect(await a.run()).toBe(true);
    expect(a.manifest()).toMatchObject({ reusable: false, reason: expect.stringMatching(/network connection \(127\.0\.0\.1:9\)/) });
    expect(await a.run()).toBe(true);
  });

  it('follows a Node.js child process and a worker thread', async () => {
    const a = app(`
require('child_process').spawnSync(process.execPath, ['-e', "require('fs').readFileSync(" + JSON.stringify(path.join(__dirname, 'child.txt')) + ")"]);
const { Worker } = require('worker_threads');
new Worker("require('fs').readFileSync(" + JSON.stringify(path.join(__dirname, 'worker.txt')) + ")", { eval: true }).on('exit', () => {});
require('child_process').execFileSync; // not called
const wait = Date.now() + 300; while (Date.now() < wait) {}
`);
    fs.writeFileSync(path.join(a.dir, 'child.txt'), '1');
    fs.writeFileSync(path.join(a.dir, 'worker.txt'), '1');
    expect(await a.run()).toBe(true);
    expect(a.manifest().reusable).toBe(true);
    expect(await a.run()).toBe(false);
    fs.writeFileSync(path.join(a.dir, 'child.txt'), '2');
    expect(await a.run()).toBe(true);
    expect(await a.run()).toBe(false);
  });

  it('removes the record folders a killed run left, and leaves none of its own', async () => {
    const a = app('');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const left = path.join(a.dir, `.cdktf.out.inputs-${dead}-0badc0de`);
    fs.mkdirSync(left);
    expect(await a.run()).toBe(true);
    expect(fs.existsSync(left)).toBe(false);
    expect(fs.readdirSync(a.dir).filter((n) => n.startsWith('.cdktf.out.'))).toEqual([]);
  });

  it('does not reuse when the app command is more than one plain command', async () => {
    const a = app('');
    a.project.app = `cd . && ${a.project.app}`;
    expect(await a.run()).toBe(true);
    expect(a.manifest()).toMatchObject({ reusable: false, reason: expect.stringMatching(/more than one plain command/) });
    expect(await a.run()).toBe(true);
  });
});

describe('simpleCommand', () => {
  it('accepts a program and its words, quoted or not, with assignments and exec', () => {
    for (const c of ['node app.js', 'kestraform-app main.ts', '"/usr/bin/node" "/a b/run-ts.js" main.ts', "FOO=1 node 'x y.js'", 'exec node main.js', 'npx tsx main.ts']) expect(simpleCommand(c)).toBe(true);
  });
  it('refuses what makes the shell do more than start one program', () => {
    for (const c of ['cd x && node a', 'node a; node b', 'node $ENTRY', 'node `x`', 'node a > out', 'node a | cat', 'node *.js', 'if true; then node a; fi', 'FOO=1', 'cd x', '. ./env.sh', 'node "$HOME/a"', 'node a &', '']) expect(simpleCommand(c)).toBe(false);
  });
});

describe('execForm', () => {
  it('runs a simple command as the shell itself, after its assignments', () => {
    expect(execForm('kestraform-app main.ts')).toBe('exec kestraform-app main.ts');
    expect(execForm("FOO=1 BAR='a b' node 'x y.js'")).toBe("FOO=1 BAR='a b' exec node 'x y.js'");
    expect(execForm('exec node main.js')).toBe('exec node main.js');
    expect(execForm('FOO=1 exec node main.js')).toBe('FOO=1 exec node main.js');
  });
  it('leaves any other command to the shell', () => {
    for (const c of ['cd x && node a', 'node a | cat', 'node $ENTRY', '']) expect(execForm(c)).toBeUndefined();
  });
  it('gives the shell what it runs as the app: the same words and environment, in the process the shell was', () => {
    const r = spawnSync(execForm(`FOO='a b' node -e "console.log(process.pid, process.env.FOO)"`)!, { shell: true, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`${r.pid} a b`);
  });
});

describe('what a synth vouches for', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it('reused: the bytes of each file the app read whole, by their sha256, and nothing else', async () => {
    const a = standIn(`fs.readFileSync(path.join(__dirname, 'data.txt'));`);
    const data = path.join(a.dir, 'data.txt');
    fs.writeFileSync(data, 'the bytes\n');
    try {
      expect((await a.synth()).ran).toBe(true);
      const reused = await a.synth();
      expect(reused.ran).toBe(false);
      const vouches = sourcesVouchedFor(reused.desired)!;
      expect(vouches(data, sha('the bytes\n'))).toBe(true);
      expect(vouches(data, sha('other bytes\n'))).toBe(false);
      expect(vouches(path.join(a.dir, 'never-read.txt'), sha('the bytes\n'))).toBe(false);
    } finally {
      a.cleanup();
    }
  });

  it('fresh: a file the app read whole while its stat is the one recorded; not one written just before the read, nor one changed since', async () => {
    const a = standIn(`fs.readFileSync(path.join(__dirname, 'data.txt')); fs.readFileSync(path.join(__dirname, 'young.txt'));`);
    const data = path.join(a.dir, 'data.txt');
    const young = path.join(a.dir, 'young.txt');
    fs.writeFileSync(data, 'the bytes\n');
    await pastRacyWindow();
    fs.writeFileSync(young, 'new bytes\n');
    try {
      const fresh = await a.synth();
      expect(fresh.ran).toBe(true);
      const vouches = sourcesVouchedFor(fresh.desired)!;
      expect(vouches(data, sha('the bytes\n'))).toBe(true);
      expect(vouches(data, sha('other bytes\n'))).toBe(false);
      // Written within a tick of the read: its stat cannot stand for its bytes; they are read again.
      expect(vouches(young, sha('new bytes\n'))).toBe(false);
      // Rewritten after the app read it, same size and modification time: the change time tells.
      const { atime, mtime } = fs.statSync(data);
      fs.writeFileSync(data, 'othr bytes\n'.slice(0, 10));
      fs.utimesSync(data, atime, mtime);
      expect(vouches(data, sha('the bytes\n'))).toBe(false);
    } finally {
      a.cleanup();
    }
  });
});

describe('whether the output folder still holds a synth', () => {
  it('reads the id from the head of the manifest as merge writes it, and parses any other manifest whole', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-published-'));
    const project = { dir, app: 'node app.js', outDir: path.join(dir, 'cdktf.out'), context: {} };
    fs.mkdirSync(project.outDir);
    const write = (manifest: string) => fs.writeFileSync(path.join(project.outDir, INPUTS_FILE), manifest);
    write(JSON.stringify({ format: 2, synthId: 'abc123', createdAt: 1, reusable: true, files: Array.from({ length: 5000 }, (_, i) => [`/f${i}`]) }));
    expect(stillPublished(project, 'abc123')).toBe(true);
    expect(stillPublished(project, 'abc12')).toBe(false);
    write(JSON.stringify({ synthId: 'def456', format: 2 }));
    expect(stillPublished(project, 'def456')).toBe(true);
    write('{"format":2,"synthId":"abc123"');
    expect(stillPublished(project, 'abc123')).toBe(true); // the head tells; a damaged rest fails the cache's own check
    write('not json');
    expect(stillPublished(project, 'abc123')).toBe(false);
    fs.rmSync(path.join(project.outDir, INPUTS_FILE));
    expect(stillPublished(project, 'abc123')).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
