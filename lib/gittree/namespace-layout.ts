/**
 * Kestra's own Git layout, as NamespaceSync and TenantSync read it:
 *
 *   <root>/<namespace>/flows/<id>.yml   files/**   kv.yaml   apps/*.yaml   tests/*.yaml
 *   <root>/_global/dashboards/*.yaml    _global/blueprints/*.yaml
 *
 * A namespace is one dotted folder (`company.team/`) or nested folders (`company/team/`): a folder
 * holding `flows/`, `files/`, `kv.yaml`, `apps/` or `tests/` is the namespace its path names, and
 * the folders below it may be child namespaces. Other folders are not namespaces and are never
 * owned. Apps, unit tests, dashboards and blueprints are found and listed, not deployed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAMESPACE_PATTERN } from '../flowrules';
import { sortDiagnostics } from '../util/diagnostics';
import { lazy } from '../util/lazy';
import { classifyYaml, parseYamlDocs, YAML_FILE, type KestraKind } from './classify';
import { lineOfId } from './flow-file';
import { findRepositoryRoot, IgnoreRules } from './ignore-rules';
import { absolute, joinRel, newReadContext, problem, shown, type ReadContext } from './read-context';
import { readFilesDir } from './read-files';
import { readFlowsDir } from './read-flows';
import type { ReadTreeOptions, TreeNamespace, TreeReadResult } from './types';
import { walkFiles } from './walk-files';
import { isDirectory } from '../util/files';
import { byKey } from '../util/order';

/** What a namespace folder holds, by entry name. */
const CONTENT = new Set(['flows', 'files', 'kv.yaml', 'apps', 'tests']);
const GLOBAL = '_global';

const byName = byKey((d: fs.Dirent) => d.name);

export function readTreeSync(root: string, opts: ReadTreeOptions = {}): TreeReadResult {
  const ctx = newReadContext(root, { displayRoot: opts.displayRoot, kestraMajor: opts.kestraMajor, skip: opts.skip });
  const byName = new Map<string, TreeNamespace>();
  const wanted = opts.namespaces ? new Set(opts.namespaces) : undefined;
  if (!isDirectory(ctx.root)) {
    problem(ctx, '', `cannot read the tree root ${ctx.root}: it is not a folder`, 'check the folder the stack names');
    return { root: ctx.root, namespaces: [], diagnostics: ctx.diagnostics, found: [] };
  }
  const rules = IgnoreRules.forDirectory(ctx.root, { repoRoot: opts.repoRoot ?? findRepositoryRoot(ctx.root), kestraignoreDir: ctx.root, exclude: opts.exclude });
  visitFolder(ctx, '', rules, wanted, (ns) => {
    const same = byName.get(ns.name);
    if (same) mergeNamespace(ctx, same, ns);
    else byName.set(ns.name, ns);
  });
  for (const name of wanted ?? []) {
    if (!byName.has(name)) problem(ctx, '', `namespace "${name}" has no folder in the tree (neither ${name}/ nor ${name.split('.').join('/')}/)`, 'create it or fix the namespaces option');
  }
  const namespaces = [...byName.values()].sort(byKey((n) => n.name));
  return { root: ctx.root, namespaces, diagnostics: sortDiagnostics(ctx.diagnostics), found: ctx.found };
}

/**
 * With `wanted`, only the folders on the way to a wanted namespace are entered (at the root of a
 * repository holding other things too, nothing else is looked at).
 */
function visitFolder(ctx: ReadContext, rel: string, rules: IgnoreRules, wanted: ReadonlySet<string> | undefined, onNamespace: (ns: TreeNamespace) => void): void {
  const dir = absolute(ctx, rel);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort(byName);
  } catch (e) {
    problem(ctx, rel, `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'make it readable');
    return;
  }
  const inner = entries.some((e) => e.name === '.gitignore') ? rules.enter(dir) : rules;
  const kept = entries.filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules' && !inner.ignores(path.join(dir, e.name), e.isDirectory()));
  const isNamespace = rel !== '' && kept.some((e) => CONTENT.has(e.name) && (e.name === 'kv.yaml' ? e.isFile() : e.isDirectory()));
  const name = rel.split('/').join('.');
  let childPrefixOk = true;
  if (isNamespace) {
    if (!NAMESPACE_PATTERN.test(name) || name.length > 150) {
      if (!wanted) problem(ctx, rel, `folder ${shown(ctx, rel)} holds ${kept.filter((e) => CONTENT.has(e.name)).map((e) => e.name).join(', ')} but "${name}" is not a namespace Kestra accepts (^[a-z0-9][a-z0-9._-]*, at most 150 characters)`, 'rename the folder to a valid namespace such as company.team');
      childPrefixOk = false;
    } else if (!wanted || wanted.has(name)) {
      onNamespace(readNamespace(ctx, rel, name, inner, kept));
    }
  }
  for (const e of kept) {
    const childRel = joinRel(rel, e.name);
    const childName = rel ? `${name}.${e.name}` : e.name;
    if (wanted && ![...wanted].some((w) => w === childName || w.startsWith(`${childName}.`))) continue;
    if (e.isSymbolicLink()) {
      // At the tree's top, or in a namespace folder: where a namespace or its content would be.
      if (rel === '' || isNamespace) problem(ctx, childRel, 'is a symbolic link; kestraform does not follow links out of or inside the tree', 'replace it with a real folder or file');
      continue;
    }
    if (!e.isDirectory() || (isNamespace && CONTENT.has(e.name)) || !childPrefixOk) continue;
    if (rel === '' && e.name === GLOBAL) readGlobal(ctx, childRel, inner);
    else if (!ctx.skip(path.join(dir, e.name))) visitFolder(ctx, childRel, inner, wanted, onNamespace);
  }
}

function readNamespace(ctx: ReadContext, rel: string, ns: string, rules: IgnoreRules, entries: fs.Dirent[]): TreeNamespace {
  const result: TreeNamespace = { name: ns, dir: rel, flows: [], files: [], kv: [] };
  for (const e of entries) {
    const childRel = joinRel(rel, e.name);
    if (e.isSymbolicLink()) continue; // reported by the folder walk
    if (e.name === 'flows' && e.isDirectory()) {
      result.flows = readFlowsDir(ctx, childRel, { rules, namespace: { from: 'yaml', namespace: ns }, recursive: false, kestraLayout: true });
    } else if (e.name === 'files' && e.isDirectory()) {
      // Everything under files/ is a namespace file in this layout, as Kestra's sync tasks upload it.
      result.files = readFilesDir(ctx, childRel, { rules, namespace: ns, prefix: '/', kestraObjects: 'upload', kestraignoreAtRoot: false }).files;
    } else if (e.name === 'kv.yaml' && e.isFile()) {
      const text = readText(ctx, childRel);
      if (text !== undefined) {
        const kv = kvFiles().parseKvFile(text, shown(ctx, childRel), ns);
        ctx.diagnostics.push(...kv.diagnostics);
        result.kv = kv.kv;
      }
    } else if ((e.name === 'apps' || e.name === 'tests') && e.isDirectory()) {
      readFoundKind(ctx, childRel, rules, e.name === 'apps' ? 'app' : 'test');
    } else if (e.isFile() && YAML_FILE.test(e.name)) {
      // A flow beside flows/ instead of in it is the usual slip in this layout.
      const kind = classifyFile(ctx, childRel);
      if (kind && kind.kind === 'flow') problem(ctx, childRel, `flow ${kind.namespace}/${kind.id} lies in namespace folder ${shown(ctx, rel)} itself, where it is not read`, `move it to ${shown(ctx, joinRel(rel, 'flows'))}/`, 'warning');
    }
  }
  return result;
}

/** `_global/dashboards` and `_global/blueprints` (TenantSync, Kestra Enterprise): found, not deployed. */
function readGlobal(ctx: ReadContext, rel: string, rules: IgnoreRules): void {
  const dir = absolute(ctx, rel);
  for (const [folder, kind] of [['dashboards', 'dashboard'], ['blueprints', 'blueprint']] as const) {
    if (isDirectory(path.join(dir, folder))) readFoundKind(ctx, joinRel(rel, folder), rules, kind);
  }
}

/** Every YAML file of a folder that holds one Kestra kind by the layout's rule. */
function readFoundKind(ctx: ReadContext, rel: string, rules: IgnoreRules, kind: KestraKind): void {
  walkFiles(
    absolute(ctx, rel),
    { rules, skip: ctx.skip },
    (f) => {
      if (!YAML_FILE.test(f.name)) return;
      const fileRel = joinRel(rel, f.rel);
      const text = readText(ctx, fileRel);
      if (text === undefined) return;
      // The folder says what kind it is; the content says its id (and namespace) where it has one.
      const parsed = parseYamlDocs(text);
      const root = 'docs' in parsed ? (parsed.docs[0] as Record<string, unknown> | null) : null;
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      ctx.found.push({ kind, file: shown(ctx, fileRel), line: lineOfId(text), id: str(root?.id), namespace: str(root?.namespace) });
    },
    (r, message, hint, severity) => problem(ctx, joinRel(rel, r), message, hint, severity),
  );
}

function classifyFile(ctx: ReadContext, rel: string): ReturnType<typeof classifyYaml> | undefined {
  const text = readText(ctx, rel, true);
  return text === undefined ? undefined : classifyYaml(parseYamlDocs(text), shown(ctx, rel));
}

/** The same namespace from two folders (`company.team/` and `company/team/`): one set of objects. */
function mergeNamespace(ctx: ReadContext, into: TreeNamespace, from: TreeNamespace): void {
  const clash = (what: string, a: string, b: string) =>
    ctx.diagnostics.push({ severity: 'error', file: b, line: 0, column: 0, message: `${what} of namespace ${into.name} is also in ${a} (folders ${shown(ctx, into.dir)} and ${shown(ctx, from.dir)} both hold namespace ${into.name})`, hint: 'keep each namespace in one folder' });
  const flows = new Map(into.flows.map((f) => [f.id, f]));
  for (const f of from.flows) {
    const prev = flows.get(f.id);
    if (prev) clash(`flow ${f.id}`, prev.file, f.file);
    else into.flows.push(f);
  }
  const files = new Map(into.files.map((f) => [f.path, f]));
  for (const f of from.files) {
    const prev = files.get(f.path);
    if (prev) clash(`file ${f.path}`, prev.file, f.file);
    else into.files.push(f);
  }
  const keys = new Map(into.kv.map((k) => [k.key, k]));
  for (const k of from.kv) {
    const prev = keys.get(k.key);
    if (prev) clash(`KV key ${k.key}`, prev.file, k.file);
    else into.kv.push(k);
  }
}

function readText(ctx: ReadContext, rel: string, quiet = false): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(fs.readFileSync(absolute(ctx, rel)));
  } catch (e) {
    if (!quiet) problem(ctx, rel, (e as NodeJS.ErrnoException).code ? `cannot read: ${(e as NodeJS.ErrnoException).code}` : 'is not valid UTF-8', 'save it as UTF-8 text');
    return undefined;
  }
}


// Required on first use, not imported: it loads the `yaml` parser, which trees without kv.yaml
// never need.
const kvFiles = lazy(() => require('./kv-file') as typeof import('./kv-file'));
