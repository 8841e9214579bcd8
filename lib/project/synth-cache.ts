/**
 * Reusing a synth when nothing the app read has changed since it ran.
 *
 * Every app run is recorded by ./input-recorder.js, loaded into each of its Node processes
 * (NODE_OPTIONS=--require): the files it read (stat before the read, digest of the bytes it got),
 * the folders it listed, the paths it probed (absent ones too), the names of the environment
 * variables it read, the child processes and threads it started. When the run succeeded and
 * every process of it reported completely, the records are merged into the output folder's
 * `.inputs.json` (published with the output, atomically), together with what kestraform itself
 * gave the app: the app command, the context, cdktf.json, the lockfiles, the Node and kestraform
 * versions, and the output's own files.
 *
 * The next command checks that manifest before it starts the app: every recorded input is looked
 * at again, stats first (Git's index trick: an unchanged stat vouches for unchanged bytes, unless
 * the file changed within a tick of being read — then its bytes are hashed), listings repeated
 * (once repeated, a folder's stat vouches for its entries as a file's does for its bytes), probes
 * repeated, environment values compared by digest. Anything different, missing or not understood
 * runs the app. Environment values and file digests are kept only as HMAC-SHA256 under a random
 * key of the project (`.kestraform/cache-key`, mode 0600), never in clear or as a plain hash.
 *
 * Off: `--no-cache` (no reuse; the run is still recorded for the next command) or
 * KESTRAFORM_SYNTH_CACHE=0 (neither reuse nor recording).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Project } from './config';
import { KESTRAFORM_VERSION } from '../version';
import { CODE_DIR } from '../package-files';
import { writeFileAtomic } from '../util/atomic-write';
import { sha256 } from '../util/hash';

export const INPUTS_FILE = '.inputs.json';
const FORMAT = 2;
const KEY_FILE = path.join('.kestraform', 'cache-key');
const VERIFIED_FILE = path.join('.kestraform', 'synth-verified.json');
/** A file changed this close to the moment its stat was taken may change again within one timestamp tick, its stat unchanged. */
const RACY_MS = 3000;
/** Lockfiles looked for in the project folder and every folder above it. */
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];
/**
 * Environment variables read outside process.env — by the shell that runs the app command, by
 * Node's C++ side (locale, time zone, home) — are compared whether the app read them or not,
 * with every variable of the NODE_ and LC_ families.
 */
const ALWAYS_COMPARED = ['PATH', 'HOME', 'TZ', 'LANG', 'LANGUAGE', 'ENV', 'BASH_ENV', 'SHELL', 'IFS', 'CDPATH', 'TMPDIR', 'TMP', 'TEMP', 'UV_THREADPOOL_SIZE'];
const FAMILIES = ['NODE_', 'LC_', 'npm_config_'];
/** Variables the run itself sets for the app: its output folder, the recorder's, the tree index (see recordedEnvironment). */
const RUN_OWN = new Set(['CDKTF_OUTDIR', 'KESTRAFORM_INPUT_RECORD', 'KESTRAFORM_INPUT_OUTPUT', 'KESTRAFORM_TREE_INDEX']);
const TREE_INDEX = path.join('.kestraform', 'tree-index.bin');

export const RECORDER = path.join(CODE_DIR, 'project', 'input-recorder.js');

/** Whether KESTRAFORM_SYNTH_CACHE turns the cache off (0, false, off, no). */
export function cacheOffByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.KESTRAFORM_SYNTH_CACHE?.trim().toLowerCase();
  return v === '0' || v === 'false' || v === 'off' || v === 'no';
}

/** The environment an app run gets, but for what differs in every run (see appRunEnvironment). */
export function appBaseEnvironment(project: Project, context: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    // As npm runs scripts: the project's own bins (kestraform-app among them) come first, also when
    // kestraform was started without npx.
    PATH: [path.join(project.dir, 'node_modules', '.bin'), env.PATH].filter(Boolean).join(path.delimiter),
    CDKTF_CONTEXT_JSON: JSON.stringify(context),
  };
}

/** What one recorded run needs: where its processes report, and what kestraform gave it. */
export interface Recording {
  recordDir: string;
  key: Buffer;
  given: Given;
}

interface Given {
  kestraform: string;
  node: string;
  execPath: string;
  app: string;
  projectDir: string;
  outDir: string;
  context: string;
  cdktfJson: string | null;
  lockfiles: [string, string][];
  recorder: string | null;
  /** The `node` the app's PATH finds first (its real path): what a shell or `#!/usr/bin/env node` starts. */
  pathNode: string | null;
}

/** Before the app starts: the key, the folder its processes report into, and a digest of what kestraform gives it. */
export function beginRecording(project: Project, context: Record<string, unknown>, recordDir: string, base: NodeJS.ProcessEnv): Recording {
  const key = cacheKey(project.dir, true);
  if (!key) throw new Error(`${KEY_FILE} is being written by another command`);
  fs.mkdirSync(recordDir, { recursive: true });
  return { recordDir, key, given: given(project, context, key, base.PATH) };
}

/**
 * The app's environment with the recorder in place, and the tree index the app's tree reads may
 * keep (lib/gittree/tree-index.ts: used only where the recorder is).
 */
export function recordedEnvironment(base: NodeJS.ProcessEnv, rec: Recording): NodeJS.ProcessEnv {
  const require = `--require ${JSON.stringify(RECORDER)}`;
  return {
    ...base,
    NODE_OPTIONS: base.NODE_OPTIONS ? `${base.NODE_OPTIONS} ${require}` : require,
    KESTRAFORM_INPUT_RECORD: rec.recordDir,
    KESTRAFORM_INPUT_OUTPUT: rec.given.outDir,
    KESTRAFORM_TREE_INDEX: path.join(rec.given.projectDir, TREE_INDEX),
  };
}

function given(project: Project, context: Record<string, unknown>, key: Buffer, pathEnv: string | undefined): Given {
  return {
    kestraform: KESTRAFORM_VERSION,
    node: process.version,
    execPath: process.execPath,
    app: project.app,
    projectDir: project.dir,
    outDir: project.outDir,
    context: JSON.stringify(context),
    cdktfJson: fileDigest(key, path.join(project.dir, 'cdktf.json')),
    lockfiles: lockfiles(project.dir).map((f) => [f, fileDigest(key, f) ?? '']),
    recorder: fileDigest(key, RECORDER),
    pathNode: nodeOnPath(pathEnv),
  };
}

function nodeOnPath(pathEnv: string | undefined): string | null {
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.resolve(dir, 'node');
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st?.isFile()) return fs.realpathSync(file);
  }
  return null;
}

function lockfiles(dir: string): string[] {
  const found: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    for (const name of LOCKFILES) {
      const f = path.join(d, name);
      if (fs.statSync(f, { throwIfNoEntry: false })) found.push(f);
    }
    if (path.dirname(d) === d) return found;
  }
}

// ---- the manifest ----

/** One file the app read: [path, size, mtimeMs, ctimeMs, ino, dev, digest of its bytes or '' (known by its stat alone), flags ('r' racy)]. */
type FileRow = [string, number, number, number, number, number, string, string];
/** A probe: [kind, path, what it answered]. */
type ProbeRow = [string, string, unknown];
/** A listing: [folder, 't' with types / 'r' recursive, digest of the names]. */
type DirRow = [string, string, string];
/** An output file: [path relative to the output folder, size, mtimeMs, ino]. */
type OutputRow = [string, number, number, number];

export interface InputsManifest {
  format: number;
  synthId: string;
  createdAt: number;
  reusable: boolean;
  /** Why the run cannot be reused (reusable false). */
  reason?: string;
  given?: Given;
  env?: { names: Record<string, string>; families: Record<string, string>; all?: string };
  files?: FileRow[];
  probes?: ProbeRow[];
  dirs?: DirRow[];
  outputs?: OutputRow[];
}

interface ProcessRecord {
  header?: { pid: number; ppid: number; threadId: number; main: boolean; node: string; execPath: string };
  final: boolean;
  /** [path, size, mtimeMs, ctimeMs, ino, dev, sha256 or '', flags: r racy, s strict] */
  files: [string, number, number, number, number, number, string, string][];
  probes: ProbeRow[];
  dirs: DirRow[];
  env: string[];
  envAll: boolean;
  children: { pid?: number; file: string; pure: boolean }[];
  workers: number[];
  doubts: string[];
}

function readRecords(recordDir: string): Map<string, ProcessRecord> {
  const out = new Map<string, ProcessRecord>();
  for (const name of fs.readdirSync(recordDir)) {
    const m = /^(\d+)-(\d+)\.jsonl$/.exec(name);
    if (!m) continue;
    const rec: ProcessRecord = { final: false, files: [], probes: [], dirs: [], env: [], envAll: false, children: [], workers: [], doubts: [] };
    const text = fs.readFileSync(path.join(recordDir, name), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      let kind: string;
      let data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      try {
        [kind, data] = JSON.parse(line);
      } catch {
        // a line cut short by a killed thread: what it held is unknown
        rec.doubts.push(`${name}: a record line cut short`);
        continue;
      }
      switch (kind) {
        case 'header':
          rec.header = data;
          break;
        case 'final':
          rec.final = true;
          break;
        case 'batch':
          rec.files.push(...data.files);
          rec.probes.push(...data.probes);
          rec.dirs.push(...data.dirs);
          rec.env.push(...data.env);
          rec.envAll ||= data.envAll;
          rec.children.push(...data.children);
          rec.workers.push(...data.workers);
          rec.doubts.push(...data.doubts);
          break;
        case 'file':
          rec.files.push(data);
          break;
        case 'probe':
          rec.probes.push(data);
          break;
        case 'dir':
          rec.dirs.push(data);
          break;
        case 'env':
          rec.env.push(...data);
          break;
        case 'envAll':
          rec.envAll = true;
          break;
        case 'child':
          rec.children.push(data);
          break;
        case 'worker':
          rec.workers.push(data);
          break;
        case 'doubt':
          rec.doubts.push(data);
          break;
        default:
          rec.doubts.push(`${name}: a record line of unknown kind ${JSON.stringify(kind)}`);
      }
    }
    out.set(`${m[1]}-${m[2]}`, rec);
  }
  return out;
}

/**
 * What a recorded run gives the command: the new synth's id (when it can be reused) and, for the
 * files the app read whole, whether one still holds the bytes it read (see vouchingFor).
 */
export interface FinishedRecording {
  synthId?: string;
  sourceUnchanged?: SourceVouching;
}

/** Whether the app read the file at `abs` whole, as bytes of this sha256, and the file is unchanged since. */
export type SourceVouching = (abs: string, sha256: string) => boolean;

/**
 * After a successful app run: merges what its processes reported into `<staging>/.inputs.json`.
 * The run is reusable only if the app command's own process (`rootPid`, which the shell became)
 * reported, every process and thread it started reported too, and none of them doubted.
 * Writes the run's manifest into its staging folder, also when it may not be reused.
 */
export function finishRecording(rec: Recording, staging: string, rootPid: number | undefined, project: Project, env: NodeJS.ProcessEnv): FinishedRecording {
  let manifest: InputsManifest;
  try {
    manifest = merge(rec, staging, rootPid, project, env);
  } catch (e) {
    manifest = notReusable(`its records could not be merged (${(e as Error).message})`);
  } finally {
    fs.rmSync(rec.recordDir, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(staging, INPUTS_FILE), JSON.stringify(manifest));
  if (!manifest.reusable) return {};
  // Just read by the app: a file's stat as it was read vouches for its bytes (one stat, not a read and a hash).
  return { synthId: manifest.synthId, sourceUnchanged: vouchingFor(manifest.files!, rec.key, true) };
}

/**
 * The recorded digests as a vouching: a file the app read whole (its digest kept: not racy, not
 * sensitive) holds bytes of `sha256` when the digest is of those bytes — and, with `statNow`,
 * when the file's stat is still the one recorded as it was read (the synth cache's check has
 * just found that for every file; after a fresh run nothing has).
 */
function vouchingFor(rows: readonly FileRow[], key: Buffer, statNow: boolean): SourceVouching {
  let byPath: Map<string, FileRow> | undefined;
  return (abs, sha256) => {
    byPath ??= new Map(rows.filter((row) => row[6]).map((row) => [row[0], row]));
    const row = byPath.get(abs);
    if (!row || row[6] !== contentDigest(key, sha256)) return false;
    if (!statNow) return true;
    if (row[7].includes('r')) return false;
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    return !!st && st.isFile() && statAsRecorded(st, row);
  };
}

/** Whether a file's stat now is the one recorded in its row. */
function statAsRecorded(st: fs.Stats, [, size, mtimeMs, ctimeMs, ino, dev]: FileRow): boolean {
  return st.size === size && st.mtimeMs === mtimeMs && st.ctimeMs === ctimeMs && st.ino === ino && st.dev === dev;
}

const newSynthId = () => randomBytes(12).toString('hex');
const notReusable = (reason: string): InputsManifest => ({ format: FORMAT, synthId: newSynthId(), createdAt: Date.now(), reusable: false, reason });

function merge(rec: Recording, staging: string, rootPid: number | undefined, project: Project, baseEnv: NodeJS.ProcessEnv): InputsManifest {
  const records = readRecords(rec.recordDir);
  if (process.platform === 'win32') return notReusable('reusing a synth is not supported on Windows yet');
  if (!simpleCommand(project.app)) return notReusable(`the app command \`${project.app}\` is more than one plain command (quotes, words and NAME=value only), so what its shell does cannot be followed`);
  if (baseEnv.BASH_ENV || baseEnv.ENV) return notReusable('BASH_ENV or ENV names a file the shell may read before the app command');
  // The shell either became the app's process (exec) or started it as its one child.
  const exec = records.has(`${rootPid}-0`) ? [`${rootPid}-0`] : [];
  const byShell = exec.length ? exec : [...records.entries()].filter(([, r]) => r.header?.main && r.header.ppid === rootPid).map(([k]) => k);
  if (byShell.length !== 1) return notReusable(`the app command \`${project.app}\` did not run one Node.js program that loaded the input recorder, so what it reads cannot be followed`);
  const rootKey = byShell[0];
  // Every process and thread reachable from the root, each reported.
  const seen = new Set<string>();
  const queue = [rootKey];
  while (queue.length) {
    const key = queue.shift()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const r = records.get(key);
    if (!r?.header) return notReusable(`a process of the app (${key.replace('-', ', thread ')}) did not report what it read`);
    if (r.header.main && !r.final) return notReusable(`a process of the app (pid ${r.header.pid}) ended before it reported all it read`);
    if (r.doubts.length) return notReusable(r.doubts[0]);
    for (const c of r.children) {
      if (c.pure) continue;
      if (c.pid === undefined) return notReusable(`the app started ${c.file}, whose process cannot be followed`);
      queue.push(`${c.pid}-0`);
    }
    for (const w of r.workers) queue.push(`${r.header.pid}-${w}`);
  }
  for (const key of records.keys()) if (!seen.has(key)) return notReusable(`a process (${key}) reported that the app did not start in a way that can be followed`);
  for (const key of seen) {
    const h = records.get(key)!.header!;
    if (h.node !== process.version) return notReusable(`the app ran on Node.js ${h.node}, kestraform on ${process.version}`);
    if (h.execPath !== process.execPath && h.execPath !== rec.given.pathNode) return notReusable(`the app ran on ${h.execPath}, neither kestraform's Node.js (${process.execPath}) nor the node on PATH`);
  }

  const files = new Map<string, FileRow>();
  const probes = new Map<string, ProbeRow>();
  const dirs = new Map<string, DirRow>();
  const names = new Set<string>();
  let envAll = false;
  for (const key of seen) {
    const r = records.get(key)!;
    for (const [abs, size, mtimeMs, ctimeMs, ino, dev, sha, flags] of r.files) {
      const row: FileRow = [abs, size, mtimeMs, ctimeMs, ino, dev, sha && !flags.includes('s') ? contentDigest(rec.key, sha) : '', flags.includes('r') ? 'r' : ''];
      const prev = files.get(abs);
      if (!prev) {
        files.set(abs, row);
        continue;
      }
      if (prev.slice(1, 6).join() !== row.slice(1, 6).join() || (prev[6] && row[6] && prev[6] !== row[6])) return notReusable(`${abs} changed while the app ran`);
      // Known by its bytes in one process and by its stat alone in another: the stat alone rules.
      files.set(abs, [abs, row[1], row[2], row[3], row[4], row[5], prev[6] && row[6] ? row[6] : '', prev[7] || row[7]]);
    }
    for (const [kind, abs, value] of r.probes) {
      const k = `${kind}\0${abs}`;
      const prev = probes.get(k);
      if (prev && JSON.stringify(prev[2]) !== JSON.stringify(value)) return notReusable(`${abs} changed while the app ran`);
      probes.set(k, [kind, abs, value]);
    }
    for (const d of r.dirs) {
      const k = `${d[0]}\0${d[1]}`;
      const prev = dirs.get(k);
      if (prev && prev[2] !== d[2]) return notReusable(`${d[0]} changed while the app ran`);
      dirs.set(k, d);
    }
    for (const n of r.env) names.add(n);
    envAll ||= r.envAll;
  }
  return {
    format: FORMAT,
    synthId: newSynthId(),
    createdAt: Date.now(),
    reusable: true,
    given: rec.given,
    env: envDigests(rec.key, baseEnv, names, envAll),
    files: [...files.values()],
    probes: [...probes.values()],
    dirs: [...dirs.values()],
    outputs: outputs(staging),
  };
}

const SHELL_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', 'time', 'coproc', '!', '{', '}', '[[', ']]', '.', ':', 'source', 'eval', 'cd', 'set', 'export', 'unset', 'alias', 'trap', 'command', 'builtin', 'readonly', 'local', 'declare', 'typeset', 'shift', 'read', 'ulimit', 'umask', 'echo', 'printf', 'test', '[', 'true', 'false', 'exit', 'return', 'wait', 'kill', 'pushd', 'popd', 'type', 'hash', 'getopts', 'let', 'shopt', 'enable']);

/**
 * Whether a shell runs `command` by looking its first word up in PATH and starting it with the
 * other words as arguments, nothing else: words of plain characters, 'single-quoted' or
 * "double-quoted" text (no $, `, \ or ! inside), leading NAME=value assignments, an optional exec.
 */
export function simpleCommand(command: string): boolean {
  return simpleCommandWords(command) !== undefined;
}

/** NAME=value, as a command's leading words assign. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * A simple command (see simpleCommand) as the shell's own process runs it — `exec` after its
 * assignments — so that the process started is the app's, and stopping it stops the app;
 * undefined for any other command.
 */
export function execForm(command: string): string | undefined {
  const simple = simpleCommandWords(command);
  if (!simple) return undefined;
  const { words, assignments: k } = simple;
  return words[k] === 'exec' ? command : [...words.slice(0, k), 'exec', ...words.slice(k)].join(' ');
}

/** The command's words, and how many leading ones are assignments — when it is simple. */
function simpleCommandWords(command: string): { words: string[]; assignments: number } | undefined {
  const words: string[] = [];
  const word = /(?:[A-Za-z0-9_@%+=:,./-]+|'[^']*'|"[^"$`\\!]*")+/y;
  let i = 0;
  while (i < command.length) {
    if (command[i] === ' ' || command[i] === '\t') {
      i++;
      continue;
    }
    word.lastIndex = i;
    const m = word.exec(command);
    if (!m) return undefined;
    words.push(m[0]);
    i = word.lastIndex;
  }
  let assignments = 0;
  while (assignments < words.length && ASSIGNMENT.test(words[assignments])) assignments++;
  const k = words[assignments] === 'exec' ? assignments + 1 : assignments;
  const first = words[k]?.replace(/['"]/g, '');
  return first !== undefined && first !== '' && !SHELL_WORDS.has(first) && !first.includes('=') ? { words, assignments } : undefined;
}

function envDigests(key: Buffer, env: NodeJS.ProcessEnv, read: Iterable<string>, all: boolean): NonNullable<InputsManifest['env']> {
  const names: Record<string, string> = {};
  for (const n of [...read, ...ALWAYS_COMPARED]) if (!RUN_OWN.has(n)) names[n] = envDigest(key, n, env[n]);
  const families: Record<string, string> = {};
  for (const f of FAMILIES) families[f] = familyDigest(key, env, f);
  return { names, families, ...(all ? { all: wholeEnvDigest(key, env) } : {}) };
}

const envDigest = (key: Buffer, name: string, value: string | undefined) => hmac(key, JSON.stringify(['env', name, value ?? null]));
function familyDigest(key: Buffer, env: NodeJS.ProcessEnv, prefix: string): string {
  const entries = Object.keys(env)
    .filter((n) => n.startsWith(prefix) && !RUN_OWN.has(n))
    .sort()
    .map((n) => [n, env[n]]);
  return hmac(key, JSON.stringify(['family', prefix, entries]));
}
function wholeEnvDigest(key: Buffer, env: NodeJS.ProcessEnv): string {
  const entries = Object.keys(env)
    .filter((n) => !RUN_OWN.has(n))
    .sort()
    .map((n) => [n, env[n]]);
  return hmac(key, JSON.stringify(['all', entries]));
}

/** In the output folder's parent: the output folder itself and kestraform's staging folders beside it, which every run replaces. */
function outputSiblings(outDir: string): { dir: string; skip: (name: string) => boolean } {
  const base = path.basename(outDir);
  return { dir: path.dirname(outDir), skip: (name) => name === base || name.startsWith(`.${base}.`) };
}

/** The digest of a listing, its output-folder siblings left out (as the recorder's dirRow computes it). */
function listingDigest(abs: string, names: string[], skip: { dir: string; skip: (name: string) => boolean }): string {
  const kept = abs === skip.dir ? names.filter((n) => !skip.skip(n.split('\0')[0].split(path.sep)[0])) : names;
  return createHash('sha256').update(kept.join('\n')).digest('hex');
}

function outputs(staging: string): OutputRow[] {
  const rows: OutputRow[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === INPUTS_FILE) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs, r);
      else {
        const st = fs.statSync(abs);
        rows.push([r, st.size, st.mtimeMs, st.ino]);
      }
    }
  };
  walk(staging, '');
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

// ---- the check ----

export type CacheCheck =
  | {
      hit: true;
      synthId: string;
      createdAt: Date;
      /** Whether the app read the file at `abs` whole, as bytes of this sha256 — unchanged since, as the check found. */
      sourceUnchanged: SourceVouching;
    }
  | { hit: false; reason: string };

/**
 * Whether the output folder holds a synth whose inputs are all unchanged. Cheap first (the
 * manifest, versions, the environment), then one stat per file read, the listings and probes
 * again; the first difference ends the check.
 */
export function checkSynthCache(project: Project, context: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): CacheCheck {
  try {
    return check(project, context, env);
  } catch (e) {
    return { hit: false, reason: `the check failed (${(e as Error).message})` };
  }
}

function check(project: Project, context: Record<string, unknown>, env: NodeJS.ProcessEnv): CacheCheck {
  const miss = (reason: string): CacheCheck => ({ hit: false, reason });
  if (cacheOffByEnv(env)) return miss('KESTRAFORM_SYNTH_CACHE turns the cache off');
  let m: InputsManifest;
  try {
    m = JSON.parse(fs.readFileSync(path.join(project.outDir, INPUTS_FILE), 'utf8'));
  } catch (e) {
    return miss((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no recorded synth' : `the recorded synth's ${INPUTS_FILE} is unreadable`);
  }
  if (m.format !== FORMAT) return miss(`the recorded synth is of another format (${m.format})`);
  if (!m.reusable) return miss(`the last synth cannot be reused: ${m.reason}`);
  const key = cacheKey(project.dir, false);
  if (!key) return miss(`no ${KEY_FILE}`);
  const g = m.given!;
  if (g.kestraform !== KESTRAFORM_VERSION) return miss(`kestraform ${KESTRAFORM_VERSION} now, ${g.kestraform} when it ran`);
  if (g.node !== process.version || g.execPath !== process.execPath) return miss(`Node.js ${process.version} (${process.execPath}) now, ${g.node} (${g.execPath}) when it ran`);
  if (g.app !== project.app) return miss('the app command of cdktf.json changed');
  if (g.projectDir !== project.dir || g.outDir !== project.outDir) return miss('the project folder or its output folder moved');
  if (g.context !== JSON.stringify(context)) return miss('the context passed to the app changed');
  const base = appBaseEnvironment(project, context, env);
  const now = given(project, context, key, base.PATH);
  if (now.cdktfJson !== g.cdktfJson) return miss('cdktf.json changed');
  if (JSON.stringify(now.lockfiles) !== JSON.stringify(g.lockfiles)) return miss('a lockfile changed');
  if (now.recorder !== g.recorder) return miss('the input recorder changed');
  if (now.pathNode !== g.pathNode) return miss(`the node found on PATH is ${now.pathNode ?? 'none'} now, ${g.pathNode ?? 'none'} when it ran`);

  const e = m.env!;
  for (const [name, digest] of Object.entries(e.names)) if (envDigest(key, name, base[name]) !== digest) return miss(`environment variable ${name} changed`);
  for (const [prefix, digest] of Object.entries(e.families)) if (familyDigest(key, base, prefix) !== digest) return miss(`an environment variable ${prefix}* changed`);
  if (e.all !== undefined && wholeEnvDigest(key, base) !== e.all) return miss('the environment changed (the app read all of it)');

  for (const [rel, size, mtimeMs, ino] of m.outputs!) {
    const st = fs.statSync(path.join(project.outDir, rel), { throwIfNoEntry: false });
    if (!st || st.size !== size || st.mtimeMs !== mtimeMs || st.ino !== ino) return miss(`${path.relative(project.dir, path.join(project.outDir, rel))} changed since the synth`);
  }

  const verified = readVerified(project.dir, m.synthId);
  const newlyVerified: Record<string, string> = {};
  for (const row of m.files!) {
    const [abs, , , , , , digest, flags] = row;
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) return miss(`${shown(project, abs)} is gone`);
    if (!flags.includes('r') && statAsRecorded(st, row)) continue;
    const stat = `${st.size},${st.mtimeMs},${st.ctimeMs},${st.ino},${st.dev}`;
    if (verified[abs] === stat) continue;
    // Changed stat, or one that cannot vouch (changed within a tick of the read): the bytes decide.
    if (!digest) return miss(`${shown(project, abs)} changed`);
    if (!st.isFile()) return miss(`${shown(project, abs)} is no longer a file`);
    const racyAtStat = racyNow(st);
    const sha = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    if (contentDigest(key, sha) !== digest) return miss(`${shown(project, abs)} changed`);
    // The stat taken before the bytes were hashed vouches for them from now on, once it is old enough not to be racy.
    if (!racyAtStat) newlyVerified[abs] = stat;
  }
  const skip = outputSiblings(project.outDir);
  for (const [kind, abs, value] of m.probes!) {
    if (JSON.stringify(probe(kind, abs, value)) !== JSON.stringify(value)) return miss(`${shown(project, abs)} changed (${kind})`);
  }
  for (const [abs, mode, digest] of m.dirs!) {
    // A folder's entries change only with its own modification time (POSIX: creating, removing or
    // renaming an entry marks it), so a stat that once vouched for the listing recorded still does
    // — not for a recursive listing, whose subfolders keep times of their own.
    const st = mode.includes('r') ? undefined : fs.statSync(abs, { throwIfNoEntry: false });
    const stat = st?.isDirectory() ? `${mode},${st.mtimeMs},${st.ctimeMs},${st.ino},${st.dev}` : undefined;
    const vouchedAs = `${abs}\0listing`;
    if (stat !== undefined && verified[vouchedAs] === stat) continue;
    let names: string[];
    try {
      names = listing(abs, mode);
    } catch {
      return miss(`folder ${shown(project, abs)} is gone`);
    }
    if (listingDigest(abs, names, skip) !== digest) return miss(`folder ${shown(project, abs)} changed (files added, removed or renamed)`);
    // Taken before the listing: a change in between shows as another stat next time.
    if (stat !== undefined && !racyNow(st!)) newlyVerified[vouchedAs] = stat;
  }
  if (Object.keys(newlyVerified).length) writeVerified(project.dir, m.synthId, { ...verified, ...newlyVerified });
  return { hit: true, synthId: m.synthId, createdAt: new Date(m.createdAt), sourceUnchanged: vouchingFor(m.files!, key, false) };
}

/** Whether the output folder still holds the synth `synthId` (a folder once replaced never comes back). */
export function stillPublished(project: Project, synthId: string): boolean {
  const file = path.join(project.outDir, INPUTS_FILE);
  try {
    // The manifest starts with its format and id as merge writes it: those first bytes tell,
    // without parsing the megabytes of rows after them; anything else is parsed whole.
    const head = Buffer.alloc(128);
    const fd = fs.openSync(file, 'r');
    let read: number;
    try {
      read = fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    const id = new RegExp(`^\\{"format":${FORMAT},"synthId":"([0-9a-f]+)"`).exec(head.toString('latin1', 0, read))?.[1];
    if (id !== undefined) return id === synthId;
    return JSON.parse(fs.readFileSync(file, 'utf8')).synthId === synthId;
  } catch {
    return false;
  }
}

const shown = (project: Project, abs: string) => {
  const rel = path.relative(project.dir, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
};

const racyNow = (st: fs.Stats) => Date.now() - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS;

/** What a probe answers now, as the recorder wrote it down (`recorded`: what it answered then; an access probe holds the mode it asked). */
function probe(kind: string, abs: string, recorded: unknown): unknown {
  try {
    switch (kind) {
      case 'absent':
        try {
          return fs.statSync(abs, { throwIfNoEntry: false }) === undefined;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return true;
          throw e;
        }
      case 'exists':
        return fs.existsSync(abs);
      case 'stat':
        return statProbe(fs.statSync(abs));
      case 'lstat':
        return statProbe(fs.lstatSync(abs));
      case 'access':
        fs.accessSync(abs, typeof recorded === 'number' ? recorded : fs.constants.F_OK);
        return recorded;
      case 'realpath':
        // One realpath(3) call rather than an lstat per path component; a different answer is a miss.
        return fs.realpathSync.native(abs);
      case 'readlink':
        return fs.readlinkSync(abs);
      default:
        return { unknown: kind };
    }
  } catch (e) {
    return { failed: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

/** As the recorder's statProbe: a folder's type; a file's type, size, mode and mtime (whole milliseconds). */
function statProbe(st: fs.Stats): unknown {
  const t = st.isFile() ? 'f' : st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'o';
  if (t === 'd') return ['d'];
  return [t, st.size, st.mode & 0o7777, String(Math.floor(st.mtimeMs))];
}

function listing(abs: string, mode: string): string[] {
  const withTypes = mode.includes('t');
  const recursive = mode.includes('r');
  const entries = fs.readdirSync(abs, { withFileTypes: true, recursive });
  const typeOf = (e: fs.Dirent) => (e.isFile() ? 'f' : e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'o');
  const names = entries.map((e) => {
    const parent = (e as fs.Dirent & { parentPath?: string }).parentPath ?? (e as fs.Dirent & { path?: string }).path;
    const rel = recursive && parent ? path.relative(abs, parent) : '';
    const name = `${rel ? rel + path.sep : ''}${e.name}`;
    return withTypes ? `${name}\0${typeOf(e)}` : name;
  });
  return names.sort();
}

// ---- the key and the verified stats ----

function cacheKey(projectDir: string, create: boolean): Buffer | undefined {
  const file = path.join(projectDir, KEY_FILE);
  try {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
    if (key.length >= 32) return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (!create) return undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fresh = randomBytes(32);
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, fresh.toString('hex') + '\n');
    } finally {
      fs.closeSync(fd);
    }
    return fresh;
  } catch (e) {
    // Another command created it first: use that one.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return cacheKey(projectDir, false);
    throw e;
  }
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('hex');
/**
 * A file's bytes as kept: sha256 of the key (as hex) and the bytes' sha256 — a keyed digest of
 * fixed-length input (no length extension to fear), several times cheaper than an HMAC for the ten
 * thousand files of a large tree (one-shot hashing of a text: lib/util/hash).
 */
const contentDigest = (key: Buffer, sha256Hex: string) => sha256(`${keyText(key)}\0file\0${sha256Hex}`);

const keyTexts = new WeakMap<Buffer, string>();
function keyText(key: Buffer): string {
  let text = keyTexts.get(key);
  if (text === undefined) keyTexts.set(key, (text = key.toString('hex')));
  return text;
}

function fileDigest(key: Buffer, file: string): string | null {
  try {
    return contentDigest(key, createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  } catch {
    return null;
  }
}

/** Stats that hashing (a file) or listing (a folder, `path\0listing`) found still vouching for what was recorded, for one synth. */
function readVerified(projectDir: string, synthId: string): Record<string, string> {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(projectDir, VERIFIED_FILE), 'utf8'));
    return v.synthId === synthId && v.files && typeof v.files === 'object' ? v.files : {};
  } catch {
    return {};
  }
}

function writeVerified(projectDir: string, synthId: string, files: Record<string, string>): void {
  try {
    writeFileAtomic(path.join(projectDir, VERIFIED_FILE), JSON.stringify({ synthId, files }), { syncDirectory: false, makeParents: true });
  } catch {
    // only a speed-up: the next check hashes again
  }
}
