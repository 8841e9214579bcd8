/**
 * KestraStack writes token-free Kestra resources itself instead of through cdktf's resolve
 * passes. The output must be exactly what cdktf writes, whatever the stack holds: references,
 * overrides, meta-arguments, local resources, a whole tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aspects, Fn, Lazy, TerraformElement, TerraformOutput, TerraformStack, Testing, type IAspect } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { KestraFlow, KestraKv, KestraNamespaceFile, KestraProvider, KestraStack, NamespaceTree } from 'kestraform';
import { DataResource } from '../../lib/constructs/cdk';
import { INDENTED_UP_TO } from '../../lib/constructs/native-json-synthesizer';

const EXAMPLE_TREE = path.resolve(__dirname, '../../examples/kestra');
const flow = (id: string) => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

function build(stack: KestraStack): void {
  new KestraProvider(stack, 'kestra');
  new NullProvider(stack, 'null');
  new NamespaceTree(stack, 'tree', { root: EXAMPLE_TREE });
  const plain = new KestraFlow(stack, 'plain', { namespace: 'company.team', flowId: 'plain', content: flow('plain') });
  const guarded = new KestraFlow(stack, 'guarded', { namespace: 'company.team', flowId: 'guarded', content: flow('guarded'), lifecycle: { preventDestroy: true } });
  new KestraFlow(stack, 'after', { namespace: 'company.team', flowId: 'after', content: flow('after'), dependsOn: [plain] });
  new KestraFlow(stack, 'lazy', { namespace: 'company.team', flowId: 'lazy', content: Lazy.stringValue({ produce: () => flow('lazy') }) });
  const overridden = new KestraNamespaceFile(stack, 'overridden', { namespace: 'company.team', filename: '/a.txt', content: 'a\n' });
  overridden.addOverride('content', 'b\n');
  new KestraKv(stack, 'kv', { namespace: 'company.team', key: 'K', type: 'STRING', value: 'v', description: 'd' });
  new KestraKv(stack, 'upper', { namespace: 'company.team', key: 'U', type: 'STRING', value: Fn.upper('x') });
  new NullResource(stack, 'trigger', { triggers: { flow: guarded.content } });
  new DataResource(stack, 'data', { input: { value: 'x' } });
  new TerraformOutput(stack, 'out', { value: plain.flowId });
  // A construct below a Kestra resource must not vanish with it while cdktf walks the tree.
  const parent = new KestraFlow(stack, 'parent', { namespace: 'company.team', flowId: 'parent', content: flow('parent') });
  new NullResource(parent, 'child', { triggers: { of: 'parent' } });
  // Aspects run after cdktf's prepare pass: what they change must reach the output.
  const edit: IAspect = {
    visit(node: IConstruct) {
      if (node === plain) plain.addOverride('content', flow('rewritten-by-aspect'));
      if (node instanceof KestraKv && node.node.id === 'kv') node.addOverride('description', Fn.lower('TOKEN'));
    },
  };
  Aspects.of(stack).add(edit);
}

function synthesize(direct: boolean, stackOverride?: [string, unknown]): unknown {
  return JSON.parse(synthesizedText(direct, stackOverride));
}

function synthesizedText(direct: boolean, stackOverride?: [string, unknown]): string {
  const before = KestraStack.directSynthesis;
  KestraStack.directSynthesis = direct;
  try {
    // A real app.synth(): cdktf's prepare pass, then aspects, then each stack's JSON.
    const app = Testing.app();
    const stack = new KestraStack(app, 'mixed');
    build(stack);
    if (stackOverride) stack.addOverride(...stackOverride);
    app.synth();
    return fs.readFileSync(path.join(app.outdir, 'stacks', 'mixed', 'cdk.tf.json'), 'utf8');
  } finally {
    KestraStack.directSynthesis = before;
  }
}

describe('direct synthesis of token-free Kestra resources', () => {
  it('writes exactly what cdktf writes', () => {
    const direct = synthesize(true);
    expect(direct).toEqual(synthesize(false));
    // The example tree's resources are all there.
    const resources = (direct as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource;
    expect(Object.keys(resources.kestra_flow).length).toBeGreaterThanOrEqual(9);
    expect(resources.kestra_flow.plain.content).toContain('rewritten-by-aspect');
    expect(resources.kestra_kv.kv.description).toBe('${lower("TOKEN")}');
    expect(Object.keys(resources.null_resource)).toHaveLength(2);
  });

  it('writes the same text as cdktf, but for whitespace inside empty objects and lists', () => {
    const sameLayout = (s: string) => s.replace(/\{\s+\}/g, '{}').replace(/\[\s+\]/g, '[]');
    expect(sameLayout(synthesizedText(true))).toBe(sameLayout(synthesizedText(false)));
  });

  it('leaves everything to cdktf when the stack itself carries an override', () => {
    const override: [string, unknown] = ['resource.kestra_kv.kv.description', 'from the stack'];
    expect(synthesize(true, override)).toEqual(synthesize(false, override));
  });
});

describe('logical ids', () => {
  it('are the ids cdktf allocates, for every element and for nodes, nested stacks included', () => {
    const app = Testing.app();
    const stack = new KestraStack(app, 'ids');
    build(stack);
    new KestraFlow(new Construct(new Construct(stack, 'Default'), 'Resource'), 'Resource', { namespace: 'company.team', flowId: 'deep', content: flow('deep') });
    new KestraFlow(stack, 'x'.repeat(300), { namespace: 'company.team', flowId: 'long', content: flow('long') });
    const inner = new KestraStack(stack, 'inner');
    new KestraFlow(inner, 'nested', { namespace: 'company.team', flowId: 'nested', content: flow('nested') });
    const cdktfId = (s: TerraformStack, n: IConstruct) => (TerraformStack.prototype as unknown as { allocateLogicalId(e: unknown): string }).allocateLogicalId.call(s, n);
    const all = stack.node.findAll().filter((c) => c !== stack);
    expect(all.length).toBeGreaterThan(20);
    // Same id, or the same refusal (a path of only "Default" has no id).
    const outcome = (fn: () => string) => {
      try {
        return fn();
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    };
    for (const c of all) {
      if (TerraformElement.isTerraformElement(c)) {
        const element = c as TerraformElement;
        expect(outcome(() => element.cdktfStack.getLogicalId(element))).toBe(outcome(() => cdktfId(element.cdktfStack, element)));
        expect(outcome(() => stack.getLogicalId(element))).toBe(outcome(() => cdktfId(stack, element)));
      }
      expect(outcome(() => stack.getLogicalId(c.node))).toBe(outcome(() => cdktfId(stack, c.node as unknown as IConstruct)));
    }
  });
});

describe('large stacks', () => {
  it('are written without indentation past INDENTED_UP_TO resources, to the same JSON', () => {
    const texts = [true, false].map((direct) => {
      const before = KestraStack.directSynthesis;
      KestraStack.directSynthesis = direct;
      try {
        const app = Testing.app();
        const stack = new KestraStack(app, 'big');
        for (let i = 0; i <= INDENTED_UP_TO; i++) new KestraKv(stack, `kv${i}`, { namespace: 'company.team', key: `K${i}`, type: 'STRING', value: String(i) });
        app.synth();
        return fs.readFileSync(path.join(app.outdir, 'stacks', 'big', 'cdk.tf.json'), 'utf8');
      } finally {
        KestraStack.directSynthesis = before;
      }
    });
    expect(texts[0].split('\n')).toHaveLength(1);
    expect(JSON.parse(texts[0])).toEqual(JSON.parse(texts[1]));
  });
});
