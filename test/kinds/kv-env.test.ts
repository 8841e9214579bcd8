/**
 * Objects an environment made, as the kinds read them back from cdk.tf.json: a KV pair whose value
 * comes from an environment variable (resolved at decode, never shown), and a flow whose source the
 * environment rewrote (pull refuses to bring Kestra's version back into the tree).
 */
import { flowKind, kvKind, PullHomes, SENSITIVE } from '../../lib/kinds';
import type { CommonFields, DecodeContext, PullContext, Shown } from '../../lib/kinds/types';
import type { DesiredKv } from '../../lib/desired/types';
import { flow, flowSource, liveFlow } from '../engine/factory';

const SECRET = 'pa55-w0rd-never-shown';

const common: CommonFields = {
  tfType: 'kestra_kv',
  logicalId: 'db',
  constructPath: 'prod/tree/company.team/kv-DB',
  dependsOn: [],
  lifecycle: { preventDestroy: false, ignoreChanges: [], createBeforeDestroy: false },
};

function decode(raw: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const ctx: DecodeContext = { projectDir: '/p', where: 'cdktf.out/stacks/prod/cdk.tf.json', stack: 'prod', diagnostics: [], env };
  const out = kvKind.decode({ namespace: 'company.team', key: 'DB', ...raw }, common, ctx);
  return { out, ctx };
}

/** Everything a decode said, as one string to search for the secret in. */
const said = (r: ReturnType<typeof decode>) => JSON.stringify([('problems' in r.out ? r.out.problems : []), r.ctx.diagnostics]);

describe('a KV pair whose value comes from an environment variable', () => {
  it('takes the variable value, and is sensitive', () => {
    const r = decode({ type: 'STRING', value: '', value_from_env: 'PROD_DB' }, { PROD_DB: SECRET });
    expect(r.out).toEqual({
      resource: {
        kind: 'kv', address: 'kv:company.team/DB', ...common, namespace: 'company.team', key: 'DB', type: 'STRING', value: SECRET,
        description: undefined, ttl: undefined, sensitive: true, sourceFile: undefined,
      },
    });
    expect(r.ctx.diagnostics).toEqual([]);
  });

  it('normalises the value to its type, as a KV file value is', () => {
    const value = (type: string, v: string) => {
      const r = decode({ type, value: '', value_from_env: 'V' }, { V: v });
      return 'resource' in r.out ? (r.out.resource as DesiredKv).value : r.out.problems;
    };
    expect(value('NUMBER', '42.0')).toBe('42');
    expect(value('DURATION', 'P1D')).toBe('PT24H');
    expect(value('JSON', '{ "a": [1, 2] }')).toBe('{"a":[1,2]}');
    expect(value('BOOLEAN', 'true')).toBe('true');
    expect(value('STRING', '')).toBe('');
  });

  it('wins over the (empty) value written beside it', () => {
    const r = decode({ type: 'STRING', value: 'written', value_from_env: 'V' }, { V: 'from-env' });
    expect((r.out as { resource: DesiredKv }).resource.value).toBe('from-env');
  });

  it('is an error naming the variable when it is not set', () => {
    const r = decode({ type: 'STRING', value: '', value_from_env: 'PROD_DB' }, { OTHER: SECRET });
    expect(r.out).toEqual({ problems: ['kv:company.team/DB takes its value from the environment variable PROD_DB, which is not set — set it where kestraform runs'] });
    expect(said(r)).not.toContain(SECRET);
  });

  it.each([
    ['NUMBER', 'not-a-number-' + SECRET],
    ['BOOLEAN', SECRET],
    ['DATE', SECRET],
    ['DATETIME', SECRET],
    ['DURATION', SECRET],
    ['JSON', `{"password": "${SECRET}"`],
    // A string Kestra would read as a duration and fail to parse (the KV file's own message quotes it).
    ['STRING', 'PTM'],
  ])('is an error without the value when the variable is not a valid %s', (type, value) => {
    const r = decode({ type, value: '', value_from_env: 'PROD_DB' }, { PROD_DB: value });
    expect(r.out).toEqual({ problems: [`kv:company.team/DB: the value of the environment variable PROD_DB is not a valid ${type} — set it to one`] });
    expect(said(r)).not.toContain(SECRET);
    expect(said(r)).not.toContain(value);
  });

  it('rejects a value_from_env that is not a variable name', () => {
    const r = decode({ type: 'STRING', value: '', value_from_env: 'PROD-DB' }, { 'PROD-DB': SECRET });
    expect('problems' in r.out && r.out.problems.join('\n')).toMatch(/value_from_env: must be the name of an environment variable/);
    expect(said(r)).not.toContain(SECRET);
  });

  it('is never shown or recorded in state once decoded', () => {
    const r = decode({ type: 'STRING', value: '', value_from_env: 'PROD_DB', description: 'prod database' }, { PROD_DB: SECRET });
    const d = (r.out as { resource: DesiredKv }).resource;
    expect(kvKind.sensitive(d, undefined)).toBe(true);
    expect(JSON.stringify(kvKind.viewOfDesired(d))).not.toContain(SECRET);
    expect(JSON.stringify(kvKind.applied(d))).not.toContain(SECRET);
    const rows = kvKind.display!({ address: d.address, sides: 'create', after: kvKind.viewOfDesired(d), sensitive: true } satisfies Shown);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    expect(JSON.stringify(rows)).toContain(SENSITIVE);
  });

  it('without value_from_env keeps the written value and the written sensitivity', () => {
    const r = decode({ type: 'STRING', value: 'plain' }, { PROD_DB: SECRET });
    expect((r.out as { resource: DesiredKv }).resource).toMatchObject({ value: 'plain', sensitive: false });
  });
});

describe('a flow rewritten for an environment', () => {
  const homes = new PullHomes([], '/p', 'prod');
  const noClient = new Proxy({}, { get: () => () => Promise.reject(new Error('no call expected')) });
  const ctx = (desired: ReturnType<typeof flow>): PullContext => ({
    address: desired.address,
    drift: 'changed',
    file: 'tree/company.team/flows/hello.yml',
    desired,
    live: liveFlow(desired.namespace, desired.flowId, flowSource(desired.namespace, desired.flowId, 'description: edited in the UI\n'), 3),
    entry: undefined,
    client: noClient,
    homes,
    now: '2026-01-01T00:00:00Z',
  });

  it('refuses pull, naming the environment and the file', async () => {
    const d = flow('prod.company.team', 'hello', flowSource('prod.company.team', 'hello'), { sourceFile: 'tree/company.team/flows/hello.yml', rewrittenFor: 'prod' });
    expect(await flowKind.planPull!(ctx(d))).toEqual({
      refused: 'its source is rewritten for environment "prod" (namespaces, labels or triggers), so Kestra\'s version cannot go back into tree/company.team/flows/hello.yml as it is — pull it from an environment that deploys the file unchanged, or make the edit in the file',
    });
  });

  it('is pulled as usual when the environment left its source unchanged', async () => {
    const d = flow('company.team', 'hello', flowSource('company.team', 'hello'), { sourceFile: 'tree/company.team/flows/hello.yml' });
    const plan = await flowKind.planPull!(ctx(d));
    expect(plan).toMatchObject({ file: 'tree/company.team/flows/hello.yml', change: { action: 'write' } });
    expect(String((plan as { change: { bytes: Buffer } }).change.bytes)).toContain('description: edited in the UI');
  });

  it('keeps rewritten_for when decoded from cdk.tf.json', () => {
    const ctx: DecodeContext = { projectDir: '/p', where: 'w', stack: 'prod', diagnostics: [], env: {} };
    const out = flowKind.decode(
      { namespace: 'prod.company.team', flow_id: 'hello', content: flowSource('prod.company.team', 'hello'), source_file: 'tree/company.team/flows/hello.yml', rewritten_for: 'prod' },
      { ...common, tfType: 'kestra_flow' },
      ctx,
    );
    expect(out).toMatchObject({ resource: { address: 'flow:prod.company.team/hello', rewrittenFor: 'prod', sourceFile: 'tree/company.team/flows/hello.yml' } });
    expect(flowKind.provenance).toContain('rewrittenFor');
  });
});
