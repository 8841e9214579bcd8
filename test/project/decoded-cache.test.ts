/**
 * The read of a reused synth kept for the next command (lib/project/decoded-cache): given back
 * equal, only for the synth it came from, never when the read took a value from the environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import * as read from '../../lib/desired/read';
import { decodedKey, loadPreviousDecoded, watchedEnvironment } from '../../lib/project/decoded-cache';
import type { DesiredFlow, DesiredKv } from '../../lib/desired/types';
import { standIn, withEnv } from '../support/stand-in-app';

const FLOW = (message: string) => `id: f\nnamespace: a.b\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n`;
const RESOURCES = {
  kestra_flow: { f: { namespace: 'a.b', flow_id: 'f', content: FLOW('hi') } },
  kestra_namespace_file: { g: { namespace: 'a.b', filename: '/g.sql', content: 'select 1\n', content_sha256: createHash('sha256').update('select 1\n').digest('hex'), content_size: 9 } },
  kestra_kv: { k: { namespace: 'a.b', key: 'K', type: 'NUMBER', value: '5', depends_on: ['kestra_flow.f'] } },
};
const kept = (dir: string) => path.join(dir, '.kestraform', 'decoded-synth.bin');
/**
 * The same values, undefined members and member order included. Not toStrictEqual: under jest,
 * what v8.deserialize makes has the prototypes of Node's own realm, not the test's.
 */
const UNDEFINED = '\u0000undefined';
const canonical = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x === undefined ? UNDEFINED : x));
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toEqual(expected);
  expect(canonical(actual)).toBe(canonical(expected));
}

describe('the read of a reused synth, kept', () => {
  const made: { cleanup(): void }[] = [];
  const app = (resources: Record<string, unknown>) => {
    const a = standIn('', resources);
    made.push(a);
    return a;
  };
  afterAll(() => made.forEach((m) => m.cleanup()));
  afterEach(() => jest.restoreAllMocks());

  it('is written by the command whose app ran (or the first to reuse a synth with none kept) and given back equal to a fresh read', async () => {
    const a = app(RESOURCES);
    const fresh = await a.synth();
    expect(fresh.ran).toBe(true);
    expect(fs.statSync(kept(a.dir)).mode & 0o777).toBe(0o600); // the read of the app's output is kept

    const reading = jest.spyOn(read, 'readDesired');
    const reused = await a.synth();
    expect(reused.ran).toBe(false);
    expect(reading).not.toHaveBeenCalled();
    expectSame(reused.desired, fresh.desired);
    expect(reused.desired.stacks[0].resources.find((r) => r.kind === 'kv')!.dependsOn).toEqual(['flow:a.b/f']);

    fs.rmSync(kept(a.dir));
    const readAgain = await a.synth();
    expect(readAgain.ran).toBe(false);
    expect(reading).toHaveBeenCalledTimes(1);
    expect(fs.existsSync(kept(a.dir))).toBe(true);
    expectSame((await a.synth()).desired, fresh.desired);
    expect(reading).toHaveBeenCalledTimes(1);
  });

  it('is not used for another synth: after the app changed, the new output is read', async () => {
    const a = app(RESOURCES);
    await a.synth();
    await a.synth();
    expect(fs.existsSync(kept(a.dir))).toBe(true);
    const appFile = path.join(a.dir, 'app.js');
    fs.writeFileSync(appFile, fs.readFileSync(appFile, 'utf8').replace('message: hi', 'message: changed'));
    expect((await a.synth()).ran).toBe(true);
    const reused = await a.synth();
    expect(reused.ran).toBe(false);
    const flow = reused.desired.stacks[0].resources.find((r) => r.kind === 'flow') as DesiredFlow;
    expect(flow.content).toContain('message: changed');
    expectSame((await a.synth()).desired, reused.desired);
  });

  it('lends a fresh read, after the app changed one block, the resources of the blocks that did not change', async () => {
    // Most blocks unchanged (else one parse of the whole text is cheaper, and taken instead).
    const file = (name: string) => ({ namespace: 'a.b', filename: `/${name}`, content: name, content_sha256: createHash('sha256').update(name).digest('hex'), content_size: name.length });
    const a = app({ ...RESOURCES, kestra_namespace_file: { ...RESOURCES.kestra_namespace_file, h: file('h.sql'), i: file('i.sql') } });
    await a.synth();
    const appFile = path.join(a.dir, 'app.js');
    fs.writeFileSync(appFile, fs.readFileSync(appFile, 'utf8').replace('message: hi', 'message: changed'));
    const earlier = loadPreviousDecoded(a.project, undefined)!.desired.stacks[0];
    const fresh = await a.synth();
    expect(fresh.ran).toBe(true);
    const now = fresh.desired.stacks[0];
    const was = (kind: string) => earlier.resources.find((r) => r.kind === kind);
    const is = (kind: string) => now.resources.find((r) => r.kind === kind);
    expect(is('file')).toBe(was('file'));
    expect(is('flow')).not.toBe(was('flow'));
    expect((is('flow') as DesiredFlow).content).toContain('message: changed');
    expect(is('kv')).not.toBe(was('kv')); // its depends_on is mapped anew
    expectSame(fresh.desired, read.readDesired(a.project.outDir, a.dir, { shownAs: a.project.outDir }));
  });

  it('is read again from cdk.tf.json when the kept file is damaged, and rewritten', async () => {
    const a = app(RESOURCES);
    const fresh = await a.synth();
    await a.synth();
    fs.writeFileSync(kept(a.dir), 'not what was kept');
    const reading = jest.spyOn(read, 'readDesired');
    const again = await a.synth();
    expect(reading).toHaveBeenCalledTimes(1);
    expectSame(again.desired, fresh.desired);
    expect(fs.readFileSync(kept(a.dir), 'utf8')).not.toBe('not what was kept');
  });

  it('is never written when the read took a value from the environment, which never reaches the disk', async () => {
    const secret = 'kept-nowhere-4f1c9e';
    const a = app({ kestra_kv: { t: { namespace: 'a.b', key: 'TOKEN', type: 'STRING', value: '', value_from_env: 'KF_TEST_DECODED_TOKEN' } } });
    await withEnv({ KF_TEST_DECODED_TOKEN: secret }, async () => {
      expect((await a.synth()).ran).toBe(true);
      const reused = await a.synth();
      expect(reused.ran).toBe(false);
      expect((reused.desired.stacks[0].resources[0] as DesiredKv).value).toBe(secret);
      expect(fs.existsSync(kept(a.dir))).toBe(false);
      const reading = jest.spyOn(read, 'readDesired');
      await a.synth();
      expect(reading).toHaveBeenCalledTimes(1);
    });
    const files = fs.readdirSync(path.join(a.dir, '.kestraform'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const f of files) expect(fs.readFileSync(path.join(f.parentPath, f.name), 'latin1')).not.toContain(secret);
  });

  it('is keyed by the synth, the stacks asked for and the folders', () => {
    const project = { dir: '/p', app: 'node app.js', outDir: '/p/cdktf.out', context: {} };
    const key = decodedKey(project, 'synth-1', undefined);
    expect(decodedKey(project, 'synth-1', [])).toBe(key);
    expect(decodedKey(project, 'synth-2', undefined)).not.toBe(key);
    expect(decodedKey(project, 'synth-1', ['s'])).not.toBe(key);
    expect(decodedKey({ ...project, dir: '/q' }, 'synth-1', undefined)).not.toBe(key);
    expect(decodedKey({ ...project, outDir: '/p/out' }, 'synth-1', undefined)).not.toBe(key);
  });
});

describe('an environment that tells whether it was looked at', () => {
  it('is untouched until a value, a presence or the names are asked for', () => {
    for (const look of [(e: NodeJS.ProcessEnv) => e.HOME, (e: NodeJS.ProcessEnv) => 'HOME' in e, (e: NodeJS.ProcessEnv) => Object.keys(e), (e: NodeJS.ProcessEnv) => ({ ...e })]) {
      const w = watchedEnvironment({ HOME: '/h' });
      expect(w.consulted()).toBe(false);
      look(w.env);
      expect(w.consulted()).toBe(true);
    }
    expect(watchedEnvironment({ HOME: '/h' }).env.HOME).toBe('/h');
  });
});
