/**
 * Namespace files through the CLI against the embedded Kestra, where Kestra's own rules show:
 * - on Kestra 1.x a file name with a space is stored and listed with `+` (kestra-io/kestra#16896):
 *   `read me.txt` applies, the next plan has nothing to do, prune keeps it, pull writes it back
 *   to `read me.txt`;
 * - a Git change of file `cfg` into directory `cfg/…` (and back) applies in one run, although
 *   Kestra answers 409 to the upload before the delete (#17659, #18821).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunningKestraServer } from '../../lib/server';
import { makeProject, runCli, type TempProject } from './harness';
import { withoutSynthReuse } from '../support/synth-reuse';

jest.setTimeout(180_000);

const NS = 'demo.files';
const FLOW = `id: hello\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

/** A project over a tree of one namespace: a flow and the given files (path under files/ → text). */
function projectWith(files: Record<string, string>, context: Record<string, unknown>): TempProject {
  const p = makeProject({ context });
  fs.rmSync(p.tree, { recursive: true, force: true });
  fs.mkdirSync(p.at(NS, 'flows'), { recursive: true });
  fs.writeFileSync(p.at(NS, 'flows', 'hello.yml'), FLOW);
  for (const [rel, text] of Object.entries(files)) writeTreeFile(p, rel, text);
  return p;
}

function writeTreeFile(p: TempProject, rel: string, text: string): void {
  const at = p.at(NS, 'files', ...rel.split('/'));
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.writeFileSync(at, text);
}

async function startServer(kestraMajor: 1 | 2): Promise<RunningKestraServer> {
  const { startKestraServer } = await import('../../lib/server');
  return startKestraServer({ port: 0, kestraMajor });
}

const api = (server: RunningKestraServer, p: string) => `${server.url}/api/v1/main${p}`;

async function listing(server: RunningKestraServer, dir: string): Promise<string[]> {
  const r = await fetch(api(server, `/namespaces/${NS}/files/directory?path=${encodeURIComponent(dir)}`));
  if (r.status !== 200) return [`(${r.status})`];
  return ((await r.json()) as Array<{ fileName: string; type: string }>).map((e) => `${e.fileName}${e.type === 'Directory' ? '/' : ''}`);
}

async function upload(server: RunningKestraServer, p: string, text: string): Promise<number> {
  const form = new FormData();
  form.append('fileContent', new Blob([text]), 'content');
  return (await fetch(api(server, `/namespaces/${NS}/files?path=${encodeURIComponent(p)}`), { method: 'POST', body: form })).status;
}

async function read(server: RunningKestraServer, p: string): Promise<string> {
  const r = await fetch(api(server, `/namespaces/${NS}/files?path=${encodeURIComponent(p)}`));
  return r.status === 200 ? r.text() : `(${r.status})`;
}

describe('a file name with a space on Kestra 1.x (CLI)', () => {
  let server: RunningKestraServer;
  let project: TempProject;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startServer(1);
    project = projectWith({ 'docs/read me.txt': 'hello\n', 'docs/other.txt': 'other\n' }, { 'kestraform:kestraVersion': 1, 'kestraform:prune': true });
    env = { KESTRA_URL: server.url };
  });
  afterAll(async () => {
    await server?.close();
    project?.cleanup();
  });

  it('applies, and Kestra stores it as read+me.txt', async () => {
    const apply = await runCli(project.dir, ['apply', '--auto-approve'], env);
    expect(withoutSynthReuse(apply.stderr)).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Resources: 3 added, 0 changed, 0 destroyed/);
    // The server speaks 1.x: the name it lists is the `+` one (createKestraHandler gives
    // fileRoutes the line it emulates).
    expect(await listing(server, '/docs')).toEqual(['other.txt', 'read+me.txt']);
  });

  it('has no changes on the next plan, and prune keeps the file', async () => {
    const plan = await runCli(project.dir, ['plan', '--detailed-exitcode'], env);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
    const apply = await runCli(project.dir, ['apply', '--auto-approve'], env);
    expect(apply.code).toBe(0);
    expect(apply.stdout).not.toMatch(/destroy(ed)?[^\n]*read/);
    expect(await read(server, '/docs/read me.txt')).toBe('hello\n');
    expect(await listing(server, '/docs')).toEqual(['other.txt', 'read+me.txt']);
  });

  it('pulls a change made in Kestra into read me.txt, never read+me.txt', async () => {
    expect(await upload(server, '/docs/read+me.txt', 'edited in the UI\n')).toBe(200);
    const pull = await runCli(project.dir, ['pull', '--include-unmanaged', '--force'], env);
    expect(pull.code).toBe(0);
    expect(pull.stdout).toContain(`file:${NS}:/docs/read me.txt`);
    expect(fs.readFileSync(project.at(NS, 'files', 'docs', 'read me.txt'), 'utf8')).toBe('edited in the UI\n');
    expect(fs.readdirSync(project.at(NS, 'files', 'docs')).sort()).toEqual(['other.txt', 'read me.txt']);
    const plan = await runCli(project.dir, ['plan', '--detailed-exitcode'], env);
    expect(plan.stdout).toContain('No changes.');
  });

  it('refuses a tree holding both "a b" and "a+b" in one namespace, naming the files', async () => {
    writeTreeFile(project, 'docs/read+me.txt', 'another file\n');
    const validate = await runCli(project.dir, ['validate'], env);
    expect(validate.code).not.toBe(0);
    expect(validate.stdout + validate.stderr).toMatch(/\/docs\/read me\.txt .*and \/docs\/read\+me\.txt .*are one file on Kestra 1\.x/);
    fs.rmSync(project.at(NS, 'files', 'docs', 'read+me.txt'));
  });
});

describe('a file turned into a directory and back (CLI)', () => {
  let server: RunningKestraServer;
  let project: TempProject;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startServer(2);
    project = projectWith({ cfg: 'flat: true\n', 'keep.txt': 'k\n' }, {});
    env = { KESTRA_URL: server.url };
    expect((await runCli(project.dir, ['apply', '--auto-approve'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    project?.cleanup();
  });

  it('is refused by Kestra in the wrong order', async () => {
    expect(await upload(server, '/cfg/probe.yml', 'x')).toBe(409);
    expect(await listing(server, '/')).toEqual(['cfg', 'keep.txt']);
  });

  it('applies file → directory in one run', async () => {
    fs.rmSync(project.at(NS, 'files', 'cfg'));
    writeTreeFile(project, 'cfg/a.yml', 'a: 1\n');
    writeTreeFile(project, 'cfg/b.yml', 'b: 1\n');
    const apply = await runCli(project.dir, ['apply', '--auto-approve'], env);
    expect(withoutSynthReuse(apply.stderr)).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Resources: 2 added, 0 changed, 1 destroyed/);
    expect(await listing(server, '/cfg')).toEqual(['a.yml', 'b.yml']);
    expect((await runCli(project.dir, ['plan', '--detailed-exitcode'], env)).code).toBe(0);
  });

  it('applies directory → file in one run', async () => {
    fs.rmSync(project.at(NS, 'files', 'cfg'), { recursive: true });
    writeTreeFile(project, 'cfg', 'flat again\n');
    const apply = await runCli(project.dir, ['apply', '--auto-approve'], env);
    expect(withoutSynthReuse(apply.stderr)).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Resources: 1 added, 0 changed, 2 destroyed/);
    expect(await read(server, '/cfg')).toBe('flat again\n');
    expect(await listing(server, '/')).toEqual(['cfg', 'keep.txt']);
    expect((await runCli(project.dir, ['plan', '--detailed-exitcode'], env)).code).toBe(0);
  });
});
