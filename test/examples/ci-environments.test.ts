/**
 * examples/ci/environments.yml — the GitHub Actions recipe for the environment stacks (previews,
 * staging, prod behind an approval, scheduled drift with a pull request for prod): its triggers,
 * its jobs, and every kestraform command in it checked against the commands and options the CLI
 * really registers (lib/cli/main.ts buildProgram), so a renamed flag breaks this test, not a
 * team's pipeline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { Command } from 'commander';
import { buildProgram } from '../../lib/cli/main';

const DIR = path.resolve(__dirname, '../../examples/ci');
const WORKFLOW = path.join(DIR, 'environments.yml');

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  env?: Record<string, string>;
}

interface Job {
  if?: string;
  'runs-on': string;
  environment?: string | { name: string };
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  needs?: string | string[];
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix: { include?: Array<Record<string, unknown>> } };
  steps: Step[];
}

interface Workflow {
  on: {
    pull_request: { types: string[] };
    push: { branches: string[] };
    schedule: Array<{ cron: string }>;
    workflow_dispatch: unknown;
  };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const text = fs.readFileSync(WORKFLOW, 'utf8');
const doc = parse(text) as Workflow;
const jobs = Object.entries(doc.jobs);

/** A kestraform command found in a `run:` block: the command and the options it passes. */
interface Invocation {
  job: string;
  line: string;
  command: string;
  options: string[];
}

/**
 * The words of a shell command line up to its end: the first unquoted redirection, pipe, list
 * operator, `)` or backquote (a backslash-escaped one too: a command quoted in a message).
 */
function words(rest: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (/[<>|;&`)]/.test(c) || (c === '\\' && rest[i + 1] === '`')) break;
    else if (/\s/.test(c)) {
      if (word) out.push(word);
      word = '';
    } else word += c;
  }
  if (word) out.push(word);
  return out;
}

/**
 * Every `kestraform CMD …` / `npx kestraform CMD …` in a shell script — run, or shown to a person
 * in a message — with the options it passes. Continuation lines are joined; comments are skipped.
 */
function invocations(job: string, script: string): Invocation[] {
  const found: Invocation[] = [];
  const joined = script.replace(/\\\n\s*/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const re = /(?:^|[\s;&|(`])(?:npx\s+)?kestraform\s+([a-z][\w-]*)([^\n]*)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const options = words(m[2])
        .filter((t) => /^--?[A-Za-z]/.test(t))
        .map((t) => t.replace(/=.*$/, ''));
      found.push({ job, line, command: m[1], options });
    }
  }
  return found;
}

const runs: Array<{ job: string; step: Step; run: string }> = jobs.flatMap(([name, job]) => job.steps.filter((s) => s.run !== undefined).map((step) => ({ job: name, step, run: step.run! })));
const used = runs.flatMap((r) => invocations(r.job, r.run));

/** The options each command of the CLI registers (long and short), plus commander's own help. */
function registered(): Map<string, Set<string>> {
  const program = buildProgram();
  const out = new Map<string, Set<string>>();
  for (const cmd of program.commands as Command[]) {
    const flags = new Set<string>(['--help', '-h']);
    for (const o of cmd.options) {
      if (o.long) flags.add(o.long);
      if (o.short) flags.add(o.short);
    }
    out.set(cmd.name(), flags);
  }
  return out;
}

function jobRunning(pattern: RegExp): [string, Job] {
  const hit = jobs.find(([, j]) => j.steps.some((s) => s.run && pattern.test(s.run.replace(/\\\n\s*/g, ' '))));
  if (!hit) throw new Error(`no job runs ${pattern}`);
  return hit;
}

function environmentName(job: Job): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name;
}

describe('examples/ci/environments.yml', () => {
  it('is triggered by pull requests (closed too), pushes to main, a schedule and by hand', () => {
    expect(doc.on.pull_request.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened', 'closed']));
    expect(doc.on.push.branches).toEqual(['main']);
    expect(doc.on.schedule.length).toBeGreaterThan(0);
    for (const s of doc.on.schedule) expect(s.cron.trim().split(/\s+/)).toHaveLength(5);
    expect(Object.keys(doc.on)).toContain('workflow_dispatch');
  });

  it('uses only commands and options the kestraform CLI registers', () => {
    const cli = registered();
    expect(used.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const u of used) {
      const flags = cli.get(u.command);
      if (!flags) {
        problems.push(`${u.job}: "kestraform ${u.command}" is not a command (${[...cli.keys()].join(', ')}): ${u.line}`);
        continue;
      }
      for (const o of u.options) if (!flags.has(o)) problems.push(`${u.job}: kestraform ${u.command} has no option ${o}: ${u.line}`);
    }
    expect(problems).toEqual([]);
    // What the recipe relies on, named so that a missing piece reads clearly.
    const commands = new Set(used.map((u) => u.command));
    for (const c of ['plan', 'apply', 'destroy', 'drift', 'status', 'pull']) expect(commands).toContain(c);
  });

  it('checks its stacks with examples/ci/preflight.sh, whose synth takes --stack, before any kestraform command', () => {
    const script = fs.readFileSync(path.join(DIR, 'preflight.sh'), 'utf8');
    expect(script).toMatch(/npx kestraform synth "\$\{args\[@\]\}"/);
    expect(script).toContain('args+=(--stack "$stack")');
    expect(registered().get('synth')).toContain('--stack');
    for (const [name, job] of jobs) {
      const steps = job.steps.map((s) => s.run ?? '');
      const first = steps.findIndex((r) => invocations(name, r).length > 0);
      if (first < 0) continue;
      const preflight = steps.findIndex((r) => r.includes('examples/ci/preflight.sh'));
      expect({ job: name, preflightFirst: preflight >= 0 && preflight < first }).toEqual({ job: name, preflightFirst: true });
    }
  });

  it('previews a pull request as pr-<number>., comments the plan under its marker, applies it; destroys it on close', () => {
    const [previewName, preview] = jobRunning(/kestraform plan --stack preview\b/);
    expect(preview.if).toMatch(/github\.event\.action != 'closed'/);
    expect(preview.env?.KESTRAFORM_PREVIEW_PREFIX).toBe('pr-${{ github.event.pull_request.number }}.');
    expect(preview.concurrency?.group).toContain('${{ github.event.pull_request.number }}');
    expect(preview.concurrency?.['cancel-in-progress']).toBe(false);
    const plan = used.find((u) => u.job === previewName && u.command === 'plan')!;
    expect(plan.options).toEqual(expect.arrayContaining(['--stack', '--format', '--out']));
    expect(plan.line).toMatch(/--format markdown/);
    const comment = preview.steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    const script = String(comment?.with?.script ?? '');
    expect(script).toContain("body.split('\\n')[0]");
    expect(script).toContain('<!-- kestraform-plan:');
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
    expect(preview.permissions?.['pull-requests']).toBe('write');
    expect(used.some((u) => u.job === previewName && u.command === 'apply' && /\bapply --stack preview preview\.plan\b/.test(u.line))).toBe(true);

    const [destroyName, destroy] = jobRunning(/kestraform destroy --stack preview --auto-approve/);
    expect(destroyName).not.toBe(previewName);
    expect(destroy.if).toMatch(/github\.event\.action == 'closed'/);
    expect(destroy.if).toMatch(/github\.event_name == 'pull_request'/);
    expect(destroy.env?.KESTRAFORM_PREVIEW_PREFIX).toBe(preview.env?.KESTRAFORM_PREVIEW_PREFIX);
    expect(destroy.concurrency?.group).toBe(preview.concurrency?.group);
  });

  it('applies staging on a push to main, then prod only from a saved plan, in a job behind the production environment', () => {
    const [, staging] = jobRunning(/kestraform apply --stack staging\b/);
    expect(staging.if).toBe("github.event_name == 'push'");
    const [planName, planJob] = jobRunning(/kestraform plan --stack prod --format markdown --out prod\.plan/);
    expect(planJob.steps.some((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))).toBe(true);
    const [, apply] = jobRunning(/kestraform apply prod\.plan\b/);
    expect(environmentName(apply)).toBe('production');
    expect([apply.needs].flat()).toContain(planName);
    expect(apply.steps.some((s) => s.uses?.startsWith('actions/download-artifact@'))).toBe(true);
    // prod is written by this job only, and only from the plan file.
    for (const u of used.filter((x) => x.command === 'apply' && /--stack prod\b|prod\.plan/.test(x.line))) expect(u.line).toMatch(/apply prod\.plan/);
  });

  it('checks drift of dev, staging and prod on schedule, shows the status, and turns prod drift into a pull request', () => {
    const [driftName, drift] = jobRunning(/kestraform drift --stack \$\{\{ matrix\.stack \}\}/);
    expect(drift.if).toMatch(/schedule/);
    expect(drift.if).toMatch(/workflow_dispatch/);
    expect((drift.strategy?.matrix.include ?? []).map((i) => i.stack)).toEqual(['dev', 'staging', 'prod']);
    const [, status] = jobRunning(/kestraform status .*--format markdown/);
    expect(status.steps.some((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))).toBe(true);

    const [prName, pr] = jobRunning(/kestraform pull --stack prod\b/);
    expect([pr.needs].flat()).toContain(driftName);
    const pull = used.find((u) => u.job === prName && u.command === 'pull')!;
    expect(pull.options).toEqual(expect.arrayContaining(['--commit', '--branch', '--author']));
    const script = pr.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('kestraform/drift-prod-$(date -u +%Y-%m-%d)');
    expect(script).toMatch(/gh pr create --base main/);
    expect(pr.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    // Only prod is pulled: dev and staging rewrite the tree's flows (pull refuses them).
    expect(used.filter((u) => u.command === 'pull').every((u) => /--stack prod\b/.test(u.line))).toBe(true);
  });

  it('takes secrets only into the environment variables of their own names, and never echoes one', () => {
    const allowed = /^KESTRA_(DEV|STAGING|PROD)_(API_TOKEN|USERNAME|PASSWORD)$/;
    const misplaced: string[] = [];
    /** `envName`: the variable whose value `node` is, when it is a value of an `env:` mapping. */
    const walk = (node: unknown, where: string, envName?: string): void => {
      if (typeof node === 'string') {
        for (const m of node.matchAll(/\$\{\{[^}]*\bsecrets\b[^}]*\}\}/g)) {
          const name = /^\$\{\{\s*secrets\.(\w+)\s*\}\}$/.exec(m[0])?.[1];
          if (!name || name !== envName || !allowed.test(name) || node.trim() !== m[0]) misplaced.push(`${where}: ${node.trim().slice(0, 80)}`);
        }
      } else if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${where}[${i}]`));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'env' && v && typeof v === 'object') for (const [name, value] of Object.entries(v)) walk(value, `${where}.env.${name}`, name);
          else walk(v, `${where}.${k}`);
        }
      }
    };
    walk(doc, 'workflow');
    expect(misplaced).toEqual([]);

    for (const { job, run } of runs) {
      expect({ job, secretsInRun: /secrets\./.test(run) }).toEqual({ job, secretsInRun: false });
      expect({ job, traces: /\bset\s+-[a-z]*x/.test(run) }).toEqual({ job, traces: false });
      expect({ job, dumpsEnvironment: /^\s*(env|printenv)\s*(\||$)/m.test(run) }).toEqual({ job, dumpsEnvironment: false });
      for (const line of run.split('\n')) {
        if (!/\b(echo|printf)\b/.test(line)) continue;
        expect({ job, line, echoesSecret: /\$\{?KESTRA_\w*(API_TOKEN|USERNAME|PASSWORD)\b/.test(line) }).toEqual({ job, line, echoesSecret: false });
      }
    }
  });

  it('never sets the variables that would send every stack to one Kestra', () => {
    const envs = [doc.env ?? {}, ...jobs.flatMap(([, j]) => [j.env ?? {}, ...j.steps.map((s) => s.env ?? {})])];
    for (const env of envs) for (const name of ['KESTRA_URL', 'KESTRA_TENANT', 'KESTRA_API_TOKEN', 'KESTRA_USERNAME', 'KESTRA_PASSWORD']) expect(Object.keys(env)).not.toContain(name);
  });

  it('pins actions by major version, and installs with npm ci on Node 20', () => {
    for (const [name, job] of jobs) {
      for (const s of job.steps.filter((x) => x.uses)) expect({ job: name, uses: s.uses, pinned: /@v\d+$/.test(s.uses!) }).toEqual({ job: name, uses: s.uses, pinned: true });
      if (!job.steps.some((s) => s.run && invocations(name, s.run).length)) continue;
      expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
      expect(job.steps.some((s) => s.run === 'npm ci')).toBe(true);
    }
  });
});
