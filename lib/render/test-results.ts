/**
 * `kestraform test`'s report of Kestra's test-suite runs: a text summary for people, and JUnit
 * XML for CI (one <testsuite> per suite, one <testcase> per test case; a failed assertion is a
 * <failure>, a test that could not run an <error>, a skipped one <skipped/>).
 */
import type { AssertionResult, TestSuiteRunResult, UnitTestResult } from '../model/test-run';
import type { Paint } from './color';

/** One suite's run, or why it could not be run. */
export type SuiteOutcome = { address: string; namespace: string; id: string; run: TestSuiteRunResult } | { address: string; namespace: string; id: string; problem: string };

export interface TestTotals {
  suites: number;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

export function totalsOf(outcomes: readonly SuiteOutcome[]): TestTotals {
  const t: TestTotals = { suites: outcomes.length, cases: 0, passed: 0, failed: 0, errors: 0, skipped: 0 };
  for (const o of outcomes) {
    if (!('run' in o)) {
      t.errors++;
      continue;
    }
    for (const c of o.run.results) {
      t.cases++;
      if (c.state === 'SUCCESS') t.passed++;
      else if (c.state === 'FAILED') t.failed++;
      else if (c.state === 'SKIPPED') t.skipped++;
      else t.errors++;
    }
    // A suite that failed without a failing case (e.g. none ran) still fails.
    if (o.run.state !== 'SUCCESS' && o.run.state !== 'SKIPPED' && o.run.results.every((c) => c.state === 'SUCCESS' || c.state === 'SKIPPED')) t.errors++;
  }
  return t;
}

export const testsPassed = (t: TestTotals): boolean => t.failed === 0 && t.errors === 0;

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v ?? null));

function assertionLine(a: AssertionResult): string {
  const what = a.description !== undefined ? `${a.description} — ` : a.taskId ? `${a.taskId}: ` : '';
  return `${what}expected ${a.operator} ${show(a.expected)}, got ${show(a.actual)}${a.errorMessage ? ` (${a.errorMessage})` : ''}`;
}

export function renderTestText(outcomes: readonly SuiteOutcome[], p: Paint): string {
  const out: string[] = [];
  for (const o of outcomes) {
    if (!('run' in o)) {
      out.push(`${p.red('✗')} ${o.namespace}/${o.id}: not run — ${o.problem}`);
      continue;
    }
    const mark = o.run.state === 'SUCCESS' ? p.green('✓') : o.run.state === 'SKIPPED' ? p.yellow('-') : p.red('✗');
    out.push(`${mark} ${o.namespace}/${o.id} (flow ${o.run.flowId}): ${o.run.state}`);
    for (const c of o.run.results) out.push(...caseLines(c, p));
  }
  const t = totalsOf(outcomes);
  out.push('');
  out.push(`${t.suites} test suite${t.suites === 1 ? '' : 's'}, ${t.cases} test case${t.cases === 1 ? '' : 's'}: ${t.passed} passed, ${t.failed} failed, ${t.errors} error${t.errors === 1 ? '' : 's'}, ${t.skipped} skipped.`);
  return out.join('\n');
}

function caseLines(c: UnitTestResult, p: Paint): string[] {
  const mark = c.state === 'SUCCESS' ? p.green('✓') : c.state === 'SKIPPED' ? p.yellow('-') : p.red('✗');
  const lines = [`    ${mark} ${c.testId}: ${c.state}${c.url ? `  ${c.url}` : ''}`];
  for (const a of c.assertionResults) if (!a.isSuccess) lines.push(`        ${p.red('failed:')} ${assertionLine(a)}`);
  for (const e of c.errors) lines.push(`        ${p.red('error:')} ${e.message}${e.details ? ` — ${e.details}` : ''}`);
  return lines;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

function seconds(start: string, end: string): string {
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? (ms / 1000).toFixed(3) : '0';
}

export function renderJunit(outcomes: readonly SuiteOutcome[]): string {
  const t = totalsOf(outcomes);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="kestraform test" tests="${t.cases + outcomes.filter((o) => !('run' in o)).length}" failures="${t.failed}" errors="${t.errors}" skipped="${t.skipped}">`];
  for (const o of outcomes) {
    const name = xml(`${o.namespace}/${o.id}`);
    if (!('run' in o)) {
      out.push(`  <testsuite name="${name}" tests="1" failures="0" errors="1" skipped="0">`, `    <testcase name="${xml(o.id)}" classname="${xml(`${o.namespace}.${o.id}`)}">`, `      <error message="${xml(o.problem)}"/>`, '    </testcase>', '  </testsuite>');
      continue;
    }
    const r = o.run;
    const failures = r.results.filter((c) => c.state === 'FAILED').length;
    const errors = r.results.filter((c) => c.state === 'ERROR').length;
    const skipped = r.results.filter((c) => c.state === 'SKIPPED').length;
    out.push(`  <testsuite name="${name}" tests="${r.results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${xml(r.startDate)}" time="${seconds(r.startDate, r.endDate)}">`);
    out.push(`    <properties><property name="flow" value="${xml(`${r.namespace}/${r.flowId}`)}"/><property name="kestraRunId" value="${xml(r.id)}"/></properties>`);
    for (const c of r.results) {
      out.push(`    <testcase name="${xml(c.testId)}" classname="${xml(`${o.namespace}.${o.id}`)}">`);
      const failed = c.assertionResults.filter((a) => !a.isSuccess);
      if (c.state === 'FAILED') out.push(`      <failure message="${xml(failed.length ? assertionLine(failed[0]) : 'failed')}">${xml(failed.map(assertionLine).join('\n'))}</failure>`);
      else if (c.state === 'ERROR') out.push(`      <error message="${xml(c.errors[0]?.message ?? 'error')}">${xml(c.errors.map((e) => `${e.message}${e.details ? `\n${e.details}` : ''}`).join('\n'))}</error>`);
      else if (c.state === 'SKIPPED') out.push('      <skipped/>');
      if (c.url || c.executionId) out.push(`      <system-out>${xml([c.executionId ? `execution ${c.executionId}` : '', c.url ?? ''].filter(Boolean).join('\n'))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
