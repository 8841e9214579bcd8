/**
 * Kestra's own Git layout, as NamespaceSync and TenantSync read it:
 *
 *   <root>/<namespace>/flows/<id>.yml   files/**   kv.yaml   apps/<id>.yaml   tests/<id>.yaml
 *   <root>/_global/dashboards/<id>.yaml    _global/blueprints/*.yaml
 *
 * plus kestraform's own `<root>/<namespace>/namespace.yaml`: the namespace object's properties
 * (./namespace-props). A namespace is one dotted folder (`company.team/`) or nested folders
 * (`company/team/`): a folder holding `flows/`, `files/`, `kv.yaml`, `apps/`, `tests/` or
 * `namespace.yaml` is the namespace its path names, and the folders below it may be child
 * namespaces. Other folders are not namespaces and are never owned. Apps, TestSuites and
 * dashboards are read with their sources (the stack deploys them as its edition allows);
 * blueprints and unit tests that are no TestSuite are listed as found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAMESPACE_PATTERN } from '../flowrules';
import { sortDiagnostics } from '../util/diagnostics';
import { lazy } from '../util/lazy';
import { classifyYaml, NOT_A_TEST_SUITE, parseYamlDocs, YAML_FILE, type KestraKind, type YamlClass } from './classify';
import { lineOfId } from './flow-file';
import { findRepositoryRoot, IgnoreRules } from './ignore-rules';
import { takeKestraObject } from './kestra-objects';
import { absolute, joinRel, newReadContext, problem, shown, type ReadContext } from './read-context';
import { readFilesDir } from './read-files';
import { readFlowsDir } from './read-flows';
import { indexedRead } from './tree-index';
import type { ReadTreeOptions, TreeNamespace, TreeReadResult } from './types';
import { walkFiles } from './walk-files';
import { isDirectory } from '../util/files';
import { byKey } from '../util/order';

/** What a namespace folder holds, by entry name. */
const CONTENT = new Set(['flows', 'files', 'kv.yaml', 'apps', 'tests', 'namespace.yaml']);
const CONTENT_FILES = new Set(['kv.yaml', 'namespace.yaml']);
const NAMESPACE_FILE = 'namespace.yaml';
const GLOBAL = '_global';

const byName = byKey((d: fs.Dirent) => d.name);

export function readTreeSync(root: string, opts: ReadTreeOptions = {}): TreeReadResult {
  const ctx = newReadContext(root, { displayRoot: opts.displayRoot, kestraMajor: opts.kestraMajor, skip: opts.skip });
  const byName = new Map<string, TreeNamespace>();
  const wanted = opts.namespaces ? new Set(opts.namespaces) : undefined;
  if (!isDirectory(ctx.root)) {
    problem(ctx, '', `cannot read the tree root ${ctx.root}: it is not a folder`, 'check the folder the stack names');
    return { root: ctx.root, namespaces: [], diagnostics: ctx.diagnostics, found: [], objects: ctx.objects };
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
  return { root: ctx.root, namespaces, diagnostics: sortDiagnostics(ctx.diagnostics), found: ctx.found, objects: ctx.objects };
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
  const isNamespace = rel !== '' && kept.some((e) => CONTENT.has(e.name) && (CONTENT_FILES.has(e.name) ? e.isFile() && (e.name !== NAMESPACE_FILE || !isOtherNamespaceFile(ctx, joinRel(rel, e.name))) : e.isDirectory()));
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
  const properties = entries.find((e) => e.name === NAMESPACE_FILE && e.isFile());
  if (properties) readProperties(ctx, joinRel(rel, NAMESPACE_FILE), result);
  for (const e of entries) {
    const childRel = joinRel(rel, e.name);
    if (e.isSymbolicLink()) continue; // reported by the folder walk
    if (e.name === 'flows' && e.isDirectory()) {
      result.flows = readFlowsDir(ctx, childRel, { rules, namespace: { from: 'yaml', namespace: ns }, recursive: false, kestraLayout: true });
    } else if (e.name === 'files' && e.isDirectory()) {
      // Everything under files/ is a namespace file in this layout, as Kestra's sync tasks upload it.
      result.files = readFilesDir(ctx, childRel, { rules, namespace: ns, prefix: '/', kestraObjects: 'upload', kestraignoreAtRoot: false }).files;
    } else if (e.name === 'kv.yaml' && e.isFile()) {
      result.kv = indexedRead(ctx, absolute(ctx, childRel), JSON.stringify(['kv', shown(ctx, childRel), ns]), () => {
        const text = readText(ctx, childRel);
        if (text === undefined) return [];
        const kv = kvFiles().parseKvFile(text, shown(ctx, childRel), ns);
        ctx.diagnostics.push(...kv.diagnostics);
        return kv.kv;
      }, { keep: (pairs) => !pairs.some((k) => k.sensitive) }); // a value marked sensitive is never copied into the index
    } else if ((e.name === 'apps' || e.name === 'tests') && e.isDirectory()) {
      readObjectsDir(ctx, childRel, rules, e.name === 'apps' ? 'app' : 'test', ns);
    } else if (e.name === NAMESPACE_FILE) {
      // Read above, before the objects that live in the namespace.
    } else if (e.name === 'namespace.yml' && e.isFile()) {
      problem(ctx, childRel, 'is not read: the namespace\'s properties are read from namespace.yaml', `rename it to ${shown(ctx, joinRel(rel, NAMESPACE_FILE))}`, 'warning');
    } else if (e.isFile() && YAML_FILE.test(e.name)) {
      // A flow beside flows/ instead of in it is the usual slip in this layout.
      const kind = classifyFile(ctx, childRel);
      if (kind && kind.kind === 'flow') problem(ctx, childRel, `flow ${kind.namespace}/${kind.id} lies in namespace folder ${shown(ctx, rel)} itself, where it is not read`, `move it to ${shown(ctx, joinRel(rel, 'flows'))}/`, 'warning');
    }
  }
  return result;
}

/** `_global/dashboards` (tenant-wide dashboards) and `_global/blueprints` (TenantSync, Kestra Enterprise: listed, not deployed). */
function readGlobal(ctx: ReadContext, rel: string, rules: IgnoreRules): void {
  const dir = absolute(ctx, rel);
  if (isDirectory(path.join(dir, 'dashboards'))) readObjectsDir(ctx, joinRel(rel, 'dashboards'), rules, 'dashboard');
  if (isDirectory(path.join(dir, 'blueprints'))) readBlueprints(ctx, joinRel(rel, 'blueprints'), rules);
}

/**
 * The YAML files of `apps/`, `tests/` or `_global/dashboards/`: each is an object of the folder's
 * kind by its place (a unit test only in Kestra's TestSuite shape), named by its content, in
 * namespace `ns` (apps and tests).
 */
function readObjectsDir(ctx: ReadContext, rel: string, rules: IgnoreRules, kind: 'app' | 'test' | 'dashboard', ns?: string): void {
  const folder = shown(ctx, rel);
  walkFiles(
    absolute(ctx, rel),
    {
      rules,
      skip: ctx.skip,
      enterDir: (_abs, sub) => (problem(ctx, joinRel(rel, sub), `folders inside ${folder.slice(folder.lastIndexOf('/') + 1)}/ are not read`, `put each ${kind === 'test' ? 'unit test' : kind} directly in ${folder}/ as <id>.yaml`, 'warning'), false),
    },
    (f) => {
      const fileRel = joinRel(rel, f.rel);
      if (!YAML_FILE.test(f.name)) {
        if (!f.name.startsWith('.')) problem(ctx, fileRel, 'is not a .yml/.yaml file; ignored', `${folder}/ holds one ${kind === 'test' ? 'unit test' : kind} per .yaml file`, 'warning');
        return;
      }
      const text = readText(ctx, fileRel);
      if (text === undefined) return;
      const parsed = parseYamlDocs(text);
      if ('error' in parsed) {
        problem(ctx, fileRel, `is not valid YAML: ${parsed.error}`, 'fix the YAML');
        return;
      }
      const root = parsed.docs.find((d) => d !== null && d !== undefined);
      if (!root || typeof root !== 'object' || Array.isArray(root)) {
        problem(ctx, fileRel, `is not a Kestra ${kind === 'test' ? 'unit test' : kind}: ${root === undefined ? 'empty' : 'not a YAML mapping'}`, `keep only ${kind === 'test' ? 'unit tests' : `${kind}s`} in ${folder}/`);
        return;
      }
      takeKestraObject(ctx, byPlace(kind, root as Record<string, unknown>), text, parsed.docs, fileRel, { expectedNamespace: ns, kestraLayout: true });
    },
    (r, message, hint, severity) => problem(ctx, joinRel(rel, r), message, hint, severity),
  );
}

/** What a file is by the folder it lies in; its content names it. */
function byPlace(kind: 'app' | 'test' | 'dashboard', root: Record<string, unknown>): Extract<YamlClass, { kind: KestraKind }> {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const named = { id: str(root.id), namespace: kind === 'dashboard' ? undefined : str(root.namespace) };
  if (kind !== 'test') return { kind, ...named };
  return { kind, ...named, ...(str(root.flowId) !== undefined ? { flowId: str(root.flowId) } : {}), ...('testCases' in root ? {} : { why: NOT_A_TEST_SUITE }) };
}

/** `<ns>/namespace.yaml`: the namespace object's properties, every problem at its line. */
function readProperties(ctx: ReadContext, rel: string, into: TreeNamespace): void {
  const text = readText(ctx, rel);
  if (text === undefined) return;
  if (looksLikeOtherNamespaceFile(text)) {
    problem(ctx, rel, 'looks like a Kubernetes manifest, not the namespace\'s properties: not read', `keep the Kestra namespace's properties (description, variables, …) in ${shown(ctx, rel)}, and the manifest elsewhere`, 'warning');
    return;
  }
  const read = namespaceProps().parseNamespaceProperties(text, shown(ctx, rel), into.name, ctx.kestraMajor);
  ctx.diagnostics.push(...read.diagnostics);
  if (read.properties) into.properties = { namespace: into.name, file: shown(ctx, rel), line: read.line, properties: read.properties };
}

/** A `namespace.yaml` that is some other tool's (a Kubernetes Namespace manifest) makes no folder a Kestra namespace. */
function isOtherNamespaceFile(ctx: ReadContext, rel: string): boolean {
  const text = readText(ctx, rel, true);
  return text === undefined || looksLikeOtherNamespaceFile(text);
}

const looksLikeOtherNamespaceFile = (text: string) => /^apiVersion\s*:/m.test(text) && /^kind\s*:/m.test(text);

/** Blueprints (`_global/blueprints/`): found and listed, not deployed. */
function readBlueprints(ctx: ReadContext, rel: string, rules: IgnoreRules): void {
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
      ctx.found.push({ kind: 'blueprint', file: shown(ctx, fileRel), line: lineOfId(text), id: str(root?.id), namespace: str(root?.namespace) });
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
  if (from.properties) {
    if (into.properties) clash('the properties (namespace.yaml)', into.properties.file, from.properties.file);
    else into.properties = from.properties;
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
const namespaceProps = lazy(() => require('./namespace-props') as typeof import('./namespace-props'));
