/**
 * What Kestra answers for a run of one test suite, in the 2.0 spec's names (TestSuiteRunResult and
 * what it holds): the client decodes into these, `kestraform test` reports them.
 */
export type TestState = 'ERROR' | 'SUCCESS' | 'FAILED' | 'SKIPPED';
export const TEST_STATES: readonly TestState[] = ['ERROR', 'SUCCESS', 'FAILED', 'SKIPPED'];

/** AssertionResult: one assertion of a test case, with what was expected and what was found. */
export interface AssertionResult {
  operator: string;
  expected: unknown;
  actual: unknown;
  isSuccess: boolean;
  taskId?: string;
  description?: string;
  errorMessage?: string;
}

/** AssertionRunError: an assertion that could not be evaluated. */
export interface AssertionRunError {
  message: string;
  details?: string;
}

/** UnitTestResult: one test case's run. */
export interface UnitTestResult {
  testId: string;
  testType: string;
  state: TestState;
  assertionResults: AssertionResult[];
  errors: AssertionRunError[];
  executionId?: string;
  url?: string;
  /** The fixtures the case ran with (the spec's Fixtures), as Kestra sent them. */
  fixtures?: Record<string, unknown>;
}

/** TestSuiteRunResult: a suite's run, case by case. */
export interface TestSuiteRunResult {
  id: string;
  testSuiteId: string;
  namespace: string;
  flowId: string;
  state: TestState;
  startDate: string;
  endDate: string;
  results: UnitTestResult[];
}
