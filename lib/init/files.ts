/**
 * How `init` writes: a file that is absent is created; one that holds exactly what init would
 * write is left alone; any other is kept as it is unless `--force` (package.json and .gitignore are
 * only ever added to: their scripts and entries, nothing removed). Planned first, then written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { GITIGNORE_ENTRIES, PACKAGE_SCRIPTS } from './render';

export interface FileChange {
  /** Relative to the repository root. */
  rel: string;
  action: 'create' | 'unchanged' | 'keep' | 'overwrite' | 'add';
  content?: string;
  /** Why a file is kept, or what is added to it. */
  note?: string;
}

export function planWholeFile(root: string, rel: string, content: string, force: boolean): FileChange {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return { rel, action: 'create', content };
  const current = fs.readFileSync(abs, 'utf8');
  if (current === content) return { rel, action: 'unchanged' };
  return force ? { rel, action: 'overwrite', content } : { rel, action: 'keep', note: 'exists with other content (left as is; --force overwrites it)' };
}

export function planPackageJson(root: string, force: boolean): FileChange {
  const rel = 'package.json';
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) {
    const name = path.basename(root).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'kestra-flows';
    return { rel, action: 'create', content: `${JSON.stringify({ name, private: true, scripts: PACKAGE_SCRIPTS }, null, 2)}\n`, note: 'then install kestraform: npm install --save-dev kestraform' };
  }
  const text = fs.readFileSync(abs, 'utf8');
  let pkg: { scripts?: Record<string, string> } & Record<string, unknown>;
  try {
    pkg = JSON.parse(text);
  } catch (e) {
    return { rel, action: 'keep', note: `is not valid JSON (${(e as Error).message}); add the scripts yourself: ${JSON.stringify(PACKAGE_SCRIPTS)}` };
  }
  const scripts = { ...(pkg.scripts ?? {}) };
  const added: string[] = [];
  const clashing: string[] = [];
  for (const [name, command] of Object.entries(PACKAGE_SCRIPTS)) {
    if (scripts[name] === command) continue;
    if (scripts[name] !== undefined && !force) {
      clashing.push(name);
      continue;
    }
    scripts[name] = command;
    added.push(name);
  }
  if (!added.length) return { rel, action: clashing.length ? 'keep' : 'unchanged', note: clashing.length ? `has its own ${clashing.join(', ')} script${clashing.length === 1 ? '' : 's'} (kept; --force replaces them)` : undefined };
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  const content = `${JSON.stringify({ ...pkg, scripts }, null, indent)}${text.endsWith('\n') ? '\n' : ''}`;
  return { rel, action: 'add', content, note: `scripts ${added.join(', ')}${clashing.length ? `; kept its own ${clashing.join(', ')}` : ''}` };
}

export function planGitignore(root: string): FileChange {
  const rel = '.gitignore';
  const abs = path.join(root, rel);
  const text = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : '';
  const rules = ignore().add(text);
  const missing = GITIGNORE_ENTRIES.filter((e) => !rules.ignores(e.replace('*', 'synth-1')));
  if (!missing.length) return { rel, action: 'unchanged' };
  const block = `${text && !text.endsWith('\n') ? '\n' : ''}${text ? '\n' : ''}# kestraform: dependencies, synth output, local state and data\n${missing.join('\n')}\n`;
  return { rel, action: text ? 'add' : 'create', content: text + block, note: `entries ${missing.join(', ')}` };
}

export function writeChanges(root: string, changes: FileChange[]): void {
  for (const c of changes) {
    if (c.content === undefined || c.action === 'unchanged' || c.action === 'keep') continue;
    const abs = path.join(root, c.rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, c.content);
  }
}
