/**
 * A TestSuiteRunResult as Kestra Enterprise answers `POST /tests/{namespace}/{id}/run`, written
 * from the 2.0 spec's schemas (TestSuiteRunResult, UnitTestResult, AssertionResult,
 * AssertionRunError, Fixtures): every required field, the optional ones a real run fills in, one
 * passing and one failing case, an assertion that could not be evaluated. The embedded server
 * cannot produce one (it cannot execute flows); the contract test checks this body against the
 * spec, the client test decodes it.
 */
export function recordedRunResult(): Record<string, unknown> {
  return {
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
        assertionResults: [
          { operator: 'equalTo', expected: 'Hello Ada', actual: 'Hello Ada', isSuccess: true, taskId: 'hello', description: 'greets by name' },
        ],
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
  };
}
