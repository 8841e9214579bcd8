/**
 * The files `kestraform init` writes, as text: the stack as readable code a person will edit
 * (one source per folder found, each with a comment saying what it holds), main.ts, cdktf.json,
 * tsconfig.json, the GitHub Actions recipe for this stack, and the entries package.json and
 * .gitignore need. Deterministic: the same repository and options give the same bytes, so a
 * second run changes nothing.
 */
import { countOf, type Preview } from './preview';
import type { Proposal, SourceSpec } from './propose';
import { KIND_NAMES } from '../gittree/classify';

export const GITIGNORE_ENTRIES = ['node_modules/', 'cdktf.out/', '.cdktf.out.*/', '.kestraform/'];
export const PACKAGE_SCRIPTS: Record<string, string> = { plan: 'kestraform plan', apply: 'kestraform apply', drift: 'kestraform drift' };

export function classNameOf(stack: string): string {
  const pascal = stack.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/^[0-9]/, (d) => `S${d}`);
  return `${pascal}Stack`;
}

export function renderStack(stack: string, proposal: Proposal, preview: Preview, invocation: string): string {
  const used = new Set<string>(['KestraProvider', 'KestraStack']);
  const body: string[] = [];
  for (const s of proposal.sources) {
    for (const line of describeSource(s, preview).flatMap((l) => wrap(l, 96))) body.push(`    // ${line}`);
    body.push(`    ${constructCall(s, used)}`);
    body.push('');
  }
  if (body.length) body.pop();
  const imports = [...used].sort().join(', ');
  const needing = new Set(proposal.needs1x.map((n) => n.file)).size;
  const example = proposal.needs1x[0];
  const version = proposal.kestraVersion === 1 && example
    ? wrap(`Kestra 1.x: ${count(needing, 'flow')} use${needing === 1 ? 's' : ''} what Kestra 2.0 no longer parses (${example.construct} at ${example.file}:${example.line}${needing > 1 ? ', …' : ''}; \`kestraform validate --stack ${stack}\` lists them all once you target 2): rewrite them, then set 2.`, 92).map((l) => `      // ${l}`)
    : [];
  const header = wrap(`Stack "${stack}": this repository's Kestra objects, as \`${invocation}\` found them.`, 97).join('\n * ');
  // Objects only Kestra Enterprise takes (apps, unit tests, namespace objects, 2.x dashboards): the edition that deploys them, left for the user to set.
  const enterprise = preview.stack.settings.found.filter((f) => f.edition === 'ee');
  const edition = enterprise.length
    ? [...wrap(`This repository also holds ${summarizeKinds(enterprise.map((f) => f.kind))} that only Kestra Enterprise takes (listed by validate and plan, not deployed). Deploying to Kestra Enterprise? Set the edition to deploy them too:`, 92).map((l) => `      // ${l}`), "      // edition: 'ee',"]
    : [];
  return `/**
 * ${header}
 * It is your code now: change the sources below as the repository changes. A flow's namespace is
 * its own \`namespace:\` unless a source says otherwise, and the stack owns exactly the namespaces
 * its objects live in (a folder name is never a namespace by itself).
 */
import { ${imports}, type Construct } from 'kestraform';

export class ${classNameOf(stack)} extends KestraStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
${version.join('\n')}${version.length ? '\n' : ''}      kestraVersion: ${proposal.kestraVersion},
      // Also delete objects of these namespaces that are not in Git (Kestra's whenMissingInSource: DELETE):
      // prune: true,
      // State is a local file (.kestraform/state/${stack}.json). For CI runners to share it, keep it in Kestra:
      // backend: { type: 'kestra-kv', namespace: '<namespace>' },
${edition.join('\n')}${edition.length ? '\n' : ''}    });
    // The Kestra to reconcile: KESTRA_URL, KESTRA_TENANT and credentials come from the environment
    // (without KESTRA_URL, kestraform starts its embedded local server).
    new KestraProvider(this, 'kestra');

${body.join('\n')}
  }
}
`;
}

/** Words of `text` in lines of at most `width` characters (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function constructCall(s: SourceSpec, used: Set<string>): string {
  const props = (entries: [string, unknown][]) =>
    `{ ${entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} }`;
  const call = (cls: string, p: [string, unknown][]) => {
    used.add(cls);
    const oneLine = `new ${cls}(this, ${literal(s.id)}, ${props(p)});`;
    if (oneLine.length <= 96) return oneLine;
    const entries = p.filter(([, v]) => v !== undefined).map(([k, v]) => `      ${k}: ${literal(v)},`);
    return `new ${cls}(this, ${literal(s.id)}, {\n${entries.join('\n')}\n    });`;
  };
  switch (s.kind) {
    case 'tree':
      return call('NamespaceTree', [['root', s.root], ['namespaces', s.namespaces]]);
    case 'sync':
      return call('SyncFlowsTree', [['dir', s.dir], ['namespace', s.namespace]]);
    case 'flows':
      return call('Flows', [['dir', s.dir], ['recursive', s.recursive], ['exclude', s.exclude]]);
    case 'files':
      return call('NamespaceFiles', [['dir', s.dir], ['namespace', s.namespace], ['prefix', s.prefix === '/' ? undefined : s.prefix], ['exclude', s.exclude]]);
    case 'kv':
      return call('KvPairs', [['file', s.file], ['namespace', s.namespace]]);
  }
}

function literal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return String(v);
}

/** What a source holds, in words, from the preview (the comment above its construct). */
export function describeSource(s: SourceSpec, preview: Preview): string[] {
  const contents = preview.bySource.get(s.id);
  const d = { flows: countOf(contents, 'flow'), files: countOf(contents, 'file'), kv: countOf(contents, 'kv'), namespaces: contents?.namespaces ?? new Set<string>() };
  const where = s.kind === 'tree' ? s.root : s.kind === 'kv' ? s.file : s.dir;
  const ns = [...d.namespaces].sort();
  const nsText = ns.length ? ` in ${count(ns.length, 'namespace')} (${ns.slice(0, 3).join(', ')}${ns.length > 3 ? ', …' : ''})` : '';
  const deploys = [d.flows && count(d.flows, 'flow'), d.files && count(d.files, 'namespace file'), d.kv && count(d.kv, 'KV pair')].filter(Boolean).join(', ');
  if (s.kind === 'files') return [`Namespace files of ${s.namespace}${s.prefix === '/' ? '' : ` under ${s.prefix}`}: ${where === '.' ? "the repository's files but kestraform's own" : `${where}/`} (${count(d.files, 'file')})`];
  if (s.kind === 'kv') return [`KV pairs of ${s.namespace}: ${where} (${count(d.kv, 'pair')})`];
  const found = preview.stack.settings.found.filter((f) => where === '.' || f.file.startsWith(`${where}/`));
  const listed = found.filter((f) => f.reason === 'kind-not-managed');
  const shielded = found.filter((f) => f.reason === 'protected-namespace');
  const notes = [
    listed.length && `${summarizeKinds(listed.map((f) => f.kind))} listed by validate and plan, not deployed`,
    shielded.length && `${count(shielded.length, 'flow')} in protected namespace ${[...new Set(shielded.map((f) => f.namespace))].join(', ')}, never deployed`,
    s.kind === 'flows' && s.exclude?.length && `left out: ${s.exclude.join(', ')} (read by another source, or no Kestra object)`,
  ].filter((n): n is string => !!n);
  const place = s.kind === 'tree' ? `${where === '.' ? 'The repository' : `${where}/`} in Kestra's layout (<namespace>/flows/, files/, kv.yaml)`
    : s.kind === 'sync' ? `${where}/_flows and _files, as Kestra's SyncFlows tasks keep ${s.namespace}`
    : where === '.' ? 'The repository root (not its folders)' : `${where}/`;
  const holds = deploys ? `${deploys}${nsText}${s.kind === 'flows' ? ", each namespace from the flow's own YAML" : ''}` : notes.length ? notes.shift()! : 'nothing to deploy yet';
  return [`${place}: ${holds}`, ...notes.map((n) => `also ${n}`)];
}

export function summarizeKinds(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${plural(KIND_NAMES[k as keyof typeof KIND_NAMES].replace(/ \(.*\)$/, ''), n)}`).join(', ');
}

const plural = (word: string, n: number) => (n === 1 ? word : word.endsWith('s') ? word : `${word}s`);
const count = (n: number, word: string) => `${n} ${plural(word, n)}`;

export function renderMain(stack: string): string {
  const cls = classNameOf(stack);
  return `/** The cdktf app: kestraform runs it (the "app" of cdktf.json) to synthesize the stacks. */
import { App } from 'kestraform';
import { ${cls} } from './stacks/${stack}';

const app = new App();
new ${cls}(app, '${stack}');
app.synth();
`;
}

export function renderCdktfJson(): string {
  return `${JSON.stringify({ language: 'typescript', app: 'kestraform-app main.ts', output: 'cdktf.out', sendCrashReports: 'false', terraformProviders: [], terraformModules: [], context: {} }, null, 2)}\n`;
}

export function renderTsconfig(): string {
  const config = {
    compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['ES2022'], strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true },
    include: ['main.ts', 'stacks/**/*.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

/** How the recipe installs and runs, per package manager. */
const RUNNERS: Record<PackageManager, { setup: string; install: string; run: string }> = {
  npm: { setup: '      - uses: actions/setup-node@v4\n        with: { node-version: 20, cache: npm }', install: 'npm ci', run: 'npx kestraform' },
  pnpm: { setup: '      - uses: pnpm/action-setup@v4\n      - uses: actions/setup-node@v4\n        with: { node-version: 20, cache: pnpm }', install: 'pnpm install --frozen-lockfile', run: 'pnpm exec kestraform' },
  yarn: { setup: '      - uses: actions/setup-node@v4\n        with: { node-version: 20, cache: yarn }', install: 'yarn install --frozen-lockfile', run: 'yarn kestraform' },
};

/** The GitHub Actions recipe for this stack: plan on pull requests, apply the reviewed plan on merge, drift every morning. */
export function renderWorkflow(stack: string, defaultBranch: string, packageManager: PackageManager = 'npm'): string {
  const r = RUNNERS[packageManager];
  return `# kestraform for stack "${stack}" (written by \`kestraform init\`).
# - pull requests: plan, post (or update) one comment with the Markdown plan, keep the plan file;
# - merge to ${defaultBranch}: apply exactly the plan reviewed on the pull request (refused if anything
#   moved since: then re-run the pull request's plan job and review again);
# - every morning: drift check; the job fails when Kestra was changed outside Git (exit 2).
# Set the repository variable KESTRA_URL (and KESTRA_TENANT if not "main") and the secret
# KESTRA_API_TOKEN (or KESTRA_USERNAME / KESTRA_PASSWORD).
# State: runners start empty, so keep the stack's state in Kestra (backend kestra-kv in
# stacks/${stack}.ts); with a local state file, drift can only compare Git with Kestra.
name: kestraform

on:
  pull_request:
  push:
    branches: [${defaultBranch}]
  schedule:
    - cron: "0 6 * * *"
  workflow_dispatch:

concurrency:
  group: kestraform-\${{ github.ref }}
  cancel-in-progress: false

env:
  KESTRA_URL: \${{ vars.KESTRA_URL }}
  KESTRA_TENANT: \${{ vars.KESTRA_TENANT || 'main' }}
  KESTRA_API_TOKEN: \${{ secrets.KESTRA_API_TOKEN }}
  KESTRA_USERNAME: \${{ secrets.KESTRA_USERNAME }}
  KESTRA_PASSWORD: \${{ secrets.KESTRA_PASSWORD }}
  NO_COLOR: "1"

jobs:
  plan:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
${r.setup}
      - run: ${r.install}
      - name: plan
        run: |
          set +e
          ${r.run} plan --stack ${stack} --out plan.json --detailed-exitcode > plan.txt
          code=$?
          ${r.run} plan --stack ${stack} --format markdown > plan.md
          cat plan.txt
          [ "$code" -ne 1 ]
      - uses: actions/upload-artifact@v4
        with:
          name: kestraform-plan-\${{ github.event.pull_request.head.sha }}
          path: plan.json
          retention-days: 30
      - name: comment
        uses: actions/github-script@v7
        with:
          script: |
            const fs = require('fs');
            const body = fs.readFileSync('plan.md', 'utf8');
            const marker = body.split('\\n')[0]; // <!-- kestraform-plan:<stack> -->
            if (!marker.startsWith('<!-- kestraform-plan')) throw new Error('plan.md does not start with the kestraform plan marker: the plan step failed, nothing to post');
            const { owner, repo } = context.repo;
            const issue_number = context.issue.number;
            const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });
            const mine = comments.find((c) => c.body && c.body.startsWith(marker));
            if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
            else await github.rest.issues.createComment({ owner, repo, issue_number, body });

  apply:
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    environment: production
    permissions:
      contents: read
      actions: read
      pull-requests: read
    steps:
      - uses: actions/checkout@v4
${r.setup}
      - run: ${r.install}
      - name: fetch the plan reviewed on the merged pull request
        env:
          GH_TOKEN: \${{ github.token }}
        run: |
          pr=$(gh api "repos/\${{ github.repository }}/commits/\${{ github.sha }}/pulls" --jq '.[0].number')
          test -n "$pr" || { echo "no pull request for \${{ github.sha }}: refusing to apply an unreviewed change"; exit 1; }
          head=$(gh api "repos/\${{ github.repository }}/pulls/$pr" --jq '.head.sha')
          run=$(gh run list --workflow kestraform.yml --event pull_request --commit "$head" --status success --json databaseId --jq '.[0].databaseId')
          test -n "$run" || { echo "no successful plan for pull request #$pr at $head: re-run its plan job"; exit 1; }
          gh run download "$run" --name "kestraform-plan-$head"
      - name: apply the reviewed plan
        run: ${r.run} apply plan.json

  drift:
    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${r.setup}
      - run: ${r.install}
      - name: drift
        run: |
          set +e
          ${r.run} drift --stack ${stack} --format markdown > drift.md
          code=$?
          cat drift.md >> "$GITHUB_STEP_SUMMARY"
          cat drift.md
          # 0 = no drift, 2 = drift found (fail the job so someone looks), 1 = error
          exit $code
`;
}
