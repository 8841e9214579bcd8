/**
 * The emulator's test suites (Kestra Enterprise unit tests), on both lines: TestSuite answers
 * with the source and test cases, the spec's required fields refused with Kestra's 422 and their
 * paths, duplicates and moves refused, the search (namespace with or without children, flowId,
 * paging), validate, a run answered 501 with words saying why (never a made-up result), the
 * open-source edition without any of it, and `--data` across restarts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../../lib/server';
import { errorTextOf } from '../support/error-text';

const suite = (id: string, ns = 'company.team', flowId = 'hello') =>
  `id: ${id}\nnamespace: ${ns}\nflowId: ${flowId}\ntestCases:\n  - id: case_1\n    type: io.kestra.core.tests.flow.UnitTest\n    fixtures:\n      inputs:\n        user: Ada\n    assertions:\n      - value: "{{ outputs.hello.message }}"\n        equalTo: Hello Ada\n      - value: 42\n        greaterThan: 3\n      - value: "{{ outputs.hello.list }}"\n        in: [a, b]\n`;
const YAML = { 'Content-Type': 'application/x-yaml' };

describe.each([2, 1] as const)('test suites on the %i.x EE emulation', (major) => {
  let s: RunningKestraServer;
  let base: string;
  const post = (body: string, p = '/tests') => fetch(`${base}${p}`, { method: 'POST', body, headers: YAML });
  const errorText = async (res: Response) => errorTextOf(major, await res.json());
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
    base = `${s.url}/api/v1/main`;
  });
  afterAll(() => s.close());

  it('creates a suite and answers it with its source and test cases', async () => {
    const source = suite('greets');
    const res = await post(source);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id: 'greets', namespace: 'company.team', flowId: 'hello', source, disabled: false, deleted: false });
    expect(body.testCases).toHaveLength(1);
    expect(body.testCases[0]).toMatchObject({ id: 'case_1', type: 'io.kestra.core.tests.flow.UnitTest', fixtures: { inputs: { user: 'Ada' } } });
    // Assertion properties come back as their expressions (strings, a list as its JSON), as Kestra's PropertySerializer writes them.
    expect(body.testCases[0].assertions).toEqual([
      { value: '{{ outputs.hello.message }}', equalTo: 'Hello Ada' },
      { value: '42', greaterThan: '3' },
      { value: '{{ outputs.hello.list }}', in: '["a","b"]' },
    ]);
    expect(await (await fetch(`${base}/tests/company.team/greets`)).json()).toEqual(body);
    expect((await fetch(`${base}/tests/company.team/nope`)).status).toBe(404);
  });

  it('refuses what the TestSuite model refuses, with its 422 and paths', async () => {
    const cases: Array<[string, RegExp]> = [
      [suite('x').replace('flowId: hello\n', ''), /flowId: must not be null/],
      ['id: x\nnamespace: company.team\nflowId: hello\n', /testCases: must not be null/],
      ['id: x\nnamespace: company.team\nflowId: hello\ntestCases: []\n', /testCases: must not be empty/],
      ['id: x\nnamespace: company.team\nflowId: hello\ntestCases:\n  - id: c\n    type: io.kestra.core.tests.flow.UnitTest\n', /testCases\[0\]\.assertions: must not be null/],
      ['id: x\nnamespace: company.team\nflowId: hello\ntestCases:\n  - id: c\n    assertions:\n      - equalTo: 1\n', /testCases\[0\]\.type: must not be null.*testCases\[0\]\.assertions\[0\]\.value: must not be null/],
      [suite('Bad Id'), /id: must match/],
      [suite('x', 'Company.Team'), /namespace: must match/],
      [`${suite('x')}colour: red\n`, /Unrecognized field "colour"/],
      ['id: x\nid: y\n', /Illegal testsuite yaml/],
    ];
    for (const [source, message] of cases) {
      const res = await post(source);
      expect(res.status).toBe(422);
      expect(await errorText(res)).toMatch(message);
    }
    // `expectedState` is 2.0's: a known State.Type there, a property 1.x's model does not have.
    const expecting = (state: string) => suite(`exp_${state.toLowerCase()}`).replace('    assertions:\n', `    expectedState: ${state}\n    assertions:\n`);
    if (major === 2) {
      expect((await post(expecting('SUCCESS'))).status).toBe(200);
      expect(await errorText(await post(expecting('PASSED')))).toMatch(/testCases\[0\]\.expectedState: must be one of/);
    } else expect(await errorText(await post(expecting('SUCCESS')))).toMatch(/Unrecognized field "expectedState"/);
    // A guglxni-style unit-test file (io.kestra.core.tests.Flow, no testCases) is not a TestSuite.
    const notASuite = await post('id: t\nnamespace: company.team\ntype: io.kestra.core.tests.Flow\nflowId: hello\n');
    expect(notASuite.status).toBe(422);
    expect((await post(suite('dup'))).status).toBe(200);
    const dup = await post(suite('dup'));
    expect(dup.status).toBe(422);
    expect(await errorText(dup)).toMatch(/testSuite\.id: Test suite id already exists/);
  });

  it('updates in place and refuses an update that moves the suite', async () => {
    await post(suite('upd'));
    const changed = suite('upd').replace('Hello Ada', 'Hi Ada');
    const res = await fetch(`${base}/tests/company.team/upd`, { method: 'PUT', body: changed, headers: YAML });
    expect(res.status).toBe(200);
    expect((await res.json()).source).toBe(changed);
    const moved = await fetch(`${base}/tests/company.team/upd`, { method: 'PUT', body: suite('other'), headers: YAML });
    expect(moved.status).toBe(422);
    expect(await errorText(moved)).toMatch(/testSuite\.id: Illegal test suite id update/);
    expect((await fetch(`${base}/tests/company.team/missing`, { method: 'PUT', body: suite('missing'), headers: YAML })).status).toBe(404);
  });

  it('searches a namespace with or without its children, by flow, in pages', async () => {
    for (const [id, ns, flow] of [['a', 'srch', 'f1'], ['b', 'srch', 'f2'], ['c', 'srch.child', 'f1'], ['d', 'srchx', 'f1']]) expect((await post(suite(id, ns, flow))).status).toBe(200);
    const ids = async (query: string) => ((await (await fetch(`${base}/tests/search?${query}`)).json()) as { results: Array<{ id: string; source: string }> }).results.map((r) => r.id);
    expect(await ids('namespace=srch&size=10')).toEqual(['a', 'b', 'c']);
    expect(await ids('namespace=srch&includeChildNamespaces=false&size=10')).toEqual(['a', 'b']);
    expect(await ids('namespace=srch&flowId=f1&size=10')).toEqual(['a', 'c']);
    const page = await (await fetch(`${base}/tests/search?namespace=srch&page=2&size=2`)).json();
    expect(page.total).toBe(3);
    expect(page.results.map((r: { id: string }) => r.id)).toEqual(['c']);
    expect(page.results[0].source).toBe(suite('c', 'srch.child', 'f1'));
  });

  it('validates without storing', async () => {
    expect(await (await post(suite('valid_one'), '/tests/validate')).json()).toEqual({ index: 0 });
    const invalid = await (await post('id: v\nnamespace: company.team\nflowId: hello\n', '/tests/validate')).json();
    expect(invalid).toEqual({ index: 0, constraints: 'testCases: must not be null' });
    expect((await fetch(`${base}/tests/company.team/valid_one`)).status).toBe(404);
  });

  it('answers a run 501, saying the embedded server cannot execute flows', async () => {
    await post(suite('runnable'));
    const res = await fetch(`${base}/tests/company.team/runnable/run`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(501);
    const text = await errorText(res);
    expect(text).toMatch(/cannot execute flows, so it cannot run unit tests/);
    expect(text).toMatch(/company\.team\/runnable/);
    expect((await fetch(`${base}/tests/company.team/absent/run`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(404);
  });

  it('deletes a suite', async () => {
    await post(suite('gone'));
    expect((await fetch(`${base}/tests/company.team/gone`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${base}/tests/company.team/gone`)).status).toBe(404);
    expect((await fetch(`${base}/tests/company.team/gone`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('test suites in the open-source edition', () => {
  it('are not offered', async () => {
    const s = await startKestraServer({ port: 0 });
    try {
      expect((await fetch(`${s.url}/api/v1/main/tests`, { method: 'POST', body: suite('x'), headers: YAML })).status).toBe(404);
      expect((await fetch(`${s.url}/api/v1/main/tests/search?namespace=a`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});

describe('test suites with --data', () => {
  it('survive a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-tests-'));
    try {
      let s = await startKestraServer({ port: 0, edition: 'ee', dataDir: dir });
      await fetch(`${s.url}/api/v1/main/tests`, { method: 'POST', body: suite('kept'), headers: YAML });
      await s.close();
      s = await startKestraServer({ port: 0, edition: 'ee', dataDir: dir });
      const got = await (await fetch(`${s.url}/api/v1/main/tests/company.team/kept`)).json();
      await s.close();
      expect(got).toMatchObject({ id: 'kept', source: suite('kept') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
