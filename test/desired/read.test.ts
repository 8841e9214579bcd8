import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { readDesired, withEarlierTexts, type PreviousRead } from '../../lib/desired/read';
import { stackDigest } from '../../lib/desired/digest';
import { loadFileBytes } from '../../lib/kinds/file-bytes';
import type { DesiredFile, DesiredStack } from '../../lib/desired/types';

const FLOW = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "echo ${HOME}"\n';
const settings = { namespaces: ['company.team'], prune: false, protected_namespaces: ['system'], backend: { type: 'local' }, kestra_version: 2, diagnostics: [] };

function project(resource: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-desired-'));
  fs.mkdirSync(path.join(dir, 'cdktf.out/stacks/s'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdktf.out/manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { s: { name: 's', synthesizedStackPath: 'stacks/s/cdk.tf.json', dependencies: [] } } }));
  fs.writeFileSync(path.join(dir, 'cdktf.out/stacks/s/cdk.tf.json'), JSON.stringify({ resource, kestraform: settings, ...extra }));
  return dir;
}
const read = (dir: string) => readDesired(path.join(dir, 'cdktf.out'), dir);
const errors = (dir: string) => read(dir).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

describe('desired state from cdktf.out', () => {
  it('reports an object two sources declare once, naming both files, and keeps it once', () => {
    const dir = project({
      kestra_flow: {
        a: { namespace: 'company.team', flow_id: 'hello', content: FLOW, source_file: 'flows/a/hello.yml' },
        b: { namespace: 'company.team', flow_id: 'hello', content: FLOW, source_file: 'other/hello.yml' },
      },
    });
    const desired = read(dir);
    expect(desired.stacks[0].resources.map((r) => r.address)).toEqual(['flow:company.team/hello']);
    expect(desired.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual(['other/hello.yml:1: flow:company.team/hello is also defined in flows/a/hello.yml:1']);
  });

  it('reads typed resources, maps depends_on to natural addresses and keeps `${` text in flow sources', () => {
    const bytes = Buffer.from('print(1)\n');
    const dir = project({
      kestra_flow: { hello: { '//': { metadata: { path: 's/hello' } }, namespace: 'company.team', flow_id: 'hello', content: FLOW } },
      kestra_namespace_file: { f: { namespace: 'company.team', filename: '/a.py', source: 'tree/a.py', content_sha256: createHash('sha256').update(bytes).digest('hex'), content_size: bytes.length } },
      kestra_kv: { k: { namespace: 'company.team', key: 'K', type: 'NUMBER', value: '5', depends_on: ['kestra_flow.hello'] } },
      null_resource: { barrier: { triggers: { v: '1' }, depends_on: ['kestra_kv.k'] } },
    });
    const s = read(dir).stacks[0];
    const by = Object.fromEntries(s.resources.map((r) => [r.address, r]));
    expect(Object.keys(by).sort()).toEqual(['file:company.team:/a.py', 'flow:company.team/hello', 'kv:company.team/K', 'null_resource.barrier']);
    expect(by['kv:company.team/K'].dependsOn).toEqual(['flow:company.team/hello']);
    expect(by['null_resource.barrier'].dependsOn).toEqual(['kv:company.team/K']);
    expect(by['flow:company.team/hello'].constructPath).toBe('s/hello');
    expect((by['file:company.team:/a.py'] as DesiredFile).sourcePath).toBe(path.join(dir, 'tree/a.py'));
    expect(stackDigest(s)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects unknown types, unresolved Terraform expressions, duplicates and protected namespaces — naming stack and resource', () => {
    const dir = project({
      aws_s3_bucket: { b: { bucket: 'x' } },
      kestra_kv: {
        ref: { namespace: 'company.team', key: 'R', type: 'STRING', value: '${kestra_flow.hello.revision}' },
        dup1: { namespace: 'company.team', key: 'D', type: 'STRING', value: 'a' },
        dup2: { namespace: 'company.team', key: 'D', type: 'STRING', value: 'b' },
        sys: { namespace: 'system', key: 'S', type: 'STRING', value: 'x' },
      },
      kestra_flow: { tok: { namespace: '${var.ns}', flow_id: 'x', content: FLOW } },
    });
    const msgs = errors(dir).join('\n');
    expect(msgs).toMatch(/stack "s": aws_s3_bucket\.b .*unknown resource type `aws_s3_bucket`/);
    expect(msgs).toMatch(/kestra_kv\.ref .*unresolved Terraform expression/);
    expect(msgs).toMatch(/kestra_flow\.tok .*attribute `namespace` holds an unresolved Terraform expression/);
    expect(msgs).toMatch(/kv:company\.team\/D is declared twice/);
    expect(msgs).toMatch(/namespace "system" is protected/);
  });

  it('reports schema problems per attribute and a missing manifest clearly', () => {
    const dir = project({ kestra_kv: { k: { namespace: 'Bad NS', key: 'k', type: 'INTEGER', value: '1' } } });
    expect(errors(dir).join('\n')).toMatch(/namespace: must match.*type: /s);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-empty-'));
    expect(() => readDesired(path.join(empty, 'cdktf.out'), empty)).toThrow(/manifest\.json not found — run `kestraform synth`/);
  });

  it('verifies namespace file bytes against the sha256 recorded at synth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bytes-'));
    const file = path.join(dir, 'x.bin');
    fs.writeFileSync(file, Buffer.from([1, 2, 3]));
    const sha = createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex');
    const f = { kind: 'file', address: 'file:a:/x.bin', sourcePath: file, sha256: sha, size: 3 } as DesiredFile;
    expect(loadFileBytes(f)).toEqual(Buffer.from([1, 2, 3]));
    fs.writeFileSync(file, Buffer.from([9]));
    expect(() => loadFileBytes(f)).toThrow(/changed since synth/);
  });

  describe('taking unchanged blocks from an earlier read', () => {
    const flow = (id: string, extra: Record<string, unknown> = {}) => ({ namespace: 'company.team', flow_id: id, content: FLOW.replace('id: hello', `id: ${id}`), ...extra });
    const kv = (key: string, value: string, extra: Record<string, unknown> = {}) => ({ namespace: 'company.team', key, type: 'STRING', value, ...extra });
    const blocks = () => ({
      kestra_flow: { a: flow('a'), b: flow('b'), c: flow('c') },
      kestra_kv: { k1: kv('K1', 'one'), k2: kv('K2', 'two'), k3: kv('K3', 'three', { depends_on: ['kestra_flow.a'] }) },
    });
    /** The earlier synth in `dir`'s cdktf.out, read; then the new one written into cdktf.new (as a staged synth). */
    function earlierAndNew(before: Record<string, unknown>, after: Record<string, unknown>, afterExtra: Record<string, unknown> = {}) {
      const dir = project(before);
      const earlier = read(dir);
      const staged = path.join(dir, 'cdktf.new');
      fs.cpSync(path.join(dir, 'cdktf.out'), staged, { recursive: true });
      fs.writeFileSync(path.join(staged, 'stacks/s/cdk.tf.json'), JSON.stringify({ resource: after, kestraform: settings, ...afterExtra }));
      let current = true;
      const previous: PreviousRead = { state: earlier, outDir: path.join(dir, 'cdktf.out'), stillCurrent: () => current };
      const readNew = (given: PreviousRead = previous) => readDesired(staged, dir, { shownAs: path.join(dir, 'cdktf.out'), previous: given });
      const full = () => readDesired(staged, dir, { shownAs: path.join(dir, 'cdktf.out') });
      return { earlier, previous, readNew, full, moved: () => (current = false) };
    }
    const byAddress = (s: DesiredStack) => new Map(s.resources.map((r) => [r.address, r]));

    it('keeps the very resource of each unchanged block, decodes the changed ones, and reads what a whole read reads', () => {
      const after = blocks();
      after.kestra_kv.k2 = kv('K2', 'changed');
      const { earlier, readNew, full } = earlierAndNew(blocks(), after);
      const now = readNew();
      expect(now).toEqual(full());
      const was = byAddress(earlier.stacks[0]);
      const is = byAddress(now.stacks[0]);
      for (const a of ['flow:company.team/a', 'flow:company.team/b', 'flow:company.team/c', 'kv:company.team/K1']) expect(is.get(a)).toBe(was.get(a));
      expect(is.get('kv:company.team/K2')).not.toBe(was.get('kv:company.team/K2'));
      expect((is.get('kv:company.team/K2') as unknown as { value: string }).value).toBe('changed');
      // Its dependencies map to other resources' addresses: read anew, and mapped again.
      expect(is.get('kv:company.team/K3')).not.toBe(was.get('kv:company.team/K3'));
      expect(is.get('kv:company.team/K3')!.dependsOn).toEqual(['flow:company.team/a']);
    });

    it('checks a block that names depends_on anew, each time: a dependency on nothing is reported again', () => {
      const dangling = blocks();
      (dangling.kestra_kv.k1 as Record<string, unknown>).depends_on = ['kestra_flow.missing'];
      const { earlier, readNew, full } = earlierAndNew(dangling, dangling);
      const problem = /depends_on names kestra_flow\.missing, which is not a resource of this stack/;
      expect(earlier.diagnostics.filter((d) => problem.test(d.message))).toHaveLength(1);
      const now = readNew();
      expect(now.diagnostics.filter((d) => problem.test(d.message))).toHaveLength(1);
      expect(now).toEqual(full());
      expect(byAddress(now.stacks[0]).get('kv:company.team/K1')).not.toBe(byAddress(earlier.stacks[0]).get('kv:company.team/K1'));
    });

    it('applies the new settings to a kept resource (a namespace protected now is refused)', () => {
      const { readNew, full } = earlierAndNew(blocks(), blocks(), { kestraform: { ...settings, namespaces: [], protected_namespaces: ['system', 'company.team'] } });
      const now = readNew();
      expect(now).toEqual(full());
      expect(now.diagnostics.filter((d) => /namespace "company.team" is protected: kestraform never writes to it/.test(d.message))).toHaveLength(6);
    });

    it('reports again what reading a kept block reported (its warnings, an error beside its resource)', () => {
      const noisy = blocks();
      // A hand-written flow gets a warning (`${HOME}` in every one of them), a `count` an error beside its resource.
      (noisy.kestra_kv.k1 as Record<string, unknown>).count = 2;
      const { earlier, readNew, full } = earlierAndNew(noisy, noisy);
      expect(earlier.diagnostics.map((d) => d.message).join('\n')).toMatch(/`count` is not supported/);
      const now = readNew();
      expect(now).toEqual(full());
      expect(now.diagnostics).toEqual(earlier.diagnostics);
      expect(byAddress(now.stacks[0]).get('kv:company.team/K1')).toBe(byAddress(earlier.stacks[0]).get('kv:company.team/K1'));
    });

    it('takes the earlier texts read ahead as if read then, and nothing once the folder no longer holds that synth', () => {
      const after = blocks();
      after.kestra_flow.b = flow('b', { description: 'new' });
      const r = earlierAndNew(blocks(), after);
      const ahead = withEarlierTexts(r.previous);
      expect(ahead.texts?.get('s')?.spans).toBeDefined();
      const now = r.readNew(ahead);
      expect(now).toEqual(r.full());
      const was = byAddress(r.earlier.stacks[0]);
      const is = byAddress(now.stacks[0]);
      expect(is.get('flow:company.team/a')).toBe(was.get('flow:company.team/a'));
      expect(is.get('flow:company.team/b')).not.toBe(was.get('flow:company.team/b'));
      r.moved();
      expect(r.readNew(ahead).stacks[0].resources.filter((x) => new Set(r.earlier.stacks[0].resources).has(x))).toHaveLength(0);
    });

    it('takes nothing when the folder no longer holds the earlier synth, or when most blocks changed', () => {
      const keptFrom = (r: { earlier: { stacks: DesiredStack[] }; readNew: () => { stacks: DesiredStack[] } }) => {
        const was = new Set(r.earlier.stacks[0].resources);
        return r.readNew().stacks[0].resources.filter((x) => was.has(x)).length;
      };
      const b = earlierAndNew(blocks(), blocks());
      expect(keptFrom(b)).toBe(5);
      b.moved();
      expect(keptFrom(b)).toBe(0);

      const most = blocks();
      for (const id of ['a', 'b', 'c'] as const) most.kestra_flow[id] = flow(id, { description: 'new' });
      most.kestra_kv.k1 = kv('K1', 'new');
      const c = earlierAndNew(blocks(), most);
      expect(keptFrom(c)).toBe(0);
      expect(c.readNew()).toEqual(c.full());
    });
  });
});
