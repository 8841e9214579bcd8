/**
 * Unit tests (Kestra Enterprise test suites): one YAML source per suite, named by namespace and
 * id. The search (`GET /tests/search?namespace=…&includeChildNamespaces=false`) carries every
 * suite's source, so a namespace is read in one paged search. Running a suite
 * (`POST /tests/{namespace}/{id}/run`) answers the spec's TestSuiteRunResult, decoded here into
 * typed results; a server that cannot run it (kestraform's embedded server answers 501) is a
 * KestraApiError saying so.
 *
 * createTestSuite and runTestSuite are not idempotent (a repeated POST is refused as a duplicate,
 * or runs the suite twice), so they are never retried blindly.
 */
import { segment, type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { readPagedSearch } from './paged-search';
import { validationProblems } from './dashboards';

/** How long a suite's run may take by default: Kestra answers only once its test cases' executions end. */
export const TEST_RUN_TIMEOUT_MS = 10 * 60_000;

/** A suite as the search and reads give it (TestSuite). */
export interface TestSuiteInfo {
  id: string;
  namespace: string;
  flowId: string;
  source: string;
  disabled: boolean;
  description?: string;
}

import { TEST_STATES, type AssertionResult, type AssertionRunError, type TestState, type TestSuiteRunResult, type UnitTestResult } from '../model/test-run';

export type { AssertionResult, AssertionRunError, TestState, TestSuiteRunResult, UnitTestResult };

const YAML_CONTENT_TYPE = 'application/x-yaml';
const SOURCE_HINT = 'Kestra rejected the test suite: fix it (`kestraform validate` asks Kestra first) and run again';

export class TestSuitesApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly pageSize: number,
  ) {}

  /** Every suite of exactly `namespace` (not its children), with sources, all pages. */
  async searchTestSuites(namespace: string): Promise<TestSuiteInfo[]> {
    const suites = await readPagedSearch({
      page: (page) =>
        this.http.send({
          method: 'GET',
          path: '/tests/search',
          query: [['namespace', namespace], ['includeChildNamespaces', 'false'], ['page', String(page)], ['size', String(this.pageSize)]],
          operation: 'searchTestSuites',
          target: `search the test suites of namespace ${namespace} (page ${page})`,
          idempotent: true,
        }),
      pageSize: this.pageSize,
      item: (reader, raw, what) => testSuite(reader, raw, what),
      identity: (t) => `${t.namespace}\u0000${t.id}`,
      noun: 'test suite',
    });
    // Defence against a server that widened the search: keep only this namespace's suites.
    return (suites ?? []).filter((t) => t.namespace === namespace);
  }

  /** The suite, or null when there is none. */
  async getTestSuite(namespace: string, id: string): Promise<TestSuiteInfo | null> {
    const response = await this.http.send({
      method: 'GET',
      path: `/tests/${segment(namespace)}/${segment(id)}`,
      operation: 'getTestSuite',
      target: `read test suite ${namespace}/${id}`,
      idempotent: true,
      acceptStatus: [404],
    });
    if (response.status === 404) return null;
    const reader = new ResponseReader(response);
    return testSuite(reader, reader.object(), `test suite ${namespace}/${id}`);
  }

  async createTestSuite(source: string): Promise<TestSuiteInfo> {
    const response = await this.http.send({
      method: 'POST',
      path: '/tests',
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'createTestSuite',
      target: 'create a test suite',
      idempotent: false,
      hints: { 422: SOURCE_HINT },
    });
    const reader = new ResponseReader(response);
    return testSuite(reader, reader.object(), 'the created test suite', source);
  }

  async updateTestSuite(namespace: string, id: string, source: string): Promise<TestSuiteInfo> {
    const response = await this.http.send({
      method: 'PUT',
      path: `/tests/${segment(namespace)}/${segment(id)}`,
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'updateTestSuite',
      target: `update test suite ${namespace}/${id}`,
      idempotent: true,
      hints: { 404: `test suite ${namespace}/${id} does not exist any more: it has to be created again; run plan again`, 422: SOURCE_HINT },
    });
    const reader = new ResponseReader(response);
    return testSuite(reader, reader.object(), `test suite ${namespace}/${id}`, source);
  }

  /** Deletes a suite; one already gone (404) is fine. */
  async deleteTestSuite(namespace: string, id: string): Promise<void> {
    await this.http.send({
      method: 'DELETE',
      path: `/tests/${segment(namespace)}/${segment(id)}`,
      operation: 'deleteTestSuite',
      target: `delete test suite ${namespace}/${id}`,
      idempotent: true,
      acceptStatus: [404],
    });
  }

  /** Kestra's problems with the source, in its words; undefined when it takes it. */
  async validateTestSuite(source: string): Promise<string | undefined> {
    const response = await this.http.send({
      method: 'POST',
      path: '/tests/validate',
      body: { data: source, contentType: YAML_CONTENT_TYPE },
      operation: 'validateTestSuite',
      target: 'validate a test suite',
      idempotent: true,
    });
    return validationProblems(new ResponseReader(response));
  }

  /**
   * Runs every test case of the suite and answers the run's result. Kestra answers once the
   * cases' executions end, so the wait has a bound of its own (`timeoutMs`, default
   * TEST_RUN_TIMEOUT_MS), not the client's.
   */
  async runTestSuite(namespace: string, id: string, timeoutMs = TEST_RUN_TIMEOUT_MS): Promise<TestSuiteRunResult> {
    const response = await this.http.send({
      method: 'POST',
      path: `/tests/${segment(namespace)}/${segment(id)}/run`,
      // RunRequest: no `testCases` means all of them.
      body: { data: '{}', contentType: 'application/json' },
      operation: 'runTestSuite',
      target: `run test suite ${namespace}/${id}`,
      idempotent: false,
      hints: {
        404: `test suite ${namespace}/${id} does not exist in Kestra: apply the stack first`,
      },
      timeout: { ms: timeoutMs, raise: "kestraform test's --timeout" },
    });
    const reader = new ResponseReader(response);
    return decodeTestSuiteRunResult(reader, reader.object(), `the run of test suite ${namespace}/${id}`);
  }
}

function testSuite(reader: ResponseReader, raw: JsonObject, what: string, sent?: string): TestSuiteInfo {
  const source = reader.optionalString(raw, 'source', what) ?? sent;
  if (source === undefined) throw reader.fail(`${what} came without its source`);
  const suite: TestSuiteInfo = {
    id: reader.string(raw, 'id', what),
    namespace: reader.string(raw, 'namespace', what),
    flowId: reader.string(raw, 'flowId', what),
    source,
    disabled: reader.optionalBoolean(raw, 'disabled', what) ?? false,
  };
  const description = reader.optionalString(raw, 'description', what);
  if (description !== undefined) suite.description = description;
  return suite;
}

/** A TestSuiteRunResult, checked against the spec's schema: required fields, TestState values, the results' shapes. */
export function decodeTestSuiteRunResult(reader: ResponseReader, raw: JsonObject, what: string): TestSuiteRunResult {
  const results = optionalList(reader, raw, 'results', what).map((item, i) => unitTestResult(reader, reader.asObject(item, `${what}, result #${i}`), `${what}, result #${i}`));
  return {
    id: reader.string(raw, 'id', what),
    testSuiteId: reader.string(raw, 'testSuiteId', what),
    namespace: reader.string(raw, 'namespace', what),
    flowId: reader.string(raw, 'flowId', what),
    state: testState(reader, raw, what),
    startDate: reader.string(raw, 'startDate', what),
    endDate: reader.string(raw, 'endDate', what),
    results,
  };
}

function unitTestResult(reader: ResponseReader, raw: JsonObject, what: string): UnitTestResult {
  const out: UnitTestResult = {
    testId: reader.string(raw, 'testId', what),
    testType: reader.string(raw, 'testType', what),
    state: testState(reader, raw, what),
    assertionResults: requiredList(reader, raw, 'assertionResults', what).map((item, i) => assertionResult(reader, reader.asObject(item, `${what}, assertion #${i}`), `${what}, assertion #${i}`)),
    errors: requiredList(reader, raw, 'errors', what).map((item, i) => runError(reader, reader.asObject(item, `${what}, error #${i}`), `${what}, error #${i}`)),
  };
  for (const field of ['executionId', 'url'] as const) {
    const value = reader.optionalString(raw, field, what);
    if (value !== undefined) out[field] = value;
  }
  if (raw.fixtures !== undefined && raw.fixtures !== null) out.fixtures = reader.asObject(raw.fixtures, `${what}: "fixtures"`);
  return out;
}

function assertionResult(reader: ResponseReader, raw: JsonObject, what: string): AssertionResult {
  for (const field of ['expected', 'actual']) if (!(field in raw)) throw reader.fail(`${what} has no "${field}"`);
  const isSuccess = reader.optionalBoolean(raw, 'isSuccess', what);
  if (isSuccess === undefined) throw reader.fail(`${what} has no boolean "isSuccess"`);
  const out: AssertionResult = { operator: reader.string(raw, 'operator', what), expected: raw.expected, actual: raw.actual, isSuccess };
  for (const field of ['taskId', 'description', 'errorMessage'] as const) {
    const value = reader.optionalString(raw, field, what);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function runError(reader: ResponseReader, raw: JsonObject, what: string): AssertionRunError {
  const out: AssertionRunError = { message: reader.string(raw, 'message', what) };
  const details = reader.optionalString(raw, 'details', what);
  if (details !== undefined) out.details = details;
  return out;
}

function testState(reader: ResponseReader, raw: JsonObject, what: string): TestState {
  const state = raw.state;
  if (typeof state !== 'string' || !(TEST_STATES as readonly string[]).includes(state)) throw reader.fail(`${what} has an unknown state ${JSON.stringify(state)} (expected one of ${TEST_STATES.join(', ')})`);
  return state as TestState;
}

function requiredList(reader: ResponseReader, raw: JsonObject, field: string, what: string): unknown[] {
  const value = raw[field];
  if (!Array.isArray(value)) throw reader.fail(`${what} has no list "${field}"`);
  return value;
}

function optionalList(reader: ResponseReader, raw: JsonObject, field: string, what: string): unknown[] {
  const value = raw[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw reader.fail(`${what}: "${field}" should be a list`);
  return value;
}
