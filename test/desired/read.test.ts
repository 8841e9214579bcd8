import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { readDesired } from '../../lib/desired/read';
import { stackDigest } from '../../lib/desired/digest';
import { loadFileBytes } from '../../lib/kinds/file-bytes';
import type { DesiredFile } from '../../lib/desired/types';

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
});
