/**
 * `kestraform test`: the stacks' test suites run through Kestra's API and Kestra's results
 * reported as text and JUnit XML, exit 1 on any failure. No Kestra Enterprise can run here, so
 * the server is scripted with run results written from the 2.0 spec's schemas; the embedded
 * server, which cannot execute flows, says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, runCli, type TempProject } from './harness';
import { sendJson, startScriptedServer, type ScriptedServer } from '../kestra/support/scripted-server';
import { recordedRunResult } from '../kestra/support/test-run-result';

const SUITE = 'id: hello-world-tests\nnamespace: company.team\nflowId: hello-world\ntestCases:\n  - id: says_hello\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions:\n      - value: "{{ outputs.hello.value }}"\n        equalTo: Hello Ada\n';
const OTHER = SUITE.replace('id: hello-world-tests', 'id: not-applied');

/** An Enterprise Kestra that answers the configuration and runs of `hello-world-tests` (anything else: 404). */
function enterprise(result: Record<string, unknown>): Promise<ScriptedServer> {
  return startScriptedServer((req, res) => {
    if (req.method === 'GET' && req.path === '/api/v1/configs') return sendJson(res, 200, { edition: 'EE', version: '2.0.0', isBasicAuthEnabled: false });
    if (req.method === 'POST' && req.path === '/api/v1/main/tests/company.team/hello-world-tests/run') return sendJson(res, 200, result);
    return sendJson(res, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `Not Found: ${req.path}` });
  });
}

describe('kestraform test', () => {
  let project: TempProject;
  beforeAll(() => {
    project = makeProject({ context: { 'kestraform:edition': 'ee' } });
    fs.mkdirSync(project.at('company.team', 'tests'), { recursive: true });
    fs.writeFileSync(project.at('company.team', 'tests', 'hello-world-tests.yaml'), SUITE);
  });
  afterAll(() => project?.cleanup());

  it("reports Kestra's results — failed assertions with expected and actual — writes JUnit XML, and exits 1 on a failure", async () => {
    const server = await enterprise(recordedRunResult());
    try {
      const r = await runCli(project.dir, ['test', '--junit', 'reports/junit.xml'], { KESTRA_URL: server.url });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('✗ company.team/hello-world-tests (flow hello): FAILED');
      expect(r.stdout).toContain('✓ says_hello: SUCCESS');
      expect(r.stdout).toContain('✗ counts: FAILED');
      expect(r.stdout).toContain('failed: count: expected greaterThan 3, got 2 (expected more rows)');
      expect(r.stdout).toContain("error: Unable to render the assertion value — Missing variable: 'outputs.missing'");
      expect(r.stdout).toContain('1 test suite, 2 test cases: 1 passed, 1 failed, 0 errors, 0 skipped.');
      const xml = fs.readFileSync(path.join(project.dir, 'reports', 'junit.xml'), 'utf8');
      expect(xml).toContain('<testsuite name="company.team/hello-world-tests" tests="2" failures="1" errors="0" skipped="0"');
      expect(xml).toContain('<testcase name="counts" classname="company.team.hello-world-tests">');
      expect(xml).toContain('<failure message="count: expected greaterThan 3, got 2 (expected more rows)">');
      expect(server.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/v1/configs', 'POST /api/v1/main/tests/company.team/hello-world-tests/run']);
    } finally {
      await server.close();
    }
  });

  it('exits 0 when every case passed, and 1 for a suite Kestra does not hold', async () => {
    const passing = recordedRunResult();
    passing.state = 'SUCCESS';
    passing.results = (passing.results as unknown[]).slice(0, 1);
    const server = await enterprise(passing);
    try {
      const ok = await runCli(project.dir, ['test'], { KESTRA_URL: server.url });
      expect(ok.stdout).toContain('1 test suite, 1 test case: 1 passed, 0 failed, 0 errors, 0 skipped.');
      expect(ok.code).toBe(0);
      fs.writeFileSync(project.at('company.team', 'tests', 'not-applied.yaml'), OTHER);
      const missing = await runCli(project.dir, ['test'], { KESTRA_URL: server.url });
      expect(missing.code).toBe(1);
      expect(missing.stdout).toMatch(/✗ company.team\/not-applied: not run — .*HTTP 404.*run kestraform apply first/);
    } finally {
      fs.rmSync(project.at('company.team', 'tests', 'not-applied.yaml'), { force: true });
      await server.close();
    }
  });

  it('waits for a run past the client timeout, up to --timeout, and names it when a run takes longer', async () => {
    const passing = recordedRunResult();
    passing.state = 'SUCCESS';
    passing.results = (passing.results as unknown[]).slice(0, 1);
    const slow = await startScriptedServer((req, res) => {
      if (req.method === 'GET' && req.path === '/api/v1/configs') return sendJson(res, 200, { edition: 'EE', version: '2.0.0', isBasicAuthEnabled: false });
      setTimeout(() => sendJson(res, 200, passing), 1500);
    });
    try {
      const env = { KESTRA_URL: slow.url, KESTRA_TIMEOUT_MS: '500' };
      const ok = await runCli(project.dir, ['test'], env);
      expect(ok.stdout).toContain('1 test suite, 1 test case: 1 passed');
      expect(ok.code).toBe(0);
      const short = await runCli(project.dir, ['test', '--timeout', '0.5'], env);
      expect(short.code).toBe(1);
      expect(short.stdout).toMatch(/not run — run test suite company\.team\/hello-world-tests timed out after 500 ms .*raise kestraform test's --timeout/);
      const wrong = await runCli(project.dir, ['test', '--timeout', 'soon'], env);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('--timeout must be a number of seconds above 0, not "soon"');
    } finally {
      await slow.close();
    }
  });

  it('on the embedded local server: says it cannot execute flows, makes no result up, exits 1', async () => {
    const r = await runCli(project.dir, ['test', '--junit', 'reports/local.xml'], { KESTRA_URL: undefined });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the embedded local Kestra server cannot execute flows, so it cannot run unit tests (1 test suite declared)');
    expect(r.stdout).not.toMatch(/passed/);
    expect(fs.existsSync(path.join(project.dir, 'reports', 'local.xml'))).toBe(false);
  });
});
