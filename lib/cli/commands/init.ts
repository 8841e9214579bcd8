import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { UserError } from '../errors';
import { NAMESPACE_PATTERN } from '../../flowrules';
import { namespaceFilePathProblem } from '../../model/file-paths';
import type { FilesMapping, KvMapping } from '../../init/propose';
import { isDirectory } from '../../util/files';

interface InitFlags {
  stack: string;
  files: string[];
  kv: string[];
  kestraVersion?: string;
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program
    .command('init')
    .description('Make this repository a kestraform project: find its flows (and namespace files, KV) whatever the layout, and write the stack, main.ts, cdktf.json, scripts and a CI recipe around them')
    .option('--stack <name>', 'name of the stack to write (stacks/<name>.ts)', 'main')
    .option('--files <DIR=NAMESPACE[:/PREFIX]>', 'upload folder DIR as namespace files of NAMESPACE, under PREFIX (default /); repeatable', collect, [])
    .option('--kv <FILE=NAMESPACE>', 'read the KV pairs of NAMESPACE from FILE (kv.yaml form); repeatable', collect, [])
    .option('--kestra-version <major>', 'target Kestra 1 or 2 (default: the line the flows parse on)')
    .option('--force', 'overwrite files init would write that exist with other content')
    .option('--dry-run', 'print what would be written; write nothing')
    .option('-y, --yes', 'do not ask before writing (never asked without a terminal)')
    .action(async (flags: InitFlags) => {
      // Required here, not imported: only init needs the scanner, and its preview loads cdktf.
      const { scanRepository } = require('../../init/scan') as typeof import('../../init/scan');
      const { propose } = require('../../init/propose') as typeof import('../../init/propose');
      const { previewStack } = require('../../init/preview') as typeof import('../../init/preview');
      const { renderStack, renderMain, renderCdktfJson, renderTsconfig, renderWorkflow } = require('../../init/render') as typeof import('../../init/render');
      const { planWholeFile, planPackageJson, planGitignore, writeChanges } = require('../../init/files') as typeof import('../../init/files');
      const { renderReport } = require('../../init/report') as typeof import('../../init/report');
      const { terraformFileHints } = require('../../init/terraform-hints') as typeof import('../../init/terraform-hints');

      const root = process.cwd();
      const stack = flags.stack;
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(stack)) throw new UserError(`--stack must start with a letter and hold letters, digits, "-" and "_" only, not "${stack}"`);
      const files = flags.files.map((f) => parseFilesMapping(root, f));
      const kv = flags.kv.map((f) => parseKvMapping(root, f));
      const version = flags.kestraVersion === undefined ? undefined : Number(flags.kestraVersion);
      if (version !== undefined && version !== 1 && version !== 2) throw new UserError(`--kestra-version must be 1 or 2, not "${flags.kestraVersion}"`);

      const scan = scanRepository(root);
      const proposal = propose(scan, { files, kv, kestraVersion: version as 1 | 2 | undefined });
      const preview = previewStack(root, stack, proposal);
      const invocation = ['kestraform init', ...(stack !== 'main' ? [`--stack ${stack}`] : []), ...flags.files.map((f) => `--files ${f}`), ...flags.kv.map((f) => `--kv ${f}`), ...(version ? [`--kestra-version ${version}`] : [])].join(' ');
      const force = !!flags.force;
      const changes = [
        planWholeFile(root, `stacks/${stack}.ts`, renderStack(stack, proposal, preview, invocation), force),
        planWholeFile(root, 'main.ts', renderMain(stack), force),
        planWholeFile(root, 'cdktf.json', renderCdktfJson(), force),
        planWholeFile(root, 'tsconfig.json', renderTsconfig(), false),
        planPackageJson(root, force),
        planGitignore(root),
        planWholeFile(root, '.github/workflows/kestraform.yml', renderWorkflow(stack, defaultBranch(root), packageManagerOf(root)), force),
      ];
      const report = renderReport({
        root,
        stack,
        scanned: { files: scan.files.length, yaml: scan.yaml.length },
        proposal,
        preview,
        hints: terraformFileHints(root, scan.files).filter((h) => !files.some((m) => m.dir === h.dir)),
        versionForced: version !== undefined,
        changes,
        dryRun: !!flags.dryRun,
      });
      process.stdout.write(`${report}\n`);
      const writing = changes.filter((c) => c.content !== undefined && c.action !== 'unchanged' && c.action !== 'keep');
      if (flags.dryRun || !writing.length) return;
      if (process.stdin.isTTY && process.stdout.isTTY && !flags.yes && !(await confirm(`Write ${writing.length} file${writing.length === 1 ? '' : 's'}? [Y/n] `))) {
        process.stdout.write('Nothing written.\n');
        return;
      }
      writeChanges(root, changes);
      process.stdout.write(`Wrote ${writing.length} file${writing.length === 1 ? '' : 's'}.\n`);
    });
}

function parseFilesMapping(root: string, text: string): FilesMapping {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--files must be DIR=NAMESPACE[:/PREFIX], not "${text}"`);
  const rest = text.slice(eq + 1);
  const colon = rest.indexOf(':');
  const namespace = colon < 0 ? rest : rest.slice(0, colon);
  const prefix = colon < 0 ? '/' : rest.slice(colon + 1);
  const dir = insideRoot(root, text.slice(0, eq), '--files');
  if (!isDirectory(path.join(root, dir))) throw new UserError(`--files ${text}: ${text.slice(0, eq)} is not a folder of this repository`);
  if (!NAMESPACE_PATTERN.test(namespace) || namespace.length > 150) throw new UserError(`--files ${text}: "${namespace}" is not a namespace Kestra accepts (^[a-z0-9][a-z0-9._-]*)`);
  const bad = prefix === '/' ? undefined : namespaceFilePathProblem(prefix);
  if (bad) throw new UserError(`--files ${text}: the prefix "${prefix}" ${bad}`);
  return { dir, namespace, prefix: prefix === '/' ? '/' : prefix.replace(/\/+$/, '') };
}

function parseKvMapping(root: string, text: string): KvMapping {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--kv must be FILE=NAMESPACE, not "${text}"`);
  const file = insideRoot(root, text.slice(0, eq), '--kv');
  const namespace = text.slice(eq + 1);
  if (!fs.existsSync(path.join(root, file))) throw new UserError(`--kv ${text}: ${file} does not exist`);
  if (!NAMESPACE_PATTERN.test(namespace)) throw new UserError(`--kv ${text}: "${namespace}" is not a namespace Kestra accepts`);
  return { file, namespace };
}

/** A path of the user's, relative to the repository root ('' for the root); refused when outside it. */
function insideRoot(root: string, given: string, option: string): string {
  const rel = path.relative(root, path.resolve(root, given)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UserError(`${option}: ${given} is outside this repository (${root}); init maps folders of the repository it runs in`);
  return rel;
}


/** The package manager the repository uses: package.json's `packageManager`, else its lockfile, else npm. */
function packageManagerOf(root: string): 'npm' | 'pnpm' | 'yarn' {
  try {
    const declared = String(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager ?? '');
    if (declared.startsWith('pnpm@')) return 'pnpm';
    if (declared.startsWith('yarn@')) return 'yarn';
    if (declared.startsWith('npm@')) return 'npm';
  } catch {
    // no package.json (init writes one) or not JSON (reported with the scripts)
  }
  if (fs.existsSync(path.join(root, 'pnpm-lock.yaml'))) return 'pnpm';
  if (fs.existsSync(path.join(root, 'yarn.lock'))) return 'yarn';
  return 'npm';
}

/** The branch merges land on: origin's default branch, else the current one, else main. */
function defaultBranch(root: string): string {
  for (const args of [['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], ['symbolic-ref', '--quiet', '--short', 'HEAD']]) {
    try {
      const out = execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (out) return out.replace(/^origin\//, '');
    } catch {
      // not a Git repository, or no such ref
    }
  }
  return 'main';
}

async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return /^(y|yes)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
