/**
 * Fast synth (a KestraStack's default `synthesis: 'fast'`) writes token-free Kestra resources
 * itself instead of through cdktf's resolve passes. Its output must be exactly what cdktf's own
 * synthesis (`synthesis: 'plain'`) writes, whatever the stack holds: references, overrides,
 * meta-arguments, imports and moves, local resources, nested stacks, a whole tree.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Fn, Lazy, TerraformElement, TerraformOutput, TerraformStack, Testing, Token, type IAspect } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { KestraApp, KestraDashboard, KestraFlow, KestraKv, KestraNamespace, KestraNamespaceFile, KestraProvider, KestraStack, KestraTestSuite, NamespaceSecrets, NamespaceTree, type KestraStackOptions } from 'kestraform';
import { DataResource } from '../../lib/constructs/cdk';
import { INDENTED_UP_TO } from '../../lib/constructs/fast-synth/json-writer';
import { PLAIN_SYNTH_ENV, type SynthesisMode } from '../../lib/constructs/fast-synth/guard';

const EXAMPLE_TREE = path.resolve(__dirname, '../../examples/kestra');
const flow = (id: string) => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;
const MODES: SynthesisMode[] = ['fast', 'plain'];

function build(stack: KestraStack): void {
  new KestraProvider(stack, 'kestra');
  new NullProvider(stack, 'null');
  new NamespaceTree(stack, 'tree', { root: EXAMPLE_TREE });
  const plain = new KestraFlow(stack, 'plain', { namespace: 'company.team', flowId: 'plain', content: flow('plain') });
  const guarded = new KestraFlow(stack, 'guarded', { namespace: 'company.team', flowId: 'guarded', content: flow('guarded'), lifecycle: { preventDestroy: true } });
  new KestraFlow(stack, 'after', { namespace: 'company.team', flowId: 'after', content: flow('after'), dependsOn: [plain] });
  new KestraFlow(stack, 'lazy', { namespace: 'company.team', flowId: 'lazy', content: Lazy.stringValue({ produce: () => flow('lazy') }) });
  // A number token written into a string is a token too (cdktf's resolve replaces its text).
  new KestraFlow(stack, 'numbered', { namespace: 'company.team', flowId: 'numbered', content: `${flow('numbered')}# ${Token.asNumber(Lazy.numberValue({ produce: () => 5 }))}\n` });
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
  // Deep and long paths get hashed logical ids.
  new KestraFlow(new Construct(new Construct(stack, 'Default'), 'Resource'), 'Resource', { namespace: 'company.team', flowId: 'deep', content: flow('deep') });
  new KestraFlow(stack, 'x'.repeat(300), { namespace: 'company.team', flowId: 'long', content: flow('long') });
  // Aspects run after cdktf's prepare pass: what they change must reach the output.
  const edit: IAspect = {
    visit(node: IConstruct) {
      if (node === plain) plain.addOverride('content', flow('rewritten-by-aspect'));
      if (node instanceof KestraKv && node.node.id === 'kv') node.addOverride('description', Fn.lower('TOKEN'));
    },
  };
  Aspects.of(stack).add(edit);
}

/** Imports and moves, which cdktf writes as blocks and metadata of their own. */
function buildMoves(stack: KestraStack): void {
  new KestraProvider(stack, 'kestra');
  new KestraFlow(stack, 'imported', { namespace: 'company.team', flowId: 'imported', content: flow('imported') }).importFrom('company.team/imported');
  new KestraFlow(stack, 'renamed', { namespace: 'company.team', flowId: 'renamed', content: flow('renamed') }).moveToId('kestra_flow.elsewhere');
  new KestraFlow(stack, 'arrived', { namespace: 'company.team', flowId: 'arrived', content: flow('arrived') }).moveFromId('kestra_flow.before');
  new KestraKv(stack, 'target', { namespace: 'company.team', key: 'T', type: 'STRING', value: 't' }).addMoveTarget('the-target');
  new KestraKv(stack, 'source', { namespace: 'company.team', key: 'S', type: 'STRING', value: 's' }).moveTo('the-target');
  new KestraKv(stack, 'unmoved', { namespace: 'company.team', key: 'U', type: 'STRING', value: 'u' });
}

/** Kestra's layout with an app, a TestSuite, a dashboard and a namespace.yaml of nested properties. */
function enterpriseTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-direct-ee-'));
  const files: Record<string, string> = {
    'company.team/flows/hello.yml': flow('hello'),
    'company.team/apps/form.yaml': 'id: form\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.App\nblocks: []\n',
    'company.team/tests/hello_works.yaml': 'id: hello_works\nnamespace: company.team\nflowId: hello\ntestCases:\n  - id: c\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions: []\n',
    'company.team/namespace.yaml': 'description: Team\nvariables:\n  empty: {}\n  list: []\n  none: null\n  deep: {b: [1, {c: "${not.a.token}"}], a: true}\nallowedNamespaces:\n  - namespace: company.other\n',
    '_global/dashboards/overview.yaml': 'id: overview\ntitle: Overview\ncharts: []\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** The Enterprise kinds from a tree and from code: bare, with meta-arguments, with an override. */
function buildEnterprise(stack: KestraStack, tree: string): void {
  new KestraProvider(stack, 'kestra');
  new NamespaceTree(stack, 'tree', { root: tree });
  const ns = new KestraNamespace(stack, 'ns', { namespace: 'company.data', properties: { description: 'Data', variables: { z: { y: [] }, a: {} }, concurrency: { limit: 2, behavior: 'QUEUE' } } });
  new KestraApp(stack, 'app', { namespace: 'company.data', appId: 'form', source: 'id: form\nnamespace: company.data\ntype: io.kestra.plugin.ee.apps.App\n', dependsOn: [ns] });
  new KestraTestSuite(stack, 'test', { namespace: 'company.data', testId: 't', flowId: 'f', content: 'id: t\nnamespace: company.data\nflowId: f\ntestCases: [{id: c, type: io.kestra.core.tests.flow.UnitTest, assertions: []}]\n', lifecycle: { preventDestroy: true } });
  const dashboard = new KestraDashboard(stack, 'dashboard', { dashboardId: 'ops', sourceCode: 'id: ops\ntitle: Ops\ncharts: []\n' });
  dashboard.addOverride('source_file', 'dashboards/ops.yaml');
  const overridden = new KestraNamespace(stack, 'overridden', { namespace: 'company.ops', properties: { variables: { a: 1 } } });
  overridden.addOverride('properties.variables.b', 2);
  new NamespaceSecrets(stack, 'secrets', { namespace: 'company.data', secrets: { DB: { fromEnv: 'CI_DB', tags: { team: 'data' } }, API: { fromEnv: 'CI_API', description: 'api' } } });
}

interface Synthesized {
  /** cdk.tf.json of each stack, by stack name. */
  texts: Record<string, string>;
  modes: Record<string, SynthesisMode>;
}

/** A real app.synth(): cdktf's prepare pass, then aspects, then each stack's JSON. */
function synthesizeApp(make: (app: App) => KestraStack[], opts: { skipValidation?: boolean } = {}): Synthesized {
  const app = opts.skipValidation ? new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'kf-direct-')), stackTraces: false, skipValidation: true }) : Testing.app();
  const stacks = make(app);
  app.synth();
  const texts: Record<string, string> = {};
  const modes: Record<string, SynthesisMode> = {};
  for (const s of stacks) {
    texts[s.node.id] = fs.readFileSync(path.join(app.outdir, 'stacks', s.node.id, 'cdk.tf.json'), 'utf8');
    modes[s.node.id] = s.synthesisMode;
  }
  return { texts, modes };
}

function synthesizeMixed(mode: SynthesisMode, stackOverride?: [string, unknown]): Synthesized {
  return synthesizeApp((app) => {
    const stack = new KestraStack(app, 'mixed', { synthesis: mode });
    build(stack);
    if (stackOverride) stack.addOverride(...stackOverride);
    return [stack];
  });
}

/** Both modes, each stack's JSON parsed; the fast run must really have been fast. */
function bothModes(synthesize: (mode: SynthesisMode) => Synthesized): Record<SynthesisMode, Record<string, unknown>> {
  const [fast, plain] = MODES.map(synthesize);
  for (const m of Object.values(fast.modes)) expect(m).toBe('fast');
  for (const m of Object.values(plain.modes)) expect(m).toBe('plain');
  const parsed = (s: Synthesized) => Object.fromEntries(Object.entries(s.texts).map(([k, t]) => [k, JSON.parse(t)]));
  return { fast: parsed(fast), plain: parsed(plain) };
}

describe('fast synthesis of token-free Kestra resources', () => {
  it('writes exactly what cdktf writes', () => {
    const { fast, plain } = bothModes((mode) => synthesizeMixed(mode));
    expect(fast).toEqual(plain);
    // The example tree's resources are all there.
    const resources = (fast.mixed as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource;
    expect(Object.keys(resources.kestra_flow).length).toBeGreaterThanOrEqual(12);
    expect(resources.kestra_flow.plain.content).toContain('rewritten-by-aspect');
    expect(resources.kestra_flow.numbered.content).toMatch(/# 5\n$/);
    expect(resources.kestra_kv.kv.description).toBe('${lower("TOKEN")}');
    expect(Object.keys(resources.null_resource)).toHaveLength(2);
  });

  it('writes the Enterprise kinds exactly as cdktf does, from a tree and from code', () => {
    const tree = enterpriseTree();
    try {
      const synthesize = (mode: SynthesisMode) =>
        synthesizeApp((app) => {
          const stack = new KestraStack(app, 'ee', { synthesis: mode, edition: 'ee' });
          buildEnterprise(stack, tree);
          return [stack];
        });
      const { fast, plain } = bothModes(synthesize);
      expect(fast).toEqual(plain);
      const sameLayout = (t: string) => t.replace(/\{\s+\}/g, '{}').replace(/\[\s+\]/g, '[]');
      expect(sameLayout(synthesize('fast').texts.ee)).toBe(sameLayout(synthesize('plain').texts.ee));
      const resources = (fast.ee as { resource: Record<string, Record<string, Record<string, unknown>>> }).resource;
      expect(Object.keys(resources).sort()).toEqual(['kestra_app', 'kestra_dashboard', 'kestra_flow', 'kestra_namespace', 'kestra_namespace_secret', 'kestra_test']);
      const fromTree = Object.values(resources.kestra_namespace).find((n) => n.namespace_id === 'company.team')!;
      expect(fromTree.properties).toEqual({ description: 'Team', variables: { empty: {}, list: [], none: null, deep: { b: [1, { c: '${not.a.token}' }], a: true } }, allowedNamespaces: [{ namespace: 'company.other' }] });
      expect(Object.values(resources.kestra_namespace).find((n) => n.namespace_id === 'company.ops')!.properties).toEqual({ variables: { a: 1, b: 2 } });
      expect(Object.keys(resources.kestra_namespace_secret)).toHaveLength(2);
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it('writes the same text as cdktf, but for whitespace inside empty objects and lists', () => {
    const sameLayout = (s: string) => s.replace(/\{\s+\}/g, '{}').replace(/\[\s+\]/g, '[]');
    expect(sameLayout(synthesizeMixed('fast').texts.mixed)).toBe(sameLayout(synthesizeMixed('plain').texts.mixed));
  });

  it('leaves everything to cdktf when the stack itself carries an override', () => {
    const override: [string, unknown] = ['resource.kestra_kv.kv.description', 'from the stack'];
    const { fast, plain } = bothModes((mode) => synthesizeMixed(mode, override));
    expect(fast).toEqual(plain);
    expect((fast.mixed as { resource: { kestra_kv: { kv: { description: string } } } }).resource.kestra_kv.kv.description).toBe('from the stack');
  });

  it('writes imported and moved resources as cdktf does', () => {
    const { fast, plain } = bothModes((mode) =>
      synthesizeApp(
        (app) => {
          const stack = new KestraStack(app, 'moves', { synthesis: mode });
          buildMoves(stack);
          return [stack];
        },
        { skipValidation: true }, // import and move blocks ask for a terraform binary >= 1.5
      ),
    );
    expect(fast).toEqual(plain);
    const moves = fast.moves as { import: unknown[]; moved: unknown[]; resource: { kestra_flow: Record<string, unknown> } };
    expect(moves.import).toHaveLength(1);
    expect(moves.moved).toHaveLength(3);
    expect(Object.keys(moves.resource.kestra_flow).sort()).toEqual(['arrived', 'imported']);
  });

  it('writes nested stacks as cdktf does, each with its own JSON', () => {
    const { fast, plain } = bothModes((mode) =>
      synthesizeApp((app) => {
        const outer = new KestraStack(app, 'outer', { synthesis: mode });
        build(outer);
        const inner = new KestraStack(outer, 'inner', { synthesis: mode });
        new KestraProvider(inner, 'kestra');
        new KestraFlow(inner, 'nested', { namespace: 'company.team', flowId: 'nested', content: flow('nested') });
        new KestraKv(new Construct(inner, 'group'), 'kv', { namespace: 'company.team', key: 'N', type: 'STRING', value: 'n' });
        return [outer, inner];
      }),
    );
    expect(fast).toEqual(plain);
    const inner = fast.inner as { resource: Record<string, Record<string, unknown>> };
    expect(Object.keys(inner.resource.kestra_flow)).toEqual(['nested']);
    expect((fast.outer as { resource: { kestra_flow: Record<string, unknown> } }).resource.kestra_flow.nested).toBeUndefined();
  });

  it('returns the whole JSON from toTerraform, outside app.synth, as cdktf does', () => {
    const [fast, plain] = MODES.map((mode) => {
      const stack = new KestraStack(Testing.app(), 'direct', { synthesis: mode });
      build(stack);
      buildMoves(new KestraStack(stack, 'moves', { synthesis: mode }));
      return stack.toTerraform();
    });
    expect(Object.keys((fast as { resource: Record<string, unknown> }).resource.kestra_flow as object).length).toBeGreaterThanOrEqual(12);
    expect(fast).toEqual(plain);
  });
});

describe('plain synthesis', () => {
  it('is what KESTRAFORM_PLAIN_SYNTH=1 gives a stack that asked for fast', () => {
    const before = process.env[PLAIN_SYNTH_ENV];
    process.env[PLAIN_SYNTH_ENV] = '1';
    try {
      const forced = synthesizeApp((app) => {
        const stack = new KestraStack(app, 'mixed');
        build(stack);
        return [stack];
      });
      expect(forced.modes.mixed).toBe('plain');
      expect(forced.texts.mixed).toBe(synthesizeMixed('plain').texts.mixed);
    } finally {
      if (before === undefined) delete process.env[PLAIN_SYNTH_ENV];
      else process.env[PLAIN_SYNTH_ENV] = before;
    }
  });
});

describe('logical ids', () => {
  it('are the ids cdktf allocates, for every element and for nodes, nested stacks included', () => {
    const app = Testing.app();
    const stack = new KestraStack(app, 'ids');
    expect(stack.synthesisMode).toBe('fast');
    build(stack);
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
    for (const c of [stack, ...all]) {
      if (TerraformElement.isTerraformElement(c)) {
        const element = c as TerraformElement;
        expect(outcome(() => element.cdktfStack.getLogicalId(element))).toBe(outcome(() => cdktfId(element.cdktfStack, element)));
        expect(outcome(() => stack.getLogicalId(element))).toBe(outcome(() => cdktfId(stack, element)));
      }
      expect(outcome(() => stack.getLogicalId(c.node))).toBe(outcome(() => cdktfId(stack, c.node as unknown as IConstruct)));
      expect(outcome(() => inner.getLogicalId(c.node))).toBe(outcome(() => cdktfId(inner, c.node as unknown as IConstruct)));
    }
  });
});

describe('large stacks', () => {
  it('are written without indentation past INDENTED_UP_TO resources, to the same JSON', () => {
    const synthesizeBig = (options: KestraStackOptions) =>
      synthesizeApp((app) => {
        const stack = new KestraStack(app, 'big', options);
        for (let i = 0; i <= INDENTED_UP_TO; i++) new KestraKv(stack, `kv${i}`, { namespace: 'company.team', key: `K${i}`, type: 'STRING', value: String(i) });
        return [stack];
      }).texts.big;
    const [fast, plain] = MODES.map((synthesis) => synthesizeBig({ synthesis }));
    expect(fast.split('\n')).toHaveLength(1);
    expect(plain.split('\n').length).toBeGreaterThan(1);
    expect(JSON.parse(fast)).toEqual(JSON.parse(plain));
  });
});
