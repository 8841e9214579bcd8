/**
 * Reads a Git tree in the default layout: <root>/<namespace>/{flows/*.yml, files/**, kv.yaml}.
 * Every problem becomes a diagnostic (all of them, never only the first); nothing here throws
 * on bad input. Symlinks and paths leaving the root are refused, bytes are kept exactly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAMESPACE_PATTERN } from '../flowrules';
import { sortDiagnostics, type Diagnostic } from '../util/diagnostics';
import { lazy } from '../util/lazy';
import type { ReadTreeOptions, TreeFile, TreeFlow, TreeNamespace, TreeReadResult } from './types';
import { MAX_FLOW_BYTES, checkFlowSource, decodeFlowBytes, flowTooLarge } from './flow-file';
import { hashFile, readUpTo } from './read-bytes';

const FLOW_FILE = /\.ya?ml$/i;

// Code-point order: the same on every machine, whatever its locale (localeCompare is not).
const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function readTreeSync(root: string, opts: ReadTreeOptions = {}): TreeReadResult {
  const absRoot = path.resolve(root);
  const display = opts.displayRoot ?? root;
  const shown = (rel: string) => (display && display !== '.' ? `${display}/${rel}` : rel);
  const diagnostics: Diagnostic[] = [];
  const problem = (rel: string, message: string, hint?: string, severity: Diagnostic['severity'] = 'error') =>
    diagnostics.push({ severity, file: shown(rel), line: 0, column: 0, message, hint });
  const namespaces: TreeNamespace[] = [];

  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(absRoot, { withFileTypes: true });
  } catch (e) {
    problem('.', `cannot read the tree root ${absRoot}: ${(e as NodeJS.ErrnoException).code}`, 'check the `kestraform:tree` context entry of cdktf.json');
    return { root: absRoot, namespaces, diagnostics };
  }
  const realRoot = fs.realpathSync(absRoot);
  const wanted = opts.namespaces ? new Set(opts.namespaces) : undefined;
  for (const name of (opts.namespaces ?? []).filter((n) => !entries.some((e) => e.name === n))) {
    problem(name, `namespace folder "${name}" does not exist in the tree`, 'create it or fix the namespaces option');
  }
  for (const entry of entries.sort(byName)) {
    const name = entry.name;
    if (name.startsWith('.') || (wanted && !wanted.has(name))) continue;
    if (entry.isSymbolicLink()) {
      problem(name, 'is a symbolic link; kestraform does not follow links out of or inside the tree', 'replace it with a real folder');
      continue;
    }
    if (!entry.isDirectory()) {
      if (!/^(README|readme)(\.\w+)?$/.test(name)) problem(name, 'is a file at the tree root, where only namespace folders belong; ignored', 'move it out of the tree', 'warning');
      continue;
    }
    if (!NAMESPACE_PATTERN.test(name) || name.length > 150) {
      problem(name, `folder name "${name}" is not a namespace Kestra accepts (^[a-z0-9][a-z0-9._-]*, at most 150 characters)`, 'rename the folder to a valid namespace such as company.team');
      continue;
    }
    namespaces.push(readNamespace(absRoot, realRoot, name, opts, shown, diagnostics));
  }
  return { root: absRoot, namespaces, diagnostics: sortDiagnostics(diagnostics) };
}

function readNamespace(root: string, realRoot: string, ns: string, opts: ReadTreeOptions, shown: (rel: string) => string, diagnostics: Diagnostic[]): TreeNamespace {
  const result: TreeNamespace = { name: ns, dir: ns, flows: [], files: [], kv: [] };
  const problem = (rel: string, message: string, hint?: string, severity: Diagnostic['severity'] = 'error') =>
    diagnostics.push({ severity, file: shown(rel), line: 0, column: 0, message, hint });
  const nsDir = path.join(root, ns);
  for (const e of fs.readdirSync(nsDir, { withFileTypes: true })) {
    const rel = `${ns}/${e.name}`;
    if (e.isSymbolicLink()) problem(rel, 'is a symbolic link; kestraform does not follow links', 'replace it with a real file or folder');
    else if (e.name === 'flows' && e.isDirectory()) readFlows(root, ns, opts, result, shown, diagnostics);
    else if (e.name === 'files' && e.isDirectory()) readFiles(root, realRoot, ns, `${ns}/files`, result, problem);
    else if (e.name === 'kv.yaml' && e.isFile()) {
      const text = readText(path.join(root, rel), rel, problem);
      if (text !== undefined) {
        const kv = kvFiles().parseKvFile(text, shown(rel), ns);
        diagnostics.push(...kv.diagnostics);
        result.kv.push(...kv.kv.map((k) => ({ ...k, file: rel })));
      }
    } else if (!e.name.startsWith('.')) {
      problem(rel, `unexpected ${e.isDirectory() ? 'folder' : 'file'} in namespace folder ${ns}; ignored`, 'a namespace folder holds flows/, files/ and kv.yaml only', 'warning');
    }
  }
  return result;
}

function readFlows(root: string, ns: string, opts: ReadTreeOptions, result: TreeNamespace, shown: (rel: string) => string, diagnostics: Diagnostic[]): void {
  const dir = path.join(root, ns, 'flows');
  const byId = new Map<string, TreeFlow>();
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort(byName)) {
    const rel = `${ns}/flows/${e.name}`;
    const file = shown(rel);
    if (e.isSymbolicLink()) {
      note(diagnostics, file, 'is a symbolic link; kestraform does not follow links', 'replace it with the flow file itself', 'error');
      continue;
    }
    if (e.isDirectory()) {
      note(diagnostics, file, 'folders inside flows/ are not read', 'put each flow directly in flows/ as <id>.yml');
      continue;
    }
    if (!FLOW_FILE.test(e.name)) {
      if (!e.name.startsWith('.')) note(diagnostics, file, 'is not a .yml/.yaml file; ignored', 'flows/ holds one flow per .yml file');
      continue;
    }
    let read: ReturnType<typeof readUpTo>;
    try {
      read = readUpTo(dir + path.sep + e.name, MAX_FLOW_BYTES);
    } catch (err) {
      note(diagnostics, file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'make the file readable', 'error');
      continue;
    }
    const decoded = 'bytes' in read ? decodeFlowBytes(read.bytes, file) : { diagnostic: flowTooLarge(read.tooLarge, file) };
    if (!decoded.text) {
      diagnostics.push(decoded.diagnostic!);
      continue;
    }
    const checked = checkFlowSource(decoded.text, file, { kestraMajor: opts.kestraMajor ?? 2, expectedNamespace: ns });
    diagnostics.push(...checked.diagnostics);
    if (checked.id === undefined || checked.namespace !== ns || checked.diagnostics.some((d) => d.severity === 'error')) continue;
    const stem = e.name.replace(FLOW_FILE, '');
    if (stem !== checked.id) {
      diagnostics.push({ severity: 'warning', file, line: checked.idLine ?? 1, column: 1, message: `file name "${e.name}" differs from the flow id "${checked.id}"`, hint: `rename it to ${checked.id}.yml (Kestra's sync tasks name files by id)` });
    }
    const prev = byId.get(checked.id);
    if (prev) {
      diagnostics.push({ severity: 'error', file, line: checked.idLine ?? 1, column: 1, message: `flow id "${checked.id}" is also defined in ${shown(prev.file)}`, hint: 'each flow id may appear in one file only: rename or delete one of them' });
      continue;
    }
    const flow: TreeFlow = { namespace: ns, id: checked.id, file: rel, source: decoded.text };
    byId.set(checked.id, flow);
    result.flows.push(flow);
  }
}

function readFiles(root: string, realRoot: string, ns: string, relDir: string, result: TreeNamespace, problem: (rel: string, message: string, hint?: string, severity?: Diagnostic['severity']) => void): void {
  const abs = path.join(root, relDir);
  for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort(byName)) {
    const rel = `${relDir}/${e.name}`;
    const kestraPath = rel.slice(`${ns}/files`.length);
    if (e.isSymbolicLink()) {
      const target = safeRealpath(path.join(root, rel));
      const outside = !target || !(target === realRoot || target.startsWith(realRoot + path.sep));
      problem(rel, `is a symbolic link${outside ? ' pointing outside the tree' : ''}; kestraform uploads real files only`, 'replace the link with the file itself');
      continue;
    }
    // Node decodes bytes that are not UTF-8 in a name to U+FFFD.
    if (e.name.includes('\uFFFD')) {
      problem(rel, 'file name is not valid UTF-8', 'rename the file');
      continue;
    }
    // Each name is checked as it is met (its folders were, on the way down); at most 3 UTF-8
    // bytes per UTF-16 unit, so names of up to 85 units need no count.
    if (e.name.length > 85 && Buffer.byteLength(e.name) > 255) {
      problem(rel, `path component "${e.name.slice(0, 40)}…" is ${Buffer.byteLength(e.name)} bytes long; Kestra refuses more than 255`, 'shorten the name');
      continue;
    }
    if (e.name === '_flows' && kestraPath === '/_flows') {
      problem(rel, 'files under files/_flows/ are reserved by Kestra (it imports them as flows)', 'put flows in flows/ and rename this folder');
      continue;
    }
    if (e.isDirectory()) readFiles(root, realRoot, ns, rel, result, problem);
    else if (e.isFile()) {
      let content: { size: number; sha256: string };
      try {
        content = hashFile(root + path.sep + rel);
      } catch (err) {
        problem(rel, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'make the file readable');
        continue;
      }
      const file: TreeFile = { namespace: ns, path: kestraPath, file: rel, ...content };
      result.files.push(file);
    } else problem(rel, 'is not a regular file; ignored', 'namespace files must be plain files', 'warning');
  }
}

function note(diagnostics: Diagnostic[], file: string, message: string, hint?: string, severity: Diagnostic['severity'] = 'warning'): void {
  diagnostics.push({ severity, file, line: 0, column: 0, message, hint });
}

function readText(abs: string, rel: string, problem: (rel: string, message: string, hint?: string) => void): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(fs.readFileSync(abs));
  } catch (e) {
    problem(rel, (e as NodeJS.ErrnoException).code ? `cannot read: ${(e as NodeJS.ErrnoException).code}` : 'is not valid UTF-8', 'save it as UTF-8 text');
    return undefined;
  }
}

function safeRealpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

// Required on first use, not imported: it loads the `yaml` parser, which trees without kv.yaml
// never need.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kvFiles = lazy(() => require('./kv-file') as typeof import('./kv-file'));
