/** `kestraform test`'s text report and JUnit XML, from run results shaped as the 2.0 spec's TestSuiteRunResult. */
import { renderJunit, renderTestText, testsPassed, totalsOf, type SuiteOutcome } from '../../lib/render/test-results';
import { paint } from '../../lib/render/color';
import type { TestSuiteRunResult } from '../../lib/model/test-run';

const run = (over: Partial<TestSuiteRunResult>): TestSuiteRunResult => ({
  id: 'run-1', testSuiteId: 'hello-tests', namespace: 'company.team', flowId: 'hello', state: 'SUCCESS',
  startDate: '2026-12-01T10:00:00Z', endDate: '2026-12-01T10:00:02.5Z', results: [], ...over,
});

const passing: SuiteOutcome = {
  address: 'test:company.team/hello-tests', namespace: 'company.team', id: 'hello-tests',
  run: run({ results: [{ testId: 'greets', testType: 'io.kestra.core.tests.flow.UnitTest', executionId: 'ex1', url: 'https://kestra/ui/ex1', state: 'SUCCESS', assertionResults: [{ operator: 'equalTo', expected: 'hi', actual: 'hi', isSuccess: true }], errors: [] }] }),
};
const failing: SuiteOutcome = {
  address: 'test:company.team/etl-tests', namespace: 'company.team', id: 'etl-tests',
  run: run({ testSuiteId: 'etl-tests', flowId: 'etl', state: 'FAILED', results: [
    { testId: 'counts rows', testType: 'io.kestra.core.tests.flow.UnitTest', state: 'FAILED', assertionResults: [{ operator: 'equalTo', expected: 3, actual: 2, isSuccess: false, taskId: 'load', description: 'three rows <loaded> & "kept"' }], errors: [] },
    { testId: 'no input', testType: 'io.kestra.core.tests.flow.UnitTest', state: 'ERROR', assertionResults: [], errors: [{ message: 'input missing', details: 'rows' }] },
    { testId: 'later', testType: 'io.kestra.core.tests.flow.UnitTest', state: 'SKIPPED', assertionResults: [], errors: [] },
  ] }),
};
const notRun: SuiteOutcome = { address: 'test:company.team/gone', namespace: 'company.team', id: 'gone', problem: 'Kestra holds no test suite company.team/gone (HTTP 404) — run kestraform apply first' };

describe('test results', () => {
  it('count and pass only when every case passed', () => {
    expect(totalsOf([passing])).toEqual({ suites: 1, cases: 1, passed: 1, failed: 0, errors: 0, skipped: 0 });
    expect(testsPassed(totalsOf([passing]))).toBe(true);
    expect(totalsOf([passing, failing, notRun])).toEqual({ suites: 3, cases: 4, passed: 1, failed: 1, errors: 2, skipped: 1 });
    expect(testsPassed(totalsOf([passing, notRun]))).toBe(false);
    // A suite Kestra failed without a failing case still fails.
    expect(testsPassed(totalsOf([{ ...passing, run: run({ state: 'ERROR', results: [] }) } as SuiteOutcome]))).toBe(false);
  });

  it('read as text: each suite, each failing assertion with expected and actual, the totals', () => {
    const text = renderTestText([passing, failing, notRun], paint(false));
    expect(text).toContain('✓ company.team/hello-tests (flow hello): SUCCESS');
    expect(text).toContain('✗ company.team/etl-tests (flow etl): FAILED');
    expect(text).toContain('failed: three rows <loaded> & "kept" — expected equalTo 3, got 2');
    expect(text).toContain('error: input missing — rows');
    expect(text).toContain('✗ company.team/gone: not run — Kestra holds no test suite');
    expect(text).toContain('3 test suites, 4 test cases: 1 passed, 1 failed, 2 errors, 1 skipped.');
  });

  it('write JUnit XML CI systems read: escaped, one testsuite per suite, failure/error/skipped per case', () => {
    const xml = renderJunit([passing, failing, notRun]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kestraform test" tests="5" failures="1" errors="2" skipped="1">')).toBe(true);
    expect(xml).toContain('<testsuite name="company.team/hello-tests" tests="1" failures="0" errors="0" skipped="0" timestamp="2026-12-01T10:00:00Z" time="2.500">');
    expect(xml).toContain('<testcase name="counts rows" classname="company.team.etl-tests">');
    expect(xml).toContain('<failure message="three rows &lt;loaded&gt; &amp; &quot;kept&quot; — expected equalTo 3, got 2">');
    expect(xml).toContain('<error message="input missing">input missing\nrows</error>');
    expect(xml).toContain('<skipped/>');
    expect(xml).toContain('<error message="Kestra holds no test suite company.team/gone (HTTP 404) — run kestraform apply first"/>');
    // Well-formed: every opened element is closed.
    const opened = (xml.match(/<(testsuites|testsuite|testcase)[ >]/g) ?? []).length;
    const closed = (xml.match(/<\/(testsuites|testsuite|testcase)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });
});
