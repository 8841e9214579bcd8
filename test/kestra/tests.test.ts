/**
 * The client's test suites: CRUD, search and validate against the embedded EE server; a run, which
 * the embedded server refuses with 501 (an error saying so, never a result), and a run's result
 * decoded from a body written from the spec's schemas, served by a scripted server — with the
 * decoder refusing bodies the spec does not allow.
 */
import { KestraApiError, KestraProtocolError, KestraTimeoutError } from '../../lib/kestra';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';
import { recordedRunResult } from './support/test-run-result';

const suite = (id: string, ns = 'company.team') =>
  `id: ${id}\nnamespace: ${ns}\nflowId: hello\ntestCases:\n  - id: case_1\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions:\n      - value: "{{ outputs.hello.message }}"\n        equalTo: Hello\n`;

describe.each([2, 1] as const)('test suites through the client, %i.x EE', (major) => {
  let s: RunningKestraServer;
  beforeAll(async () => {
    s = await startKestraServer({ port: 0, kestraMajor: major, edition: 'ee' });
  });
  afterAll(() => s.close());

  it('creates, searches exactly one namespace, reads, updates and deletes', async () => {
    const { client } = testClient(s.url, { pageSize: 2 });
    try {
      expect(await client.createTestSuite(suite('t1'))).toMatchObject({ id: 't1', namespace: 'company.team', flowId: 'hello', source: suite('t1'), disabled: false });
      for (const id of ['t2', 't3']) await client.createTestSuite(suite(id));
      await client.createTestSuite(suite('child', 'company.team.sub'));
      const found = await client.searchTestSuites('company.team');
      expect(found.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
      expect(found[2].source).toBe(suite('t3'));
      const changed = suite('t1').replace('equalTo: Hello', 'equalTo: Hi');
      expect((await client.updateTestSuite('company.team', 't1', changed)).source).toBe(changed);
      expect((await client.getTestSuite('company.team', 't1'))?.source).toBe(changed);
      await client.deleteTestSuite('company.team', 't1');
      expect(await client.getTestSuite('company.team', 't1')).toBeNull();
      await expect(client.deleteTestSuite('company.team', 't1')).resolves.toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('validates: Kestra\'s words for a refused suite, undefined for a good one', async () => {
    const { client } = testClient(s.url);
    try {
      expect(await client.validateTestSuite(suite('ok'))).toBeUndefined();
      expect(await client.validateTestSuite('id: v\nnamespace: company.team\ntestCases: []\n')).toBe('flowId: must not be null, testCases: must not be empty');
    } finally {
      await client.close();
    }
  });

  it('gets an error, not a result, when the server cannot run the suite', async () => {
    const { client } = testClient(s.url);
    try {
      await client.createTestSuite(suite('run_me'));
      const error = await failureOf(client.runTestSuite('company.team', 'run_me'));
      expect(error).toBeInstanceOf(KestraApiError);
      expect((error as KestraApiError).status).toBe(501);
      expect(error.message).toMatch(/run test suite company\.team\/run_me failed with HTTP 501/);
      expect(error.message).toMatch(/cannot execute flows, so it cannot run unit tests/);
      expect(error.message).toMatch(/Kestra Enterprise server/);
      expect(((await failureOf(client.runTestSuite('company.team', 'absent'))) as KestraApiError).status).toBe(404);
    } finally {
      await client.close();
    }
  });
});

describe('runTestSuite decoding', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => server?.close());

  it('waits for a run longer than the client waits for other answers, up to a bound of its own', async () => {
    // Kestra answers a run once the test cases' executions end.
    server = await startScriptedServer((req, res) => void setTimeout(() => sendJson(res, 200, recordedRunResult()), 600));
    const { client } = testClient(server.url, { timeoutMs: 200, retry: { retries: 0 } });
    try {
      expect(await failureOf(client.listFlows('company.team'))).toBeInstanceOf(KestraTimeoutError);
      expect((await client.runTestSuite('company.team', 'greets')).state).toBe('FAILED');
      const error = await failureOf(client.runTestSuite('company.team', 'greets', 250));
      expect(error).toBeInstanceOf(KestraTimeoutError);
      expect(error.message).toContain('run test suite company.team/greets timed out after 250 ms waiting for the response headers');
      expect(error.message).toContain("raise kestraform test's --timeout");
    } finally {
      await client.close();
    }
  });

  it('decodes a run result written from the spec, sending the spec\'s RunRequest', async () => {
    server = await startScriptedServer((req, res) => sendJson(res, 200, recordedRunResult()));
    const { client } = testClient(server.url);
    try {
      const result = await client.runTestSuite('company.team', 'greets');
      expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/v1/main/tests/company.team/greets/run' });
      expect(server.requests[0].headers['content-type']).toBe('application/json');
      expect(JSON.parse(server.requests[0].body.toString())).toEqual({});
      expect(result).toEqual({
        id: '4w7bFqXRH8nNcQy3tGx1pL',
        testSuiteId: 'greets',
        namespace: 'company.team',
        flowId: 'hello',
        state: 'FAILED',
        startDate: '2026-05-04T10:15:30.120Z',
        endDate: '2026-05-04T10:15:34.872Z',
        results: [
          {
            testId: 'says_hello',
            testType: 'io.kestra.core.tests.flow.UnitTest',
            executionId: '6Qv2WbZyKc1sNfHtDd9RmE',
            url: 'https://kestra.example.com/ui/main/executions/company.team/hello/6Qv2WbZyKc1sNfHtDd9RmE',
            state: 'SUCCESS',
            assertionResults: [{ operator: 'equalTo', expected: 'Hello Ada', actual: 'Hello Ada', isSuccess: true, taskId: 'hello', description: 'greets by name' }],
            errors: [],
            fixtures: { inputs: { user: 'Ada' } },
          },
          {
            testId: 'counts',
            testType: 'io.kestra.core.tests.flow.UnitTest',
            executionId: '1aB2cD3eF4gH5iJ6kL7mN8',
            state: 'FAILED',
            assertionResults: [
              { operator: 'greaterThan', expected: 3, actual: 2, isSuccess: false, taskId: 'count', errorMessage: 'expected more rows' },
              { operator: 'isNotNull', expected: true, actual: null, isSuccess: false },
            ],
            errors: [{ message: 'Unable to render the assertion value', details: "Missing variable: 'outputs.missing'" }],
          },
        ],
      });
    } finally {
      await client.close();
    }
  });

  it.each([
    ['without a state', (b: Record<string, unknown>) => delete b.state, /has an unknown state undefined/],
    ['with a state outside TestState', (b: Record<string, unknown>) => (b.state = 'PASSED'), /unknown state "PASSED" \(expected one of ERROR, SUCCESS, FAILED, SKIPPED\)/],
    ['without endDate', (b: Record<string, unknown>) => delete b.endDate, /has no string "endDate"/],
    ['with a result lacking assertionResults', (b: Record<string, unknown>) => delete (b.results as Array<Record<string, unknown>>)[1].assertionResults, /result #1 has no list "assertionResults"/],
    ['with an assertion lacking isSuccess', (b: Record<string, unknown>) => delete ((b.results as Array<Record<string, unknown>>)[0].assertionResults as Array<Record<string, unknown>>)[0].isSuccess, /assertion #0 has no boolean "isSuccess"/],
    ['with an assertion lacking actual', (b: Record<string, unknown>) => delete ((b.results as Array<Record<string, unknown>>)[0].assertionResults as Array<Record<string, unknown>>)[0].actual, /assertion #0 has no "actual"/],
  ])('refuses a body %s', async (_name, spoil, message) => {
    const body = recordedRunResult();
    spoil(body);
    server = await startScriptedServer((req, res) => sendJson(res, 200, body));
    const { client } = testClient(server.url);
    try {
      const error = await failureOf(client.runTestSuite('company.team', 'greets'));
      expect(error).toBeInstanceOf(KestraProtocolError);
      expect(error.message).toMatch(message);
    } finally {
      await client.close();
    }
  });

  it('is never repeated after a failure that may hide a run', async () => {
    server = await startScriptedServer((req, res) => sendJson(res, 503, { message: 'busy' }));
    const { client } = testClient(server.url);
    try {
      expect(((await failureOf(client.runTestSuite('company.team', 'greets'))) as KestraApiError).status).toBe(503);
      expect(server.requests).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});
