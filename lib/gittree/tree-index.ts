/**
 * The tree index, like Git's: what reading a tree file gave (a flow checked, a namespace file's
 * hash, a kv.yaml parsed — with the problems the read reported), kept by the file's stat, so an
 * app run after an edit reads again only the files that changed.
 *
 * Only while kestraform runs the app and records what it reads (lib/project/input-recorder.js,
 * which also gives the stat and bytes to trust): an entry is the recorder's own note of a whole
 * read — the stat taken before the read and the sha256 of the bytes the app got — never one whose
 * stat was too recent to vouch for the bytes (changed within 3 s of being seen, which one
 * timestamp tick may hide). An entry is taken only when the file's size, modification and change
 * times, inode and device are still those, and it is then noted to the recorder as that read, so
 * the synth cache sees exactly what it would have seen had the file been read. The index file
 * (KESTRAFORM_TREE_INDEX, set by the CLI) is named by kestraform's code and Node's version:
 * another code's entries are never taken. An entry answers one question (the reader, its options
 * and context) about one file; anything unreadable is an empty index.
 *
 * Answers are kept as JSON text, parsed anew at each take (what the app does with one changes
 * nothing kept), and only when JSON gives them back exactly (plain data: no undefined member, no
 * -0, no class instance); the file is one JSON text, parsed once. A run that changed only a few
 * entries does not rewrite the file: the next run reads those few files again.
 */
import { KESTRAFORM_VERSION } from '../version';
import { codeIdentity } from '../util/code-identity';
import { readKeyedFile, writeKeyedFile } from '../util/keyed-file';
import type { ReadContext } from './read-context';

/** The recorder's interface for the index (lib/project/input-recorder.js). */
interface Recorder {
  fileRead(abs: string): { st: number[]; sha256: string; racy: boolean } | undefined;
  knownRead(abs: string, st: number[], sha256: string): boolean;
}

/**
 * What one read added to the context besides what it returned: its problems and the YAML it left
 * out. A read that took an app, a test or a dashboard, or listed an object found, is not kept —
 * whether such an object is a duplicate depends on the files read before it.
 */
interface Effects {
  diagnostics: ReadContext['diagnostics'];
  otherYaml: ReadContext['otherYaml'];
}

interface Entry {
  st: number[];
  sha256: string;
  /** The answer and its effects as JSON text, made when the file was read (what the app did with them later changes nothing here). */
  answer: string;
}

const FORMAT = 3;
/** A run rewrites the index when more entries than this (and than this share of them) were added or not taken. */
const REWRITE_AT_LEAST = 64;
const REWRITE_SHARE = 0.01;

interface Index {
  file: string;
  header: string;
  /** By file and question — the reader and what else its answer depends on (two stacks may read one file, each in its own way). */
  kept: Map<string, Entry>;
  /** What this run took or added: the index written at exit. */
  next: Map<string, Entry>;
  /** Entries this run added to `next` (read anew). */
  added: number;
  /** Reads answered from the index, and all reads asked of it. */
  taken: number;
  asked: number;
}

let index: Index | null | undefined;

function recorder(): Recorder | undefined {
  const r = (globalThis as { __kestraformInputRecorder?: unknown }).__kestraformInputRecorder;
  return r && typeof r === 'object' && typeof (r as Recorder).knownRead === 'function' ? (r as Recorder) : undefined;
}

function open(): Index | null {
  const file = process.env.KESTRAFORM_TREE_INDEX;
  if (!file || !recorder()) return null;
  const header = JSON.stringify({ format: FORMAT, kestraform: KESTRAFORM_VERSION, code: codeIdentity(), node: process.version });
  // None yet, another code's, or unreadable: every file is read.
  const kept = entriesOf(readKeyedFile(file, (h) => h === header));
  const opened: Index = { file, header, kept, next: new Map(), added: 0, taken: 0, asked: 0 };
  process.once('exit', () => save(opened));
  return opened;
}

/**
 * `read()` for the file at `abs` — or what it gave when the file was last read for the same
 * `question` and has not changed since, with what it reported then reported again. `keep`: whether
 * an answer may be written to the index at all.
 */
export function indexedRead<T>(ctx: ReadContext, abs: string, question: string, read: () => T, opts: { keep?: (value: T) => boolean } = {}): T {
  if (index === undefined) index = open();
  const r = recorder();
  if (!index || !r) return read();
  index.asked++;
  const key = `${abs}\0${question}`;
  // Several stacks over one tree ask the same question of a file in one run: each answer is made
  // anew from its bytes, so one read serves them all.
  const entry = index.next.get(key) ?? index.kept.get(key);
  if (entry) {
    let answer: { value: T; effects: Effects } | undefined;
    try {
      answer = JSON.parse(entry.answer) as { value: T; effects: Effects };
    } catch {
      answer = undefined;
    }
    if (answer && r.knownRead(abs, entry.st, entry.sha256)) {
      index.next.set(key, entry);
      index.taken++;
      replay(ctx, answer.effects);
      return answer.value;
    }
  }
  const before = mark(ctx);
  const value = read();
  const noted = r.fileRead(abs);
  const effects = since(ctx, before);
  if (noted && !noted.racy && effects && (opts.keep?.(value) ?? true)) {
    const answer = { value, effects };
    // Not plain data (JSON would not give it back as it is): not kept.
    if (jsonExact(answer)) {
      if (!index.next.has(key)) index.added++;
      index.next.set(key, { st: noted.st, sha256: noted.sha256, answer: JSON.stringify(answer) });
    }
  }
  return value;
}

type Mark = { diagnostics: number; otherYaml: number; others: number };

const othersOf = (ctx: ReadContext) => ctx.found.length + ctx.objects.apps.length + ctx.objects.tests.length + ctx.objects.dashboards.length;

function mark(ctx: ReadContext): Mark {
  return { diagnostics: ctx.diagnostics.length, otherYaml: ctx.otherYaml.length, others: othersOf(ctx) };
}

/** The read's effects, or undefined when it took an object whose reading depends on other files. */
function since(ctx: ReadContext, m: Mark): Effects | undefined {
  if (othersOf(ctx) !== m.others) return undefined;
  return { diagnostics: ctx.diagnostics.slice(m.diagnostics), otherYaml: ctx.otherYaml.slice(m.otherYaml) };
}

function replay(ctx: ReadContext, e: Effects): void {
  ctx.diagnostics.push(...e.diagnostics);
  ctx.otherYaml.push(...e.otherYaml);
}

/**
 * Writes what this run took or added (entries of files it did not look at are dropped), when
 * enough differs from what it found: after an edit of a few files, rewriting megabytes costs more
 * than reading those files again next time (their old entries stay, and are not taken).
 */
function save(i: Index): void {
  if (process.env.KESTRAFORM_SYNTH_CACHE_DEBUG) process.stderr.write(`Tree index: ${i.taken} of ${i.asked} reads taken from it, ${i.next.size} entries kept\n`);
  const changes = i.added + i.kept.size - (i.next.size - i.added); // added, and kept but not taken
  if (changes === 0) return;
  if (i.kept.size > 0 && changes <= Math.max(REWRITE_AT_LEAST, REWRITE_SHARE * i.next.size)) return;
  // Only a speed-up, checked entry by entry against the files: atomic, not durable.
  const rows = [...i.next].map(([key, e]) => [key, e.st, e.sha256, e.answer]);
  writeKeyedFile(i.file, i.header, JSON.stringify(rows), { mode: 0o600, fsync: false, syncDirectory: false });
}

/** The entries of an index file's body (a JSON text of [key, stat, sha256, answer] rows); none when it is anything else. */
function entriesOf(body: unknown): Map<string, Entry> {
  const kept = new Map<string, Entry>();
  if (typeof body !== 'string') return kept;
  try {
    const rows = JSON.parse(body) as unknown;
    if (!Array.isArray(rows)) return kept;
    for (const row of rows) {
      if (!Array.isArray(row) || row.length !== 4) return new Map();
      const [key, st, sha256, answer] = row as unknown[];
      if (typeof key !== 'string' || !Array.isArray(st) || typeof sha256 !== 'string' || typeof answer !== 'string') return new Map();
      kept.set(key, { st: st as number[], sha256, answer });
    }
  } catch {
    return new Map();
  }
  return kept;
}

/** Whether JSON.parse(JSON.stringify(x)) is deeply, strictly equal to x: strings, finite numbers but -0, booleans, null, dense arrays and plain objects of those. */
export function jsonExact(x: unknown): boolean {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(x) && !Object.is(x, -0);
    case 'object': {
      if (x === null) return true;
      if (Array.isArray(x)) {
        if (Object.keys(x).length !== x.length) return false; // holes, or extra members
        for (const v of x) if (!jsonExact(v)) return false;
        return true;
      }
      if (Object.getPrototypeOf(x) !== Object.prototype || Object.getOwnPropertySymbols(x).length) return false;
      for (const k in x) {
        if (!Object.prototype.hasOwnProperty.call(x, k)) return false;
        if (!jsonExact((x as Record<string, unknown>)[k])) return false;
      }
      // A non-enumerable own member (which JSON leaves out) makes it differ too.
      return Object.getOwnPropertyNames(x).length === Object.keys(x).length;
    }
    default:
      return false;
  }
}
