/**
 * Unit tests (Kestra Enterprise test suites): create, read, update, delete, search, validate and
 * run, as the 2.0 and 1.3 specs declare them (TestSuiteController). EE's source is not public:
 * the model's rules are the spec's TestSuite schema (id, namespace, flowId and a non-empty
 * testCases required; each test case an id, a type and assertions; each assertion a value; the
 * id, namespace and flowId patterns and lengths), the messages jakarta validation's defaults and
 * YamlParser's, and what the spec does not say is done as Kestra's own controllers do it for flows
 * and dashboards (spec only, said where): a duplicate (namespace, id) and an update that moves a
 * suite are refused with 422, delete answers 200 without a body, `disabled` is the source's.
 *
 * Running a suite executes its flow, which the embedded server cannot do: `POST …/run` answers
 * 501 Not Implemented (the server knows the operation but does not implement it — RFC 9110
 * §15.6.2 — rather than 404, which would say the suite is not there, or a made-up result), with a
 * message saying so.
 *
 * Open-source Kestra has no test suites: in the `oss` edition the router withholds these routes
 * (the spec marks them EE, edition.ts).
 */
import type { Router } from '../router';
import { testSuiteKey, type Store, type TestSuiteRecord } from '../store';
import { HttpError, notFoundStatus } from '../errors';
import { pageOf } from './paging';
import { checkString, constraintError, constraintsText, manualViolation, parseYamlRoot, sortBy, stringOf, unknownProperties, yamlBody, type Violation, type YamlRoot } from '../yaml-objects';
import { byCodePoint } from '../../util/order';

const ID_PATTERN = '[a-zA-Z0-9][a-zA-Z0-9_-]*';
const NAMESPACE_PATTERN = '[a-z0-9][a-z0-9._-]*';
const FLOW_ID_PATTERN = '[a-zA-Z0-9][a-zA-Z0-9._-]*';
const TEST_SUITE_PROPERTIES = new Set(['id', 'namespace', 'flowId', 'description', 'testCases', 'disabled', 'deleted', 'source', 'tenantId']);
const TEST_SUITE_CLASS = 'io.kestra.core.tests.TestSuite';
/** State.Type: a test case's `expectedState` (2.0). */
const STATE_TYPES = new Set(['CREATED', 'SUBMITTED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'QUEUED', 'RETRYING', 'RETRIED', 'SKIPPED', 'BREAKPOINT', 'RESUBMITTED']);
/**
 * Assertion's Property fields: Kestra's PropertySerializer writes a Property as its expression, a
 * string — a list or a mapping as its JSON text, a number or a boolean as its text.
 */
const ASSERTION_PROPERTIES = ['value', 'errorMessage', 'description', 'endsWith', 'startsWith', 'contains', 'equalTo', 'notEqualTo', 'greaterThan', 'greaterThanOrEqualTo', 'lessThan', 'lessThanOrEqualTo', 'in', 'notIn', 'isNull', 'isNotNull'];

/** The words of the 501: what cannot be done, why, and where it can. */
export const CANNOT_RUN_TESTS = "kestraform's embedded Kestra server cannot execute flows, so it cannot run unit tests: run the test suite on a Kestra Enterprise server";

export function testSuiteRoutes(router: Router, store: Store, major: 1 | 2): void {
  const live = (namespace: string, id: string) => {
    const suite = store.testSuites.get(testSuiteKey(namespace, id));
    if (!suite) throw notFoundStatus();
    return suite;
  };

  router.add({
    method: 'POST', template: '/tests', operationId: 'createTestSuite', query: [],
    handler: (ctx) => {
      const source = yamlBody(ctx, 'source');
      const suite = parseTestSuite(source, major);
      if (store.testSuites.has(testSuiteKey(suite.namespace, suite.id))) throw manualViolation('testSuite.id', 'Test suite id already exists');
      store.saveTestSuite(suite);
      return { status: 200, json: testSuiteJson(suite) };
    },
  });

  router.add({
    method: 'GET', template: '/tests/{namespace}/{id}', operationId: 'getTestSuite', query: [],
    handler: (ctx) => ({ status: 200, json: testSuiteJson(live(ctx.params.namespace, ctx.params.id)) }),
  });

  router.add({
    method: 'PUT', template: '/tests/{namespace}/{id}', operationId: 'updateTestSuite', query: [],
    handler: (ctx) => {
      const { namespace, id } = ctx.params;
      live(namespace, id);
      const suite = parseTestSuite(yamlBody(ctx, 'source'), major);
      const moved: Violation[] = [];
      if (suite.id !== id) moved.push({ path: 'testSuite.id', message: 'Illegal test suite id update' });
      if (suite.namespace !== namespace) moved.push({ path: 'testSuite.namespace', message: 'Illegal namespace update' });
      if (moved.length) throw constraintError(moved);
      store.saveTestSuite(suite);
      return { status: 200, json: testSuiteJson(suite) };
    },
  });

  router.add({
    method: 'DELETE', template: '/tests/{namespace}/{id}', operationId: 'deleteTestSuite', query: [],
    handler: (ctx) => {
      live(ctx.params.namespace, ctx.params.id);
      store.removeTestSuite(ctx.params.namespace, ctx.params.id);
      return { status: 200 };
    },
  });

  router.add({
    method: 'GET', template: '/tests/search', operationId: 'searchTestSuites', query: ['page', 'size', 'sort', 'namespace', 'flowId', 'includeChildNamespaces'],
    handler: (ctx) => {
      const ns = ctx.query.get('namespace');
      const flowId = ctx.query.get('flowId');
      // includeChildNamespaces defaults to true (the spec's default).
      const children = ctx.query.get('includeChildNamespaces') !== 'false';
      const inNamespace = (n: string) => ns === null || n === ns || (children && n.startsWith(`${ns}.`));
      const rows = sortBy(
        ctx.query,
        [...store.testSuites.values()].filter((t) => inNamespace(t.namespace) && (flowId === null || t.flowId === flowId)),
        { id: (t) => t.id, namespace: (t) => t.namespace, flowId: (t) => t.flowId },
        (a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.id, b.id),
      );
      return { status: 200, json: pageOf(ctx.query, rows.map(testSuiteJson)) };
    },
  });

  // One ValidateConstraintViolation, `constraints` only when the source is refused (as
  // DashboardController.validateDashboard answers; the duplicate check is create's, not validate's).
  router.add({
    method: 'POST', template: '/tests/validate', operationId: 'validateTestSuite', query: [],
    handler: (ctx) => {
      const source = yamlBody(ctx, 'source');
      try {
        parseTestSuite(source, major);
        return { status: 200, json: { index: 0 } };
      } catch (e) {
        if (!(e instanceof HttpError) || e.status !== 422) throw e;
        return { status: 200, json: { index: 0, constraints: constraintsText(e) } };
      }
    },
  });

  router.add({
    method: 'POST', template: '/tests/{namespace}/{id}/run', operationId: 'runTestSuite', query: [],
    handler: (ctx) => {
      live(ctx.params.namespace, ctx.params.id);
      throw new HttpError(501, 'not-implemented', 'Not Implemented', `${CANNOT_RUN_TESTS} (test suite ${ctx.params.namespace}/${ctx.params.id})`);
    },
  });
}

/** The suite's model, or the 422 Kestra answers a source it cannot take. */
function parseTestSuite(source: string, major: 1 | 2): TestSuiteRecord {
  const root = parseYamlRoot(source, 'testsuite');
  const violations: Violation[] = [
    ...unknownProperties(root, TEST_SUITE_PROPERTIES, TEST_SUITE_CLASS),
    ...checkString(root, 'id', { required: true, pattern: ID_PATTERN }),
    ...checkString(root, 'namespace', { required: true, pattern: NAMESPACE_PATTERN, max: 150 }),
    ...checkString(root, 'flowId', { required: true, pattern: FLOW_ID_PATTERN, max: 100 }),
    ...checkString(root, 'description'),
    ...testCaseViolations(root, major),
  ];
  if (root.disabled !== undefined && root.disabled !== null && typeof root.disabled !== 'boolean') violations.push({ path: 'disabled', message: 'must be true or false' });
  if (violations.length) throw constraintError(violations);
  return {
    namespace: stringOf(root, 'namespace')!,
    id: stringOf(root, 'id')!,
    flowId: stringOf(root, 'flowId')!,
    ...(stringOf(root, 'description') !== undefined ? { description: stringOf(root, 'description') } : {}),
    testCases: (root.testCases as unknown[]).map(testCaseJson),
    disabled: root.disabled === true,
    source,
  };
}

function testCaseViolations(root: YamlRoot, major: 1 | 2): Violation[] {
  const cases = root.testCases;
  if (cases === undefined || cases === null) return [{ path: 'testCases', message: 'must not be null' }];
  if (!Array.isArray(cases)) return [{ path: 'testCases', message: 'must be a list of test cases' }];
  if (!cases.length) return [{ path: 'testCases', message: 'must not be empty' }];
  const out: Violation[] = [];
  cases.forEach((c, i) => {
    const at = `testCases[${i}]`;
    if (!c || typeof c !== 'object' || Array.isArray(c)) {
      out.push({ path: at, message: 'must be a test case (a mapping with id, type and assertions)' });
      return;
    }
    const tc = c as YamlRoot;
    for (const v of [...checkString(tc, 'id', { required: true }), ...checkString(tc, 'type', { required: true })]) out.push({ path: `${at}.${v.path}`, message: v.message });
    if (tc.expectedState !== undefined) {
      // 2.0 added `expectedState`; on 1.x it is a property the model does not have.
      if (major === 1) out.push({ path: `${at}.expectedState`, message: 'Unrecognized field "expectedState" (class io.kestra.core.tests.UnitTest), not marked as ignorable' });
      else if (typeof tc.expectedState !== 'string' || !STATE_TYPES.has(tc.expectedState)) out.push({ path: `${at}.expectedState`, message: `must be one of ${[...STATE_TYPES].join(', ')}` });
    }
    const assertions = tc.assertions;
    if (assertions === undefined || assertions === null) out.push({ path: `${at}.assertions`, message: 'must not be null' });
    else if (!Array.isArray(assertions)) out.push({ path: `${at}.assertions`, message: 'must be a list of assertions' });
    else
      assertions.forEach((a, j) => {
        if (!a || typeof a !== 'object' || Array.isArray(a)) out.push({ path: `${at}.assertions[${j}]`, message: 'must be an assertion (a mapping with a value)' });
        else if ((a as YamlRoot).value === undefined || (a as YamlRoot).value === null) out.push({ path: `${at}.assertions[${j}].value`, message: 'must not be null' });
      });
  });
  return out;
}

/** A test case as Kestra's JSON carries it: assertion properties as their expressions (strings, see ASSERTION_PROPERTIES). */
function testCaseJson(c: unknown): unknown {
  const tc = { ...(c as YamlRoot) };
  if (Array.isArray(tc.assertions)) {
    tc.assertions = tc.assertions.map((a) => {
      const out = { ...(a as YamlRoot) };
      for (const p of ASSERTION_PROPERTIES) {
        const v = out[p];
        if (v === undefined || v === null || typeof v === 'string') continue;
        out[p] = typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
      return out;
    });
  }
  return tc;
}

/** TestSuite (null fields omitted). */
function testSuiteJson(t: TestSuiteRecord): Record<string, unknown> {
  return {
    id: t.id,
    ...(t.description !== undefined ? { description: t.description } : {}),
    namespace: t.namespace,
    flowId: t.flowId,
    source: t.source,
    testCases: t.testCases,
    deleted: false,
    disabled: t.disabled,
  };
}
