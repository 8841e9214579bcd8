/**
 * A stack as one environment of a tree (lib/constructs/environment): namespaces mapped for every
 * kind, flow sources rewritten (own namespace, subflow calls, labels, disabled triggers), KV
 * values overlaid — one read from an environment variable never written to cdk.tf.json — and the
 * environment and target (variable names only) in the stack settings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { useProjectDir } from '../support/project-dir';
import { parse } from 'yaml';
import { Flows, KestraFlow, KestraKv, KestraStack, KvPairs, NamespaceFiles, NamespaceTree, type EnvironmentOptions, type KestraStackOptions } from 'kestraform';
import { readDesired } from '../../lib/desired/read';
import type { DesiredKv } from '../../lib/desired/types';

const FLOW = (id: string, ns: string, extra = '') => `id: ${id}\nnamespace: ${ns}\n${extra}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

const CALLER = [
  'id: caller',
  'namespace: company.team',
  'tasks:',
  '  - id: call',
  '    type: io.kestra.plugin.core.flow.Subflow',
  '    namespace: company.team.child',
  '    flowId: child',
  'triggers:',
  '  - id: nightly',
  '    type: io.kestra.plugin.core.trigger.Schedule',
  '    cron: "0 2 * * *"',
  '',
].join('\n');

const dir = useProjectDir('kf-env-');
const files = (map: Record<string, string>) => dir.files(map);

type Res = Record<string, unknown>;
interface Synth {
  resource: Record<string, Record<string, Res>>;
  kestraform: {
    namespaces: string[];
    environment?: string;
    target: Record<string, unknown>;
    diagnostics: { severity: string; file: string; line: number; message: string; hint?: string }[];
    pull_homes: unknown[];
  };
}

function synthText(build: (s: KestraStack) => void, options: KestraStackOptions = {}): string {
  const stack = new KestraStack(Testing.app(), 'test', options);
  build(stack);
  return Testing.synth(stack);
}
const synth = (build: (s: KestraStack) => void, options: KestraStackOptions = {}): Synth => JSON.parse(synthText(build, options));

const of = (out: Synth, type: string): Res[] => Object.values(out.resource?.[type] ?? {});
const addresses = (out: Synth) =>
  Object.entries(out.resource ?? {})
    .flatMap(([type, byId]) => Object.values(byId).map((r) => `${type} ${r.namespace} ${r.flow_id ?? r.filename ?? r.key}`))
    .sort();
const flowOf = (out: Synth, id: string) => of(out, 'kestra_flow').find((f) => f.flow_id === id)!;

function tree(): void {
  files({
    'tree/company.team/flows/caller.yml': CALLER,
    'tree/company.team/flows/plain.yml': FLOW('plain', 'company.team'),
    'tree/company.team.child/flows/child.yml': FLOW('child', 'company.team.child'),
    'tree/company.team/files/scripts/etl.py': 'print(1)\n',
    'tree/company.team/kv.yaml': 'API_URL: https://dev.example.com\nDB_PASSWORD:\n  type: STRING\n  value: dev-password\n  description: dev database\n',
    'tree/company.other/flows/lone.yml': FLOW('lone', 'company.other'),
  });
}

const env = (o: Partial<EnvironmentOptions> = {}): KestraStackOptions => ({ environment: { name: 'prod', ...o } });

describe('a stack as an environment of the tree', () => {
  it('without an environment deploys the tree as it is and emits an empty target', () => {
    tree();
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'tree' }));
    expect(addresses(out)).toEqual([
      'kestra_flow company.other lone',
      'kestra_flow company.team caller',
      'kestra_flow company.team plain',
      'kestra_flow company.team.child child',
      'kestra_kv company.team API_URL',
      'kestra_kv company.team DB_PASSWORD',
      'kestra_namespace_file company.team /scripts/etl.py',
    ]);
    expect(flowOf(out, 'caller').content).toBe(CALLER);
    expect(flowOf(out, 'caller').rewritten_for).toBeUndefined();
    expect(out.kestraform.environment).toBeUndefined();
    expect('environment' in out.kestraform).toBe(false);
    expect(out.kestraform.target).toEqual({});
  });

  it('renames namespace subtrees for flows, files and KV pairs, the longest rule winning', () => {
    tree();
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'tree' }), env({ namespaces: { rename: { company: 'acme', 'company.team': 'prod.team' } } }));
    expect(out.kestraform.diagnostics).toEqual([]);
    expect(addresses(out)).toEqual([
      'kestra_flow acme.other lone',
      'kestra_flow prod.team caller',
      'kestra_flow prod.team plain',
      'kestra_flow prod.team.child child',
      'kestra_kv prod.team API_URL',
      'kestra_kv prod.team DB_PASSWORD',
      'kestra_namespace_file prod.team /scripts/etl.py',
    ]);
    // The flow's own `namespace:` matches the namespace it is deployed to.
    expect(parse(flowOf(out, 'plain').content as string).namespace).toBe('prod.team');
    expect(parse(flowOf(out, 'lone').content as string).namespace).toBe('acme.other');
  });

  it('puts a prefix before every namespace, in the resources, the owned namespaces and the pull homes', () => {
    tree();
    const out = synth(
      (s) => {
        new Flows(s, 'flows', { dir: 'tree/company.other/flows' });
        new NamespaceFiles(s, 'scripts', { dir: 'tree/company.team/files', namespace: 'company.team' });
        new KvPairs(s, 'kv', { file: 'tree/company.team/kv.yaml', namespace: 'company.team' });
      },
      { namespaces: ['company.extra'], environment: { name: 'pr-42', namespaces: { prefix: 'pr-42.' } } },
    );
    expect(addresses(out)).toEqual([
      'kestra_flow pr-42.company.other lone',
      'kestra_kv pr-42.company.team API_URL',
      'kestra_kv pr-42.company.team DB_PASSWORD',
      'kestra_namespace_file pr-42.company.team /scripts/etl.py',
    ]);
    expect(out.kestraform.namespaces).toEqual(['pr-42.company.extra']);
    expect(out.kestraform.pull_homes).toEqual(
      expect.arrayContaining([
        { kind: 'file', namespace: 'pr-42.company.team', dir: 'tree/company.team/files', prefix: '/' },
        { kind: 'kv', namespace: 'pr-42.company.team', file: 'tree/company.team/kv.yaml' },
      ]),
    );
    expect(flowOf(out, 'lone').content).toBe(FLOW('lone', 'pr-42.company.other'));
    expect(flowOf(out, 'lone').rewritten_for).toBe('pr-42');
    expect(out.kestraform.environment).toBe('pr-42');
  });

  it('rewrites a subflow call to the namespace its flow has here, and nothing else of the source', () => {
    tree();
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'tree' }), env({ namespaces: { rename: { 'company.team': 'prod.company.team' } } }));
    expect(flowOf(out, 'caller').content).toBe(CALLER.replace('namespace: company.team\n', 'namespace: prod.company.team\n').replace('namespace: company.team.child', 'namespace: prod.company.team.child'));
    expect(flowOf(out, 'caller').rewritten_for).toBe('prod');
    // company.other is left alone by the rule (no prefix): deployed as is, not rewritten.
    expect(flowOf(out, 'lone').content).toBe(FLOW('lone', 'company.other'));
    expect(flowOf(out, 'lone').rewritten_for).toBeUndefined();
    expect(flowOf(out, 'caller').source_file).toBe('tree/company.team/flows/caller.yml');
  });

  it('adds labels to every flow (replacing one of the same key) and marks them rewritten', () => {
    files({
      'flows/a.yml': FLOW('a', 'company.team'),
      'flows/b.yml': FLOW('b', 'company.team', 'labels:\n  env: dev\n  team: data\n'),
    });
    const out = synth((s) => new Flows(s, 'flows', { dir: 'flows' }), env({ labels: { env: 'prod' } }));
    expect(out.kestraform.diagnostics).toEqual([]);
    expect(flowOf(out, 'a').content).toBe(FLOW('a', 'company.team', 'labels:\n  env: prod\n'));
    expect(flowOf(out, 'b').content).toBe(FLOW('b', 'company.team', 'labels:\n  env: prod\n  team: data\n'));
    expect(flowOf(out, 'a').rewritten_for).toBe('prod');
    expect(flowOf(out, 'b').rewritten_for).toBe('prod');
    // Labels alone leave the namespaces as they are.
    expect(flowOf(out, 'a').namespace).toBe('company.team');
    expect(parse(flowOf(out, 'a').content as string).namespace).toBe('company.team');
  });

  it('disables every trigger with disableTriggers, and leaves a flow without triggers untouched', () => {
    tree();
    const out = synth((s) => new NamespaceTree(s, 'tree', { root: 'tree' }), env({ name: 'pr-7', disableTriggers: true }));
    expect(flowOf(out, 'caller').content).toBe(CALLER.replace('    cron:', '    disabled: true\n    cron:'));
    expect(parse(flowOf(out, 'caller').content as string).triggers).toEqual([{ id: 'nightly', type: 'io.kestra.plugin.core.trigger.Schedule', cron: '0 2 * * *', disabled: true }]);
    expect(flowOf(out, 'caller').rewritten_for).toBe('pr-7');
    // Nothing to disable: the source is deployed byte for byte, not marked as rewritten.
    expect(flowOf(out, 'plain').content).toBe(FLOW('plain', 'company.team'));
    expect(flowOf(out, 'plain').rewritten_for).toBeUndefined();
  });

  it('rewrites a flow written in the stack code too, and owns the namespace it has here', () => {
    const out = synth((s) => {
      new KestraFlow(s, 'hello', { namespace: 'company.team', flowId: 'hello', content: FLOW('hello', 'company.team') });
      s.own('company.more');
    }, env({ namespaces: { prefix: 'staging.' } }));
    expect(out.resource.kestra_flow.hello).toMatchObject({ namespace: 'staging.company.team', flow_id: 'hello', content: FLOW('hello', 'staging.company.team'), rewritten_for: 'prod' });
    expect(out.kestraform.namespaces).toEqual(['staging.company.more']);
    // The read-back accepts it: the content's namespace matches the resource's.
    const app = Testing.app();
    const stack = new KestraStack(app, 'x', env({ namespaces: { prefix: 'staging.' } }));
    new KestraFlow(stack, 'hello', { namespace: 'company.team', flowId: 'hello', content: FLOW('hello', 'company.team') });
    app.synth();
    const desired = readDesired(app.outdir, app.outdir);
    expect(desired.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(desired.stacks[0].resources.map((r) => r.address)).toEqual(['flow:staging.company.team/hello']);
    expect((desired.stacks[0].resources[0] as { rewrittenFor?: string }).rewrittenFor).toBe('prod');
  });
});

describe('both syntheses', () => {
  it('write the same environment-made attributes (rewritten_for, value_from_env, sensitive)', () => {
    tree();
    const build = (s: KestraStack) => new NamespaceTree(s, 'tree', { root: 'tree' });
    const environment: EnvironmentOptions = { name: 'prod', namespaces: { prefix: 'prod.' }, labels: { env: 'prod' }, kv: { 'company.team': { DB_PASSWORD: { valueFromEnv: 'PROD_DB_PASSWORD' } } } };
    const fast = synth(build, { environment, synthesis: 'fast' });
    const plain = synth(build, { environment, synthesis: 'plain' });
    expect(plain.resource).toEqual(fast.resource);
    expect(plain.kestraform).toEqual(fast.kestraform);
    expect(of(plain, 'kestra_kv').find((k) => k.key === 'DB_PASSWORD')).toMatchObject({ value: '', value_from_env: 'PROD_DB_PASSWORD', sensitive: true });
    expect(of(plain, 'kestra_flow').map((f) => f.rewritten_for)).toEqual(['prod', 'prod', 'prod', 'prod']);
  });
});

describe('KV pairs of an environment', () => {
  it("overlay the tree's value and description where given, keeping the rest", () => {
    tree();
    const out = synth(
      (s) => new NamespaceTree(s, 'tree', { root: 'tree' }),
      env({ namespaces: { prefix: 'prod.' }, kv: { 'company.team': { API_URL: { value: 'https://prod.example.com', description: 'prod API' } } } }),
    );
    expect(out.kestraform.diagnostics).toEqual([]);
    const byKey = Object.fromEntries(of(out, 'kestra_kv').map((k) => [k.key, k]));
    expect(byKey.API_URL).toMatchObject({ namespace: 'prod.company.team', type: 'STRING', value: 'https://prod.example.com', description: 'prod API' });
    expect(byKey.API_URL.sensitive).toBeUndefined();
    expect(byKey.API_URL.value_from_env).toBeUndefined();
    expect(byKey.DB_PASSWORD).toMatchObject({ namespace: 'prod.company.team', type: 'STRING', value: 'dev-password', description: 'dev database' });
  });

  it('take a value from an environment variable: empty value, the variable named, sensitive — the secret never in cdk.tf.json', () => {
    tree();
    const SECRET = 's3cr3t-prod-password-4711';
    const before = process.env.PROD_DB_PASSWORD;
    process.env.PROD_DB_PASSWORD = SECRET;
    try {
      const text = synthText(
        (s) => new NamespaceTree(s, 'tree', { root: 'tree' }),
        env({ kv: { 'company.team': { DB_PASSWORD: { valueFromEnv: 'PROD_DB_PASSWORD', description: 'prod database' } } } }),
      );
      expect(text).not.toContain(SECRET);
      // The tree's own (dev) value is not deployed either.
      expect(text).not.toContain('dev-password');
      const out: Synth = JSON.parse(text);
      const pair = of(out, 'kestra_kv').find((k) => k.key === 'DB_PASSWORD')!;
      expect(pair).toMatchObject({ namespace: 'company.team', key: 'DB_PASSWORD', type: 'STRING', value: '', value_from_env: 'PROD_DB_PASSWORD', sensitive: true, description: 'prod database' });
      expect(out.kestraform.diagnostics).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.PROD_DB_PASSWORD;
      else process.env.PROD_DB_PASSWORD = before;
    }
  });

  it('can mark an overlaid value sensitive, and change its type', () => {
    const out = synth((s) => {
      new KestraKv(s, 'n', { namespace: 'company.team', key: 'LIMIT', type: 'STRING', value: 'ten' });
      new KestraKv(s, 'k', { namespace: 'company.team', key: 'TOKEN', type: 'STRING', value: 'dev-token' });
    }, env({ kv: { 'company.team': { LIMIT: { type: 'NUMBER', value: '10' }, TOKEN: { value: 'prod-token', sensitive: true } } } }));
    expect(out.resource.kestra_kv.n).toMatchObject({ type: 'NUMBER', value: '10' });
    expect(out.resource.kestra_kv.n.sensitive).toBeUndefined();
    expect(out.resource.kestra_kv.k).toMatchObject({ value: 'prod-token', sensitive: true });
    expect(out.kestraform.diagnostics).toEqual([]);
  });

  it('report an override no KV source read as an error naming the environment and the pair', () => {
    tree();
    const out = synth(
      (s) => new NamespaceTree(s, 'tree', { root: 'tree' }),
      env({ kv: { 'company.team': { API_URL: { value: 'x' }, API_URLL: { value: 'typo' } }, 'company.nowhere': { K: { valueFromEnv: 'K' } } } }),
    );
    expect(out.kestraform.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'stack "test"',
        line: 0,
        column: 0,
        message: 'environment "prod" gives a value for kv:company.team/API_URLL, but no KV file the stack reads has that key',
        hint: "add API_URLL (with its type) to the kv.yaml of company.team, or remove it from the environment's kv",
      },
      {
        severity: 'error',
        file: 'stack "test"',
        line: 0,
        column: 0,
        message: 'environment "prod" gives a value for kv:company.nowhere/K, but no KV file the stack reads has that key',
        hint: "add K (with its type) to the kv.yaml of company.nowhere, or remove it from the environment's kv",
      },
    ]);
  });

  it('match overrides by the namespace as the tree names it, not as the environment renames it', () => {
    tree();
    const out = synth(
      (s) => new NamespaceTree(s, 'tree', { root: 'tree' }),
      env({ namespaces: { prefix: 'prod.' }, kv: { 'prod.company.team': { API_URL: { value: 'https://prod.example.com' } } } }),
    );
    expect(of(out, 'kestra_kv').find((k) => k.key === 'API_URL')!.value).toBe('https://dev.example.com');
    expect(out.kestraform.diagnostics.map((d) => d.message)).toEqual(['environment "prod" gives a value for kv:prod.company.team/API_URL, but no KV file the stack reads has that key']);
  });
});

describe('the environment in the stack settings', () => {
  it('names the environment and its target by variable names, never their values', () => {
    const vars = { PROD_URL: 'https://kestra.prod.example.com', PROD_USER: 'admin@example.com', PROD_PASS: 'Hunter2-pass', PROD_TOKEN: 'tok-123456' };
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      const text = synthText(() => undefined, {
        environment: {
          name: 'prod',
          target: { name: 'prod-cluster', urlEnv: 'PROD_URL', tenant: 'acme', tenantEnv: 'PROD_TENANT', usernameEnv: 'PROD_USER', passwordEnv: 'PROD_PASS', tokenEnv: 'PROD_TOKEN' },
        },
      });
      for (const value of Object.values(vars)) expect(text).not.toContain(value);
      const out: Synth = JSON.parse(text);
      expect(out.kestraform.environment).toBe('prod');
      expect(out.kestraform.target).toEqual({ name: 'prod-cluster', url_env: 'PROD_URL', tenant: 'acme', tenant_env: 'PROD_TENANT', username_env: 'PROD_USER', password_env: 'PROD_PASS', token_env: 'PROD_TOKEN' });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("defaults the target's name to the environment's", () => {
    const out = synth(() => undefined, { environment: { name: 'dev' } });
    expect(out.kestraform.environment).toBe('dev');
    expect(out.kestraform.target).toEqual({ name: 'dev' });
  });

  it('reads back from cdk.tf.json with the environment and target', () => {
    const app = Testing.app();
    new KestraStack(app, 'preview', { environment: { name: 'pr-42', target: { name: 'dev', urlEnv: 'DEV_URL' } } });
    app.synth();
    const desired = readDesired(app.outdir, app.outdir);
    expect(desired.diagnostics).toEqual([]);
    expect(desired.stacks[0].settings.environment).toBe('pr-42');
    expect(desired.stacks[0].settings.target).toEqual({ name: 'dev', url_env: 'DEV_URL' });
  });

  it('resolves a valueFromEnv pair when the desired state is read back, not before', () => {
    tree();
    const before = process.env.KF_TEST_PROD_API;
    process.env.KF_TEST_PROD_API = 'https://secret.prod.example.com';
    try {
      const app = Testing.app();
      const stack = new KestraStack(app, 'prod', env({ kv: { 'company.team': { API_URL: { valueFromEnv: 'KF_TEST_PROD_API' } } } }));
      new NamespaceTree(stack, 'tree', { root: 'tree' });
      app.synth();
      const written = fs.readFileSync(path.join(app.outdir, 'stacks/prod/cdk.tf.json'), 'utf8');
      expect(written).not.toContain('https://secret.prod.example.com');
      const desired = readDesired(app.outdir, dir.path);
      expect(desired.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const pair = desired.stacks[0].resources.find((r) => r.address === 'kv:company.team/API_URL') as DesiredKv;
      expect(pair).toMatchObject({ value: 'https://secret.prod.example.com', sensitive: true });
      // Unset where kestraform runs: an error naming the variable, the pair left out.
      delete process.env.KF_TEST_PROD_API;
      const unset = readDesired(app.outdir, dir.path);
      expect(unset.stacks[0].resources.map((r) => r.address)).not.toContain('kv:company.team/API_URL');
      expect(unset.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('\n')).toContain('kv:company.team/API_URL takes its value from the environment variable KF_TEST_PROD_API, which is not set — set it where kestraform runs');
    } finally {
      if (before === undefined) delete process.env.KF_TEST_PROD_API;
      else process.env.KF_TEST_PROD_API = before;
    }
  });
});
