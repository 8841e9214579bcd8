import { TerraformStack, Testing } from 'cdktf';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { KestraFlow, KestraKv, KestraNamespaceFile, KestraProvider, KestraStack } from 'kestraform';
import { DataResource } from '../../lib/constructs/cdk';
import { readDesired } from '../../lib/desired/read';

const SOURCE = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

function synth(build: (stack: KestraStack) => void, options = {}): Record<string, any> {
  const app = Testing.app();
  const stack = new KestraStack(app, 'test', options);
  build(stack);
  return JSON.parse(Testing.synth(stack, true));
}

describe('Kestra resource constructs', () => {
  it('synthesize with the official provider attribute names', () => {
    const out = synth((s) => {
      new KestraProvider(s, 'kestra', { tenantId: 'main' });
      new KestraFlow(s, 'hello', { namespace: 'company.team', flowId: 'hello', content: SOURCE });
      new KestraNamespaceFile(s, 'script', { namespace: 'company.team', filename: 'scripts/a.py', content: 'print(1)\n' });
      new KestraKv(s, 'kv', { namespace: 'company.team', key: 'API_URL', type: 'STRING', value: 'https://x' });
    });
    expect(out.resource.kestra_flow.hello).toMatchObject({ namespace: 'company.team', flow_id: 'hello', content: SOURCE });
    expect(out.resource.kestra_namespace_file.script).toMatchObject({ namespace: 'company.team', filename: '/scripts/a.py', content: 'print(1)\n', content_size: 9 });
    expect(out.resource.kestra_namespace_file.script.content_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.resource.kestra_kv.kv).toMatchObject({ namespace: 'company.team', key: 'API_URL', type: 'STRING', value: 'https://x' });
    expect(out.provider.kestra[0]).toEqual({ tenant_id: 'main' });
  });

  it('write the stack settings under `kestraform`', () => {
    const app = Testing.app();
    const stack = new KestraStack(app, 's', { namespaces: ['a.b'], prune: true, protectedNamespaces: ['system', 'prod'], kestraVersion: 1, backend: { type: 'kestra-kv', namespace: 'system.gitops' } });
    expect((stack.toTerraform() as any).kestraform).toEqual({
      namespaces: ['a.b'],
      prune: true,
      protected_namespaces: ['system', 'prod'],
      backend: { type: 'kestra-kv', namespace: 'system.gitops' },
      kestra_version: 1,
      diagnostics: [],
      found: [],
      pull_homes: [],
      target: {},
    });
    const defaults = new KestraStack(app, 'd');
    expect((defaults.toTerraform() as any).kestraform).toMatchObject({ prune: false, protected_namespaces: ['system'], backend: { type: 'local' }, kestra_version: 2 });
  });

  it('are validated with zod when the stack is validated', () => {
    expect(() =>
      synth((s) => {
        new KestraFlow(s, 'bad', { namespace: 'Company Team', flowId: 'bad id!', content: SOURCE });
      }),
    ).toThrow(/kestra_flow test\/bad: namespace: must match.*\n?.*flow_id: must match/s);
    expect(() =>
      synth((s) => {
        new KestraNamespaceFile(s, 'f', { namespace: 'a', filename: '/_flows/x.yml', content: 'x' });
      }),
    ).toThrow(/under \/_flows, which Kestra reserves/);
    expect(() =>
      synth((s) => {
        new KestraKv(s, 'k', { namespace: 'a', key: 'bad key', type: 'STRING', value: 'x' });
      }),
    ).toThrow(/key: must match/);
  });

  it('leave the schema check of tree-read resources to the read-back, which reports it', () => {
    const app = Testing.app();
    const stack = new KestraStack(app, 'tree');
    new KestraFlow(stack, 'bad', { namespace: 'Company Team', flowId: 'bad', content: SOURCE, schemaCheckAtReadBack: true });
    expect(() => app.synth()).not.toThrow();
    const desired = readDesired(app.outdir, app.outdir);
    expect(desired.diagnostics.map((d) => d.message).join('\n')).toMatch(/kestra_flow\.bad \(tree\/bad\): namespace: must match/);
    expect(desired.stacks[0].resources).toEqual([]);
  });

  it('accept null_resource and terraform_data as local-only resources with depends_on', () => {
    const out = synth((s) => {
      new NullProvider(s, 'null');
      const flow = new KestraFlow(s, 'hello', { namespace: 'company.team', flowId: 'hello', content: SOURCE });
      new NullResource(s, 'barrier', { triggers: { version: '1' }, dependsOn: [flow] });
      new DataResource(s, 'marker', { input: { release: '2026.11' } });
    });
    expect(out.resource.null_resource.barrier).toMatchObject({ triggers: { version: '1' }, depends_on: ['kestra_flow.hello'] });
    expect(out.resource.terraform_data.marker).toMatchObject({ input: { release: '2026.11' } });
  });

  it('refuse to live in a plain TerraformStack when they need the stack settings', () => {
    const app = Testing.app();
    const plain = new TerraformStack(app, 'plain');
    expect(() => KestraStack.of(plain)).toThrow(/inside a KestraStack/);
  });
});
