/**
 * From a scan to the sources a person would have written for this repository: Kestra's own
 * layouts where the flows sit in them (NamespaceTree, SyncFlowsTree), one Flows source per
 * top-level folder for the rest, the namespace-file and KV folders the user mapped, and the Kestra
 * line the flows fit. Pure: the scan and the options in, a proposal out.
 */
import { checkFlow, NAMESPACE_PATTERN } from '../flowrules';
import { lineCounterOf, offsetAt, positionTree } from '../gittree/fast-positions';
import { DEFAULT_PROTECTED_NAMESPACES } from '../model/settings';
import { positionOf } from '../gittree/yaml-source';
import type { RepoScan, ScannedYaml } from './scan';
import { byCodePoint } from '../util/order';

export interface FilesMapping {
  /** Folder relative to the repository root ('' for the root itself). */
  dir: string;
  namespace: string;
  /** '/' or '/some/dir'. */
  prefix: string;
}

export interface KvMapping {
  file: string;
  namespace: string;
}

export type SourceSpec =
  | { kind: 'tree'; id: string; root: string; namespaces?: string[] }
  | { kind: 'sync'; id: string; dir: string; namespace: string }
  | { kind: 'flows'; id: string; dir: string; recursive?: false; exclude?: string[] }
  | { kind: 'files'; id: string; dir: string; namespace: string; prefix: string; exclude?: string[] }
  | { kind: 'kv'; id: string; file: string; namespace: string };

export interface ProposeOptions {
  files: FilesMapping[];
  kv: KvMapping[];
  kestraVersion?: 1 | 2;
}

export interface Proposal {
  sources: SourceSpec[];
  kestraVersion: 1 | 2;
  /** What makes the flows need Kestra 1.x (the reason for kestraVersion 1), file:line each. */
  needs1x: { file: string; line: number; construct: string }[];
  /** Same namespace and id in several files. */
  duplicates: { key: string; files: string[] }[];
  /** Kestra objects in a protected namespace (never deployed). */
  protectedFlows: { file: string; namespace: string; id: string }[];
  /** YAML files no source maps, and what they are. */
  unmapped: { file: string; why: string }[];
  /** Folders that look like namespace files, with the --files option that would map them. */
  suggestions: string[];
}

/** The files kestraform's own project consists of: never namespace files of a folder mapped at the root. */
export const PROJECT_FILES = ['/cdktf.json', '/main.ts', '/tsconfig.json', '/stacks/', '/package.json', '/package-lock.json', '/.github/workflows/kestraform.yml'];

const KESTRA_KINDS = new Set<string>(['flow', 'app', 'test', 'dashboard', 'blueprint']);
const dirOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const isUnder = (rel: string, dir: string) => dir === '' || rel === dir || rel.startsWith(`${dir}/`);
const below = (rel: string, dir: string) => (dir === '' ? rel : rel.slice(dir.length + 1));

export function propose(scan: RepoScan, opts: ProposeOptions): Proposal {
  const kestra = scan.yaml.filter((y) => KESTRA_KINDS.has(y.class.kind));
  const flows = kestra.filter((y) => y.class.kind === 'flow');
  const claimed = new Set<string>();
  const sources: SourceSpec[] = [];
  // 'kestra' is the provider's id in the generated stack.
  const ids = new Set<string>(['kestra']);
  const idFor = (dir: string, fallback: string) => uniqueId(ids, dir === '' ? fallback : dir, fallback);

  // 1. Kestra's layout: <root>/<namespace as a dotted folder or nested folders>/flows/<id>.yml.
  const treeRoots = new Map<string, ScannedYaml[]>();
  for (const f of flows) {
    const root = kestraLayoutRoot(f.rel, namespaceOf(f));
    if (root === undefined) continue;
    treeRoots.set(root, [...(treeRoots.get(root) ?? []), f]);
  }
  const others = flows.filter((f) => ![...treeRoots.values()].flat().includes(f));
  for (const [root, inTree] of [...treeRoots].sort(([a], [b]) => byCodePoint(a, b))) {
    // At the repository root, among other folders, name the namespaces: the layout would take any
    // folder holding flows/ or files/ for one.
    const crowded = root === '' && (others.length > 0 || opts.files.length > 0);
    const namespaces = crowded ? [...new Set(inTree.map((f) => namespaceOf(f)!))].sort() : undefined;
    sources.push({ kind: 'tree', id: idFor(root, 'tree'), root: root || '.', namespaces });
    for (const y of kestra) if (isUnder(y.rel, root) && (!namespaces || namespaces.some((ns) => layoutNamespaceOf(y.rel, root) === ns))) claimed.add(y.rel);
    for (const f of inTree) claimed.add(f.rel);
  }

  // 2. Kestra's SyncFlows layout: <dir>/_flows/ (child namespaces as folders) and <dir>/_files/.
  const syncDirs = new Map<string, ScannedYaml[]>();
  for (const f of flows) {
    if (claimed.has(f.rel)) continue;
    const m = /^(?:(.*)\/)?_flows\/(.+)$/.exec(f.rel);
    if (m) syncDirs.set(m[1] ?? '', [...(syncDirs.get(m[1] ?? '') ?? []), f]);
  }
  for (const [dir, inSync] of syncDirs) {
    const root = syncRootNamespace(inSync, dir);
    if (!root) continue;
    sources.push({ kind: 'sync', id: idFor(dir, 'sync'), dir: dir || '.', namespace: root });
    for (const y of kestra) if (isUnder(y.rel, dir ? `${dir}/_flows` : '_flows')) claimed.add(y.rel);
  }

  // 3. The rest: one Flows source per top-level folder, at the folder its Kestra objects share.
  const rest = kestra.filter((y) => !claimed.has(y.rel));
  const groups = new Map<string, ScannedYaml[]>();
  for (const y of rest) {
    const top = y.rel.includes('/') ? y.rel.slice(0, y.rel.indexOf('/')) : '';
    groups.set(top, [...(groups.get(top) ?? []), y]);
  }
  const takenDirs = [...sources.map((s) => (s.kind === 'tree' ? s.root : s.kind === 'sync' ? s.dir : '')), ...opts.files.map((m) => m.dir)].filter((d) => d && d !== '.');
  for (const [top, members] of [...groups].sort(([a], [b]) => byCodePoint(a, b))) {
    const dir = top === '' ? '' : commonPrefix(members.map((y) => dirOf(y.rel)), '/');
    const exclude = excludesFor(dir, scan, takenDirs, top === '');
    sources.push({ kind: 'flows', id: idFor(dir, 'root-flows'), dir: dir || '.', ...(top === '' ? { recursive: false as const } : {}), ...(exclude.length ? { exclude } : {}) });
  }

  // 4. Namespace files and KV pairs the user mapped.
  for (const m of opts.files) {
    sources.push({ kind: 'files', id: idFor(`${m.namespace}-files`, 'files'), dir: m.dir || '.', namespace: m.namespace, prefix: m.prefix, ...(m.dir === '' ? { exclude: PROJECT_FILES } : {}) });
  }
  for (const m of opts.kv) sources.push({ kind: 'kv', id: idFor(`${m.namespace}-kv`, 'kv'), file: m.file, namespace: m.namespace });

  const deployed = flows.filter((f) => !DEFAULT_PROTECTED_NAMESPACES.includes(namespaceOf(f) ?? ''));
  const needs1x = deployed.flatMap(removedIn2x);
  return {
    sources,
    kestraVersion: opts.kestraVersion ?? (needs1x.length ? 1 : 2),
    needs1x,
    duplicates: duplicatesOf(flows),
    protectedFlows: flows.filter((f) => DEFAULT_PROTECTED_NAMESPACES.includes(namespaceOf(f) ?? '')).map((f) => ({ file: f.rel, namespace: namespaceOf(f)!, id: idOf(f)! })),
    unmapped: scan.yaml.filter((y) => !KESTRA_KINDS.has(y.class.kind) && !opts.files.some((m) => isUnder(y.rel, m.dir)) && !isNamespaceProperties(y.rel, sources)).map((y) => ({ file: y.rel, why: y.class.kind === 'other' ? y.class.why : `not valid YAML (${(y.class as { message: string }).message})` })),
    suggestions: suggestFileMappings(scan, flows, sources, opts),
  };
}

/** A `<namespace>/namespace.yaml` of a Kestra-layout tree: the namespace object's properties, which the tree source reads. */
function isNamespaceProperties(rel: string, sources: readonly SourceSpec[]): boolean {
  if (!/(^|\/)namespace\.yaml$/.test(rel)) return false;
  return sources.some((s) => s.kind === 'tree' && isUnder(rel, s.root === '.' ? '' : s.root) && rel !== 'namespace.yaml' && rel !== `${s.root}/namespace.yaml`);
}

function namespaceOf(y: ScannedYaml): string | undefined {
  return 'namespace' in y.class ? y.class.namespace : undefined;
}
function idOf(y: ScannedYaml): string | undefined {
  return 'id' in y.class ? y.class.id : undefined;
}

/** The layout root of a flow at `<root>/<ns>/flows/<file>` whose folder path names its namespace. */
function kestraLayoutRoot(rel: string, namespace: string | undefined): string | undefined {
  if (!namespace) return undefined;
  const parts = rel.split('/');
  if (parts.length < 3 || parts[parts.length - 2] !== 'flows') return undefined;
  const nsPath = parts.slice(0, -2);
  const nsParts = namespace.split('.');
  if (nsPath[nsPath.length - 1] === namespace) return nsPath.slice(0, -1).join('/');
  const tail = nsPath.slice(-nsParts.length);
  if (tail.length === nsParts.length && tail.every((p, i) => p === nsParts[i])) return nsPath.slice(0, -nsParts.length).join('/');
  return undefined;
}

/** The namespace of a file of Kestra's layout below `root` (the folder path above its kind folder). */
function layoutNamespaceOf(rel: string, root: string): string | undefined {
  const parts = below(rel, root).split('/');
  const at = parts.findIndex((p) => p === 'flows' || p === 'files' || p === 'apps' || p === 'tests' || p === 'kv.yaml');
  return at > 0 ? parts.slice(0, at).join('.') : undefined;
}

/** The namespace a SyncFlows folder targets, when every flow agrees with its folder; else undefined. */
function syncRootNamespace(inSync: ScannedYaml[], dir: string): string | undefined {
  const base = dir ? `${dir}/_flows` : '_flows';
  const roots = new Set<string>();
  for (const f of inSync) {
    const sub = dirOf(below(f.rel, base));
    const ns = namespaceOf(f)!;
    const suffix = sub ? `.${sub.split('/').join('.')}` : '';
    if (suffix && !ns.endsWith(suffix)) return undefined;
    roots.add(suffix ? ns.slice(0, -suffix.length) : ns);
  }
  return roots.size === 1 ? [...roots][0] : undefined;
}

/** The longest common leading run of `sep`-separated parts of the names ('' when none). */
function commonPrefix(names: string[], sep: string): string {
  let common = names[0]?.split(sep) ?? [];
  for (const name of names.slice(1)) {
    const parts = name.split(sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(sep);
}

/**
 * What a Flows source at `dir` should leave out: folders other sources read, and folders holding
 * only YAML that is no Kestra object (so validate stays quiet about them).
 */
function excludesFor(dir: string, scan: RepoScan, takenDirs: string[], topOnly: boolean): string[] {
  // The root's own source reads only the files beside the flows there: leave out their other YAML.
  if (topOnly) return scan.yaml.filter((y) => !KESTRA_KINDS.has(y.class.kind) && !y.rel.includes('/')).map((y) => `/${y.rel}`).sort();
  // Repository-relative folders (and files) to leave out; patterns relative to `dir` at the end.
  const folders = new Set(takenDirs.filter((t) => t !== dir && isUnder(t, dir)));
  const files = new Set<string>();
  const kestraDirs = [...new Set(scan.yaml.filter((y) => KESTRA_KINDS.has(y.class.kind) && isUnder(y.rel, dir)).map((y) => dirOf(y.rel)))];
  for (const y of scan.yaml) {
    if (KESTRA_KINDS.has(y.class.kind) || !isUnder(y.rel, dir) || [...folders].some((f) => isUnder(y.rel, f))) continue;
    // The highest folder below `dir` on the way to this file that holds no Kestra object at any depth.
    const parts = below(y.rel, dir).split('/');
    let picked: string | undefined;
    for (let i = 1; i < parts.length && !picked; i++) {
      const sub = [dir, ...parts.slice(0, i)].filter(Boolean).join('/');
      if (!kestraDirs.some((k) => isUnder(k, sub))) picked = sub;
    }
    if (picked) folders.add(picked);
    else files.add(y.rel);
  }
  return [...[...folders].map((f) => `/${below(f, dir)}/`), ...[...files].map((f) => `/${below(f, dir)}`)].sort();
}

function duplicatesOf(flows: ScannedYaml[]): { key: string; files: string[] }[] {
  const byKey = new Map<string, string[]>();
  for (const f of flows) {
    const key = `${namespaceOf(f)}/${idOf(f)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), f.rel]);
  }
  return [...byKey].filter(([, files]) => files.length > 1).map(([key, files]) => ({ key, files }));
}

/** Constructs Kestra 2.0 no longer parses in this flow (checked as a 2.x stack would), with their line. */
function removedIn2x(f: ScannedYaml): { file: string; line: number; construct: string }[] {
  if (!f.docs || !f.text) return [];
  const found = checkFlow(f.docs[0], { kestraMajor: 2 }).filter((v) => v.construct && v.severity === 'error');
  if (!found.length) return [];
  const tree = positionTree(f.text);
  const lines = lineCounterOf(f.text);
  return found.map((v) => ({ file: f.rel, line: tree ? positionOf(lines, offsetAt(tree, v.path, v.at ?? 'value')).line : 0, construct: v.construct! }));
}

/**
 * Folders no source reads that look like namespace files: named so (`namespace-files/`,
 * `_namespace_files/`, `files/`), or named after a namespace the flows use; a folder of such
 * folders named after namespaces suggests one mapping each.
 */
function suggestFileMappings(scan: RepoScan, flows: ScannedYaml[], sources: SourceSpec[], opts: ProposeOptions): string[] {
  const covered = [...sources.map((s) => (s.kind === 'tree' ? s.root : s.kind === 'sync' ? s.dir : s.kind === 'files' ? s.dir : undefined)), ...opts.files.map((m) => m.dir)].filter((d): d is string => d !== undefined).map((d) => (d === '.' ? '' : d));
  if (covered.includes('')) return [];
  const namespaces = new Set(flows.map((f) => namespaceOf(f)).filter((n): n is string => !!n));
  const mapped = new Set(opts.files.map((m) => m.namespace));
  // A folder holding Kestra objects is no folder of namespace files.
  const kestraDirs = scan.yaml.filter((y) => KESTRA_KINDS.has(y.class.kind)).map((y) => dirOf(y.rel));
  const dirs = new Set<string>();
  for (const f of scan.files) for (let d = dirOf(f); d; d = dirOf(d)) if (!kestraDirs.some((k) => isUnder(k, d))) dirs.add(d);
  const out: string[] = [];
  const done = new Set<string>();
  for (const d of [...dirs].sort()) {
    if (covered.some((c) => c && isUnder(d, c)) || [...done].some((x) => isUnder(d, x))) continue;
    const name = d.slice(d.lastIndexOf('/') + 1);
    const looksLikeFiles = /namespace.?files|^_?files$/i.test(name);
    const children = [...dirs].filter((c) => dirOf(c) === d).map((c) => c.slice(d.length + 1));
    // One folder per namespace: every child could be a namespace and one is a namespace the flows use.
    const perNamespace = children.length > 0 && children.every((c) => NAMESPACE_PATTERN.test(c)) && children.some((c) => namespaces.has(c)) && !scan.files.some((f) => dirOf(f) === d);
    if (looksLikeFiles && perNamespace) {
      const unmapped = children.filter((c) => !mapped.has(c));
      if (unmapped.length) out.push(`${d}/ holds one folder per namespace: ${unmapped.map((c) => `--files ${d}/${c}=${c}`).join(' ')}`);
      done.add(d);
    } else if (looksLikeFiles || namespaces.has(name)) {
      const guess = namespaces.has(name) ? name : commonPrefix(flows.filter((f) => isUnder(f.rel, dirOf(d))).map((f) => namespaceOf(f)!), '.') || undefined;
      if (guess && mapped.has(guess)) {
        done.add(d);
        continue;
      }
      // A namespace's folder of Kestra's storage or sync layout keeps its files in _files/.
      const folder = children.includes('_files') && !looksLikeFiles ? `${d}/_files` : d;
      out.push(`${folder}/ looks like namespace files: --files ${folder}=${guess ?? '<namespace>'}[:/<path prefix>]`);
      done.add(d);
    }
  }
  return out;
}


/** A construct id from a folder; taken, it gets the kind (`kestra-tree`), then a number. */
function uniqueId(taken: Set<string>, raw: string, kind: string): string {
  const base = raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'source';
  let id = taken.has(base) && !base.endsWith(kind) ? `${base}-${kind}` : base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
